"""Jupyter notebooks (``.ipynb``): their code cells as one script, and locations back to the cells.

A notebook is read with the standard library's ``json`` (nbformat's schema, v4 and v3; nbformat
itself is not needed to read one): its code cells, in order, become one script that the analysis
and the rules see like any ``.py`` file. Markdown, raw and heading cells are skipped. IPython
syntax is neutralised line for line, so line numbers never move:

* a line magic (``%matplotlib inline``), a shell escape (``!pip install x``) or a help request
  (``model?``) becomes ``pass`` at the same indentation: a statement with no effect;
* ``files = !ls`` / ``t = %timeit -o f()`` assign an unknown value (``get_ipython().getoutput()``);
* a cell magic cell (``%%bash``, ``%%writefile``...) is opaque: every line becomes a comment;
  ``%%time`` and ``%%capture`` run their body, so only their first line is neutralised.

A cell that already parses as Python is taken as it is (a ``%`` or ``!`` at the start of a line
inside a string is not a magic). Names Jupyter defines (``display``, ``get_ipython``, ``In``,
``Out``) come from a first line that imports them from IPython (an unknown module: unknown values).
Each code cell is preceded by a marker comment, so a fixed script splits back into its cells.

Locations follow ruff: the cell's 1-based index among all cells (markdown included) and the line
and column inside the cell. ``json_position`` maps a cell position onto the notebook's JSON text
(line and column of that character inside the JSON string), for the GitHub and SARIF formats and
for an editor that shows the ``.ipynb`` file as text.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
from dataclasses import dataclass, field, replace
from typing import Iterable

from .diagnostics import SYNTAX_CODE, Diagnostic

SUFFIX = ".ipynb"
PRELUDE = "from IPython import get_ipython, In, Out; from IPython.display import display  # kerascheck: Jupyter's names"
# What the prelude becomes when ``verify`` runs the script under real Python (no IPython there).
RUN_PRELUDE = ("get_ipython = lambda: type('IPython', (), {'getoutput': lambda self, *a: [], "
               "'run_line_magic': lambda self, *a: None, 'run_cell_magic': lambda self, *a: None})(); "
               "display = lambda *a, **k: None; In, Out = [''], {}")
MARKER = "# kerascheck: cell {index}"
_MARKER = re.compile(r"^# kerascheck: cell (\d+)$")
# Cell magics whose body runs as Python in the user's namespace.
RUNNING_CELL_MAGICS = {"time", "capture"}

_WS = re.compile(r"[ \t\n\r]*")
_ASSIGN_MAGIC = re.compile(r"^(\s*[\w.\[\]'\", ]+?\s*=\s*)[!%]")
_DECODER = json.JSONDecoder()
_LINE_REFERENCE = re.compile(r"\b(lines?) (\d+(?:, \d+)*)\b")  # "line 22", "lines 10, 11"


def lines_of(text: str) -> list[str]:
    """Lines as Python counts them (``str.splitlines`` also breaks at form feeds and other controls)."""
    return [m.group() for m in re.finditer(r"[^\n]*\n|[^\n]+", text)]


def is_notebook(path: str) -> bool:
    return str(path).lower().endswith(SUFFIX)


class NotNotebook(Exception):
    """The text is not valid JSON, or not a notebook: one KC000 at ``line``/``column`` of the file."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def diagnostic(self, path: str) -> Diagnostic:
        return Diagnostic(path, self.line, self.column, SYNTAX_CODE, self.message)


@dataclass
class Cell:
    index: int  # 1-based, among all cells of the notebook
    kind: str  # "code", "markdown", "raw", "heading"
    source: str
    key: str = "source"  # "input" for v3 code cells
    span: tuple[int, int] = (0, 0)  # offsets of the source value in the JSON text
    pieces: list[tuple[int, str]] = field(default_factory=list)  # (offset of the string's first character, text)
    as_list: bool = True  # the source is stored as a list of lines (else one string)


@dataclass
class Notebook:
    path: str
    text: str  # the JSON text as read
    version: int
    cells: list[Cell]
    script: str = ""
    linemap: list[tuple[int, int] | None] = field(default_factory=list)  # script line (1-based) -> (cell, line)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    bom: str = ""  # a byte order mark the file began with (kept when it is written back)

    @classmethod
    def from_cells(cls, path: str, cells: Iterable[tuple[str, str]]) -> "Notebook":
        """A notebook from its cells' (kind, source), as an editor sends them (no JSON text)."""
        made = [Cell(index, kind, source) for index, (kind, source) in enumerate(cells, 1)]
        notebook = cls(path, "", 4, made)
        notebook.script, notebook.linemap = build_script(made)
        return notebook

    def script_line(self, cell_index: int, line: int) -> int | None:
        """The script line of a cell's line (the inverse of ``cell_position``)."""
        for number, place in enumerate(self.linemap):
            if place is not None and place[0] == cell_index:
                return number + line - 1
        return None

    def runnable_script(self) -> str:
        """The script with Jupyter's names defined in plain Python (what ``verify`` runs)."""
        return RUN_PRELUDE + self.script[len(PRELUDE):]

    # -- locations -------------------------------------------------------------------------------
    def cell_position(self, line: int, column: int = 1) -> tuple[int, int, int] | None:
        """Script position -> (cell index, line in the cell, column), None outside any cell."""
        if 1 <= line < len(self.linemap) and self.linemap[line] is not None:
            cell, cell_line = self.linemap[line]
            return cell, cell_line, column
        return None

    def where(self, line: int, column: int) -> str:
        """``PATH:cell N:LINE:COL`` for a script position (``PATH:1:1`` outside any cell)."""
        found = self.cell_position(line, column)
        if found is None:
            return f"{self.path}:1:1"
        return f"{self.path}:cell {found[0]}:{found[1]}:{found[2]}"

    def json_position(self, cell_index: int, line: int, column: int) -> tuple[int, int]:
        """The JSON file's (line, column), 1-based, of a character of a cell's source."""
        cell = self.cell(cell_index)
        if cell is None or not cell.pieces:
            offset = cell.span[0] if cell is not None else 0
            return self._file_position(offset)
        lines = lines_of(cell.source) or [""]
        line = max(1, min(line, len(lines)))
        char = sum(len(text) for text in lines[:line - 1]) + max(0, min(column - 1, len(lines[line - 1])))
        for start, text in cell.pieces:
            if char <= len(text) and (char < len(text) or (start, text) == cell.pieces[-1]):
                return self._file_position(start + _raw_length(self.text, start, char))
            char -= len(text)
        start, text = cell.pieces[-1]
        return self._file_position(start + _raw_length(self.text, start, len(text)))

    def _file_position(self, offset: int) -> tuple[int, int]:
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def cell(self, index: int) -> Cell | None:
        for cell in self.cells:
            if cell.index == index:
                return cell
        return None

    def map_diagnostic(self, d: Diagnostic) -> Diagnostic | None:
        """A diagnostic of the script as one of the notebook (None: on a line of no cell)."""
        start = self.cell_position(d.line, d.column)
        if start is None:
            return None
        end = self.cell_position(d.end_line, d.end_column)
        if end is None or end[0] != start[0]:
            end = start
        json_line, json_column = self.json_position(*start)
        return replace(d, line=start[1], column=start[2], end_line=end[1], end_column=end[2], cell=start[0],
                       file_line=json_line, file_column=json_column, message=self.map_message(d.message))

    def map_message(self, message: str) -> str:
        """Script lines a message names ("the call at line 22") as cell lines ("at cell 9, line 3")."""
        def cell_lines(match: re.Match) -> str:
            found = [self.cell_position(int(n)) for n in match.group(2).split(", ")]
            if any(f is None for f in found):
                return match.group()
            if len({f[0] for f in found}) == 1:
                return f"cell {found[0][0]}, {match.group(1)} {', '.join(str(f[1]) for f in found)}"
            return ", ".join(f"cell {f[0]} line {f[1]}" for f in found)

        return _LINE_REFERENCE.sub(cell_lines, message) if "line" in message else message

    def map_diagnostics(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Each diagnostic in its cell; one on no cell's line (the whole file, e.g. too large or too
        deeply nested to analyse) at the file's 1:1."""
        return [self.map_diagnostic(d) or replace(d, line=1, column=1, end_line=1, end_column=1)
                for d in diagnostics]

    # -- writing back ----------------------------------------------------------------------------
    def split_script(self, script: str) -> dict[int, str]:
        """A (fixed) script back into code cell sources, by its markers; magics restored."""
        parts: dict[int, list[str]] = {}
        current: list[str] | None = None
        for text in lines_of(script):
            match = _MARKER.match(text.rstrip("\r\n"))
            if match:
                current = parts.setdefault(int(match.group(1)), [])
                continue
            if current is not None:
                current.append(text)
        sources = {}
        for cell in self.cells:
            if cell.kind != "code" or cell.index not in parts:
                continue
            new_lines = parts[cell.index]
            old_lines = lines_of(cell.source)
            neutral = lines_of(neutralise(cell.source))
            if new_lines and not cell.source.endswith("\n") and new_lines[-1].endswith("\n"):
                new_lines[-1] = new_lines[-1][:-1]
            sources[cell.index] = _restore(old_lines, neutral, new_lines)
        return sources

    def with_sources(self, sources: dict[int, str]) -> str:
        """The JSON text with the given cells' sources replaced, everything else byte for byte."""
        edits = []
        for cell in self.cells:
            new = sources.get(cell.index)
            if new is None or new == cell.source:
                continue
            edits.append((cell.span, self._encode_source(cell, new)))
        out, pos = [], 0
        for (start, end), text in sorted(edits):
            out += [self.text[pos:start], text]
            pos = end
        out.append(self.text[pos:])
        return self.bom + "".join(out)

    def _encode_source(self, cell: Cell, source: str) -> str:
        ascii_only = "\\u" in self.text and self.text.isascii()

        def dump(text: str) -> str:
            return json.dumps(text, ensure_ascii=ascii_only)

        if not cell.as_list:
            return dump(source)
        lines = lines_of(source)
        old = self.text[cell.span[0]:cell.span[1]]
        if not lines:
            return "[]"
        if not cell.pieces or "\n" not in old:  # [] or a list on one line
            return "[" + ", ".join(dump(line) for line in lines) + "]"
        first = cell.pieces[0][0] - 1  # the opening quote of the first element
        item_indent = self.text[self.text.rfind("\n", 0, first) + 1:first]
        close_indent = old[old.rfind("\n") + 1:-1]
        sep = ",\n" + item_indent
        return "[\n" + item_indent + sep.join(dump(line) for line in lines) + "\n" + close_indent + "]"


def _restore(old: list[str], neutral: list[str], new: list[str]) -> str:
    """``new`` (a fixed neutralised cell) with the original text of its neutralised lines back."""
    import difflib

    out = list(new)
    matcher = difflib.SequenceMatcher(None, neutral, new, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                if i1 + k < len(old) and neutral[i1 + k] != old[i1 + k]:
                    out[j1 + k] = old[i1 + k]
    return "".join(out)


def _raw_length(text: str, start: int, chars: int) -> int:
    """How many characters of the JSON string starting at ``start`` encode its first ``chars``."""
    pos = start
    for _ in range(chars):
        if text[pos] != "\\":
            pos += 1
        elif text[pos + 1] != "u":
            pos += 2
        else:
            code = int(text[pos + 2:pos + 6], 16)
            pos += 6
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", pos):  # a surrogate pair: one character
                pos += 6
    return pos - start


# -- reading ---------------------------------------------------------------------------------------
def _error_position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _fail(text: str, offset: int, message: str) -> NotNotebook:
    line, column = _error_position(text, offset)
    return NotNotebook(message, line, column)


def _members(text: str, pos: int) -> Iterable[tuple[str, int, int]]:
    """(key, value start, value end) of the JSON object at ``pos`` (already known to be valid)."""
    pos = _WS.match(text, pos + 1).end()
    if text[pos] == "}":
        return
    while True:
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, pos).end() + 1  # the colon
        start = _WS.match(text, pos).end()
        _, end = _DECODER.raw_decode(text, start)
        yield key, start, end
        pos = _WS.match(text, end).end()
        if text[pos] == "}":
            return
        pos = _WS.match(text, pos + 1).end()


def _elements(text: str, pos: int) -> Iterable[tuple[int, int]]:
    """(start, end) of each element of the JSON array at ``pos``."""
    pos = _WS.match(text, pos + 1).end()
    if text[pos] == "]":
        return
    while True:
        _, end = _DECODER.raw_decode(text, pos)
        yield pos, end
        pos = _WS.match(text, end).end()
        if text[pos] == "]":
            return
        pos = _WS.match(text, pos + 1).end()


def not_a_notebook(data: bytes, path: str) -> Diagnostic | None:
    """The KC000 of a file that should be a notebook and is not (None when it is one)."""
    try:
        read(data.decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        return Diagnostic(path, data[: exc.start].count(b"\n") + 1, 1, SYNTAX_CODE, "file is not valid UTF-8")
    except NotNotebook as exc:
        return exc.diagnostic(path)
    return None


def read(text: str, path: str) -> Notebook:
    """Parse a notebook's JSON text; raises ``NotNotebook`` (with a location) for anything else."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom):]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotNotebook(f"notebook is not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise NotNotebook("notebook is nested too deeply to read") from None
    if not isinstance(data, dict):
        raise _fail(text, _WS.match(text).end(), "not a Jupyter notebook: the JSON is not an object")
    version = data.get("nbformat")
    top = _WS.match(text).end()
    members = {key: (start, end) for key, start, end in _members(text, top)}
    if not isinstance(version, int) or version not in (3, 4):
        where = members.get("nbformat", (top, top))[0]
        raise _fail(text, where, f"not a Jupyter notebook: nbformat {version!r} (3 or 4 expected)")
    if version == 4:
        if not isinstance(data.get("cells"), list):
            raise _fail(text, members.get("cells", (top, top))[0], 'not a Jupyter notebook: no "cells" list')
        lists = [members["cells"][0]]
    else:
        if not isinstance(data.get("worksheets"), list):
            raise _fail(text, members.get("worksheets", (top, top))[0], 'not a Jupyter notebook: no "worksheets" list')
        lists = []
        for start, _ in _elements(text, members["worksheets"][0]):
            sheet = dict((k, s) for k, s, _ in _members(text, start)) if text[start] == "{" else {}
            if "cells" in sheet and text[sheet["cells"]] == "[":
                lists.append(sheet["cells"])
    cells: list[Cell] = []
    for cells_at in lists:
        for start, _ in _elements(text, cells_at):
            cells.append(_cell(text, start, len(cells) + 1, version))
    language = (data.get("metadata") or {}).get("language_info", {}) if isinstance(data.get("metadata"), dict) else {}
    if isinstance(language, dict) and isinstance(language.get("name"), str) and language["name"].lower() != "python":
        cells = [replace(c, kind="other") if c.kind == "code" else c for c in cells]  # an R or Julia notebook
    notebook = Notebook(path, text, version, cells, bom=bom)
    notebook.script, notebook.linemap = build_script(cells)
    return notebook


def _cell(text: str, start: int, index: int, version: int) -> Cell:
    if text[start] != "{":
        raise _fail(text, start, f"not a Jupyter notebook: cell {index} is not an object")
    members = {key: (s, e) for key, s, e in _members(text, start)}
    kind_span = members.get("cell_type")
    kind = json.loads(text[kind_span[0]:kind_span[1]]) if kind_span else None
    if not isinstance(kind, str):
        raise _fail(text, start, f'not a Jupyter notebook: cell {index} has no "cell_type"')
    key = "input" if version == 3 and kind == "code" else "source"
    span = members.get(key)
    if span is None:
        if version == 3 or kind not in ("code", "markdown", "raw"):
            return Cell(index, kind, "", key, (start, start), [], True)
        raise _fail(text, start, f'not a Jupyter notebook: cell {index} has no "{key}"')
    value_start, value_end = span
    if text[value_start] == "[":
        pieces = []
        for s, e in _elements(text, value_start):
            piece = json.loads(text[s:e])
            if not isinstance(piece, str):
                raise _fail(text, s, f'not a Jupyter notebook: the "{key}" of cell {index} is not text')
            pieces.append((s + 1, piece))
        return Cell(index, kind, "".join(p for _, p in pieces), key, span, pieces, True)
    value = json.loads(text[value_start:value_end])
    if not isinstance(value, str):
        raise _fail(text, value_start, f'not a Jupyter notebook: the "{key}" of cell {index} is not text')
    return Cell(index, kind, value, key, span, [(value_start + 1, value)], False)


# -- IPython syntax ------------------------------------------------------------------------------
def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def neutralise(source: str) -> str:
    """A code cell's source with IPython syntax made Python, line for line (see the module doc)."""
    lines = lines_of(source)
    if not lines:
        return source
    first = lines[0].lstrip()
    if first.startswith("%%"):
        name = first[2:].split(None, 1)[0] if first[2:].strip() else ""
        head = [_blank(lines[0], "pass")]
        if name in RUNNING_CELL_MAGICS:
            return "".join(head) + neutralise("".join(lines[1:]))
        return "".join(head + [_blank(line, "#") for line in lines[1:]])
    if _parses(source):
        return source
    return "".join(_line(line) for line in lines)


def _blank(line: str, replacement: str) -> str:
    ending = line[len(line.rstrip("\r\n")):]
    body = line.rstrip("\r\n")
    indent = body[:len(body) - len(body.lstrip())]
    if replacement == "#":
        return indent + "#" + (" " + body.lstrip() if body.strip() else "") + ending
    return indent + replacement + ending


def _line(line: str) -> str:
    body = line.rstrip("\r\n")
    stripped = body.lstrip()
    if stripped.startswith(("%", "!")):
        return _blank(line, "pass")
    if stripped.endswith("?") and not stripped.startswith("#") and not _parses(stripped):
        return _blank(line, "pass")
    match = _ASSIGN_MAGIC.match(body)
    if match and not _parses(stripped):
        return match.group(1) + "get_ipython().getoutput()" + line[len(body):]
    return line


def build_script(cells: list[Cell]) -> tuple[str, list[tuple[int, int] | None]]:
    """The code cells as one script (the prelude, then a marker and each cell) and its line map."""
    out = [PRELUDE + "\n"]
    linemap: list[tuple[int, int] | None] = [None, None]  # index 0 unused; line 1 is the prelude
    for cell in cells:
        if cell.kind != "code":
            continue
        out.append(MARKER.format(index=cell.index) + "\n")
        linemap.append(None)
        text = neutralise(cell.source)
        for number, line in enumerate(lines_of(text), 1):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n")
            linemap.append((cell.index, number))
    return "".join(out), linemap
