"""The layer calls of a script as one data flow, whatever the model style (not a rule module).

Functional and Sequential models leave nodes on their layers; the body of a subclassed model's
``call()`` runs traced, so its layer calls leave only ``layer_call`` events with plain tensors.
``Flow`` puts both together: every call of a layer, which call produced a tensor, and which calls
consumed it. A Sequential model that is never built has no calls at all: ``sequences`` gives its
layers in order, for rules about neighbours that need no shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..frontend.result import LayerCalled
from ..ir import InputLayer, Layer, Loc, Tensor
from ..models import Sequential, flatten


@dataclass(eq=False)
class Call:
    layer: Layer
    inputs: list[Tensor]
    outputs: list[Tensor]
    loc: Loc | None

    @property
    def shape(self) -> tuple | None:
        """The first input's shape."""
        return self.inputs[0].shape if self.inputs and isinstance(self.inputs[0], Tensor) else None

    @property
    def out_shape(self) -> tuple | None:
        return self.outputs[0].shape if self.outputs and isinstance(self.outputs[0], Tensor) else None


class Flow:
    def __init__(self, result: Any):
        self.calls: list[Call] = []
        self._producer: dict[int, Call] = {}
        seen: set[int] = set()
        for layer in result.keras.layers:
            for node in layer.nodes:
                self._add(Call(layer, list(node.inputs), list(node.outputs), node.loc), seen)
        for event in result.events_of(LayerCalled):
            outputs = [t for t in flatten(event.outputs) if isinstance(t, Tensor)]
            inputs = [t for t in event.inputs if isinstance(t, Tensor)]
            self._add(Call(event.layer, inputs, outputs, event.loc), seen)
        self.models = [m for m in result.keras.models]

    def _add(self, call: Call, seen: set[int]) -> None:
        key = id(call.outputs[0]) if call.outputs else id(call)
        if key in seen:
            return
        seen.add(key)
        self.calls.append(call)
        for t in call.outputs:
            self._producer.setdefault(id(t), call)

    def producer(self, tensor: Tensor) -> Call | None:
        """The call that made ``tensor`` (None for an ``Input`` or a tensor from outside any layer)."""
        node = tensor.node
        if node is not None:
            if isinstance(node.layer, InputLayer):
                return None
            found = self._producer.get(id(tensor))
            return found or Call(node.layer, list(node.inputs), list(node.outputs), node.loc)
        return self._producer.get(id(tensor))

    def previous(self, call: Call) -> Call | None:
        """The call that produced this call's first input."""
        return self.producer(call.inputs[0]) if call.inputs else None

    def pairs(self) -> Iterator[tuple[Layer, Layer, Any]]:
        """(layer, the layer applied next to its output, that Call or None): every neighbour pair of
        the script once, from calls and from the layer lists of Sequential models never built."""
        seen: set[tuple[int, int]] = set()
        for call in self.calls:
            before = self.previous(call)
            if before is not None and (id(before.layer), id(call.layer)) not in seen:
                seen.add((id(before.layer), id(call.layer)))
                yield before.layer, call.layer, call
        for layers in sequences(self.models):
            for a, b in zip(layers, layers[1:]):
                if (id(a), id(b)) not in seen:
                    seen.add((id(a), id(b)))
                    yield a, b, None


def sequences(models: list) -> Iterator[list[Layer]]:
    """The layer lists of Sequential models that were never built (no calls to follow)."""
    for model in models:
        if isinstance(model, Sequential) and model.graph is None and len(model.layers) > 1:
            yield list(model.layers)


def flow_of(ctx: Any) -> Flow:
    """One ``Flow`` per analysed file, shared by the rules."""
    flow = getattr(ctx, "_flow", None)
    if flow is None:
        flow = ctx._flow = Flow(ctx.result)
    return flow
