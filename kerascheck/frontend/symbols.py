"""Where the interpreter turns values it cannot know into named symbolic dimensions.

``X_train.shape[1]`` or ``len(tokenizer.word_index)`` on data the analysis cannot see becomes a
symbol named after its source text; assigned to a variable (``n_features = X_train.shape[1]``) it
takes the variable's name, which is what ``kerascheck summary --dim n_features=30`` binds. A bound
symbol is a plain int from the start, so a bound run is exactly the run on known values.

User code's own decisions on a symbol (``if n > 10``, ``max(n, 8)``, ``f"dense_{n}"``) are not
guessed: they become unknown.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from ..shapes.base import Unknown, Unresolvable
from ..shapes.symbolic import Sym, is_provisional, symbol

_SOURCE = cst.Module([])
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class SymbolicShape:
    """``x.shape`` of a value the analysis cannot see: its items are symbols, its rank unknown."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    display = property(__repr__)


class Symbols:
    """The symbols of one analysis and the values the user bound (``--dim NAME=VALUE``)."""

    def __init__(self, bindings: dict[str, int] | None = None, names: list[str] | None = None):
        self.bindings = dict(bindings or {})
        self.names = names if names is not None else []  # every symbol made, in order (for notes)

    def make(self, name: str, provisional: bool = False) -> Sym | int:
        if name in self.bindings:
            return self.bindings[name]
        if name not in self.names:
            self.names.append(name)
        return symbol(name, provisional)

    def of_expression(self, node: cst.CSTNode) -> Sym | int:
        return self.make(_SOURCE.code_for_node(node), provisional=True)

    def shape(self, node: cst.CSTNode) -> SymbolicShape:
        return SymbolicShape(_SOURCE.code_for_node(node))

    def item(self, shape: SymbolicShape, index: Any) -> Any:
        if isinstance(index, int) and not isinstance(index, bool):
            return self.make(f"{shape.text}[{index}]", provisional=True)
        return Unknown(f"{shape.text}[...] of a value not known statically")

    def unpack(self, shape: SymbolicShape, count: int) -> list:
        """``a, b = x.shape``: Python raises unless the rank is ``count``, so each item is a symbol."""
        return [self.item(shape, i) for i in range(count)]

    def named(self, name: str, value: Any) -> Any:
        """``name = value``: a dimension still named after its source text takes the variable's name."""
        return self.make(name) if is_provisional(value) else value


def has_symbol(value: Any) -> bool:
    if isinstance(value, Sym):
        return True
    if isinstance(value, (list, tuple)):
        return any(has_symbol(v) for v in value)
    return False


def compare(op: str, left: Any, right: Any) -> Any:
    """A comparison in user code involving a symbol: decided only when it holds for every value."""
    try:
        if isinstance(left, Sym):
            return left.compare(op, right, strict=True) if _number(right) else _identity(op, left, right)
        return right.compare(_FLIPPED[op], left, strict=True) if _number(left) else _identity(op, left, right)
    except Unresolvable as exc:
        return Unknown(exc.reason)


def _number(value: Any) -> bool:
    return isinstance(value, (int, Sym)) and not isinstance(value, bool)


def _identity(op: str, left: Any, right: Any) -> Any:
    if op in ("==", "!="):
        return (left == right) == (op == "==")
    return Unknown(f"comparison {op} of a symbolic dimension and {type(right).__name__}")
