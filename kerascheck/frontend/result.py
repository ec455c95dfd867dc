"""What one analysis produced: summaries, errors, events for the rules, what it could not follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..ir import Layer, Loc
from ..models import Keras
from ..shapes.base import KerasError
from .values import UserClass


@dataclass(frozen=True, eq=False)
class SummaryEvent:
    """A ``model.summary()`` call: the table Keras prints there, or why it cannot be predicted."""

    loc: Loc
    model: Any  # the Model, or Unknown when it could not be resolved
    snapshot: Any = None  # summary.rows.Snapshot taken at the call
    reason: str | None = None


@dataclass(frozen=True, eq=False)
class ErrorEvent:
    """Keras (or Python) would raise here: the script stops at this line."""

    loc: Loc
    kind: str
    message: str
    error: KerasError | None = None  # with the engine's context: stage, layer, input tensors
    rule: str | None = None  # the rule that reports it from the events (a migration error the analysis went past)


# -- events: what rules (and the editor's hover and hints) may want to know, in execution order.
# One frozen class per kind; ``Result.events_of(LayerCalled)`` gives those of one kind.

@dataclass(frozen=True, eq=False)
class Event:
    """Something that happened while the script ran and does not stop it."""

    loc: Loc


@dataclass(frozen=True, eq=False)
class LayerCreated(Event):
    """A layer (or model) object was constructed."""

    layer: Layer


@dataclass(frozen=True, eq=False)
class LayerCalled(Event):
    """A layer (or model) was called on tensors: its inputs (flattened) and outputs (as returned)."""

    layer: Layer
    inputs: list
    outputs: Any


@dataclass(frozen=True, eq=False)
class MethodCalled(Event):
    """A method of a Keras object was called (``model.compile(...)``, ``model.fit_generator(...)``)."""

    obj: Any
    name: str
    args: list
    kwargs: dict


class _NotMade:
    def __repr__(self) -> str:
        return "NOT_MADE"


NOT_MADE: Any = _NotMade()  # ``RefCalled.result`` when the call raised (or was not evaluated)


@dataclass(frozen=True, eq=False)
class RefCalled(Event):
    """A Keras (or TensorFlow) name was called: ``keras.layers.Dense(...)``, ``keras.losses.X(...)``."""

    path: str  # the dotted Keras path the name resolved to
    args: list
    kwargs: dict
    node: cst.CSTNode | None  # the call as written
    tf_keras: bool  # reached through ``tensorflow.keras``
    # The value the call made (rules read a loss object's arguments through it); NOT_MADE if it raised.
    result: Any = NOT_MADE


@dataclass(frozen=True, eq=False)
class LambdaNotInferred(Event):
    """A Lambda without ``output_shape`` was called, and tracing its function raised: Keras's
    ``compute_output_shape`` catches that and raises ``NotImplementedError`` at the call (``loc``)."""

    function: str  # the function's name as the script wrote it
    causes: tuple  # ((message, loc, rule), ...): what raised inside the function, rule None for an engine error


@dataclass(frozen=True, eq=False)
class ClassDefined(Event):
    """A ``class`` statement ran: the user class it made and its syntax."""

    cls: UserClass
    node: cst.ClassDef


@dataclass(frozen=True, eq=False)
class AmbiguousIO(Event):
    """``layer.output`` (or ``input``, ``output_shape``...) read on a layer called more than once."""

    layer: Layer
    attr: str


@dataclass(frozen=True, eq=False)
class UncalledSequentialIO(Event):
    """``model.output`` (or ``input``) of a Sequential never called as a layer: Keras 3 raises
    AttributeError (Keras 2 returned the model's tensor); the analysis goes on with that tensor."""

    model: Layer
    attr: str


@dataclass(frozen=True, eq=False)
class MissingHistoryKey(Event):
    """``history.history[key]`` for a key the History of that ``fit`` does not have (a KeyError)."""

    key: str
    keys: tuple  # what that fit logs
    fit_line: int


@dataclass(frozen=True, eq=False)
class Assumption(Event):
    """The analysis assumed something it could not see (a dataset's shape...): ``summary`` notes it."""

    what: str


E = TypeVar("E", bound=Event)


@dataclass
class Result:
    path: str
    summaries: list[SummaryEvent] = field(default_factory=list)
    error: ErrorEvent | None = None
    # Errors on paths that may not run (a branch of an unknown condition, a loop body): Keras raises
    # there whenever that path runs. The script does not necessarily stop.
    conditional_errors: list[ErrorEvent] = field(default_factory=list)
    # Errors after the one that stops the script (``error``): found by going on past it.
    later_errors: list[ErrorEvent] = field(default_factory=list)
    cut_short: tuple[Loc, str] | None = None  # where and why the analysis of the file stopped early
    unresolved: list[tuple[Loc, str]] = field(default_factory=list)
    keras: Keras = field(default_factory=Keras)
    # ``name = expression`` bindings of models, for messages: model -> variable name
    labels: dict[int, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    # Models built by functions the script never calls (explored once): shown on hover, never summarised.
    explored_models: list = field(default_factory=list)
    symbol_names: list[str] = field(default_factory=list)  # data-dependent sizes left symbolic
    # [module, file, positions]: the analysed module's entry of ``Interpreter.sources``, so that the
    # rules reuse its positions instead of making a second pass over the module.
    main_source: list | None = field(default=None, repr=False, compare=False)
    # Files besides the analysed one whose presence or contents the result depends on (for caches).
    dependencies: set[str] = field(default_factory=set, repr=False, compare=False)

    def events_of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    def positions(self, module: cst.Module):
        """Node -> CodeRange when ``module`` is the analysed module (resolved on first use), else None."""
        if self.main_source is None or self.main_source[0] is not module:
            return None
        return resolve_positions(self.main_source)



def resolve_positions(source: list):
    """The positions of an ``Interpreter.sources`` entry, computed once (a pass over the whole module)."""
    if source[2] is None:
        source[2] = MetadataWrapper(source[0], unsafe_skip_copy=True).resolve(PositionProvider)
    return source[2]


