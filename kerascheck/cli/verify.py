"""``kerascheck verify PATH...``: run the scripts under real Keras and check every prediction.

TensorFlow runs in a worker process (``kerascheck.verify.runner``); this module only parses the
options and prints the reports ``kerascheck.verify.session.verify_file`` returns.
"""

from __future__ import annotations

import json
import sys
import time

import click

from ..files import iter_python_files
from ..verify.compare import FAILING, Outcome
from ..verify.runner import INSTALL_HINT, Worker, WorkerError, find_python
from ..verify.session import verify_file
from .options import dims_option


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
@dims_option("Give a data-dependent size its value in the predictions (as for `summary`); repeatable.")
def verify(paths: tuple[str, ...], all_models: bool, device: str, timeout: float, python: str | None,
           output_format: str, with_data: bool, dims: dict[str, int]) -> None:
    """Run the model-building code of PATHS under real TensorFlow/Keras and compare with the predictions.

    Training, evaluation, data loading, file and network I/O and plotting are skipped (and reported).
    Exit status 0 when every prediction is confirmed, 1 on a mismatch or something Keras did that
    was not predicted, 2 when verification could not run."""
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


def _where(path: str, entry: dict) -> str:
    if entry.get("line") is None:
        return path
    return f"{path}:cell {entry['cell']}:{entry['line']}" if entry.get("cell") else f"{path}:{entry['line']}"


def _print_report(report: dict) -> None:
    path = report["path"]
    for s in report["skipped"]:
        click.echo(f"{_where(path, s)}: skipped ({s['reason']}: {s['detail']})")
    for b in report["blocked"]:
        click.echo(f"{_where(path, b)}: could not run: {b['why']}")
    if report["failure"]:
        click.echo(f"{path}: NOT RUN {report['failure']}")
    for o in report["outcomes"]:
        outcome = Outcome(**{k: v for k, v in o.items() if k != "cell"})
        line = _where(path, o)
        click.echo(f"{line}: {outcome.status} {outcome.subject}" + (f" ({outcome.note})" if outcome.note else ""))
        for entry in outcome.diff:
            click.echo(f"    {entry}")
    sys.stdout.flush()


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)
