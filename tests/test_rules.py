"""Every rule's own VALID / INVALID examples (Fixit's pattern), and rule metadata."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import textwrap

import pytest

from kerascheck.lint import lint_source
from kerascheck.rules import RULES

EXAMPLES = [(code, "valid", i, src) for code, r in RULES.items() for i, src in enumerate(r.VALID)]
INVALIDS = [(code, i, ex) for code, r in RULES.items() for i, ex in enumerate(r.INVALID)]


@pytest.mark.parametrize("code,kind,index,source", EXAMPLES, ids=[f"{c}-valid-{i}" for c, _, i, _ in EXAMPLES])
def test_valid_example_has_no_diagnostic_of_the_rule(code, kind, index, source):
    found = [d for d in lint_source(source, "example.py") if d.code == code]
    assert not found, [d.format() for d in found]


@pytest.mark.parametrize("code,index,example", INVALIDS, ids=[f"{c}-invalid-{i}" for c, i, _ in INVALIDS])
def test_invalid_example_is_reported_where_expected(code, index, example):
    found = lint_source(example.source, "example.py")
    hits = [d for d in found if d.code == code and d.line == example.line
            and (example.column is None or d.column == example.column)]
    assert hits, f"expected {code} at line {example.line}, got {[d.format() for d in found]}"
    if example.message:
        assert any(example.message in d.message for d in hits), [d.message for d in hits]
    assert all(d.severity == RULES[code].severity for d in hits)


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
        results.append([type(exc).__name__, exc.lineno])
    except Exception as exc:
        tb = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "example.py"]
        results.append([type(exc).__name__, tb[-1].lineno if tb else None])
print(json.dumps(results))
"""


def test_examples_behave_that_way_under_real_keras():
    """Error-severity INVALID examples raise in Keras 3.15 at their line; VALID examples run."""
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
        if kind == "invalid" and (outcome is None or outcome[1] != line):
            wrong.append((code, "INVALID did not raise at its line", outcome, textwrap.shorten(source, 80)))
    assert not wrong, wrong
