"""Predicted (the static engine's result) against actual (what the worker saw Keras do).

Every summary (or model, with ``all_models``) and the error that stops the script becomes one
``Outcome``: CONFIRMED, MISMATCH (with a readable per-layer diff), UNPREDICTED (Keras did something
the engine did not foresee) or UNVERIFIED (nothing to compare: the engine gave no prediction, or the
sliced script could not reach that point because it needed skipped data).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import zip_longest

from ..shapes.base import Unresolvable
from ..summary.rows import snapshot as take_snapshot

COLUMNS = 80  # the worker's stdout is not a terminal and COLUMNS is unset: Keras uses 80
FIELDS = ("layer", "output shape", "params", "connected to", "trainable")
TOTALS = (" Total params:", " Trainable params:", " Non-trainable params:", " Optimizer params:")
FAILING = ("MISMATCH", "UNPREDICTED")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Outcome:
    status: str  # CONFIRMED, MISMATCH, UNPREDICTED, UNVERIFIED
    line: int | None
    kind: str  # "summary", "model" or "error"
    subject: str  # the model's name, or "ValueError: message"
    diff: list[str] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict:
        return {"status": self.status, "line": self.line, "kind": self.kind, "subject": self.subject,
                "diff": self.diff, "note": self.note}


def compare(result, reply: dict, all_models: bool) -> list[Outcome]:
    events = reply["events"]
    diverged = next((i for i, e in enumerate(events) if e["event"] == "blocked" and not e.get("import")), None)
    if all_models:
        predicted = [(getattr(m.loc, "line", None), m.name, m) for m in result.keras.models]
        actual = [(m["line"], m, len(events)) for m in reply["models"]]
        outcomes = _pair(predicted, actual, "model", reply, result.symbol_names)
    else:
        predicted = [(e.loc.line, e.snapshot.model_name if e.snapshot else "summary()", e) for e in result.summaries]
        actual = [(e["line"], e, i) for i, e in enumerate(events) if e["event"] == "summary"]
        outcomes = _pair(predicted, actual, "summary", reply, result.symbol_names)
    outcomes += _error(result.error, reply["error"], len(events))
    if diverged is not None:
        block = events[diverged]
        note = f"line {block['line']} could not run: {block['why']}"
        for outcome, seq in outcomes:
            if outcome.status in FAILING and seq > diverged:
                outcome.status, outcome.note = "UNVERIFIED", note
    return sorted((o for o, _ in outcomes), key=lambda o: (o.line is None, o.line or 0))


def _pair(predicted, actual, kind: str, reply: dict, symbols: list[str]) -> list[tuple[Outcome, int]]:
    """Match predictions and Keras's records by line, in order within a line."""
    by_line: dict = {}
    for line, name, item in predicted:
        by_line.setdefault(line, ([], []))[0].append((name, item))
    for line, record, seq in actual:
        by_line.setdefault(line, ([], []))[1].append((record, seq))
    stopped = reply["error"] is not None or any(e["event"] == "blocked" for e in reply["events"])
    out = []
    for line, (preds, acts) in by_line.items():
        for pred, act in zip_longest(preds, acts):
            if act is None:
                name = pred[0]
                if stopped:
                    snap, reason = _prediction(pred[1], kind)
                    note = "Keras did not get here" + (f"; not predicted: {reason}" if snap is None else "")
                    out.append((Outcome("UNVERIFIED", line, kind, name, note=note), 1 << 30))
                else:
                    out.append((Outcome("MISMATCH", line, kind, name, ["predicted here, but Keras never got here"]), 0))
                continue
            record, seq = act
            if pred is None:
                out.append((Outcome("UNPREDICTED", line, kind, record["model"],
                                    [f"Keras printed the summary of {record['model']!r}; the engine did not follow this"]), seq))
                continue
            snap, reason = _prediction(pred[1], kind)
            if snap is None:
                out.append((Outcome("UNVERIFIED", line, kind, record["model"], note=f"not predicted: {reason}"), seq))
                continue
            diff = diff_summary(snap, record)
            text = snap.render(None, COLUMNS) if diff and symbols else ""
            shown = [s for s in symbols if s in text]
            if shown:  # a symbolic prediction holds for some values of the symbols: not a mismatch
                note = f"predicted with data-dependent sizes {', '.join(shown)}: give their values with --dim"
                out.append((Outcome("UNVERIFIED", line, kind, record["model"], note=note), seq))
                continue
            out.append((Outcome("MISMATCH" if diff else "CONFIRMED", line, kind, record["model"], diff), seq))
    return out


def _prediction(item, kind: str):
    if kind == "summary":
        return item.snapshot, item.reason
    try:
        return take_snapshot(item), None
    except Unresolvable as exc:
        return None, exc.reason


def _error(predicted, actual: dict | None, seq: int) -> list[tuple[Outcome, int]]:
    if predicted is None and actual is None:
        return []
    if actual is None:
        return [(Outcome("MISMATCH", predicted.loc.line, "error", f"{predicted.kind}: {predicted.message}",
                         ["predicted this error, but the script ran to its end under Keras"]), seq)]
    message = _clean(actual["message"])
    subject = f"{actual['type']}: {message.splitlines()[0] if message else ''}"
    if predicted is None:
        return [(Outcome("UNPREDICTED", actual["line"], "error", subject), seq)]
    same = (predicted.kind == actual["type"] and predicted.loc.line in actual["lines"]
            and _words(predicted.message) in _words(message))
    if same:
        return [(Outcome("CONFIRMED", predicted.loc.line, "error", f"{predicted.kind}: {predicted.message}"), seq)]
    diff = [f"predicted: {predicted.kind} at line {predicted.loc.line}: {predicted.message}",
            f"actual:    {actual['type']} at line {actual['line']}: {' '.join(message.split())}"]
    return [(Outcome("MISMATCH", predicted.loc.line, "error", f"{predicted.kind}: {predicted.message}", diff), seq)]


def _clean(text: str) -> str:
    return ANSI.sub("", text)


def _words(text: str) -> str:
    return " ".join(_clean(text).split())


# -- one summary ---------------------------------------------------------------------------------------
def predicted_cells(snap) -> list[list[str]]:
    cells = []
    for row in snap.rows:
        row_cells = [row.name_cell(), row.shape, row.params]
        if snap.functional:
            row_cells.append(row.connected)
        if snap.show_trainable:
            row_cells.append(row.trainable)
        cells.append(row_cells)
    return cells


def diff_summary(snap, record: dict) -> list[str]:
    """Readable differences between a predicted snapshot and what Keras printed; [] when equal."""
    text = snap.render(None, COLUMNS)
    if text == record["text"]:
        return []
    diff = []
    if snap.model_name != record["model"]:
        diff.append(f"model name: predicted {snap.model_name!r}, actual {record['model']!r}")
    pred, act = predicted_cells(snap), record["cells"]
    if pred and act and len(pred[0]) != len(act[0]):
        diff.append(f"layout: predicted {len(pred[0])} columns, actual {len(act[0])}")
    diff += _diff_rows(pred, act)
    expected, got = _totals(text), _totals(record["text"])
    for label in TOTALS:
        if expected.get(label) != got.get(label):
            diff.append(f"{label.strip()} predicted {expected.get(label, '-')}, actual {got.get(label, '-')}")
    if not diff:  # same content, different drawing: show the text
        lines = difflib.unified_diff(text.splitlines(), record["text"].splitlines(), "predicted", "actual", lineterm="", n=1)
        diff = ["text differs:"] + ["  " + line for line in list(lines)[:40]]
    return diff


def _diff_rows(pred: list[list[str]], act: list[list[str]]) -> list[str]:
    out = []
    matcher = difflib.SequenceMatcher(a=[r[0] for r in pred], b=[r[0] for r in act], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for p, a in zip(pred[i1:i2], act[j1:j2]):
                out += _diff_row(p, a)
            continue
        out += [f"only predicted: {_row(r)}" for r in pred[i1:i2]]
        out += [f"only in Keras:  {_row(r)}" for r in act[j1:j2]]
    return out


def _diff_row(pred: list[str], act: list[str]) -> list[str]:
    label = act[0].strip()
    return [f"{label}: {FIELDS[i]} predicted {p or '-'}, actual {a or '-'}"
            for i, (p, a) in enumerate(zip_longest(pred, act, fillvalue="")) if p != a]


def _row(cells: list[str]) -> str:
    return "  ".join(c.strip() for c in cells)


def _totals(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        for label in TOTALS:
            if line.startswith(label):
                found[label] = line[len(label):].strip()
    return found
