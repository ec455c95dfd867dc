"""The silent model faults of fixtures/faults/ (one per file, Stack Overflow style): each is
reported with its code at the line of its ``# FAULT:`` comment and nothing else is; each clean twin
(``*_fixed.py``) gets no diagnostic at all; and under real Keras every one of them runs (builds
and compiles) without an exception, which is what makes them silent."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kerascheck.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from faults import diagnostics, evaluate, load_faults  # noqa: E402

FAULTS = load_faults()


def test_the_set_is_large_and_covers_every_category():
    assert len(FAULTS) >= 25
    categories = {f.category for f in FAULTS}
    assert {"loss-activation", "softmax-one-unit", "missing-flatten", "channels-first", "api-misuse"} <= categories
    assert all(f.twin.exists() for f in FAULTS)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.path.stem for f in FAULTS])
def test_fault_is_reported_at_its_line_and_nothing_else(fault):
    assert fault.expected, "every fault file marks its line with '# FAULT: KCxxx'"
    found = diagnostics(fault.path)
    assert sorted((d.code, d.line) for d in found) == sorted(fault.expected), [d.format() for d in found]
    assert all(d.severity == "warning" for d in found), "these faults run: they are warnings"


@pytest.mark.parametrize("fault", FAULTS, ids=[f.twin.stem for f in FAULTS])
def test_clean_twin_gets_no_diagnostic(fault):
    found = diagnostics(fault.twin)
    assert not found, [d.format() for d in found]


def test_catch_rate_report_counts_what_the_rules_find():
    result = evaluate(FAULTS[:3])
    assert sum(row["faults"] for row in result["categories"].values()) == 3
    assert sum(row["caught"] for row in result["categories"].values()) == 3 - len(result["misses"])


def test_design_smells_are_opt_in():
    assert not any(c.startswith("KC65") for c in Config().enabled_codes())
    assert not any(c.startswith("KC65") for c in Config(select=["ALL"]).enabled_codes())
    assert not any(c.startswith("KC65") for c in Config(select=["KC6"]).enabled_codes())
    assert {"KC651", "KC655"} <= Config(extend_select=["KC65"]).enabled_codes()
    assert Config(select=["KC652"]).enabled_codes() == {"KC652"}
    assert "KC601" in Config().enabled_codes()


RUNNER = r"""
import json, os, sys, io, contextlib
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import warnings; warnings.filterwarnings("ignore")
import keras
results = []
for path in json.load(sys.stdin):
    keras.backend.clear_session()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(open(path).read(), path, "exec"), {"__name__": "__main__"})
        results.append(None)
    except Exception as exc:
        results.append(f"{type(exc).__name__}: {str(exc)[:200]}")
print(json.dumps(results))
"""


def test_every_fault_and_twin_runs_under_real_keras():
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("needs the verify extra (TensorFlow)")
    paths = [str(p) for f in FAULTS for p in (f.path, f.twin)]
    proc = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(paths), capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcomes = json.loads(proc.stdout.strip().splitlines()[-1])
    raised = {Path(p).name: o for p, o in zip(paths, outcomes) if o is not None}
    assert not raised, raised
