"""Helpers for rules that point inside a call or read the module's syntax (not a rule module)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..ir import Loc

if TYPE_CHECKING:
    from .base import RuleContext


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
