"""The pipeline every face shares: source -> libcst -> abstract interpreter -> results and diagnostics."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from .diagnostics import Diagnostic
from .frontend.interpreter import Result, interpret
from .parsing import parse_module


@dataclass
class FileAnalysis:
    path: str
    result: Result | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module: cst.Module | None = None  # the parsed source (None when it does not parse)


def analyze_source(source: str, path: str, overlay: dict[str, str] | None = None,
                   dims: dict[str, int] | None = None) -> FileAnalysis:
    """Analyse ``source`` as the file ``path``; ``overlay`` maps other paths to unsaved editor text,
    ``dims`` gives data-dependent sizes their values (``{"n_features": 30}``)."""
    analysis = FileAnalysis(path)
    try:
        module = parse_module(source)
    except cst.ParserSyntaxError as exc:
        analysis.diagnostics.append(_syntax_error(source, path, exc))
        return analysis
    except RecursionError:
        analysis.diagnostics.append(Diagnostic(path, 1, 1, "KC000", "file is nested too deeply to parse"))
        return analysis
    analysis.module = module
    analysis.result = interpret(module, path, overlay, source, dims)
    return analysis


def _syntax_error(source: str, path: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """Locate a syntax error the way Python reports it (``ast`` only parses; nothing is executed)."""
    try:
        ast.parse(source, path)
    except SyntaxError as err:
        line, column = err.lineno or 1, err.offset or 1
        return Diagnostic(path, line, max(column, 1), "KC000", f"SyntaxError: {err.msg}")
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
    return Diagnostic(path, exc.raw_line, exc.raw_column + 1, "KC000", f"SyntaxError: {message}")


def analyze_file(path: Path, shown: str | None = None, data: bytes | None = None,
                 dims: dict[str, int] | None = None) -> FileAnalysis:
    """``data``: the file's bytes when the caller has read them already; ``dims``: see analyze_source."""
    shown = shown or str(path)
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        return FileAnalysis(shown, diagnostics=[Diagnostic(shown, 1, 1, "KC000", f"cannot read file: {exc.strerror}")])
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return FileAnalysis(shown, diagnostics=[Diagnostic(shown, line, 1, "KC000", "file is not valid UTF-8")])
    return analyze_source(source, shown, dims=dims)
