"""Verify one file: analyse it, slice away training and I/O, run the rest in the worker, compare."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from ..analysis import analyze_file
from ..source_text import SourceDecodeError, decode_source
from .compare import compare
from .runner import Timeout, Worker, WorkerError
from .slicing import slice_source


def verify_file(worker: Worker, path: Path, all_models: bool, timeout: float, with_data: bool = False,
                dims: dict[str, int] | None = None) -> dict:
    shown = str(path)
    report = {"path": shown, "skipped": [], "blocked": [], "outcomes": [], "failure": None, "seconds": None}
    analysis = analyze_file(path, shown, dims=dims)
    if analysis.result is None:
        report["failure"] = "; ".join(d.format() for d in analysis.diagnostics) or "cannot analyse"
        return report
    notebook = analysis.notebook
    try:
        source = notebook.runnable_script() if notebook is not None else decode_source(path.read_bytes())
        sliced = slice_source(source, keep_data=with_data)
    except (cst.ParserSyntaxError, AssertionError, RecursionError, OSError, SourceDecodeError) as exc:
        report["failure"] = f"cannot slice: {exc}"
        return report
    report["skipped"] = [{"line": s.line, "end_line": s.end_line, "reason": s.reason, "detail": s.detail}
                         for s in sliced.skipped]
    request = {"path": str(path.resolve()), "source": sliced.code, "all_models": all_models,
               "names": {name: f"skipped {s.describe()}" for name, s in sliced.names.items()}}
    try:
        reply = worker.request(request, timeout)
    except Timeout as exc:
        report["failure"] = f"{exc} (the worker was restarted)"
        return report
    except WorkerError as exc:
        report["failure"] = str(exc)
        return report
    if "internal" in reply:
        report["failure"] = f"internal error in the worker: {reply['internal']}"
        return report
    report["seconds"] = reply["seconds"]
    report["blocked"] = [{k: e[k] for k in ("line", "end_line", "name", "why")}
                         for e in reply["events"] if e["event"] == "blocked"]
    report["outcomes"] = [o.as_dict() for o in compare(analysis.result, reply, all_models)]
    if notebook is not None:
        _to_cells(report, notebook)
    return report


def _to_cells(report: dict, notebook) -> None:
    """A notebook's report in cell coordinates: ``line`` relative to the cell, and its ``cell``."""
    for entry in (*report["skipped"], *report["blocked"], *report["outcomes"]):
        where = notebook.cell_position(entry["line"]) if entry.get("line") is not None else None
        if where is None:
            continue
        end = notebook.cell_position(entry["end_line"]) if entry.get("end_line") is not None else None
        entry["cell"], entry["line"] = where[0], where[1]
        if "end_line" in entry:
            entry["end_line"] = end[1] if end is not None and end[0] == where[0] else where[1]
