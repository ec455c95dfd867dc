"""Hard limits, cleanly (issue 19, principle 8): whatever the file, one clear diagnostic where a
limit is hit, never a crash, a RecursionError or a hang. Each case runs the real CLI in a
subprocess, as a user would, so a segfault or a blown stack fails the test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADER = "import keras\nfrom keras import layers\n"


def _check(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    path = tmp_path / "script.py"
    path.write_text(source)
    return subprocess.run([sys.executable, "-m", "kerascheck.cli", "check", "--no-cache", str(path)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def _chain(n: int) -> str:
    return HEADER + "x = keras.Input(shape=(4,))\ny = x\n" + "y = layers.Dense(4)(y)\n" * n + \
        "m = keras.Model(x, y)\nm.summary()\n"


@pytest.mark.parametrize("source, expected", [
    # deeper than CPython's parser allows: Python's own message, at the file
    (HEADER + "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n", "KC000 SyntaxError: too many nested parentheses"),
    # an expression chain CPython itself refuses to compile (RecursionError during compilation)
    (HEADER + "x = 1\ny = " + " + ".join(["x"] * 20000) + "\n", "KC000 file is nested too deeply to analyse"),
    # a long chain CPython compiles: deep for libcst's parser and for the interpreter's recursion
    (HEADER + "x = 1\ny = " + " + ".join(["x"] * 900) + "\n", None),
    # a loop too long to follow is summarised; the file goes on (and is not cut short)
    (HEADER + "t = 0\nfor i in range(10**9):\n    t += i\nbig = [0] * 10**9\nn = 10**10**10\n", None),
    # larger than the analysis takes: one diagnostic
    (HEADER + "x = 1\n" * 120_000, "KC000 file too large to analyse"),
])
def test_limits_give_one_clear_diagnostic(tmp_path: Path, source: str, expected: str | None):
    proc = _check(tmp_path, source)
    assert proc.returncode in (0, 1), proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    if expected is None:
        assert not [l for l in lines if ":" in l and " KC" in l], proc.stdout
    else:
        assert len(lines) == 2 and expected in lines[0] and lines[1] == "Found 1 error.", proc.stdout


def test_a_model_thousands_of_layers_deep_is_predicted(tmp_path: Path):
    path = tmp_path / "deep.py"
    path.write_text(_chain(3000))
    proc = subprocess.run([sys.executable, "-m", "kerascheck.cli", "summary", "--no-cache", str(path)],
                          capture_output=True, text=True, timeout=600,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert "dense_2999 (Dense)" in proc.stdout and "Total params: 60,000" in proc.stdout


GRAMMAR_SCRIPT = HEADER + '''
import numpy as np

grammar = [[("B", 1)], [("T", 2), ("P", 3)], [([("X", 4)], 4)], [("S", 4)], [("E", None)]]


def generate(rules):
    state = 0
    out = []
    while state is not None:
        symbol, state = rules[state][np.random.randint(len(rules[state]))]
        if isinstance(symbol, list):
            symbol = generate(symbol)
        out.append(symbol)
    return "".join(out)


for _ in range(25):
    print(generate(grammar))
data = [generate(grammar) for _ in range(50_000)]
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(2)])
model.summary()
'''


def test_recursion_and_long_comprehensions_over_unknown_data_have_their_own_budget():
    """A recursive function walking data the analysis cannot read, called in a loop and in a long
    comprehension: each construct is summarised, the file is not cut short, and the model after
    it is predicted."""
    from kerascheck.analysis import analyze_source

    result = analyze_source(GRAMMAR_SCRIPT, "grammar.py").result
    assert result.cut_short is None
    assert [s.snapshot is not None for s in result.summaries] == [True]
