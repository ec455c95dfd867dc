"""Every bug in the seed fixtures is reported with the right code at the right line; clean fixtures
get no error-severity diagnostic.

The expected line comes from each bug file itself: its ``NAME.recording.json`` (the line real Keras
raised at, recorded by scripts/record.py) and its ``# BUG:`` comment, which must agree. Files whose
recording has no error (Keras 3 accepts the code: the ``.output`` of a shared layer, ``Embedding
(input_length=)``) must get a warning there and no error anywhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kerascheck.lint import lint_source
from kerascheck.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
BUGS = sorted((ROOT / "fixtures" / "bugs").glob("*.py"))
CLEAN = sorted((ROOT / "fixtures" / "seeds").glob("*.py")) + sorted((ROOT / "fixtures" / "features").glob("*.py"))

# The rule that should claim each kind of seed bug (keyed by the bug file's name after the seed
# number). Lines are never listed here: they come from the recordings and the BUG comments.
EXPECTED_CODE = {
    "conv2d_not_imported": "KC401",
    "keras_not_imported": "KC401",
    "tf_not_imported": "KC401",
    "get_input_shape_at": "KC301",
    "get_output_at": "KC301",
    "input_shape_attr": "KC301",
    "output_multiple_nodes": "KC205",
    "embedding_input_length": "KC304",
    "from_config_no_classmethod": "KC402",
    "input_shape_int": "KC109",
    "reshape_wrong_size": "KC102",
}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def bug_kind(path: Path) -> str:
    return path.stem.split("_", 1)[1]


def bug_comment_line(source: str) -> int:
    lines = [i for i, line in enumerate(source.splitlines(), 1) if re.search(r"#\s*BUG\b", line)]
    assert len(lines) == 1, f"expected exactly one '# BUG' comment, found lines {lines}"
    return lines[0]


def recorded_error(path: Path) -> dict | None:
    return json.loads(path.with_name(path.stem + ".recording.json").read_text(encoding="utf-8"))["error"]


def core_message(message: str) -> str:
    """The line of Keras's message that says what is wrong (without the "Exception encountered
    when calling X.call()" wrapper and the terminal colour codes)."""
    for line in _ANSI.sub("", message).splitlines():
        line = line.strip()
        if line and not line.startswith("Exception encountered when calling"):
            return line
    return message.strip()


@pytest.mark.parametrize("path", BUGS, ids=[p.stem for p in BUGS])
def test_seed_bug_reported_with_its_code_at_its_line(path):
    source = path.read_text(encoding="utf-8")
    line = bug_comment_line(source)
    error = recorded_error(path)
    found = lint_source(source, str(path))
    errors = [d for d in found if d.severity == "error"]
    expected_code = EXPECTED_CODE.get(bug_kind(path))
    if error is not None:
        assert error["line"] == line, "the recording and the BUG comment disagree"
        hits = [d for d in errors if d.line == line]
        assert hits, f"no error at line {line}: {[d.format() for d in found]}"
        # The script stops at Keras's line; the analysis goes on and may find more errors after it.
        assert [d.line for d in errors if d.stops_script] == [line], [d.format() for d in errors]
        assert all(d.line >= line for d in errors), f"errors before Keras's stop: {[d.format() for d in errors]}"
        assert all(d.code != "KC100" for d in hits), "a specific rule should claim a seed bug"
        if expected_code:
            assert [d.code for d in hits] == [expected_code], [d.format() for d in hits]
        assert any(core_message(error["message"]) in d.message for d in hits), \
            (core_message(error["message"]), [d.message for d in hits])
    else:
        assert not errors, f"Keras 3 does not raise here, yet: {[d.format() for d in errors]}"
        hits = [d for d in found if d.line == line and d.severity == "warning"]
        assert hits, f"no warning at line {line}: {[d.format() for d in found]}"
        if expected_code:
            assert expected_code in [d.code for d in hits], [d.format() for d in hits]


@pytest.mark.parametrize("path", CLEAN, ids=[f"{p.parent.name}/{p.stem}" for p in CLEAN])
def test_clean_fixture_has_no_error(path):
    found = lint_source(path.read_text(encoding="utf-8"), str(path))
    errors = [d.format() for d in found if d.severity == "error"]
    assert not errors


def test_expected_codes_are_rules():
    assert set(EXPECTED_CODE.values()) <= set(RULES)
    assert {bug_kind(p) for p in BUGS} <= set(EXPECTED_CODE), "a new kind of seed bug: add its expected rule"


def test_from_config_definition_is_flagged_too():
    """Seed 002's from_config: the call raises (KC402) and the definition is reported (KC501)."""
    path = next(p for p in BUGS if bug_kind(p) == "from_config_no_classmethod")
    source = path.read_text(encoding="utf-8")
    def_line = next(i for i, l in enumerate(source.splitlines(), 1) if "def from_config" in l)
    assert any(d.code == "KC501" and d.line == def_line for d in lint_source(source, str(path)))
