"""``kerascheck check --fix`` / ``--diff`` / ``--unsafe-fixes``: apply the rules' own fixes.

A fix belongs to its rule: ``Rule.fix(diagnostic, source) -> list[TextEdit]`` (the hook the
language server offers as a quick fix). Each fix is a libcst codemod of the node the diagnostic
points at (see ``codemod`` below), so formatting and comments outside that node, and inside it
apart from the rewritten part, are kept. Safety follows Ruff's split: a rule's fix is ``safe``
unless the class says ``fix_safety = "unsafe"`` or its ``fix_applicability(diagnostic)`` returns
``"unsafe"`` for that diagnostic; unsafe fixes are applied only with ``--unsafe-fixes``.

The driver lints, applies every non-overlapping fix of the file at once, and lints again until
nothing more is fixable (at most ``MAX_ROUNDS`` rounds: fixes that overlap, or problems a fix
uncovers, come in the next round). A round whose result does not parse is dropped; a fix that
raises is skipped and reported (``FixResult.failed``), never an internal error.
"""

from __future__ import annotations

import contextvars
import difflib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .rules.base import TextEdit

log = logging.getLogger(__name__)

SAFE, UNSAFE = "safe", "unsafe"
MAX_ROUNDS = 8
# Where ``fix_source`` collects the fixes that failed (an exception in a rule's fix): reported, skipped.
_FAILURES: contextvars.ContextVar[list | None] = contextvars.ContextVar("kerascheck_fix_failures", default=None)


def fix_failed(diagnostic: "Diagnostic", exc: BaseException) -> None:
    """A rule's fix raised: logged, and reported by ``check --fix`` as skipped (never an internal error)."""
    log.debug("fix of %s failed", diagnostic.code, exc_info=exc)
    sink = _FAILURES.get()
    text = (f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: the fix of {diagnostic.code} failed and was "
            f"skipped ({type(exc).__name__}: {exc})")
    if sink is not None and text not in sink:
        sink.append(text)


# -- helpers for rules' fix hooks ----------------------------------------------------------------
def _offsets(source: str) -> list[int]:
    starts, pos = [0], 0
    for line in source.splitlines(keepends=True):
        pos += len(line)
        starts.append(pos)
    return starts


def _offset(starts: list[int], line: int, column: int) -> int:
    line = max(1, min(line, len(starts)))
    return starts[line - 1] + column - 1


def _position(source: str, offset: int) -> tuple[int, int]:
    before = source[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


def whole_edit(old: str, new: str) -> "list[TextEdit]":
    """The one edit turning ``old`` into ``new`` (their differing middle), [] when equal."""
    from .rules.base import TextEdit

    if old == new:
        return []
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    (l1, c1), (l2, c2) = _position(old, start), _position(old, end_old)
    return [TextEdit(l1, c1, l2, c2, new[start:end_new])]


def apply_edits(source: str, edits: "Iterable[TextEdit]") -> str:
    """Apply non-overlapping edits (an edit overlapping an earlier-kept one is skipped)."""
    starts = _offsets(source)
    spans = sorted(((_offset(starts, e.line, e.column), _offset(starts, e.end_line, e.end_column), e.new_text)
                    for e in edits), key=lambda s: (s[0], s[1]))
    out, pos, last = [], 0, None
    for begin, end, text in spans:
        if (begin, end, text) == last:
            continue  # the same edit twice (two fixes adding one import)
        last = (begin, end, text)
        if begin < pos:
            continue  # overlaps an edit already taken: the next round will redo it if still needed
        out.append(source[pos:begin])
        out.append(text)
        pos = end
    out.append(source[pos:])
    return "".join(out)


def codemod(source: str, diagnostic: "Diagnostic", change: Callable[[cst.CSTNode], cst.CSTNode | None],
            node_type: type | tuple = cst.Call, where: str = "start", inner: bool = False) -> "list[TextEdit]":
    """Rewrite the node of ``node_type`` the diagnostic points at with ``change`` (None: no fix).

    ``where="start"``: the outermost such node starting at the diagnostic's start;
    ``"inside"``: the first (outermost) such node within the diagnostic's range; ``"around"``: one
    containing the range (the call of a keyword argument the diagnostic points at); ``inner``: the
    innermost instead (``Conv2D(...)`` rather than ``Conv2D(...)(x)``). The whole module
    goes through libcst, so the result is the source with only that node's changed text replaced.
    """
    try:
        module = cst.parse_module(source)
    except Exception:
        return []
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    pos = wrapper.resolve(PositionProvider)
    start = (diagnostic.line, diagnostic.column)
    end = (diagnostic.end_line or diagnostic.line, diagnostic.end_column or diagnostic.column)
    target = None
    for node, rng in pos.items():
        if not isinstance(node, node_type):
            continue
        s, e = (rng.start.line, rng.start.column + 1), (rng.end.line, rng.end.column + 1)
        if where == "start":
            ok = s == start
        elif where == "around":  # a node containing the diagnostic's range
            ok = s <= start and end <= e
        else:
            ok = start <= s and e <= end
        if where == "around" and inner:  # the innermost node containing the range: the latest start
            key = ((-s[0], -s[1]), e)
        else:
            key = (s, e if inner else (-e[0], -e[1]))
        if ok and (target is None or key < target[1]):
            target = (node, key)
    if target is None:
        return []
    node = target[0]

    class Replace(cst.CSTTransformer):
        done = False

        def on_leave(self, original, updated):
            if original is node and not self.done:
                self.done = True
                new = change(updated)
                return updated if new is None else new
            return updated

    try:
        new_module = module.visit(Replace())
        new_source = new_module.code
        cst.parse_module(new_source)
    except Exception as exc:
        fix_failed(diagnostic, exc)
        return []
    return whole_edit(source, new_source)


def rename_keywords(call: cst.Call, renames: dict[str, str]) -> cst.Call | None:
    """``call`` with keyword arguments renamed (not when the new name is already given)."""
    given = {a.keyword.value for a in call.args if a.keyword is not None}
    todo = {old: new for old, new in renames.items() if old in given and new not in given}
    if not todo:
        return None
    return call.with_changes(args=[
        a.with_changes(keyword=cst.Name(todo[a.keyword.value])) if a.keyword is not None and a.keyword.value in todo
        else a for a in call.args])


# -- the driver -----------------------------------------------------------------------------------
def rule_fix_safety(rule, diagnostic: "Diagnostic") -> str:
    applicability = getattr(rule, "fix_applicability", None)
    if callable(applicability):
        try:
            return applicability(diagnostic) or SAFE
        except Exception:
            return UNSAFE
    return getattr(rule, "fix_safety", SAFE)


def has_fix(rule_class) -> bool:
    from .rules.base import Rule

    return getattr(rule_class, "fix", Rule.fix) is not Rule.fix


def edits_for(diagnostic: "Diagnostic", source: str, unsafe: bool = False) -> "list[TextEdit]":
    """The edits of the rule's own fix for one diagnostic ([] without one, or unsafe and not allowed)."""
    from .rules import RULES

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
    import dataclasses

    from .rules import RULES

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
    token = _FAILURES.set(result.failed)
    try:
        return _fix_rounds(result, source, path, codes, unsafe, max_rounds)
    finally:
        _FAILURES.reset(token)


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
