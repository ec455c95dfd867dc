"""Every rule's own VALID / INVALID examples (Fixit's pattern), and rule metadata."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
import textwrap

import pytest

from kerascheck.fix import fix_source, has_fix, rule_fix_safety
from kerascheck.lint import lint_source
from kerascheck.rules import ENGINE_ERROR_ORDER, RULES, EngineErrorRule, Rule
from kerascheck.rules.base import UNSAFE

EXAMPLES = [(code, "valid", i, src) for code, r in RULES.items() for i, src in enumerate(r.VALID)]
INVALIDS = [(code, i, ex) for code, r in RULES.items() for i, ex in enumerate(r.INVALID)]
FIXED = [(code, i, ex) for code, i, ex in INVALIDS if ex.fixed is not None]


@pytest.mark.parametrize("code,kind,index,source", EXAMPLES, ids=[f"{c}-valid-{i}" for c, _, i, _ in EXAMPLES])
def test_valid_example_has_no_diagnostic_of_the_rule(code, kind, index, source):
    found = [d for d in lint_source(source, "example.py") if d.code == code]
    assert not found, [d.format() for d in found]


@pytest.mark.parametrize("code,index,example", INVALIDS, ids=[f"{c}-invalid-{i}" for c, i, _ in INVALIDS])
def test_invalid_example_is_reported_where_expected(code, index, example):
    found = lint_source(example.source, "example.py")
    hits = _hits(code, example)
    assert hits, f"expected {code} at line {example.line}, got {[d.format() for d in found]}"
    if example.message:
        assert any(example.message in d.message for d in hits), [d.message for d in hits]
    assert all(d.severity == RULES[code].severity for d in hits)


def _hits(code, example):
    return [d for d in lint_source(example.source, "example.py") if d.code == code and d.line == example.line
            and (example.column is None or d.column == example.column)]


@pytest.mark.parametrize("code,index,example", FIXED, ids=[f"{c}-fixed-{i}" for c, i, _ in FIXED])
def test_invalid_example_is_fixed_as_written(code, index, example):
    """``fixed``: what ``check --fix`` makes of the example (``--unsafe-fixes`` when the rule's fix of
    it is unsafe, and then only with the flag); fixing again changes nothing, no fixable diagnostic is left."""
    rule = RULES[code]()
    unsafe = any(rule_fix_safety(rule, d) == UNSAFE for d in _hits(code, example))
    result = fix_source(example.source, "example.py", unsafe=unsafe)
    assert result.fixed == example.fixed
    ast.parse(example.fixed)
    assert any(d.code == code for d in result.applied)
    assert not [d for d in result.remaining if has_fix(RULES.get(d.code))]
    assert fix_source(result.fixed, "example.py", unsafe=unsafe).fixed == result.fixed
    if unsafe:
        assert fix_source(example.source, "example.py").fixed != example.fixed


@pytest.mark.parametrize("code", list(RULES))
def test_fix_is_declared_with_its_safety(code):
    """A rule with a ``fix`` declares ``fix_safety`` ("safe" / "unsafe"), one without leaves it None;
    a rule with a fix shows it on an INVALID example with ``fixed``."""
    rule = RULES[code]
    assert (rule.fix is not Rule.fix) == rule.has_fix()
    assert rule.fix_safety in (None, "safe", "unsafe")
    if rule.has_fix():
        assert any(ex.fixed is not None for ex in rule.INVALID), "show the fix: Invalid(..., fixed=...)"


def test_output_activations_come_from_the_recorded_signatures():
    from kerascheck.rules._facts import ACTIVATION_ARGUMENT, ACTIVATIONS

    assert {name: ACTIVATION_ARGUMENT.get(name) for name in ("Dense", "Conv2D", "Activation", "LSTM", "ConvLSTM2D")} \
        == {"Dense": "linear", "Conv2D": "linear", "Activation": "linear", "LSTM": "tanh", "ConvLSTM2D": "tanh"}
    assert not [name for name in ACTIVATION_ARGUMENT if name.endswith("Cell")]
    assert set(ACTIVATION_ARGUMENT.values()) <= set(ACTIVATIONS)


def test_engine_error_order():
    """Specific rules claim an engine error before the general ones; KC100 (any error) comes last."""
    engine = [code for code, rule in RULES.items() if issubclass(rule, EngineErrorRule)]
    assert sorted(ENGINE_ERROR_ORDER) == sorted(engine)
    assert list(ENGINE_ERROR_ORDER) == ["KC110", "KC104", "KC107", "KC101", "KC102", "KC103", "KC106", "KC109", "KC201",
                                        "KC202", "KC301", "KC401", "KC105", "KC402", "KC108", "KC100"]


@pytest.mark.parametrize("code", list(RULES))
def test_rule_is_documented(code):
    rule = RULES[code]
    assert re.fullmatch(r"KC\d{3}", rule.code) and rule.code == code
    assert rule.severity in ("error", "warning") or (code == "KC001" and rule.severity == "info")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    doc = rule.doc()
    assert len(doc.splitlines()) >= 3, "the docstring says what, why and how to fix (tests/test_rule_docs.py)"
    assert rule.INVALID, "every rule needs at least one INVALID example"


RUNNER = r"""
import json, os, sys, io, contextlib, traceback
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import warnings; warnings.filterwarnings("ignore")
import keras
results = []
for source in json.load(sys.stdin):
    keras.backend.clear_session()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, "example.py", "exec"), {"__name__": "__main__"})
        results.append(None)
    except SyntaxError as exc:  # KC000's examples: raised by compile, at Python's own line
        results.append([type(exc).__name__, exc.lineno, exc.lineno])
    except Exception as exc:
        tb = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "example.py"]
        # The lines of the expression that raised (a call written over several lines).
        results.append([type(exc).__name__, tb[-1].lineno if tb else None, tb[-1].end_lineno if tb else None])
print(json.dumps(results))
"""


def test_examples_behave_that_way_under_real_keras():
    """Error-severity INVALID examples raise in Keras 3.15 at their line (in the expression that spans
    it: the argument a rule points at inside a call written over several lines); VALID examples run."""
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("needs the verify extra (TensorFlow)")
    cases = [(c, "valid", s, None) for c, _, _, s in EXAMPLES]
    cases += [(c, "invalid", ex.source, ex.line) for c, _, ex in INVALIDS if RULES[c].severity == "error"]
    proc = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps([s for _, _, s, _ in cases]),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcomes = json.loads(proc.stdout.strip().splitlines()[-1])
    wrong = []
    for (code, kind, source, line), outcome in zip(cases, outcomes):
        if kind == "valid" and outcome is not None:
            wrong.append((code, "VALID raised", outcome, textwrap.shorten(source, 80)))
        if kind == "invalid" and (outcome is None or outcome[1] is None
                                  or not outcome[1] <= line <= (outcome[2] or outcome[1])):
            wrong.append((code, "INVALID did not raise at its line", outcome, textwrap.shorten(source, 80)))
    assert not wrong, wrong
