"""Lint files with the configuration: what ``kerascheck check`` runs (the command is ``cli/check.py``).

Files that never mention Keras or TensorFlow are skipped after a byte scan, results are cached
by content, and ``jobs > 1`` spreads files over worker processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .cache import Cache
from .config import Config
from .diagnostics import SYNTAX_CODE, Diagnostic
from .files import iter_python_files
from .notebook import is_notebook, not_a_notebook
from .source_text import SourceDecodeError, decode_source, mentions_keras  # noqa: F401  (mentions_keras: benchmarks)

Progress = Callable[[int, int], None]  # (files done, files to analyse)


@dataclass
class CheckRun:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Information about the analysis itself (``severity == "info"``): never counted as a problem.
    notes: list[Diagnostic] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    files: int = 0
    skipped: int = 0  # by the byte scan
    cached: int = 0

    def add(self, diagnostics: list[Diagnostic]) -> None:
        for d in diagnostics:
            (self.notes if d.severity == "info" else self.diagnostics).append(d)


def decode(data: bytes, shown: str) -> tuple[str | None, Diagnostic | None]:
    try:
        return decode_source(data), None
    except SourceDecodeError as exc:
        return None, Diagnostic(shown, exc.line, 1, SYNTAX_CODE, exc.message)


def lint_bytes(data: bytes, shown: str, codes: set[str]) -> tuple[list[Diagnostic], set[str]]:
    """The diagnostics of one file's bytes (with their fix applicability), and the other files they depend on."""
    source, problem = decode(data, shown)
    if problem is not None:
        return ([problem] if SYNTAX_CODE in codes else []), set()
    return lint_text(source, shown, codes)


def lint_text(source: str, shown: str, codes: set[str]) -> tuple[list[Diagnostic], set[str]]:
    # Imported here, not at the top: a run whose files are all cached never loads libcst or the rules.
    from .fix import with_fix_applicability
    from .lint import lint_with_dependencies

    diagnostics, dependencies = lint_with_dependencies(source, shown, codes)
    if is_notebook(shown):
        return _notebook_fix_applicability(diagnostics, source, shown), dependencies
    return with_fix_applicability(diagnostics, source), dependencies


def _notebook_fix_applicability(diagnostics: list[Diagnostic], text: str, shown: str) -> list[Diagnostic]:
    """A notebook's diagnostics are in cell coordinates and its fixes apply to the cells' script (as
    ``--fix`` applies them): each is marked fixable when its twin in the script is."""
    from dataclasses import replace

    from .fix import with_fix_applicability
    from .notebook import NotNotebook, read

    try:
        notebook = read(text, shown)
    except NotNotebook:
        return diagnostics
    marked = []
    for d in diagnostics:
        line = notebook.script_line(d.cell, d.line) if d.cell else None
        if line is None:
            marked.append(d)
            continue
        end = notebook.script_line(d.cell, d.end_line) if d.end_line >= d.line else None
        twin = replace(d, line=line, end_line=end or line, end_column=d.end_column if end else d.column, cell=0,
                       file_line=0, file_column=0)
        marked.append(replace(d, fix=with_fix_applicability([twin], notebook.script)[0].fix))
    return marked


def check_source(source: str, shown: str, config: Config, run: CheckRun) -> None:
    """One in-memory source (stdin, an editor buffer): always analysed, never cached."""
    try:
        run.add(lint_text(source, shown, config.enabled_codes(shown))[0])
    except Exception as exc:  # a bug of ours must not stop the other files
        run.internal_errors.append(f"{shown}:1:1: internal error: {type(exc).__name__}: {exc}")
    run.files += 1


def _work(item: tuple[str, str, set[str]]) -> tuple[str, list[Diagnostic] | None, str | None, set[str]]:
    path, shown, codes = item
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return shown, [Diagnostic(shown, 1, 1, SYNTAX_CODE, f"cannot read file: {exc.strerror}")], None, set()
    try:
        diagnostics, dependencies = lint_bytes(data, shown, codes)
        return shown, diagnostics, None, dependencies
    except Exception as exc:
        return shown, None, f"{shown}:1:1: internal error: {type(exc).__name__}: {exc}", set()


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


def _codes_for(config: Config):
    """``config.enabled_codes`` per file; computed once when no per-file-ignores can vary it."""
    if config.per_file_ignores:
        return config.enabled_codes
    codes = config.enabled_codes()
    return lambda shown: codes


def _chunksize(items: int, jobs: int) -> int:
    # Small chunks: one file can cost a thousand times another (a test module that builds
    # keras.applications next to a one-line __init__.py), and neighbours in the walk are alike,
    # so big chunks leave one worker busy while the others idle at the end.
    return max(1, min(4, items // (jobs * 32)))


def check_paths(paths: list[str], config: Config, jobs: int | None = None, use_cache: bool = True,
                progress: Progress | None = None) -> CheckRun:
    """Lint the Python files under ``paths``; ``progress(done, total)`` is called as files are analysed."""
    run = CheckRun()
    cache = Cache(config.root) if use_cache else None
    enabled_codes = _codes_for(config)
    todo: list[tuple[str, str, set[str], str | None]] = []
    for path in iter_python_files(paths, config.exclude, config.root, config.force_exclude, config.include):
        shown = str(path)
        run.files += 1
        try:
            data = path.read_bytes()
        except OSError as exc:
            run.diagnostics.append(Diagnostic(shown, 1, 1, SYNTAX_CODE, f"cannot read file: {exc.strerror}"))
            continue
        if not mentions_keras(data):
            broken = not_a_notebook(data, shown) if is_notebook(shown) else None  # one KC000 all the same
            if broken is not None and SYNTAX_CODE in enabled_codes(shown):
                run.diagnostics.append(broken)
            else:
                run.skipped += 1
            continue
        codes = enabled_codes(shown)
        key = None
        if cache is not None:
            key = cache.key(data, shown, codes)
            hit = cache.get(key)
            if hit is not None:
                run.cached += 1
                run.add(hit)
                continue
        todo.append((str(path), shown, codes, key))
    jobs = jobs or default_jobs()
    items = [(p, s, c) for p, s, c, _ in todo]
    results = []
    if jobs > 1 and len(items) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
            for result in pool.map(_work, items, chunksize=_chunksize(len(items), jobs)):
                results.append(result)
                if progress is not None:
                    progress(len(results), len(items))
    else:
        for item in items:
            results.append(_work(item))
            if progress is not None:
                progress(len(results), len(items))
    for (_, _, _, key), (shown, diagnostics, internal, dependencies) in zip(todo, results):
        if internal is not None:
            run.internal_errors.append(internal)
            continue
        run.add(diagnostics)
        if cache is not None and key is not None:
            cache.put(key, diagnostics, dependencies)
    return run
