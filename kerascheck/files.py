"""Which files a run checks: Python files and Jupyter notebooks under the given paths, minus
``.gitignore`` and ``exclude``; ``include`` (gitignore-style patterns) narrows what a walk yields."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
                  ".mypy_cache", ".pytest_cache", ".ruff_cache", ".kerascheck_cache", ".ci-venv",
                  ".ipynb_checkpoints"}
DEFAULT_INCLUDE = ("*.py", "*.ipynb")
DEFAULT_INCLUDE_SUFFIXES = (".py", ".ipynb")


def _gitignore(folder: Path) -> "pathspec.PathSpec | None":
    import pathspec  # imported when a folder is walked: a single file needs no pattern matching

    path = folder / ".gitignore"
    try:
        return pathspec.PathSpec.from_lines("gitwildmatch", path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def matches_exclude(patterns: list[str], path: str | Path, root: Path) -> bool:
    """Whether the gitignore-style ``patterns`` (relative to ``root``) match ``path`` or one of its folders."""
    if not patterns:
        return False
    import pathspec

    spec = pathspec.PathSpec.from_lines("gitwildmatch", patterns)
    parts = _relative(Path(path), root).split("/")
    return any(spec.match_file("/".join(parts[:i]) + "/") for i in range(1, len(parts))) or spec.match_file("/".join(parts))


def iter_python_files(paths: tuple[str, ...] | list[str], exclude: list[str] = (), root: Path | None = None,
                      force_exclude: bool = False,
                      include: list[str] | tuple[str, ...] | None = None) -> Iterator[Path]:
    """Files named on the command line are checked (unless ``force_exclude`` and ``exclude`` matches
    them, as ruff's ``--force-exclude``); directories are walked, honouring ``.gitignore`` files (each
    relative to its own folder) and ``exclude`` patterns (relative to ``root``), and yield the files
    ``include`` matches (default: ``*.py`` and ``*.ipynb``)."""
    if exclude:
        import pathspec

        excluded = pathspec.PathSpec.from_lines("gitwildmatch", exclude)
    else:
        excluded = None
    root = (root or Path.cwd()).resolve()
    included = None
    if include is not None and tuple(include) != DEFAULT_INCLUDE:
        import pathspec

        included = pathspec.PathSpec.from_lines("gitwildmatch", include)

    def wanted(path: Path, resolved: Path) -> bool:
        if included is None:
            return path.name.endswith(DEFAULT_INCLUDE_SUFFIXES)
        try:
            rel = resolved.relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        return included.match_file(rel)

    def is_excluded(path: Path, resolved: Path, is_dir: bool) -> bool:
        if excluded is None:
            return False
        try:
            rel = resolved.relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        return excluded.match_file(rel + "/" if is_dir else rel)

    for raw in paths:
        start = Path(raw)
        if not start.is_dir():
            if not (force_exclude and matches_exclude(list(exclude), start, root)):
                yield start
            continue
        if force_exclude and matches_exclude(list(exclude), start, root):
            continue
        ignores: list[tuple[Path, pathspec.PathSpec]] = []
        for parent in [start.resolve(), *start.resolve().parents]:
            spec = _gitignore(parent)
            if spec is not None:
                ignores.append((parent, spec))
            if (parent / ".git").exists():
                break
        start_resolved = start.resolve()
        for folder, dirs, files in os.walk(start):
            here = Path(folder)
            here_resolved = here.resolve()  # once per folder, not once per entry (a realpath is an lstat per component)
            spec = _gitignore(here)
            scoped = ignores + ([(here_resolved, spec)] if spec is not None and here_resolved != start_resolved else [])

            def ignored(path: Path, is_dir: bool) -> bool:
                # Same as path.resolve(): an entry that is not a symlink resolves to its resolved folder / name.
                resolved = path.resolve() if os.path.islink(path) else here_resolved / path.name
                for base, s in scoped:
                    try:
                        rel = resolved.relative_to(base).as_posix()
                    except ValueError:
                        continue
                    if s.match_file(rel + "/" if is_dir else rel):
                        return True
                return is_excluded(path, resolved, is_dir)

            dirs[:] = sorted(d for d in dirs if d not in ALWAYS_SKIPPED and not d.endswith(".egg-info")
                             and not ignored(here / d, True))
            for name in sorted(files):
                path = here / name
                if wanted(path, here_resolved / name) and not ignored(path, False):
                    yield path
