"""Python's control flow inside the interpreter, as exceptions (shared by the evaluator and paths)."""

from __future__ import annotations

from typing import Any

from ..ir import Loc
from ..shapes.base import KerasError


class Return(Exception):
    def __init__(self, value: Any):
        self.value = value


class Break(Exception):
    pass


class Continue(Exception):
    pass


class Budget(Exception):
    """The whole file's step budget is used up: the last resort, reported as an analysis cut short."""


class KerasErrorAt(Exception):
    """Keras (or Python) raises ``error`` at ``loc``: the script stops there."""

    def __init__(self, loc: Loc, error: KerasError):
        super().__init__(error.message)
        self.loc = loc
        self.error = error
