"""``kerascheck check --fix`` / ``--diff`` / ``--unsafe-fixes``: apply the rules' own fixes.

A fix belongs to its rule: ``Rule.fix(diagnostic, source) -> list[TextEdit]`` (the hook the
language server offers as a quick fix). Each fix is a libcst codemod of the node the diagnostic
points at (``codemod`` in ``rules/_syntax.py``), so formatting and comments outside that node, and inside it
apart from the rewritten part, are kept. Safety follows Ruff's split: a rule's fix is ``safe``
as the class declares it (``fix_safety``: ``"safe"``, ``"unsafe"``, None for no fix), or as its
``fix_applicability(diagnostic)`` hook decides for one diagnostic; unsafe fixes are applied only
with ``--unsafe-fixes``.

The driver lints, applies every non-overlapping fix of the file at once, and lints again until
nothing more is fixable (at most ``MAX_ROUNDS`` rounds: fixes that overlap, or problems a fix
uncovers, come in the next round). A round whose result does not parse is dropped; a fix that
raises is skipped and reported (``FixResult.failed``), never an internal error.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import libcst as cst

from .rules import RULES
from .rules._syntax import FIX_FAILURES, apply_edits, fix_failed  # text edits live with the rules that make them
from .rules.base import SAFE, UNSAFE

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .rules.base import Rule, TextEdit

log = logging.getLogger(__name__)

MAX_ROUNDS = 8
# -- the driver -----------------------------------------------------------------------------------
def rule_fix_safety(rule: "Rule", diagnostic: "Diagnostic") -> str:
    """The safety of ``rule``'s fix of this diagnostic: its ``fix_applicability`` hook, which
    defaults to the class's ``fix_safety`` (unsafe when the hook fails)."""
    try:
        return rule.fix_applicability(diagnostic) or SAFE
    except Exception:
        return UNSAFE


def has_fix(rule_class: "type[Rule] | None") -> bool:
    return rule_class is not None and rule_class.has_fix()


def edits_for(diagnostic: "Diagnostic", source: str, unsafe: bool = False) -> "list[TextEdit]":
    """The edits of the rule's own fix for one diagnostic ([] without one, or unsafe and not allowed)."""
    rule_class = RULES.get(diagnostic.code)
    if rule_class is None or not has_fix(rule_class):
        return []
    rule = rule_class()
    if rule_fix_safety(rule, diagnostic) == UNSAFE and not unsafe:
        return []
    try:
        return list(rule.fix(diagnostic, source) or [])
    except Exception as exc:
        fix_failed(diagnostic, exc)
        return []


def with_fix_applicability(diagnostics: "list[Diagnostic]", source: str) -> "list[Diagnostic]":
    """The diagnostics, each marked ``fix="safe"``/``"unsafe"`` when its rule's fix applies to it here
    (what the closing line's "N fixable with --fix" counts); unmarked when there is no fix."""
    marked = []
    for d in diagnostics:
        rule_class = RULES.get(d.code)
        if rule_class is not None and has_fix(rule_class) and edits_for(d, source, unsafe=True):
            d = dataclasses.replace(d, fix=rule_fix_safety(rule_class(), d))
        marked.append(d)
    return marked


@dataclass
class FixResult:
    path: str
    original: str
    fixed: str
    applied: list = field(default_factory=list)  # the diagnostics fixed, round by round
    remaining: list = field(default_factory=list)  # diagnostics of the fixed source
    failed: list = field(default_factory=list)  # "path:line:col: the fix of KC... failed ..." (skipped)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.original.splitlines(keepends=True),
                                            self.fixed.splitlines(keepends=True),
                                            fromfile=self.path, tofile=self.path))


def fix_source(source: str, path: str, codes: Iterable[str] | None = None, unsafe: bool = False,
               max_rounds: int = MAX_ROUNDS) -> FixResult:
    """Lint, apply every fix, lint again, until stable (or ``max_rounds``). A fix that raises is skipped
    and named in ``failed``."""
    codes = None if codes is None else set(codes)
    result = FixResult(path, source, source)
    token = FIX_FAILURES.set(result.failed)
    try:
        return _fix_rounds(result, source, path, codes, unsafe, max_rounds)
    finally:
        FIX_FAILURES.reset(token)


def _fix_rounds(result: FixResult, source: str, path: str, codes, unsafe: bool, max_rounds: int) -> FixResult:
    from .lint import lint_source

    current = source
    diagnostics = lint_source(current, path, codes)
    seen = {current}
    for _ in range(max_rounds):
        edits, fixed_here = [], []
        for d in diagnostics:
            found = edits_for(d, current, unsafe)
            if found:
                edits.extend(found)
                fixed_here.append(d)
        if not edits:
            break
        new = apply_edits(current, edits)
        try:
            cst.parse_module(new)
        except Exception:  # a combination that does not parse: apply them one at a time instead
            new = current
            for d in fixed_here:
                candidate = apply_edits(new, edits_for(d, new, unsafe))
                try:
                    cst.parse_module(candidate)
                except Exception:
                    continue
                new = candidate
                break
        if new in seen:
            break
        seen.add(new)
        result.applied.extend(fixed_here)
        current = new
        diagnostics = lint_source(current, path, codes)
    result.fixed = current
    result.remaining = diagnostics
    return result


@dataclass
class NotebookFixResult(FixResult):
    """A notebook's fix: ``original``/``fixed`` are its JSON text; the diff is shown cell by cell."""

    cells: dict = field(default_factory=dict)  # cell index -> (old source, new source), changed cells only

    def diff(self) -> str:
        out = []
        for index, (old, new) in sorted(self.cells.items()):
            name = f"{self.path}:cell {index}"
            out += difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=name, tofile=name)
            if out and not out[-1].endswith("\n"):
                out[-1] += "\n\\ No newline at end of cell\n"
        return "".join(out)


def fix_notebook(text: str, path: str, codes: Iterable[str] | None = None, unsafe: bool = False) -> FixResult:
    """Fix a notebook's code cells as one script; only the changed cells' ``source`` is rewritten in
    the JSON text (outputs, counts, metadata, ids, indentation and key order stay as they were)."""
    from .notebook import NotNotebook, read

    try:
        notebook = read(text, path)
    except NotNotebook as exc:
        return FixResult(path, text, text, remaining=[exc.diagnostic(path)])
    fixed = fix_source(notebook.script, path, codes, unsafe=unsafe)
    sources = notebook.split_script(fixed.fixed) if fixed.changed else {}
    changed = {i: (notebook.cell(i).source, new) for i, new in sources.items() if new != notebook.cell(i).source}
    return NotebookFixResult(path, text, notebook.with_sources(sources) if changed else text, fixed.applied,
                             notebook.map_diagnostics(fixed.remaining), failed=fixed.failed, cells=changed)


def fix_paths(paths: Iterable[str], codes_for: Callable[[str], Iterable[str]] | None = None, unsafe: bool = False,
              diff: bool = False, write: bool = True, echo: Callable[..., None] = print,
              exclude: Iterable[str] = (), root: Path | None = None, force_exclude: bool = False,
              include: Iterable[str] | None = None) -> list[FixResult]:
    """Fix each Python file and notebook under ``paths``: write it back (``write``) or print a unified
    diff (``diff``; a notebook's cell by cell).

    A file is read and written in its own encoding (PEP 263 declaration or UTF-8) and line endings."""
    from .files import iter_python_files
    from .notebook import is_notebook
    from .source_text import SourceDecodeError, decode_source, source_encoding

    results = []
    for file in iter_python_files(tuple(paths), list(exclude), root, force_exclude,
                                  None if include is None else list(include)):
        file = Path(file)
        shown = str(file)
        notebook = is_notebook(shown)
        try:
            data = file.read_bytes()
            source = data.decode("utf-8") if notebook else decode_source(data)  # a notebook is JSON: UTF-8
        except (OSError, SourceDecodeError, UnicodeDecodeError):
            continue  # reported as KC000 by the lint that follows
        codes = codes_for(shown) if codes_for is not None else None
        res = (fix_notebook if notebook else fix_source)(source, shown, codes, unsafe=unsafe)
        results.append(res)
        if not res.changed:
            continue
        if diff:
            echo(res.diff())
        elif write:
            file.write_bytes(res.fixed.encode("utf-8" if notebook else source_encoding(data)))
    return results
