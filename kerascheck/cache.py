"""Result caches under ``.kerascheck_cache/``: ``check``'s diagnostics and ``summary``'s output, per file.

Keys hold the content, the kerascheck version and a fingerprint of kerascheck's own files (an
edited engine must not serve old results), plus what else the result depends on (enabled codes;
summary options). Entries are written to a temporary file and renamed into place, so concurrent
runs and crashes never leave a partial entry; an unreadable entry is treated as a miss.

Nothing here imports libcst or the engine: a hit costs a hash and a file read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic

CACHE_DIR = ".kerascheck_cache"
PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Sizes and modification times of kerascheck's own files (a hundred stats, ~1 ms)."""
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json", ".gz", ".txt")):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def _key(data: bytes, *parts: str) -> str:
    h = hashlib.sha256()
    for part in (__version__, code_fingerprint(), *parts):
        h.update(part.encode())
        h.update(b"\0")
    h.update(data)
    return h.hexdigest()


class _Store:
    """JSON entries in ``root/.kerascheck_cache/<version>/<kind>``, two-level by key."""

    def __init__(self, root: Path, kind: str = ""):
        self.top = root / CACHE_DIR
        self.folder = self.top / __version__ / kind if kind else self.top / __version__

    def read(self, key: str):
        try:
            return json.loads((self.folder / key[:2] / key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write(self, key: str, value) -> None:
        import tempfile  # here: a run that only reads the cache does not need it (nor its `random`)

        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.top / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f)
            os.replace(tmp, folder / key)
        except OSError:
            pass  # a read-only tree just runs uncached


class Cache(_Store):
    """``check``: the diagnostics of one file, used only while the files the analysis read or looked
    for besides it (sibling modules, Keras sources) are as they were."""

    @staticmethod
    def key(data: bytes, shown: str, codes: set[str]) -> str:
        return _key(data, shown, str(Path(shown).resolve()), ",".join(sorted(codes)), _keras_location())

    def get(self, key: str) -> list[Diagnostic] | None:
        entry = self.read(key)
        if not isinstance(entry, dict) or not _unchanged(entry.get("dependencies", {})):
            return None
        try:
            return [Diagnostic(**e) for e in entry.get("diagnostics", [])]
        except TypeError:
            return None

    def put(self, key: str, diagnostics: list[Diagnostic], dependencies: set[str] = frozenset()) -> None:
        self.write(key, {"diagnostics": [_as_fields(d) for d in diagnostics],
                         "dependencies": {p: file_state(p) for p in sorted(dependencies)}})


def _unchanged(dependencies: dict) -> bool:
    return all(file_state(path) == state for path, state in dependencies.items())


def _as_fields(d: Diagnostic) -> dict:
    return dataclasses.asdict(d)


def file_state(path: str) -> list[int] | None:
    """What a dependency looked like: [size, mtime_ns], None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class SummaryCache(_Store):
    """``summary``: what it printed for one file, replayed on a hit.

    The output also depends on files the analysis looked for or read besides the script (modules
    next to it, the installed Keras source of keras.applications): each entry lists their states
    and is used only while they still match.
    """

    def __init__(self, root: Path):
        super().__init__(root, "summary")

    @staticmethod
    def key(data: bytes, shown: str, options: str) -> str:
        return _key(data, shown, str(Path(shown).resolve()), options, _keras_location())

    def get(self, key: str) -> list | None:
        entry = self.read(key)
        if not isinstance(entry, dict):
            return None
        return entry.get("output") if _unchanged(entry.get("dependencies", {})) else None

    def put(self, key: str, output: list, dependencies: set[str]) -> None:
        self.write(key, {"output": output, "dependencies": {p: file_state(p) for p in sorted(dependencies)}})


@lru_cache(maxsize=1)
def _keras_location() -> str:
    """Where keras.applications are read from (found, never imported): installing Keras changes results."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("keras")
    except (ImportError, ValueError):
        return ""
    return str(spec.origin) if spec is not None else ""
