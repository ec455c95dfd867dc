"""Command line: ``kerascheck summary`` and ``kerascheck check``. A thin face over ``analysis``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .analysis import FileAnalysis, analyze_file

EXCLUDED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
                 "build", "dist", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".kerascheck_cache"}


def iter_python_files(paths: tuple[str, ...]):
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS and not d.endswith(".egg-info"))
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield Path(root) / name
        else:
            yield path


def terminal_columns() -> int:
    """The width Keras's summary measures: env COLUMNS, else the terminal on stdout, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return columns
    except ValueError:
        pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kerascheck")
def main() -> None:
    """Static shape checking for Keras code: predicts model.summary() and what Keras will raise."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--all-models", is_flag=True, help="Print every model the script builds, as it stands at the end.")
@click.option("--line-length", type=click.IntRange(min=1), default=None, help="Table width, like summary(line_length=...).")
@click.option("--show-unresolved", is_flag=True, help="Also list, on stderr, statements the analysis could not follow.")
def summary(files: tuple[str, ...], all_models: bool, line_length: int | None, show_unresolved: bool) -> None:
    """Print what each model.summary() call in FILES prints under Keras 3."""
    columns = terminal_columns()
    status = 0
    for path in files:
        try:
            analysis = analyze_file(Path(path), path)
        except Exception as exc:  # an internal error must not stop the other files
            click.echo(f"{path}:1:1: internal error: {type(exc).__name__}: {exc}", err=True)
            status = 2
            continue
        if not _print_summaries(analysis, all_models, line_length, columns, show_unresolved):
            status = max(status, 1)
    sys.exit(status)


def _print_summaries(analysis: FileAnalysis, all_models: bool, line_length: int | None, columns: int,
                     show_unresolved: bool) -> bool:
    from .summary.rows import snapshot
    from .shapes.base import Unresolvable

    """Print one file's summaries; False when the file could not be analysed (e.g. a syntax error)."""
    for diag in analysis.diagnostics:
        click.echo(diag.format(), err=True)
    result = analysis.result
    if result is None:
        return False
    out = sys.stdout
    if all_models:
        for model in result.keras.models:
            try:
                out.write(snapshot(model).render(line_length, columns))
            except Unresolvable as exc:
                click.echo(f"{analysis.path}: model {model.name} is unresolved: {exc.reason}", err=True)
    else:
        for event in result.summaries:
            if event.snapshot is None:
                click.echo(f"{analysis.path}:{event.loc.line}:{event.loc.column}: summary() not predicted: {event.reason}", err=True)
                continue
            out.write(event.snapshot.render(line_length, columns))
    if show_unresolved:
        for loc, reason in result.unresolved:
            click.echo(f"{analysis.path}:{loc.line}:{loc.column}: unresolved: {reason}", err=True)
    out.flush()
    return True


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--show-unresolved", is_flag=True, help="Also list statements the analysis could not follow.")
def check(paths: tuple[str, ...], show_unresolved: bool) -> None:
    """Report what Keras will raise in PATHS (files or directories)."""
    reported = False
    internal = False
    for path in iter_python_files(paths):
        try:
            analysis = analyze_file(path, str(path))
        except Exception as exc:
            click.echo(f"{path}:1:1: internal error: {type(exc).__name__}: {exc}", err=True)
            internal = True
            continue
        for diag in analysis.diagnostics:
            click.echo(diag.format())
            reported = True
        if show_unresolved and analysis.result is not None:
            for loc, reason in analysis.result.unresolved:
                click.echo(f"{analysis.path}:{loc.line}:{loc.column}: unresolved: {reason}")
    sys.exit(2 if internal else 1 if reported else 0)


if __name__ == "__main__":
    main()
