"""Messages for people: every diagnostic on every fixture names values as the user wrote them,
never an internal representation, and stays short enough to read (issue 19, principle 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kerascheck.lint import lint_source
from kerascheck.rules.base import MAX_MESSAGE

ROOT = Path(__file__).resolve().parent.parent
# What a leaked internal representation looks like: a default object repr, the interpreter's or
# libcst's dataclasses, a module path of ours.
INTERNAL = re.compile(r" object at 0x|<kerascheck\.|kerascheck\.\w|\b(Instance|UserClass|Function|BoundMethod|Scope|"
                      r"CustomLayer|SymbolicShape|Unknown)\(|\bFunctionDef\(|\bSimpleStatementLine\(|\bName\(value=")


def _fixtures() -> list[Path]:
    return sorted(p for p in (ROOT / "fixtures").rglob("*.py"))


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_messages_show_no_internals_and_stay_short(path: Path):
    for d in lint_source(path.read_text(encoding="utf-8"), str(path)):
        assert not INTERNAL.search(d.message), f"{d.format()}"
        assert len(d.message) <= MAX_MESSAGE + 60, f"{len(d.message)} characters: {d.format()}"


@pytest.mark.parametrize("source", [
    # a user function where Keras wants a string
    "import keras\ndef f(x):\n    return x\nlayer = keras.layers.TextVectorization(split=f, standardize=f, output_mode=f)\n",
    # a user object where Keras wants a layer
    "import keras\nclass Block:\n    pass\nm = keras.Sequential([keras.Input((3,)), Block()])\n",
    # a user class instance as a layer argument
    "import keras\nclass Units:\n    pass\nd = keras.layers.Dense(Units())\n",
])
def test_user_values_in_messages_are_named_as_written(source: str):
    for d in lint_source(source, "t.py"):
        assert not INTERNAL.search(d.message), d.format()
        assert len(d.message) <= MAX_MESSAGE + 60, d.format()
