"""The real-code corpus: public Keras scripts named by ``manifest.json``, read at run time.

Public code is never committed here. Each manifest entry names a repository, a commit and a path;
its text is read from a git mirror of that repository (``$KERASCHECK_CORPUS_MIRRORS``, default
``/work/.mirror``, laid out as ``<owner>+<name>/repo`` or ``<owner>+<name>/repo/.git``) and
written to a temporary folder:

* a ``.py`` entry is written as it is, at its place in the repository, with the repository's other
  ``.py`` modules around it (``from model import unet``, ``sys.path.append(".."); from lib import
  gan``);
* an ``.ipynb`` entry becomes a script of its code cells, in order, each preceded by a
  ``# %% [cell N]`` line; IPython magics and shell lines (``%matplotlib``, ``!pip``) and cell
  magics (``%%bash``) are dropped (an indented one becomes ``pass``, so its block stays valid).

An entry whose mirror or commit is missing is *skipped* (``Entry.skipped`` says why), never an
error: CI has no mirrors. Standard library only, so the recorder (under TensorFlow's Python) and
the benchmark (under kerascheck's) share it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
TRUTH = HERE / "truth"
DEFAULT_MIRRORS = "/work/.mirror"
MAX_SIBLINGS = 300  # the repository's .py files copied around a script
MAX_SIBLING_BYTES = 4_000_000
EXCLUDED_DIRS = {"keras", "tensorflow", "tf_keras", "tests", "test", "docs", ".ipynb_checkpoints"}


@dataclass
class Entry:
    id: str
    repo: str
    commit: str
    path: str
    source: str
    kind: str
    skipped: str | None = None  # why it cannot be materialised here
    extra: dict = field(default_factory=dict)

    @property
    def script_name(self) -> str:
        stem = Path(self.path).stem
        return stem + ".py" if self.kind == "ipynb" else Path(self.path).name


def entry_id(repo: str, path: str) -> str:
    """A readable unique id: ``owner__name__path`` (``.py`` dropped, ``.ipynb`` kept as ``_ipynb``)
    with unsafe characters as ``_``."""
    owner, name = repo.split("/", 1)
    stem = re.sub(r"\.py$", "", path)
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{owner}__{name}__{stem}")


def load_manifest(path: Path = MANIFEST) -> list[Entry]:
    data = json.loads(path.read_text(encoding="utf-8"))
    entries, seen = [], set()
    for item in data["entries"]:
        eid = item.get("id") or entry_id(item["repo"], item["path"])
        if eid in seen:
            raise ValueError(f"duplicate corpus id {eid}")
        seen.add(eid)
        entries.append(Entry(eid, item["repo"], item["commit"], item["path"], item.get("source", ""),
                             item.get("kind") or ("ipynb" if item["path"].endswith(".ipynb") else "py")))
    return entries


def mirrors_root() -> Path:
    return Path(os.environ.get("KERASCHECK_CORPUS_MIRRORS") or DEFAULT_MIRRORS)


def git_dir(repo: str, root: Path | None = None) -> Path | None:
    base = (root or mirrors_root()) / repo.replace("/", "+", 1)
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def _git(gdir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(gdir), *args], check=True, capture_output=True,
                          timeout=120).stdout


def read_text(entry: Entry, root: Path | None = None) -> str | None:
    """The entry's script text (a notebook already converted), or None with ``entry.skipped`` set."""
    gdir = git_dir(entry.repo, root)
    if gdir is None:
        entry.skipped = f"no mirror of {entry.repo} under {root or mirrors_root()}"
        return None
    try:
        raw = _git(gdir, "show", f"{entry.commit}:{entry.path}")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        entry.skipped = f"{entry.repo}@{entry.commit[:10]}:{entry.path} is not in the mirror"
        return None
    text = raw.decode("utf-8", errors="replace")
    return notebook_to_script(text) if entry.kind == "ipynb" else text


_MAGIC = re.compile(r"^(\s*)[%!]")
_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun", "%%tensorflow_version")


def notebook_to_script(text: str) -> str:
    """The code cells of a notebook (nbformat 3 or 4) as one script; magics and shell lines dropped
    (with their backslash continuations), the body of a ``%%time``-like cell kept, any other cell
    magic's cell (``%%bash``, ``%%writefile``) dropped."""
    nb = json.loads(text)
    cells = nb.get("cells")
    if cells is None:
        cells = [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
    out: list[str] = []
    number = 0
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        number += 1
        src = cell.get("source", cell.get("input", ""))
        src = "".join(src) if isinstance(src, list) else str(src)
        lines = src.splitlines()
        if lines and lines[0].lstrip().startswith("%%"):
            if not lines[0].lstrip().startswith(_PYTHON_CELL_MAGICS):
                continue  # a cell magic: the whole cell is not Python
            lines = [""] + lines[1:]
        kept = []
        continued = False
        for line in lines:
            match = _MAGIC.match(line)
            if continued or match:
                indent = match.group(1) if match and not continued else ""
                kept.append(indent + "pass" if indent else "")
                continued = line.rstrip().endswith("\\")
            else:
                kept.append(line)
        out.append(f"# %% [cell {number}]")
        out.extend(kept)
        out.append("")
    return "\n".join(out) + "\n"


def materialise(entry: Entry, folder: Path, root: Path | None = None) -> Path | None:
    """Write the entry under ``folder`` at its place in the repository, with the repository's ``.py``
    modules around it (its own folder's first, then the rest, within MAX_SIBLINGS files and
    MAX_SIBLING_BYTES; never a ``keras``/``tensorflow`` package or a test folder, which would stand for
    the installed ones); return the script's path, or None when it is skipped (``entry.skipped``)."""
    text = read_text(entry, root)
    if text is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    gdir = git_dir(entry.repo, root)
    parent = str(Path(entry.path).parent)
    prefix = "" if parent == "." else parent + "/"
    try:
        listing = _git(gdir, "ls-tree", "-r", "-l", entry.commit).decode("utf-8", "replace")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        listing = ""
    modules = []
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != "blob" or not path.endswith(".py") or path == entry.path:
            continue
        if any(part in EXCLUDED_DIRS for part in path.split("/")[:-1]):
            continue
        modules.append((not path.startswith(prefix), path.count("/"), path, int(parts[3]) if parts[3].isdigit() else 0))
    copied = total = 0
    for _, _, path, size in sorted(modules):
        if copied >= MAX_SIBLINGS or total + size > MAX_SIBLING_BYTES:
            break
        try:
            data = _git(gdir, "show", f"{entry.commit}:{path}")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            continue
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        copied += 1
        total += size
    script = folder / prefix / entry.script_name
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(text, encoding="utf-8")
    return script


def truth_path(entry_or_id) -> Path:
    eid = entry_or_id if isinstance(entry_or_id, str) else entry_or_id.id
    return TRUTH / f"{eid}.json"
