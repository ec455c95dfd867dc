"""``kerascheck summary FILE...``: print what each ``model.summary()`` call prints under Keras 3."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import click

from .options import dims_option, terminal_columns

if TYPE_CHECKING:
    from ..analysis import FileAnalysis


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--all-models", is_flag=True, help="Print every model the script builds, as it stands at the end.")
@click.option("--line-length", type=click.IntRange(min=1), default=None, help="Table width, like summary(line_length=...).")
@click.option("--show-unresolved", is_flag=True, help="Also list, on stderr, statements the analysis could not follow.")
@dims_option("Give a data-dependent size its value (e.g. --dim n_features=30); repeatable.")
@click.option("--no-cache", is_flag=True, help="Analyse every file again instead of replaying .kerascheck_cache/.")
@click.option("--cell", type=click.IntRange(min=1), default=None,
              help="In a notebook, only the summaries called in cell N (1-based, markdown cells counted).")
def summary(files: tuple[str, ...], all_models: bool, line_length: int | None, show_unresolved: bool,
            dims: dict[str, int], no_cache: bool, cell: int | None) -> None:
    """Print what each model.summary() call in FILES prints under Keras 3.

    Sizes that depend on data (``X_train.shape[1]``, ``len(vocab)``) are shown as named symbols
    (``64*n_features + 64``) until --dim gives them a value.
    """
    from ..cache import SummaryCache
    from ..config import ConfigError, find_pyproject

    if cell is not None and all_models:
        raise click.UsageError("--cell selects summary() calls; it does not go with --all-models")
    columns = terminal_columns()
    cache = None
    if not no_cache and not os.environ.get("KERASCHECK_DEBUG"):  # debug output goes around the cache
        try:
            pyproject = find_pyproject(Path(files[0]).resolve())
        except ConfigError as exc:
            click.echo(f"kerascheck: error: {exc}", err=True)
            sys.exit(2)
        cache = SummaryCache(pyproject.parent if pyproject else Path.cwd())
    options = repr((all_models, line_length, columns, show_unresolved, sorted(dims.items()), cell))
    status = 0
    for path in files:
        key = data = None
        if cache is not None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                pass  # reported by the analysis
            else:
                key = cache.key(data, path, options)
                hit = cache.get(key)
                if hit is not None:
                    ok = _replay(hit)
                    status = max(status, 0 if ok else 1)
                    continue
        output: list = []

        def emit(text: str, err: bool) -> None:
            output.append([text, err])
            _emit(text, err)

        from ..analysis import analyze_file

        try:
            analysis = analyze_file(Path(path), path, data, dims=dims)
        except Exception as exc:  # an internal error must not stop the other files
            click.echo(f"{path}:1:1: internal error: {type(exc).__name__}: {exc}", err=True)
            status = 2
            continue
        ok = _print_summaries(analysis, all_models, line_length, columns, show_unresolved, emit, cell)
        if not ok:
            status = max(status, 1)
        if key is not None:
            dependencies = analysis.result.dependencies if analysis.result is not None else set()
            cache.put(key, [ok, output], dependencies)
    sys.exit(status)


def _emit(text: str, err: bool) -> None:
    """One piece of ``summary``'s output: a message line on stderr, or a table on stdout."""
    if err:
        click.echo(text, err=True)
    else:
        sys.stdout.write(text)


def _replay(entry: list) -> bool:
    """Print a cached ``summary`` output as it was printed; returns whether the file was analysed."""
    ok, output = entry
    for text, err in output:
        _emit(text, err)
    sys.stdout.flush()
    return ok


def _print_summaries(analysis: "FileAnalysis", all_models: bool, line_length: int | None, columns: int,
                     show_unresolved: bool, emit: Callable[[str, bool], None] = _emit, cell: int | None = None) -> bool:
    """Print one file's summaries; False when the file could not be analysed (e.g. a syntax error)."""
    from ..frontend.result import Assumption
    from ..shapes.base import Unresolvable
    from ..summary.rows import snapshot

    for diag in analysis.diagnostics:
        emit(diag.format(), True)
    result = analysis.result
    if result is None:
        return False
    printed: list[str] = []  # the tables, to name the symbols they show

    def table(text: str) -> None:
        printed.append(text)
        emit(text, False)

    if all_models:
        for model in result.keras.models:
            try:
                table(snapshot(model).render(line_length, columns))
            except Unresolvable as exc:
                emit(f"{analysis.path}: model {model.name} is unresolved: {exc.reason}", True)
    else:
        for event in result.summaries:
            if cell is not None and not _in_cell(analysis, event.loc.line, cell):
                continue
            if event.snapshot is None:
                emit(f"{analysis.where(event.loc.line, event.loc.column)}: summary() not predicted: {event.reason}", True)
                continue
            table(event.snapshot.render(line_length, columns))
    for event in result.events_of(Assumption):
        emit(f"{analysis.path}: note: assuming {event.what}", True)
    shown = [name for name in result.symbol_names if any(name in text for text in printed)]
    if shown:
        emit(f"{analysis.path}: note: data-dependent sizes shown as symbols: {', '.join(shown)} "
             "(give values with --dim NAME=VALUE)", True)
    if show_unresolved:
        for loc, reason in result.unresolved:
            emit(f"{analysis.where(loc.line, loc.column)}: unresolved: {reason}", True)
    sys.stdout.flush()
    return True


def _in_cell(analysis: "FileAnalysis", line: int, cell: int) -> bool:
    """Whether a line of the analysed text is in notebook cell ``cell`` (a script has no cells: all of it)."""
    if analysis.notebook is None:
        return True
    found = analysis.notebook.cell_position(line)
    return found is not None and found[0] == cell
