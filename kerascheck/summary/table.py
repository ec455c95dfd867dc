"""Draw a summary table byte for byte as Keras 3.15 + rich 15 print it to a non-terminal stdout.

``render`` takes rows whose cells are already formatted (the text Keras computes in
``keras/src/utils/summary_utils.py``) and reproduces what rich makes of them: the ``HEAVY_HEAD``
box, rich's column widths, word wrapping with ``…`` cuts, header/body alignment, the totals lines,
and the console's own width (long lines are cropped, the model-name line is folded).
Pure standard library: this runs on the lint path, which never imports keras or rich.

Facts and measurements: shared/notes/keras3-summary-format.md; tests replay recordings from real
Keras (fixtures/format/tables.json, made by scripts/record_tables.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..shapes.symbolic import Sym

__all__ = ["Row", "Totals", "render", "default_line_length", "column_widths", "format_size"]


@dataclass
class Row:
    name: str  # layer name, e.g. "dense_1"
    class_name: str  # e.g. "Dense"; the cell shows f"{name} ({class_name})"
    shape: str  # already formatted: "(None, 64)", "?", "[(None, 5), (None, 4)]"
    params: str  # already formatted: "50,240", "0 (unbuilt)", "0"
    connected: str = "-"  # 4-column layout only: "dense[0][0], input_layer[0][0]" or "-"
    trainable: str = "-"  # show_trainable only: "Y", "N" or "-"
    nesting: int = 0  # expand_nested depth: prefix "   " * nesting + "└ "

    def name_cell(self) -> str:
        prefix = "   " * self.nesting + "└ " if self.nesting else ""
        return f"{prefix}{self.name} ({self.class_name})"


@dataclass
class Totals:
    """Parameter counts and their sizes in bytes (floats, as Keras computes them)."""

    total: int
    total_bytes: float
    trainable: int
    trainable_bytes: float
    non_trainable: int
    non_trainable_bytes: float
    optimizer: tuple[int, float] | None = None  # only once the optimizer is built


DEFAULT_COLUMNS = 80  # shutil's and rich's fallback when COLUMNS is unset and nothing is a TTY


def default_line_length(functional: bool, show_trainable: bool = False, columns: int | None = None) -> int:
    """Keras's width when ``line_length`` is not given; ``columns`` is env COLUMNS / the terminal."""
    length = (108 if functional else 88) + (12 if show_trainable else 0)
    return min(length, (columns or DEFAULT_COLUMNS) - 4)


def column_widths(line_length: int, functional: bool, show_trainable: bool = False,
                  positions: list[float] | None = None) -> list[int]:
    """Width of each column between the bars, padding included, as rich lays them out."""
    positions = positions or ([0.3, 0.56, 0.74, 1.0] if functional else [0.45, 0.80, 1.0])
    if show_trainable:
        positions = [p * 0.90 for p in positions] + [1.0]
    # Keras: cumulative positions, in float arithmetic exactly as it does it.
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    # rich: each column asks for width + 2 (padding) but only line_length - (n + 1) cells fit
    # between the borders; the excess is taken off left to right (rich's ratio_reduce).
    inner = [w + 2 for w in widths]
    excess = sum(inner) - (line_length - len(inner) - 1)
    for i in range(len(inner)):
        cut = min(inner[i], round(excess / (len(inner) - i)))
        inner[i] -= cut
        excess -= cut
    return inner


def format_size(n_bytes: float) -> str:
    """Keras's ``readable_memory_size``: ``215.04 KB``, ``0.00 B``, ``1.86 GB``."""
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    for unit in units:
        if n_bytes / 1024 < 1:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} {units[-1]}"


# --- terminal cells (rich measures text in cells: CJK characters take two) ---


def _char_width(ch: str) -> int:
    code = ord(ch)
    if (code and code < 32) or 0x7F <= code < 0xA0 or unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _cell_len(text: str) -> int:
    return len(text) if text.isascii() else sum(map(_char_width, text))


def _set_cell_size(text: str, total: int) -> str:
    """Crop or pad ``text`` to ``total`` cells; a wide character cut in half becomes a space."""
    if text.isascii():  # rich's fast path, including its text[:negative] for total < 0
        return text + " " * (total - len(text)) if len(text) < total else text[:total]
    out, size = [], 0
    for ch in text:
        w = _char_width(ch)
        if size + w > total:
            break
        out.append(ch)
        size += w
    return "".join(out) + " " * max(0, total - size)


# --- rich's word wrapping (rich/_wrap.py divide_line, Text.wrap, Lines.justify) ---

_WORD = re.compile(r"\s*\S+\s*")


def _break_offsets(text: str, width: int, fold: bool) -> list[int]:
    """Where rich breaks a line: before a word that does not fit; long words fold or stay whole."""
    breaks, offset = [], 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        word_len = _cell_len(word.rstrip())
        if width - offset >= word_len:
            offset += _cell_len(word)
        elif word_len > width:  # can never fit: fold it, or give it a line of its own
            if fold:
                chunks = _chop(word, width)
                for chunk in chunks:
                    if start:
                        breaks.append(start)
                    start += len(chunk)
                offset = _cell_len(chunks[-1])
            else:
                if start:
                    breaks.append(start)
                offset = _cell_len(word)
        elif offset and start:
            breaks.append(start)
            offset = _cell_len(word)
    return breaks


def _chop(text: str, width: int) -> list[str]:
    """Split a word into pieces of at most ``width`` cells (rich's chop_cells)."""
    if text.isascii():
        return [text[i : i + width] for i in range(0, len(text), width)]
    pieces, start, size = [], 0, 0
    for i, ch in enumerate(text):
        w = _char_width(ch)
        if size + w > width:
            pieces.append(text[start:i])
            start, size = i, 0
        size += w
    if size:
        pieces.append(text[start:])
    return pieces


def _truncate(line: str, width: int, overflow: str) -> str:
    if _cell_len(line) <= width:
        return line
    return _set_cell_size(line, width - 1) + "…" if overflow == "ellipsis" else _set_cell_size(line, width)


def _wrap(text: str, width: int, justify: str, overflow: str) -> list[str]:
    """Lines of ``text`` as rich's Text.wrap gives them (before the renderer pads or crops)."""
    lines = []
    for paragraph in text.split("\n"):
        offsets = [0, *_break_offsets(paragraph, width, fold=overflow == "fold"), len(paragraph)]
        for start, end in zip(offsets, offsets[1:]):
            line = paragraph[start:end]
            excess = len(line) - width  # rstrip_end: drop trailing spaces beyond the width
            if excess > 0:
                trailing = len(line) - len(line.rstrip())
                line = line[: len(line) - min(trailing, excess)]
            lines.append(_truncate(_justify(line, width, justify, overflow), width, overflow))
    return lines


def _justify(line: str, width: int, justify: str, overflow: str) -> str:
    if justify == "left":
        line = _truncate(line, width, overflow)
        return line + " " * (width - _cell_len(line))
    if justify in ("center", "right"):
        line = _truncate(line.rstrip(), width, overflow)
        space = width - _cell_len(line)
        left = space // 2 if justify == "center" else space
        return " " * left + line + " " * (space - left)
    return line  # "default": left as it is


# --- the table ---

# (header, justify) per column, in Keras's order.
_NAME, _SHAPE, _PARAMS = ("Layer (type)", "left"), ("Output Shape", "left"), ("Param #", "right")
_CONNECTED, _TRAINABLE = ("Connected to", "left"), ("Trainable", "center")


def _cell_lines(text: str, inner: int, justify: str) -> list[str]:
    """A cell rendered at ``inner`` cells: one space of padding each side, content wrapped inside."""
    content = inner - 2
    if content < 1:  # rich renders nothing into no space: the cell stays blank
        return []
    lines = [_set_cell_size(line, content) for line in _wrap(text, content, justify, "ellipsis")]
    return [_set_cell_size(f" {line} ", inner) for line in lines]


def _table_row(texts: list[str], widths: list[int], columns: list[tuple[str, str]], bar: str, header: bool) -> list[str]:
    cells = [_cell_lines(t, w, j) for t, w, (_, j) in zip(texts, widths, columns)]
    height = max(1, *map(len, cells))
    for cell, width in zip(cells, widths):
        blank = [" " * width] * (height - len(cell))
        # Header cells sit at the bottom when another header wraps; body cells at the top.
        cell[:] = blank + cell if header else cell + blank
    return [bar + bar.join(parts) + bar for parts in zip(*cells)]


def _rule(widths: list[int], chars: str) -> str:
    left, fill, cross, right = chars
    return left + cross.join(fill * w for w in widths) + right


def _row_texts(row: Row, functional: bool, show_trainable: bool) -> list[str]:
    texts = [row.name_cell(), row.shape, row.params]
    if functional:
        texts.append(row.connected)
    if show_trainable:
        texts.append(row.trainable)
    return texts


def _table(rows: list[Row], line_length: int, functional: bool, show_trainable: bool,
           positions: list[float] | None = None) -> list[str]:
    columns = [_NAME, _SHAPE, _PARAMS] + [_CONNECTED] * functional + [_TRAINABLE] * show_trainable
    widths = column_widths(line_length, functional, show_trainable, positions)
    out = [_rule(widths, "┏━┳┓")]
    out += _table_row([h for h, _ in columns], widths, columns, "┃", header=True)
    out.append(_rule(widths, "┡━╇┩"))
    for i, row in enumerate(rows):
        if i:  # show_lines: a rule between every two body rows
            out.append(_rule(widths, "├─┼┤"))
        out += _table_row(_row_texts(row, functional, show_trainable), widths, columns, "│", header=False)
    out.append(_rule(widths, "└─┴┘"))
    return out


def _totals_lines(totals: Totals) -> list[str]:
    entries = [
        ("Total", totals.total, totals.total_bytes),
        ("Trainable", totals.trainable, totals.trainable_bytes),
        ("Non-trainable", totals.non_trainable, totals.non_trainable_bytes),
    ]
    if totals.optimizer is not None:
        entries.append(("Optimizer", *totals.optimizer))
    # A count with a data-dependent size (a symbolic dimension) has no size in bytes to print.
    return [f" {label} params: {count:,}" + ("" if isinstance(count, Sym) else f" ({format_size(size)})")
            for label, count, size in entries]


def render(
    model_name: str,
    rows: list[Row],
    totals: Totals,
    *,
    functional: bool,
    line_length: int | None = None,
    show_trainable: bool = False,
    columns: int | None = None,
    positions: list[float] | None = None,
) -> str:
    """The whole text ``model.summary()`` prints, ending in exactly one ``\\n``.

    ``functional`` selects the 4-column layout with "Connected to"; ``line_length`` None means
    Keras's default; ``columns`` is the terminal width (env COLUMNS), None for no terminal (80).
    Raises ValueError like Keras when a column would be narrower than 4.
    """
    console = columns or DEFAULT_COLUMNS
    line_length = line_length or default_line_length(functional, show_trainable, columns)
    table = _table(rows, line_length, functional, show_trainable, positions)
    # Plain console.print lines fold at the console width; the table is drawn at line_length and
    # the console crops whatever sticks out (no ellipsis).
    lines = _wrap(f'Model: "{model_name}"', console, "default", "fold")
    lines += [_set_cell_size(line, console) if _cell_len(line) > console else line for line in table]
    for line in _totals_lines(totals):
        lines += _wrap(line, console, "default", "fold")
    return "\n".join(lines) + "\n"
