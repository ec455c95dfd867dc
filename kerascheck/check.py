"""``kerascheck check``: lint files with the configuration; shared by the CLI and the editor faces.

Files that never mention Keras or TensorFlow are skipped after a byte scan, results are cached
by content, and ``jobs > 1`` spreads files over worker processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .config import Config
from .diagnostics import SYNTAX_CODE, Diagnostic
from .files import iter_python_files
from .notebook import is_notebook, not_a_notebook

# A file none of whose bytes spell these cannot build a Keras model: no need to parse it.
KERAS_MARKERS = (b"keras", b"tensorflow")


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


def mentions_keras(data: bytes) -> bool:
    return any(marker in data for marker in KERAS_MARKERS)


def decode(data: bytes, shown: str) -> tuple[str | None, Diagnostic | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, Diagnostic(shown, line, 1, "KC000", "file is not valid UTF-8")


def lint_bytes(data: bytes, shown: str, codes: set[str]) -> tuple[list[Diagnostic], set[str]]:
    """The diagnostics of one file's bytes, and the other files they depend on."""
    # Imported here, not at the top: a run whose files are all cached never loads libcst or the rules.
    from .lint import lint_with_dependencies

    source, problem = decode(data, shown)
    if problem is not None:
        return ([problem] if "KC000" in codes else []), set()
    return lint_with_dependencies(source, shown, codes)


def check_source(source: str, shown: str, config: Config, run: CheckRun) -> None:
    """One in-memory source (stdin, an editor buffer): always analysed, never cached."""
    from .lint import lint_source

    try:
        run.add(lint_source(source, shown, config.enabled_codes(shown)))
    except Exception as exc:  # a bug of ours must not stop the other files
        run.internal_errors.append(f"{shown}:1:1: internal error: {type(exc).__name__}: {exc}")
    run.files += 1


def _work(item: tuple[str, str, set[str]]) -> tuple[str, list[Diagnostic] | None, str | None, set[str]]:
    path, shown, codes = item
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return shown, [Diagnostic(shown, 1, 1, "KC000", f"cannot read file: {exc.strerror}")], None, set()
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


def check_paths(paths: list[str], config: Config, jobs: int | None = None, use_cache: bool = True) -> CheckRun:
    run = CheckRun()
    cache = Cache(config.root) if use_cache else None
    enabled_codes = _codes_for(config)
    todo: list[tuple[str, str, set[str], str | None]] = []
    for path in iter_python_files(paths, config.exclude, config.root, config.include):
        shown = str(path)
        run.files += 1
        try:
            data = path.read_bytes()
        except OSError as exc:
            run.diagnostics.append(Diagnostic(shown, 1, 1, "KC000", f"cannot read file: {exc.strerror}"))
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
    if jobs > 1 and len(items) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
            results = list(pool.map(_work, items, chunksize=_chunksize(len(items), jobs)))
    else:
        results = [_work(item) for item in items]
    for (_, _, _, key), (shown, diagnostics, internal, dependencies) in zip(todo, results):
        if internal is not None:
            run.internal_errors.append(internal)
            continue
        run.add(diagnostics)
        if cache is not None and key is not None:
            cache.put(key, diagnostics, dependencies)
    return run
