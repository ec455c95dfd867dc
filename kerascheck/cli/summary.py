"""Command line: ``kerascheck summary`` and ``kerascheck check``. A thin face over ``analysis``.

The engine, libcst and the rules are imported by the commands that need them, not here: their
import is most of a short run, and a result replayed from the cache needs none of them.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import click

from . import __version__
from .diagnostics import CUT_SHORT
from .files import iter_python_files  # light (pathspec is imported when a folder is walked); verify uses it
from .report import FORMATS

if TYPE_CHECKING:
    from .analysis import FileAnalysis

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


class _LazyGroup(click.Group):
    """Subcommands defined in heavier modules, imported only when one is run or listed (--help)."""

    LAZY = {"verify": ".verify.command", "layers": ".layers_command", "lsp": ".lsp.command"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            self.add_command(getattr(importlib.import_module(self.LAZY[name], __package__), name))
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kerascheck")
def main() -> None:
    """Static shape checking for Keras code: predicts model.summary() and what Keras will raise."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--all-models", is_flag=True, help="Print every model the script builds, as it stands at the end.")
@click.option("--line-length", type=click.IntRange(min=1), default=None, help="Table width, like summary(line_length=...).")
@click.option("--show-unresolved", is_flag=True, help="Also list, on stderr, statements the analysis could not follow.")
@click.option("--dim", "dims", multiple=True, metavar="NAME=VALUE", callback=lambda _c, _p, v: parse_dims(v),
              help="Give a data-dependent size its value (e.g. --dim n_features=30); repeatable.")
@click.option("--no-cache", is_flag=True, help="Analyse every file again instead of replaying .kerascheck_cache/.")
def summary(files: tuple[str, ...], all_models: bool, line_length: int | None, show_unresolved: bool,
            dims: dict[str, int], no_cache: bool) -> None:
    """Print what each model.summary() call in FILES prints under Keras 3.

    Sizes that depend on data (``X_train.shape[1]``, ``len(vocab)``) are shown as named symbols
    (``64*n_features + 64``) until --dim gives them a value.
    """
    from .cache import SummaryCache
    from .config import find_pyproject

    columns = terminal_columns()
    cache = None
    if not no_cache and not os.environ.get("KERASCHECK_DEBUG"):  # debug output goes around the cache
        pyproject = find_pyproject(Path(files[0]).resolve())
        cache = SummaryCache(pyproject.parent if pyproject else Path.cwd())
    options = repr((all_models, line_length, columns, show_unresolved, sorted(dims.items())))
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

        from .analysis import analyze_file

        try:
            analysis = analyze_file(Path(path), path, data, dims=dims)
        except Exception as exc:  # an internal error must not stop the other files
            click.echo(f"{path}:1:1: internal error: {type(exc).__name__}: {exc}", err=True)
            status = 2
            continue
        ok = _print_summaries(analysis, all_models, line_length, columns, show_unresolved, emit)
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
                     show_unresolved: bool, emit: Callable[[str, bool], None] = _emit) -> bool:
    """Print one file's summaries; False when the file could not be analysed (e.g. a syntax error)."""
    from .shapes.base import Unresolvable
    from .summary.rows import snapshot

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
            if event.snapshot is None:
                emit(f"{analysis.path}:{event.loc.line}:{event.loc.column}: summary() not predicted: {event.reason}", True)
                continue
            table(event.snapshot.render(line_length, columns))
    for event in result.events_of("assumption"):
        emit(f"{analysis.path}: note: assuming {event.data['what']}", True)
    shown = [name for name in result.symbol_names if any(name in text for text in printed)]
    if shown:
        emit(f"{analysis.path}: note: data-dependent sizes shown as symbols: {', '.join(shown)} "
             "(give values with --dim NAME=VALUE)", True)
    if show_unresolved:
        for loc, reason in result.unresolved:
            emit(f"{analysis.path}:{loc.line}:{loc.column}: unresolved: {reason}", True)
    sys.stdout.flush()
    return True


def parse_dims(values: tuple[str, ...]) -> dict[str, int]:
    """``--dim NAME=VALUE`` options (summary, verify) as a dict."""
    dims = {}
    for value in values:
        name, sep, number = value.rpartition("=")
        if not sep or not name.strip() or not number.strip().isdigit() or int(number) <= 0:
            raise click.BadParameter(f"expected NAME=VALUE with a positive integer VALUE, got {value!r}")
        dims[name.strip()] = int(number)
    return dims


def _codes(value: str | None) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()] if value else []


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--statistics", is_flag=True, help="Print the number of diagnostics per rule instead of each one.")
@click.option("--select", help="Comma-separated codes or prefixes to enable (replaces the configured ones).")
@click.option("--extend-select", help="Codes or prefixes to enable in addition.")
@click.option("--ignore", help="Codes or prefixes to disable.")
@click.option("--exclude", help="Comma-separated gitignore-style patterns of files to skip.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="pyproject.toml to use.")
@click.option("--stdin-filename", help="Read the source from stdin (PATH `-`) and report it under this name.")
@click.option("--show-unresolved", is_flag=True, help="Also list statements the analysis could not follow.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True, help="Analyse every file again instead of reusing .kerascheck_cache/.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files, then report what is left.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix/--diff, also apply fixes that may change behaviour.")
def check(paths, output_format, statistics, select, extend_select, ignore, exclude, config_path,
          stdin_filename, show_unresolved, jobs, no_cache, fix, diff, unsafe_fixes) -> None:
    """Report what Keras will raise, and likely bugs, in PATHS (files or directories)."""
    from . import report
    from .check import CheckRun, check_paths, check_source
    from .config import ConfigError, load

    if not paths and not stdin_filename:
        raise click.UsageError("give PATHS to check, or `-` with --stdin-filename")
    try:
        start = Path(stdin_filename or paths[0]).resolve()
        config = load(start if start.exists() else Path.cwd(), Path(config_path) if config_path else None)
    except ConfigError as exc:
        click.echo(f"kerascheck: {exc}", err=True)
        sys.exit(2)
    if select is not None:
        config.select = _codes(select)
    config.extend_select += _codes(extend_select)
    config.ignore += _codes(ignore)
    config.exclude += _codes(exclude)
    if fix or diff:
        from .check import _codes_for
        from .fix import fix_paths

        if stdin_filename or "-" in paths:
            raise click.UsageError("--fix/--diff work on files, not stdin")
        results = fix_paths(paths, _codes_for(config), unsafe=unsafe_fixes, diff=diff, write=not diff,
                            echo=lambda text: click.echo(text, nl=False), exclude=config.exclude)
        if diff:
            sys.exit(1 if any(r.changed for r in results) else 0)
        fixed = sum(len(r.applied) for r in results)
        if fixed:
            click.echo(f"Fixed {fixed} diagnostic{'s' if fixed != 1 else ''}.", err=True)
    if stdin_filename or paths == ("-",):
        run = CheckRun()
        check_source(sys.stdin.read(), stdin_filename or "-", config, run)
    else:
        run = check_paths([p for p in paths if p != "-"], config, jobs=jobs, use_cache=not no_cache)
    for line in run.internal_errors:
        click.echo(line, err=True)
    for note in run.notes:  # where an analysis was cut short; unpredicted summaries with --show-unresolved
        if show_unresolved or note.message.startswith(CUT_SHORT):
            click.echo(note.format(), err=True)
    diagnostics = sorted(run.diagnostics, key=lambda d: (d.path, d.line, d.column, d.code))
    click.echo(report.statistics(diagnostics) if statistics else report.render(diagnostics, output_format), nl=False)
    if show_unresolved:
        _print_unresolved(paths, stdin_filename)
    sys.exit(2 if run.internal_errors else 1 if diagnostics else 0)


def _print_unresolved(paths, stdin_filename) -> None:
    from .analysis import analyze_file

    for path in iter_python_files(tuple(p for p in paths if p != "-")):
        analysis = analyze_file(path, str(path))
        if analysis.result is not None:
            for loc, reason in analysis.result.unresolved:
                click.echo(f"{analysis.path}:{loc.line}:{loc.column}: unresolved: {reason}", err=True)


@main.command("rules")
def list_rules() -> None:
    """List every rule: code, name, severity and what it finds."""
    from .rules import RULES

    for code, rule in RULES.items():
        click.echo(f"{code}  {rule.name:<28} {rule.severity:<8} {rule.summary()}")


@main.command("rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation of rule CODE (e.g. KC102)."""
    import textwrap

    from .rules import RULES

    rule = RULES.get(code.upper())
    if rule is None:
        raise click.BadParameter(f"no rule {code}; see `kerascheck rules`", param_hint="CODE")
    click.echo(f"{rule.code} ({rule.name}) [{rule.severity}]\n")
    click.echo(rule.doc())
    if rule.INVALID:
        click.echo("\nExample (reported):\n")
        click.echo(textwrap.indent(rule.INVALID[0].source.rstrip(), "    "))
    if rule.VALID:
        click.echo("\nInstead:\n")
        click.echo(textwrap.indent(rule.VALID[0].rstrip(), "    "))



if __name__ == "__main__":
    main()
