"""What rules share about syntax (not a rule module): positions of the analysed module's nodes,
finding a call or an argument, and the text edits a fix makes (``TextEdit``, ``codemod``: a libcst
rewrite of the one node a diagnostic points at, ``apply_edits``). ``kerascheck.fix`` drives them."""

from __future__ import annotations

import contextvars

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..diagnostics import Diagnostic
from ..ir import Loc

if TYPE_CHECKING:
    from .base import RuleContext

log = logging.getLogger("kerascheck.fix")


def positions(ctx: "RuleContext") -> dict:
    """Node -> CodeRange for ``ctx.module`` (resolved once per file, on first use)."""
    cached = getattr(ctx, "_positions", None)
    if cached is None:
        cached = {}
        if ctx.module is not None:
            # The interpreter's own pass when it made one (a second pass would cost as much again);
            # it wrapped the same module without copying, so its nodes are these nodes.
            cached = ctx.result.positions(ctx.module)
            if cached is None:
                cached = MetadataWrapper(ctx.module, unsafe_skip_copy=True).resolve(PositionProvider)
        ctx._positions = cached  # type: ignore[attr-defined]
    return cached


def loc_of(ctx: "RuleContext", node: cst.CSTNode, fallback: Loc | None = None) -> Loc | None:
    """The range of ``node`` in the analysed file; ``fallback`` when the node is not in it."""
    pos = positions(ctx).get(node)
    if pos is None:
        return fallback
    return Loc(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)


def in_file(loc: Loc | None) -> bool:
    """The location is in the analysed file (not in a module it imports)."""
    return loc is not None and getattr(loc, "file", None) is None


def keyword_arg(call: Any, name: str) -> cst.Arg | None:
    """The ``name=`` argument of a ``cst.Call``, if written."""
    if not isinstance(call, cst.Call):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def dotted(node: cst.CSTNode | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def value_text(value: Any) -> str:
    """A Python value as ``repr`` shows it in Keras's messages; ``...`` when not known statically."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, (list, tuple)) and all(v is None or isinstance(v, (bool, int, float, str)) for v in value):
        return repr(value)
    return "..."


def call_at(ctx: "RuleContext", loc: Loc | None) -> cst.Call | None:
    """The ``cst.Call`` spanning exactly ``loc`` in the analysed module."""
    if ctx.module is None or loc is None:
        return None
    for node, rng in positions(ctx).items():
        if isinstance(node, cst.Call) and (rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1) == (
                loc.line, loc.column, loc.end_line, loc.end_column):
            return node
    return None


@dataclass(frozen=True)
class TextEdit:
    """Replace the source from (line, column) to (end_line, end_column) with ``new_text``.

    Positions as in ``Diagnostic``: 1-based lines, 1-based columns counted in characters (code
    points), the end exclusive; an insertion has an empty range.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str


# -- text edits: what a rule's fix hook returns ----------------------------------------------------------------
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


def differing_middle(old: str, new: str) -> tuple[int, int, int]:
    """``(start, end_old, end_new)``: ``old[start:end_old]`` replaced by ``new[start:end_new]`` makes
    ``new``, the common prefix and suffix kept."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return start, end_old, end_new


def whole_edit(old: str, new: str) -> list[TextEdit]:
    """The one edit turning ``old`` into ``new`` (their differing middle), [] when equal."""
    if old == new:
        return []
    start, end_old, end_new = differing_middle(old, new)
    (l1, c1), (l2, c2) = _position(old, start), _position(old, end_old)
    return [TextEdit(l1, c1, l2, c2, new[start:end_new])]


# Where ``fix.fix_source`` collects the fixes that failed (an exception in a rule's fix): reported, skipped.
FIX_FAILURES: contextvars.ContextVar[list | None] = contextvars.ContextVar("kerascheck_fix_failures", default=None)


def fix_failed(diagnostic: Diagnostic, exc: BaseException) -> None:
    """A rule's fix raised: logged, and reported by ``check --fix`` as skipped (never an internal error)."""
    log.debug("fix of %s failed", diagnostic.code, exc_info=exc)
    sink = FIX_FAILURES.get()
    text = (f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: the fix of {diagnostic.code} failed and was "
            f"skipped ({type(exc).__name__}: {exc})")
    if sink is not None and text not in sink:
        sink.append(text)


def apply_edits(source: str, edits: Iterable[TextEdit]) -> str:
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


def parse_with_positions(source: str) -> tuple[cst.Module, Any] | None:
    """The module and the positions of its nodes, for a fix; None when libcst cannot parse it."""
    try:
        module = cst.parse_module(source)
    except Exception:
        return None
    return module, MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def codemod(source: str, diagnostic: Diagnostic, change: Callable[[cst.CSTNode], cst.CSTNode | None],
            node_type: type | tuple = cst.Call, where: str = "start", inner: bool = False) -> list[TextEdit]:
    """Rewrite the node of ``node_type`` the diagnostic points at with ``change`` (None: no fix).

    ``where="start"``: the outermost such node starting at the diagnostic's start;
    ``"inside"``: the first (outermost) such node within the diagnostic's range; ``"around"``: one
    containing the range (the call of a keyword argument the diagnostic points at); ``inner``: the
    innermost instead (``Conv2D(...)`` rather than ``Conv2D(...)(x)``). The whole module
    goes through libcst, so the result is the source with only that node's changed text replaced.
    """
    parsed = parse_with_positions(source)
    if parsed is None:
        return []
    module, pos = parsed
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


def import_keras_edit(source: str) -> list[TextEdit]:
    """An edit inserting ``import keras`` before the file's first import, unless it binds ``keras``."""
    try:
        module = cst.parse_module(source)
    except Exception:
        return []
    line, first = 1, None
    for i, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import) and any(
                    dotted(a.name).split(".")[0] == "keras" and a.asname is None for a in small.names):
                return []
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                names = [] if isinstance(small, cst.Import) or isinstance(small.names, cst.ImportStar) else small.names
                if any((a.asname.name.value if a.asname else dotted(a.name)) == "keras" for a in names):
                    return []
                if first is None and not (isinstance(small, cst.ImportFrom) and small.module is not None
                                          and dotted(small.module) == "__future__"):
                    first = i
    if first is not None:
        line = source[: source.find(module.code_for_node(module.body[first]).lstrip())].count("\n") + 1 \
            if module.code_for_node(module.body[first]).lstrip() in source else 1
    return [TextEdit(line, 1, line, 1, "import keras\n")]
