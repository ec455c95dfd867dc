"""``kerascheck check [PATH...]``: report what Keras will raise, and likely bugs; ``--fix`` / ``--diff``.

Flags follow ruff's: ``--select``/``--ignore`` (an unknown selector is an error), ``--exclude`` with
``--force-exclude`` for files named explicitly (pre-commit), ``--exit-zero``, ``-q``, ``-o``,
``--statistics``, ``--stdin-filename``. Exit status: 0 clean, 1 diagnostics, 2 usage, configuration
or internal error.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ..diagnostics import CUT_SHORT
from ..report import FORMATS


def _codes(value: str | None) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()] if value else []


def _fail(message: str) -> None:
    click.echo(f"kerascheck: error: {message}", err=True)
    sys.exit(2)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="How diagnostics are written (text on a terminal is coloured; NO_COLOR / FORCE_COLOR).")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of stdout.")
@click.option("--statistics", is_flag=True, help="Print the number of diagnostics per rule instead of each one.")
@click.option("--select", help="Comma-separated codes or prefixes to enable (replaces the configured ones).")
@click.option("--extend-select", help="Codes or prefixes to enable in addition.")
@click.option("--ignore", help="Codes or prefixes to disable.")
@click.option("--exclude", help="Comma-separated gitignore-style patterns of files to skip (added to the configured ones).")
@click.option("--force-exclude/--no-force-exclude", default=None,
              help="Apply exclude to files named on the command line too (what pre-commit needs).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="pyproject.toml to use.")
@click.option("--stdin-filename", help="Read the source from stdin and report it under this name.")
@click.option("--show-unresolved", is_flag=True, help="Also list statements the analysis could not follow.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True, help="Analyse every file again instead of reusing .kerascheck_cache/.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes (files in place; stdin to stdout), then report what is left.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix/--diff, also apply fixes that may change behaviour.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics are reported (2 still means an error).")
@click.option("-q", "--quiet", is_flag=True, help="Print the diagnostics only: no closing line, progress or warnings.")
def check(paths, output_format, output_file, statistics, select, extend_select, ignore, exclude, force_exclude,
          config_path, stdin_filename, show_unresolved, jobs, no_cache, fix, diff, unsafe_fixes, exit_zero,
          quiet) -> None:
    """Report what Keras will raise, and likely bugs, in PATHS (files or directories; default: `.`)."""
    from ..config import ConfigError, check_selectors, load

    use_stdin = paths == ("-",) or (stdin_filename is not None and not paths)
    if not paths and not use_stdin:
        paths = (".",)
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("`-` (stdin) cannot be combined with other paths")
    try:
        # The project of the first path, or of --stdin-filename's name (which need not exist).
        start = Path(stdin_filename or paths[0]).resolve()
        config = load(start, Path(config_path) if config_path else None)
        for option, value in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
            check_selectors(_codes(value), option)
    except ConfigError as exc:
        _fail(str(exc))
    if select is not None:
        config.select = _codes(select)
    config.extend_select += _codes(extend_select)
    config.ignore += _codes(ignore)
    config.exclude += _codes(exclude)
    if force_exclude is not None:
        config.force_exclude = force_exclude
    options = _Options(output_format, output_file, statistics, unsafe_fixes, exit_zero, quiet)
    if use_stdin:
        _check_stdin(stdin_filename or "-", config, options, fix, diff, show_unresolved)
    else:
        _check_files(list(paths), config, options, fix, diff, show_unresolved, jobs, no_cache)


@dataclass(frozen=True)
class _Options:
    """What decides how a run's result is written and its exit status."""

    output_format: str
    output_file: str | None
    statistics: bool
    unsafe_fixes: bool
    exit_zero: bool
    quiet: bool

    def status(self, diagnostics: list, internal_errors: list) -> int:
        if internal_errors:
            return 2
        return 0 if self.exit_zero or not diagnostics else 1


def _check_stdin(shown: str, config, options: _Options, fix: bool, diff: bool, show_unresolved: bool) -> None:
    from ..check import CheckRun, check_source
    from ..diagnostics import SYNTAX_CODE, Diagnostic
    from ..source_text import SourceDecodeError, decode_source, source_encoding

    data = sys.stdin.buffer.read()
    try:
        source = decode_source(data)  # as a file: UTF-8 or its coding declaration
    except SourceDecodeError as exc:
        if fix:
            sys.stdout.buffer.write(data)  # passed through unchanged
        run = CheckRun()
        run.add([Diagnostic(shown, exc.line, 1, SYNTAX_CODE, exc.message)])
        _report(run, options, None, show_unresolved)
        sys.exit(options.status(run.diagnostics, []))
    if config.force_exclude and shown != "-" and config.excludes(shown):
        if fix:
            sys.stdout.buffer.write(data)  # excluded: passed through unchanged, as ruff does
        sys.exit(0)
    if fix or diff:
        from ..fix import fix_notebook, fix_source
        from ..notebook import is_notebook
        from ..report.text import line

        fixer = fix_notebook if is_notebook(shown) else fix_source  # a notebook's JSON, fixed cell by cell
        result = fixer(source, shown, config.enabled_codes(shown), unsafe=options.unsafe_fixes)
        if diff:
            sys.stdout.write(result.diff())
            if not options.quiet:
                click.echo(f"Would fix {len(result.applied)} error{'s' if len(result.applied) != 1 else ''}.", err=True)
            sys.exit(0 if options.exit_zero or not result.changed else 1)
        # The fixed source is the output, in the encoding it came in (as --fix writes a file); what is
        # left goes to stderr.
        sys.stdout.flush()
        sys.stdout.buffer.write(result.fixed.encode(source_encoding(data)))
        sys.stdout.buffer.flush()
        remaining = [d for d in result.remaining if d.severity != "info"]
        for d in remaining:
            click.echo(line(d), err=True)
        sys.exit(options.status(remaining, []))
    run = CheckRun()
    check_source(source, shown, config, run)
    _report(run, options, None, show_unresolved)
    if show_unresolved:
        _print_unresolved_source(source, shown)
    sys.exit(options.status(run.diagnostics, run.internal_errors))


def _check_files(paths: list[str], config, options: _Options, fix: bool, diff: bool, show_unresolved: bool,
                 jobs: int | None, no_cache: bool) -> None:
    from ..check import _codes_for, check_paths
    from .progress import Progress

    fixed = None
    if fix or diff:
        from ..fix import fix_paths

        results = fix_paths(paths, _codes_for(config), unsafe=options.unsafe_fixes, diff=diff, write=not diff,
                            echo=lambda text: click.echo(text, nl=False), exclude=config.exclude, root=config.root,
                            force_exclude=config.force_exclude, include=config.include)
        for failure in (f for r in results for f in r.failed):
            click.echo(failure, err=True)
        if diff:
            would = sum(len(r.applied) for r in results)
            if not options.quiet:
                click.echo(f"Would fix {would} error{'s' if would != 1 else ''}.", err=True)
            sys.exit(0 if options.exit_zero or not any(r.changed for r in results) else 1)
        fixed = sum(len(r.applied) for r in results)
    progress = Progress(sys.stderr, enabled=False if options.quiet else None)
    try:
        run = check_paths(paths, config, jobs=jobs, use_cache=not no_cache, progress=progress)
    finally:
        progress.finish()
    if run.files == 0 and not options.quiet:
        click.echo(f"kerascheck: warning: no Python files found under {', '.join(paths)}", err=True)
    _report(run, options, fixed, show_unresolved)
    if show_unresolved:
        _print_unresolved(paths, config)
    sys.exit(options.status(run.diagnostics, run.internal_errors))


def _report(run, options: _Options, fixed: int | None, show_unresolved: bool) -> None:
    from .. import report
    from ..report.text import closing_line, use_color

    for text in run.internal_errors:
        click.echo(text, err=True)
    for note in run.notes:  # where an analysis was cut short; unpredicted summaries with --show-unresolved
        if show_unresolved or note.message.startswith(CUT_SHORT):
            click.echo(note.format(), err=True)
    diagnostics = sorted(run.diagnostics, key=lambda d: d.sort_key())
    try:
        out = open(options.output_file, "w", encoding="utf-8") if options.output_file else sys.stdout
    except OSError as exc:
        _fail(f"cannot write {options.output_file}: {exc.strerror}")
    try:
        color = use_color(out, requested=options.output_file is None)
        if options.statistics:
            text = report.statistics(diagnostics, "json" if options.output_format == "json" else "text")
        else:
            text = report.render(diagnostics, options.output_format, color)
        if options.output_format == "text" and not options.quiet:
            text += closing_line(diagnostics, options.unsafe_fixes, fixed, color) + "\n"
        out.write(text)
        out.flush()
    finally:
        if out is not sys.stdout:
            out.close()


def _print_unresolved(paths: list[str], config) -> None:
    from ..analysis import analyze_file
    from ..files import iter_python_files

    for path in iter_python_files(tuple(paths), config.exclude, config.root, config.force_exclude, config.include):
        analysis = analyze_file(path, str(path))
        if analysis.result is not None:
            for loc, reason in analysis.result.unresolved:
                click.echo(f"{analysis.where(loc.line, loc.column)}: unresolved: {reason}", err=True)


def _print_unresolved_source(source: str, shown: str) -> None:
    from ..analysis import analyze_source

    analysis = analyze_source(source, shown)
    if analysis.result is not None:
        for loc, reason in analysis.result.unresolved:
            click.echo(f"{shown}:{loc.line}:{loc.column}: unresolved: {reason}", err=True)
