"""The values and errors every stage shares: Keras's own errors (``KerasError``), what the analysis
cannot know (``Unresolvable``, ``Unknown``), library objects without a shape meaning (``Opaque``)
and a layer's weights (``Weight``).

A leaf module: it imports nothing of kerascheck, so any module may import it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Union

Dim = Union[int, None]
Shape = tuple  # tuple[Dim, ...]


class KerasError(Exception):
    """An error Keras itself raises for this input (``kind`` is the exception class)."""

    def __init__(self, message: str, kind: str = "ValueError", exact: bool = True):
        super().__init__(message)
        self.message = message
        self.kind = kind
        # ``False``: Keras raises this error but its message is only known up to here (a prefix): the
        # rest embeds something the analysis cannot print exactly (a serialized config).
        self.exact = exact
        # Filled in on the way up by the engine (innermost first) for diagnostics: where Keras
        # raises (``loc``), at which stage (constructor, call, input, model, attribute), for which
        # layer class, and the tensors the failing call received.
        self.loc: Any = None
        # The innermost place in the analysed file itself that led here (when ``loc`` is in an
        # imported module): where the diagnostic goes.
        self.main_loc: Any = None
        self.stage: str | None = None
        self.layer: str | None = None
        self.inputs: list = []

    def matches(self, kind: str, message: str) -> bool:
        """Whether Keras's error (``kind``, ``message``) is this one (see ``message_matches``)."""
        return kind == self.kind and message_matches(self.message, self.exact, message)

    def annotate(self, **context: Any) -> "KerasError":
        for key, value in context.items():
            if getattr(self, key) in (None, []):
                setattr(self, key, value)
        return self


def message_matches(engine: str, exact: bool, keras: str) -> bool:
    """Keras's message equals the engine's; for an inexact engine message (``exact=False``) each "…" in
    it stands for text the engine cannot print (and only there may Keras's message differ)."""
    if exact:
        return engine == keras
    return re.fullmatch(".*?".join(re.escape(part) for part in engine.split("…")), keras, re.S) is not None


class Unresolvable(Exception):
    """The analysis cannot know the answer (a value was not statically known)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Unknown:
    """A value the interpreter could not evaluate; ``reason`` says why."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:  # as a message may show it (inside a dict Keras prints): not knowable here
        return "..."


class UnknownKeras(Unknown):
    """A Keras object of a known class whose contents the analysis could not follow (a model built on
    an output that a failed statement left unknown). Everything that depends on its contents is
    unknown, but what Keras 3 checks of every such object still holds: a removed method
    (``fit_generator``), a weights file name, an attribute the class does not have."""

    __slots__ = ("class_name",)

    def __init__(self, reason: str, class_name: str):
        super().__init__(reason)
        self.class_name = class_name


class UnknownMember(Unknown):
    """``obj.name`` of an ``UnknownKeras`` object: unknown, and a call of it is checked as a call of
    that method of the class."""

    __slots__ = ("owner", "name")

    def __init__(self, owner: UnknownKeras, name: str):
        super().__init__(owner.reason)
        self.owner = owner
        self.name = name


class Opaque:
    """A value that is known to exist but has no meaning for shapes (an initializer, a regularizer)."""

    __slots__ = ("description",)

    def __init__(self, description: str):
        self.description = description

    def __repr__(self) -> str:
        return self.description


@dataclass(frozen=True)
class Weight:
    name: str
    shape: tuple
    trainable: bool = True
    dtype: str = "float32"

    @property
    def size(self) -> int:
        return math.prod(self.shape)
