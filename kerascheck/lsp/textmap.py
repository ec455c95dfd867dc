"""Positions between kerascheck and the client, and between two versions of a document.

kerascheck counts 1-based lines and 1-based columns in code points; LSP counts 0-based lines and
columns in the negotiated unit (UTF-16 by default, UTF-8 or UTF-32 if agreed). Lines end at
``\\n``, ``\\r\\n`` or ``\\r`` (LSP's rule; ``str.splitlines`` also splits on form feeds and
others, which would shift every position after them).
"""

from __future__ import annotations

import difflib
import re

_EOL = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The document's lines without their line endings (a trailing newline opens an empty last line)."""
    return _EOL.split(text)


def units(text: str, encoding: str = "utf-16") -> int:
    """Length of ``text`` in the client's position units."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def to_client(lines: list[str], line: int, column: int, encoding: str = "utf-16") -> tuple[int, int]:
    """1-based (line, code-point column) -> 0-based (line, client units), clamped to the text."""
    if not lines:
        return 0, 0
    index = min(max(line - 1, 0), len(lines) - 1)
    if line - 1 >= len(lines):  # past the end (e.g. an error at end of file): its last position
        return index, units(lines[index], encoding)
    text = lines[index]
    return index, units(text[: max(column - 1, 0)], encoding)


def from_client(lines: list[str], line: int, character: int, encoding: str = "utf-16") -> tuple[int, int]:
    """0-based (line, client units) -> 1-based (line, code-point column)."""
    if not lines:
        return 1, 1
    index = min(max(line, 0), len(lines) - 1)
    text = lines[index]
    if encoding == "utf-32" or text.isascii():
        return index + 1, min(character, len(text)) + 1
    count = 0
    for i, c in enumerate(text):
        if count >= character:
            return index + 1, i + 1
        count += units(c, encoding)
    return index + 1, len(text) + 1


def word_at(lines: list[str], line: int, column: int) -> str | None:
    """The identifier under a 1-based (line, code-point column), if any."""
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    i = column - 1
    if not (0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")):
        if i > 0 and i - 1 < len(text) and (text[i - 1].isalnum() or text[i - 1] == "_"):
            i -= 1  # just after the word
        else:
            return None
    start = i
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    end = i
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    word = text[start:end]
    return word if word and not word[0].isdigit() else None


class LineMap:
    """Which line of an older text each line of the current one is (only lines left unchanged).

    Hover and inlay hints keep using the last good analysis while the current text does not
    parse (or is still being analysed): a line counts only where the diff says it is unchanged.
    """

    def __init__(self, old: list[str], new: list[str]):
        self.identical = old == new
        self.old_to_new: dict[int, int] = {}
        self.new_to_old: dict[int, int] = {}
        if self.identical:
            return
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, _ in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    self.old_to_new[i1 + k + 1] = j1 + k + 1
                    self.new_to_old[j1 + k + 1] = i1 + k + 1

    def to_new(self, line: int) -> int | None:
        return line if self.identical else self.old_to_new.get(line)

    def to_old(self, line: int) -> int | None:
        return line if self.identical else self.new_to_old.get(line)
