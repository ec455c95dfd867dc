"""``kerascheck check``: lint files with the configuration, one diagnostic list for every face."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .diagnostics import Diagnostic
from .files import iter_python_files
from .lint import lint_source


@dataclass
class CheckRun:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    files: int = 0


def read_source(path: Path, shown: str) -> tuple[str | None, Diagnostic | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, Diagnostic(shown, 1, 1, "KC000", f"cannot read file: {exc.strerror}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, Diagnostic(shown, line, 1, "KC000", "file is not valid UTF-8")


def check_source(source: str, shown: str, config: Config, run: CheckRun) -> None:
    codes = config.enabled_codes(shown)
    try:
        run.diagnostics += lint_source(source, shown, codes)
    except Exception as exc:  # a bug of ours must not stop the other files
        run.internal_errors.append(f"{shown}:1:1: internal error: {type(exc).__name__}: {exc}")
    run.files += 1


def check_paths(paths: list[str], config: Config) -> CheckRun:
    run = CheckRun()
    for path in iter_python_files(paths, config.exclude, config.root):
        shown = str(path)
        source, problem = read_source(path, shown)
        if problem is not None:
            if "KC000" in config.enabled_codes(shown):
                run.diagnostics.append(problem)
            run.files += 1
            continue
        check_source(source, shown, config, run)
    return run
