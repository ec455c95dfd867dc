"""Per-file result cache (``.kerascheck_cache/``), keyed by content, kerascheck version and enabled codes.

Entries are written to a temporary file and renamed into place, so concurrent runs and crashes
never leave a partial entry; an unreadable entry is treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic

CACHE_DIR = ".kerascheck_cache"


class Cache:
    def __init__(self, root: Path):
        self.folder = root / CACHE_DIR / __version__

    @staticmethod
    def key(data: bytes, shown: str, codes: set[str]) -> str:
        h = hashlib.sha256()
        for part in (__version__, shown, ",".join(sorted(codes))):
            h.update(part.encode())
            h.update(b"\0")
        h.update(data)
        return h.hexdigest()

    def get(self, key: str) -> list[Diagnostic] | None:
        try:
            entries = json.loads((self.folder / key[:2] / key).read_text(encoding="utf-8"))
            return [Diagnostic(**e) for e in entries]
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump([_as_fields(d) for d in diagnostics], f)
            os.replace(tmp, folder / key)
        except OSError:
            pass  # a read-only tree just runs uncached


def _as_fields(d: Diagnostic) -> dict:
    return {"path": d.path, "line": d.line, "column": d.column, "code": d.code, "message": d.message,
            "severity": d.severity, "end_line": d.end_line, "end_column": d.end_column}
