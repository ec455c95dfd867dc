"""Replay real Keras summary tables (fixtures/format/tables.json, scripts/record_tables.py) through the renderer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kerascheck.summary.table import Row, Totals, column_widths, default_line_length, format_size, render

RECORDING = json.loads((Path(__file__).resolve().parent.parent / "fixtures/format/tables.json").read_text("utf-8"))
CASES = [pytest.param(case, id=case["id"]) for case in RECORDING["cases"]]


def _rows(case) -> list[Row]:
    return [Row(**row) for row in RECORDING["rowsets"][case["rows"]]] if "rows" in case else []


def _totals(case) -> Totals:
    t = case["totals"]
    return Totals(*t["total"], *t["trainable"], *t["non_trainable"],
                  optimizer=tuple(t["optimizer"]) if t["optimizer"] else None)


def _render(case, totals):
    return render(case["model_name"], _rows(case), totals, functional=case["functional"],
                  line_length=case["line_length"], show_trainable=case["show_trainable"], columns=case["columns"])


@pytest.mark.parametrize("case", CASES)
def test_render_matches_keras(case):
    if "error" in case:
        with pytest.raises(ValueError, match="Insufficient console width"):
            _render(case, Totals(0, 0, 0, 0, 0, 0))
    else:
        assert _render(case, _totals(case)) == case["text"]


@pytest.mark.parametrize("case", [c for c in CASES if c.values[0]["line_length"] is None and "error" not in c.values[0]])
def test_default_line_length(case):
    expected = case["effective_line_length"]
    assert default_line_length(case["functional"], case["show_trainable"], case["columns"]) == expected
    # The table spans exactly the line length (unless the console crops it).
    top = next(line for line in case["text"].split("\n") if line.startswith("┏"))
    assert len(top) == min(expected, case["columns"] or 80)
    widths = column_widths(expected, case["functional"], case["show_trainable"])
    assert sum(widths) + len(widths) + 1 == expected  # inner widths plus the bars


def test_default_line_length_rule():
    assert default_line_length(False) == 76  # no COLUMNS, no terminal: 80 - 4
    assert default_line_length(True, columns=200) == 108
    assert default_line_length(True, True, columns=200) == 120
    assert default_line_length(False, True, columns=60) == 56


@pytest.mark.parametrize("n_bytes, text", RECORDING["sizes"])
def test_format_size(n_bytes, text):
    assert format_size(n_bytes) == text


def test_recording_is_broad():
    cases = RECORDING["cases"]
    assert len(cases) >= 300
    assert any(c.get("totals", {}).get("optimizer") for c in cases)
    assert {c["columns"] for c in cases} >= {None, 60, 100, 200}
    assert any("error" in c for c in cases) and any(c.get("expand_nested") for c in cases)
