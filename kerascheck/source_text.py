"""A Python file's bytes as text, decoded as Python itself does it (PEP 263 / PEP 3120).

``# -*- coding: latin-1 -*-`` on the first or second line, or a UTF-8 byte-order mark, picks the
encoding; otherwise it is UTF-8. Bytes that do not decode are a ``SourceDecodeError`` with the line
they are on, which every face reports as KC000.
"""

from __future__ import annotations

import codecs
import io
import tokenize


class SourceDecodeError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def source_encoding(data: bytes) -> str:
    """The encoding Python reads ``data`` with (``utf-8-sig`` after a BOM); ``SourceDecodeError`` for
    a declaration Python rejects (an unknown codec, or one that contradicts the BOM)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        message = str(exc.msg if getattr(exc, "msg", None) else exc)
        if "invalid or missing encoding declaration" in message:
            return "utf-8"  # undeclared and not UTF-8 in the first lines: decode_source says where
        first_lines = data.split(b"\n", 2)[:2]
        line = next((i + 1 for i, text in enumerate(first_lines) if b"coding" in text), 1)
        raise SourceDecodeError(line, f"invalid encoding declaration: {message}") from None
    return encoding


def decode_source(data: bytes) -> str:
    encoding = source_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        name = codecs.lookup(encoding).name
        shown = "UTF-8" if name in ("utf-8", "utf-8-sig") else f"{encoding} (its coding declaration)"
        raise SourceDecodeError(line, f"file is not valid {shown}") from None


# A file none of whose characters spell these cannot build a Keras model: no need to parse it.
KERAS_MARKERS = ("keras", "tensorflow")
_MARKER_BYTES = tuple(m.encode() for m in KERAS_MARKERS)


def mentions_keras(text: bytes | str) -> bool:
    """The byte scan ``check`` and the language server skip a file by (bytes or decoded text)."""
    markers = _MARKER_BYTES if isinstance(text, bytes) else KERAS_MARKERS
    return any(marker in text for marker in markers)
