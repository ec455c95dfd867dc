"""The pipeline every face shares: source -> libcst -> abstract interpreter -> results and diagnostics."""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from .diagnostics import SYNTAX_CODE, Diagnostic
from .frontend.interpreter import Result, interpret
from .frontend.scans import LazyTree
from .notebook import PRELUDE, Notebook, NotNotebook, is_notebook
from .notebook import read as read_notebook
from .parsing import parse_module
from .source_text import SourceDecodeError, decode_source
from .stack import with_enough_stack

MAX_SOURCE_CHARS = 600_000  # bounds time and memory: libcst's tree and positions cost ~25x and ~10 s per MB


@dataclass
class FileAnalysis:
    path: str
    result: Result | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module: cst.Module | None = None  # the parsed source (None when it does not parse)
    source: str | None = None  # the text analysed: a notebook's script, else the source given
    notebook: Notebook | None = None  # when the file is a notebook: its cells and line map

    def where(self, line: int, column: int) -> str:
        """``PATH:LINE:COL`` of a position of the analysed text (in a notebook ``PATH:cell N:LINE:COL``)."""
        if self.notebook is not None:
            return self.notebook.where(line, column)
        return f"{self.path}:{line}:{column}"


def analyze_source(source: str, path: str, overlay: dict[str, str] | None = None,
                   dims: dict[str, int] | None = None) -> FileAnalysis:
    """Analyse ``source`` as the file ``path``; ``overlay`` maps other paths to unsaved editor text,
    ``dims`` gives data-dependent sizes their values (``{"n_features": 30}``)."""
    notebook = None
    if is_notebook(path) and not source.startswith(PRELUDE):  # (a notebook's script is analysed as it is)
        try:
            notebook = read_notebook(source, path)
        except NotNotebook as exc:
            return FileAnalysis(path, diagnostics=[exc.diagnostic(path)])
        source = notebook.script
    analysis = FileAnalysis(path, source=source, notebook=notebook)
    if len(source) > MAX_SOURCE_CHARS:
        analysis.diagnostics.append(Diagnostic(
            path, 1, 1, SYNTAX_CODE, f"file too large to analyse ({len(source) // 1000:,} KB of text; "
                                     f"kerascheck analyses files up to {MAX_SOURCE_CHARS // 1000:,} KB)"))
        return _in_cells(analysis)
    tree, limit = _python_parse(source, path)
    if limit is not None:
        analysis.diagnostics.append(limit)
        return _in_cells(analysis)
    return with_enough_stack(lambda: _analyse(analysis, source, path, overlay, dims, tree),
                             shallow=isinstance(tree, LazyTree))


def _in_cells(analysis: FileAnalysis) -> FileAnalysis:
    """A notebook's diagnostics of the analysis itself, moved to its cells (the rules' are moved by lint)."""
    if analysis.notebook is not None:
        analysis.diagnostics = analysis.notebook.map_diagnostics(analysis.diagnostics)
    return analysis


def _analyse(analysis: FileAnalysis, source: str, path: str, overlay, dims, tree=None) -> FileAnalysis:
    try:
        module = parse_module(source)
    except cst.ParserSyntaxError as exc:
        analysis.diagnostics.append(_syntax_error(source, path, exc))
        return _in_cells(analysis)
    except (RecursionError, MemoryError):
        analysis.diagnostics.append(Diagnostic(path, 1, 1, SYNTAX_CODE, "file is nested too deeply to analyse"))
        return _in_cells(analysis)
    analysis.module = module
    analysis.result = interpret(module, path, overlay, source, dims, tree)
    return analysis


_NOT_BRACKETS = re.compile(r"[^()\[\]{}]+")
_OPERATORS = re.compile(r"[-+*/%|&^@<>.~]")
_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def _shallow(source: str) -> bool:
    """Far from every nesting limit of CPython's parser (200 brackets, 100 indents, an expression of
    thousands of operators), so its verdict on nesting can wait: a cheap scan of the text, which
    can only overestimate (brackets and operators inside strings count too)."""
    if len(source) > 64_000 or " " * 90 in source or "\t" * 90 in source:
        return False
    depth = max(itertools.accumulate(map(_DEPTH.__getitem__, _NOT_BRACKETS.sub("", source))), default=0)
    return depth < 100 and len(_OPERATORS.findall(source)) < 2_500


def _python_parse(source: str, path: str) -> tuple["ast.Module | LazyTree | None", Diagnostic | None]:
    """CPython's own parse (fast and bounded), before libcst sees the file: nesting Python itself
    refuses (``too many nested parentheses``, an expression too deep to compile) is one diagnostic;
    the tree is kept for the names the module binds."""
    if _shallow(source):
        return LazyTree(source), None  # parsed when a message needs a line (most files: never)
    try:
        return ast.parse(source, path), None
    except SyntaxError as err:
        if "too many nested" in err.msg or "too complex" in err.msg or "too many levels" in err.msg:
            return None, Diagnostic(path, err.lineno or 1, max(err.offset or 1, 1), SYNTAX_CODE, f"SyntaxError: {err.msg}")
    except (RecursionError, MemoryError):
        return None, Diagnostic(path, 1, 1, SYNTAX_CODE, "file is nested too deeply to analyse (Python's parser refuses it too)")
    except ValueError:
        pass
    return None, None


def _syntax_error(source: str, path: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """Locate a syntax error the way Python reports it (``ast`` only parses; nothing is executed)."""
    try:
        ast.parse(source, path)
    except SyntaxError as err:
        line, column = err.lineno or 1, err.offset or 1
        return Diagnostic(path, line, max(column, 1), SYNTAX_CODE, f"SyntaxError: {err.msg}")
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
    return Diagnostic(path, exc.raw_line, exc.raw_column + 1, SYNTAX_CODE, f"SyntaxError: {message}")


def analyze_file(path: Path, shown: str | None = None, data: bytes | None = None,
                 dims: dict[str, int] | None = None) -> FileAnalysis:
    """``data``: the file's bytes when the caller has read them already; ``dims``: see analyze_source."""
    shown = shown or str(path)
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        return FileAnalysis(shown, diagnostics=[Diagnostic(shown, 1, 1, SYNTAX_CODE, f"cannot read file: {exc.strerror}")])
    try:
        source = decode_source(data)
    except SourceDecodeError as exc:
        return FileAnalysis(shown, diagnostics=[Diagnostic(shown, exc.line, 1, SYNTAX_CODE, exc.message)])
    return analyze_source(source, shown, dims=dims)
