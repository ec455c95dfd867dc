"""``kerascheck verify PATH...``: run the scripts under real Keras and check every prediction."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
import libcst as cst

from ..analysis import analyze_file
from .compare import FAILING, Outcome, compare
from .runner import INSTALL_HINT, Timeout, Worker, WorkerError, find_python
from .slicing import slice_source


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--all-models", is_flag=True, help="Compare every model the script builds, instead of each summary() call.")
@click.option("--device", type=click.Choice(["cpu", "gpu", "auto"]), default="cpu", show_default=True,
              help="Where TensorFlow runs: cpu hides GPUs; gpu fails without one; auto uses one when TensorFlow sees it.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="Seconds allowed per file (the worker is restarted after a timeout).")
@click.option("--python", "python", metavar="PATH", default=None,
              help="Python that has TensorFlow (default: $KERASCHECK_PYTHON, else this one if it has TensorFlow).")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--with-data", is_flag=True, help="Also run data loading, so data-dependent sizes are real.")
@click.option("--dim", "dims", multiple=True, metavar="NAME=VALUE", callback=lambda _c, _p, v: _parse_dims(v),
              help="Give a data-dependent size its value in the predictions (as for `summary`); repeatable.")
def verify(paths: tuple[str, ...], all_models: bool, device: str, timeout: float, python: str | None,
           output_format: str, with_data: bool, dims: dict[str, int]) -> None:
    """Run the model-building code of PATHS under real TensorFlow/Keras and compare with the predictions.

    Training, evaluation, data loading, file and network I/O and plotting are skipped (and reported).
    Exit status 0 when every prediction is confirmed, 1 on a mismatch or something Keras did that
    was not predicted, 2 when verification could not run."""
    from ..cli import iter_python_files

    started = time.perf_counter()
    interpreter = find_python(python)
    if interpreter is None:
        _fail(f"kerascheck verify needs TensorFlow: {INSTALL_HINT} (or --python PATH / KERASCHECK_PYTHON)")
    worker = Worker(interpreter, device)
    try:
        info = worker.start()
    except WorkerError as exc:
        _fail(f"kerascheck verify: {exc}" + (f"; {INSTALL_HINT}" if exc.missing else ""))
    if device == "auto":
        where = f"GPU ({', '.join(info['gpus'])})" if info["gpus"] else "CPU: TensorFlow sees no GPU"
        click.echo(f"kerascheck verify: running on {where}", err=True)
    text = output_format == "text"
    reports = []
    try:
        for path in iter_python_files(paths):
            report = verify_file(worker, path, all_models, timeout, with_data, dims)
            reports.append(report)
            if text:
                _print_report(report)
    finally:
        worker.close()
    status = 2 if any(r["failure"] for r in reports) else \
        1 if any(o["status"] in FAILING for r in reports for o in r["outcomes"]) else 0
    checked = sum(1 for r in reports for o in r["outcomes"] if o["kind"] != "error")
    model_seconds = sum(r["seconds"] or 0 for r in reports)
    timing = {"total_seconds": time.perf_counter() - started, "import_seconds": info["import_seconds"],
              "run_seconds": model_seconds, "models": checked, "worker_starts": worker.starts}
    if text:
        per = f", {model_seconds / checked:.2f} s per model" if checked else ""
        click.echo(f"kerascheck verify: {len(reports)} files, {checked} models in {timing['total_seconds']:.1f} s "
                   f"(TensorFlow {info['tensorflow']} import {info['import_seconds']:.1f} s, "
                   f"scripts {model_seconds:.1f} s{per}) on {info['device']}", err=True)
    else:
        versions = {k: info[k] for k in ("python", "tensorflow", "keras", "device", "gpus")}
        click.echo(json.dumps({**versions, "status": status, "timing": timing, "files": reports}, indent=2))
    sys.exit(status)


def _parse_dims(values: tuple[str, ...]) -> dict[str, int]:
    from ..cli import parse_dims  # (cli imports this module)

    return parse_dims(values)


def verify_file(worker: Worker, path: Path, all_models: bool, timeout: float, with_data: bool = False,
                dims: dict[str, int] | None = None) -> dict:
    shown = str(path)
    report = {"path": shown, "skipped": [], "blocked": [], "outcomes": [], "failure": None, "seconds": None}
    analysis = analyze_file(path, shown, dims=dims)
    if analysis.result is None:
        report["failure"] = "; ".join(d.format() for d in analysis.diagnostics) or "cannot analyse"
        return report
    try:
        sliced = slice_source(path.read_text(encoding="utf-8"), keep_data=with_data)
    except (cst.ParserSyntaxError, AssertionError, RecursionError) as exc:
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
    return report


def _print_report(report: dict) -> None:
    path = report["path"]
    for s in report["skipped"]:
        click.echo(f"{path}:{s['line']}: skipped ({s['reason']}: {s['detail']})")
    for b in report["blocked"]:
        click.echo(f"{path}:{b['line']}: could not run: {b['why']}")
    if report["failure"]:
        click.echo(f"{path}: NOT RUN {report['failure']}")
    for o in report["outcomes"]:
        outcome = Outcome(**o)
        line = f"{path}:{outcome.line}" if outcome.line is not None else path
        click.echo(f"{line}: {outcome.status} {outcome.subject}" + (f" ({outcome.note})" if outcome.note else ""))
        for entry in outcome.diff:
            click.echo(f"    {entry}")
    sys.stdout.flush()


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)
