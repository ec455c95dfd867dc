"""The user's own modules next to the analysed file: found, parsed (with a bounded cache) and run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst

from ..parsing import parse_module
from .scans import LazyBoundNames
from .values import ModuleValue, Scope

if TYPE_CHECKING:
    from .interpreter import Interpreter


def _is_installed(path: Path) -> bool:
    return any(part in ("site-packages", "dist-packages") for part in path.parts)


PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
PROJECT_DEPTH = 4  # folders above the analysed file searched for the project's root


def _project_root(folder: Path) -> Path | None:
    """The nearest folder above ``folder`` (itself excluded, within PROJECT_DEPTH) that a package
    build file marks as a project's root: its packages are importable from the project's scripts
    (``tasks/train.py`` importing ``tcn`` from the repository's root) once the project is installed
    for development, which is how such scripts are run. Installed code is never a project."""
    for parent in list(folder.parents)[:PROJECT_DEPTH]:
        if _is_installed(parent):
            return None
        if any((parent / marker).is_file() for marker in PROJECT_MARKERS):
            return parent
    return None


class ModuleLoader:
    """Finds and runs the user's own modules next to the analysed file (never library code).

    Absolute imports are looked up in the analysed file's folder (Python's ``sys.path[0]``), the
    package roots above it and the project's root (``_project_root``); relative ones from the importing module's package. Each module
    runs once, sharing the Keras state (automatic names) as Python's import would. ``overlay``
    maps paths to in-memory text (an editor's unsaved buffers), which takes precedence over disk.
    """

    MAX_BYTES = 2_000_000

    def __init__(self, interp: "Interpreter", path: str, overlay: dict[str, str]):
        self.interp = interp
        self.overlay = {str(Path(p).resolve()): text for p, text in overlay.items()}
        self.probed: set[str] = set()  # every file looked for or read: what the result depends on
        main = Path(path).resolve() if path not in ("-", "") else Path.cwd() / "stdin.py"
        self.main = main
        roots = [main.parent]
        folder = main.parent
        while self._exists(folder / "__init__.py") and folder.parent != folder and not _is_installed(folder.parent):
            folder = folder.parent
            roots.append(folder)
        project = _project_root(main.parent)
        if project is not None and project not in roots:
            roots.append(project)  # the project's own packages, as an editable install provides them
        self.roots = roots
        self.loaded: dict[str, ModuleValue | None] = {}

    def _exists(self, path: Path) -> bool:
        self.probed.add(str(path))
        return path.exists()

    def _file_for(self, base: Path, parts: list[str]) -> Path | None:
        target = base.joinpath(*parts)
        for candidate in (target.with_suffix(".py"), target / "__init__.py"):
            self.probed.add(str(candidate))
            if str(candidate.resolve()) in self.overlay or candidate.is_file():
                return candidate.resolve()
        return None

    # Top-level names that are always libraries, even when a checkout of them is on the path.
    LIBRARIES = {"keras", "tensorflow", "tf_keras", "numpy", "jax", "torch", "tf", "np"}

    def find(self, parts: list[str], level: int, importer: str | None = None, load: bool = True) -> "ModuleValue | None":
        if not parts or not all(parts) or (not level and parts[0] in self.LIBRARIES):
            return None
        if level:
            base = Path(importer).parent if importer else self.main.parent
            for _ in range(level - 1):
                base = base.parent
            candidates = [self._file_for(base, parts)]
        else:
            candidates = [self._file_for(root, parts) for root in self.roots]
        # Installed third-party code is a library, not the user's sibling module.
        path = next((c for c in candidates if c is not None and c != self.main and not _is_installed(c)), None)
        if path is None:
            return None
        if not load:
            return ModuleValue(".".join(parts), Scope())
        return self.load(str(path), ".".join(parts))

    def load(self, path: str, name: str) -> "ModuleValue | None":
        if path in self.loaded:
            return self.loaded[path]
        self.loaded[path] = None  # an import cycle sees a partly run module as unknown
        self.probed.add(path)
        parsed = _parse_file(path, self.overlay.get(path), self.MAX_BYTES)
        if parsed is None:
            return None
        interp = self.interp
        module = parsed.entry[0]
        scope = interp.module_scope(module, path, names=parsed.names)
        scope.vars["__name__"] = name  # an imported module is not the script: its ``__main__`` block does not run
        scope.vars["__file__"] = path
        value = ModuleValue(name, scope)
        interp.sources.append(parsed.entry)
        interp.file_stack.append(path)
        try:
            interp.exec_block(module.body, scope)
        finally:
            interp.file_stack.pop()
        self.loaded[path] = value
        return value


class _ParsedFile:
    """A module file as parsed, with what is derived from its text alone (shared by analyses)."""

    __slots__ = ("stamp", "entry", "names", "size")

    def __init__(self, stamp: Any, module: cst.Module, path: str, source: str):
        self.stamp, self.size = stamp, len(source)
        self.entry = [module, path, None]  # an ``Interpreter.sources`` entry: positions computed once
        self.names = LazyBoundNames(module, source)


# Parsed imported modules by path, checked against size and mtime: a process that analyses many
# files (the editor's server, -j workers) reads the same library code, e.g. a keras.applications
# builder, on every analysis. Bounded by source size (a tree takes ~25 times its text), so the
# cache stays small next to one analysis: the largest Keras application source is 41 KB.
_PARSED: dict[str, _ParsedFile] = {}
_PARSED_MAX_BYTES = 1_000_000  # all cached sources together
_PARSED_MAX_FILE = 128_000


def _parse_file(path: str, text: str | None, max_bytes: int) -> _ParsedFile | None:
    """The module at ``path`` (``text``: an editor's unsaved text for it); None when unreadable."""
    try:
        if text is None:
            st = os.stat(path)
            if st.st_size > max_bytes:
                return None
            stamp: Any = (st.st_size, st.st_mtime_ns)
        else:
            stamp = text
        cached = _PARSED.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached
        source = text if text is not None else Path(path).read_text(encoding="utf-8")
        parsed = _ParsedFile(stamp, parse_module(source), path, source)
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError, RecursionError):
        return None
    if parsed.size <= _PARSED_MAX_FILE:
        _PARSED.pop(path, None)
        while _PARSED and sum(p.size for p in _PARSED.values()) + parsed.size > _PARSED_MAX_BYTES:
            del _PARSED[next(iter(_PARSED))]  # the oldest
        _PARSED[path] = parsed
    return parsed


