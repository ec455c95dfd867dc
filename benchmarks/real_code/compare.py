"""Compare kerascheck's predictions for one script with what the script printed under Keras.

Pure functions over plain data (standard library only), so the test in ``tests/`` checks them on
hand-written tables without mirrors or TensorFlow:

* ``truth``: the recorded ``summaries`` (``[{"line", "text"}]``, in execution order);
* ``predicted``: kerascheck's summary events (``[{"line", "text" | None, "reason" | None,
  "symbolic"}]``, in execution order).

The k-th truth call at line L is matched with the k-th predicted event at line L (a loop or a
function called twice prints at the same line). Each truth call gets one outcome:

``exact``     predicted, byte for byte what Keras printed;
``semantic``  predicted, same layers (types), output shapes, parameter counts and totals, up to
              layer/model names and whitespace (exact ones are not counted here);
``symbolic``  predicted with data-dependent symbols (``64*n_features + 64``) that fit the truth
              (a cell with a symbol matches any value); not compared byte for byte;
``wrong``     predicted, and different (confidently wrong);
``explained`` not predicted, and kerascheck named the call with a reason;
``silent``    kerascheck printed nothing for the call and named no reason (``cause`` says what
              else kerascheck said: an error it predicted before the line, an analysis cut short).
"""

from __future__ import annotations

import re
from collections import defaultdict

OUTCOMES = ("exact", "semantic", "symbolic", "wrong", "explained", "silent")
_BOUNDARY = ("├", "└", "╰", "┡", "┗")
_TOTALS = re.compile(r"^\s*(Total|Trainable|Non-trainable|Optimizer) params:")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def parse_table(text: str) -> dict:
    """The summary's rows (each a list of cells, wrapped lines joined) and totals lines."""
    rows: list[list[str]] = []
    header: list[str] = []
    current: list[list[str]] | None = None
    totals: list[str] = []
    title = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if line.startswith("Model:"):
            title = line
            continue
        if _TOTALS.match(line):
            totals.append(" ".join(line.split()))
            continue
        if stripped[0] in "┃":
            header.append(stripped)
            continue
        if stripped[0] in "│":
            cells = [c.strip() for c in stripped.strip("│").split("│")]
            if current is None:
                current = [[] for _ in cells]
            while len(current) < len(cells):
                current.append([])
            for i, cell in enumerate(cells):
                if cell:
                    current[i].append(cell)
            continue
        if stripped[0] in _BOUNDARY or stripped[0] in "┏┌":
            if current is not None:
                rows.append([" ".join(parts) for parts in current])
                current = None
    if current is not None:
        rows.append([" ".join(parts) for parts in current])
    return {"title": title, "header": " ".join(header), "rows": rows, "totals": totals}


def _layer_type(cell: str) -> str:
    compact = "".join(cell.split())
    match = re.search(r"\(([^()]*)\)$", compact)
    return match.group(1) if match else compact


def _normal_row(row: list[str]) -> tuple:
    cells = ["".join(c.split()) for c in row]
    if not cells:
        return ()
    out = [_layer_type(row[0])]
    out += cells[1:3]
    # "Connected to" names other layers: keep only its structure ([0][0], commas)
    out += [_IDENT.sub("", c) for c in cells[3:]]
    return tuple(out)


def normalise(text: str) -> dict:
    table = parse_table(text)
    return {"header": "".join(table["header"].split()), "rows": [_normal_row(r) for r in table["rows"]],
            "totals": ["".join(t.split()) for t in table["totals"]]}


def _has_symbol(cell: str) -> bool:
    return any(m not in ("None",) for m in _IDENT.findall(cell))


def _cell_fits(predicted: str, truth: str, symbolic: bool) -> bool:
    if predicted == truth:
        return True
    return symbolic and _has_symbol(predicted)


def semantically_equal(predicted: str, truth: str, symbolic: bool = False) -> bool:
    """Same layers, shapes, parameter counts and totals, up to names and whitespace (with
    ``symbolic``, a predicted cell holding a symbol fits any truth cell)."""
    p, t = normalise(predicted), normalise(truth)
    if len(p["rows"]) != len(t["rows"]) or len(p["totals"]) != len(t["totals"]):
        return False
    for prow, trow in zip(p["rows"], t["rows"]):
        if len(prow) != len(trow) or (prow and prow[0] != trow[0]):
            return False
        if not all(_cell_fits(a, b, symbolic) for a, b in zip(prow[1:], trow[1:])):
            return False
    for a, b in zip(p["totals"], t["totals"]):
        if a != b and not (symbolic and a.split(":")[0] == b.split(":")[0] and _has_symbol(a.split(":", 1)[1])):
            return False
    return True


def first_difference(predicted: str, truth: str) -> str:
    """The first line that differs, for the report: ``predicted | truth``."""
    plines, tlines = predicted.splitlines(), truth.splitlines()
    for i in range(max(len(plines), len(tlines))):
        a = plines[i] if i < len(plines) else "<end>"
        b = tlines[i] if i < len(tlines) else "<end>"
        if a != b:
            return f"line {i + 1}: kerascheck {a.strip()!r} / keras {b.strip()!r}"
    return ""


def classify(truth: list[dict], predicted: list[dict], error: dict | None = None,
             cut_short: dict | None = None) -> tuple[list[dict], list[dict]]:
    """One outcome per truth call, and the predicted events no truth call matched (summaries the
    script did not reach offline: unverifiable). ``error``: the Keras error kerascheck predicts
    (``{"line", "message"}``), ``cut_short``: where its analysis stopped (``{"line", "reason"}``),
    both only used to name the cause of a silent call."""
    by_line: dict = defaultdict(list)
    for event in predicted:
        by_line[event.get("line")].append(event)
    used: dict = defaultdict(int)
    outcomes = []
    for call in truth:
        line = call.get("line")
        k = used[line]
        used[line] += 1
        candidates = by_line.get(line, [])
        event = candidates[k] if k < len(candidates) else None
        outcome = {"line": line}
        if event is None:
            outcome["outcome"] = "silent"
            outcome["cause"] = _silent_cause(line, error, cut_short)
        elif event.get("text") is None:
            outcome["outcome"] = "explained"
            outcome["reason"] = event.get("reason") or "(no reason given)"
        elif event["text"] == call["text"]:
            outcome["outcome"] = "exact"
        elif event.get("symbolic") and semantically_equal(event["text"], call["text"], symbolic=True):
            outcome["outcome"] = "symbolic"
        elif not event.get("symbolic") and semantically_equal(event["text"], call["text"]):
            outcome["outcome"] = "semantic"
            outcome["difference"] = first_difference(event["text"], call["text"])
        else:
            outcome["outcome"] = "wrong"
            outcome["difference"] = first_difference(event["text"], call["text"])
        outcomes.append(outcome)
    extra = []
    for line, events in by_line.items():
        extra.extend(events[used.get(line, 0):])
    return outcomes, extra


def _silent_cause(line, error: dict | None, cut_short: dict | None) -> str:
    if cut_short and (line is None or cut_short.get("line") is None or cut_short["line"] <= line):
        return f"after the analysis was cut short at line {cut_short.get('line')}: {cut_short.get('reason')}"
    if error and (line is None or error.get("line") is None or error["line"] <= line):
        return f"after an error kerascheck predicts at line {error.get('line')}: {error.get('message', '')[:160]}"
    return "no summary event at this line"


def tally(outcomes: list[dict]) -> dict:
    counts = {name: 0 for name in OUTCOMES}
    for o in outcomes:
        counts[o["outcome"]] += 1
    counts["reached"] = len(outcomes)
    counts["predicted"] = counts["exact"] + counts["semantic"] + counts["symbolic"] + counts["wrong"]
    return counts


_INTERNAL = re.compile(r"object at 0x|Instance\(cls=|UserClass\(|SymbolicShape|kerascheck\.|libcst|Opaque\(|Unknown\(")


def message_problem(message: str) -> str | None:
    """Why a diagnostic's message is not for people (an internal repr, or too long), else None."""
    if _INTERNAL.search(message):
        return "shows an internal representation"
    if len(message) > 300:
        return f"{len(message)} characters long"
    return None


def reason_group(reason: str) -> str:
    """A reason with its particulars (names, numbers, quoted text) blurred, to group similar ones."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", reason or "")
    text = re.sub(r"\(line \d+\)|line \d+", "line N", text)
    text = re.sub(r"\d+", "N", text)
    return text[:110]
