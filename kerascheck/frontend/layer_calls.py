"""Calling a layer on tensors: positional and named tensor arguments, call options, nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir import InputLayer, Layer, Loc, Tensor
from ..models import flatten
from ..shapes.base import KerasError, Unknown, Unresolvable
from .result import LayerCalled
from .user_layers import probe_lambda, run_user_call
from .values import (
    CustomLayer, CustomModel,
)

if TYPE_CHECKING:
    from .interpreter import Interpreter

def call_layer(interp: "Interpreter", layer: Layer, args: list, kwargs: dict, loc: Loc) -> Any:
    spec = getattr(layer, "spec", None)
    if getattr(spec, "call_tensors", None) and not isinstance(layer, (CustomLayer, CustomModel)):
        return _call_named(interp, layer, args, kwargs, loc)
    inputs = args[0] if args else kwargs.get("inputs", kwargs.get("x", Unknown("no inputs")))
    if isinstance(inputs, Unknown) or not all(isinstance(t, Tensor) for t in flatten(inputs)):
        probe_lambda(interp, layer, inputs, loc)
    if isinstance(inputs, Unknown):
        raise Unresolvable(inputs.reason)  # the root cause, not a chain of consequences
    if layer.incomplete is not None:  # a model missing what a failed ``add`` added: its output is not known
        raise Unresolvable(f"`{layer.name}` {layer.incomplete}")
    # Keras records every tensor among the call's arguments as a node input (args, then kwargs by key).
    others = list(args[1:]) + [kwargs[k] for k in sorted(kwargs) if k not in ("inputs", "x")]
    extra = [t for t in flatten(others) if isinstance(t, Tensor)]
    if isinstance(layer, InputLayer):
        raise KerasError("InputLayer is not callable")
    run = None
    if isinstance(layer, (CustomLayer, CustomModel)):
        run = lambda x: run_user_call(interp, layer, x, args[1:], kwargs)  # noqa: E731
    options = _call_options(layer, {k: v for k, v in kwargs.items() if k not in ("inputs", "x")})
    outputs = interp.keras.call(layer, inputs, loc, run=run, extra=extra, options=options,
                                plain=len(args) == 1 and not kwargs)
    interp.result.events.append(LayerCalled(loc, layer, flatten(inputs), outputs))
    return outputs


def _call_named(interp: "Interpreter", layer: Layer, args: list, kwargs: dict, loc: Loc) -> Any:
    """A layer whose ``call`` takes several tensor parameters (``mha(query, value, key=None, ...)``):
    the spec gets the named tensors' shapes as a list in ``call_tensors`` order, up to the last one
    given (a ``None`` one in between is passed as ``None``); the other keyword arguments that are not
    tensors are call options (``return_attention_scores=True``). Keras records every tensor among the
    arguments as the node's inputs: the positional ones, then the keyword ones by sorted name."""
    names = layer.spec.call_tensors
    if len(args) > len(names) and any(isinstance(a, Unknown) for a in args[len(names):]):
        raise Unresolvable(next(a for a in args[len(names):] if isinstance(a, Unknown)).reason)
    bound = dict(zip(names, args))
    for name in names:
        if name in kwargs:
            if name in bound:
                raise KerasError(f"{layer.class_name}.call() got multiple values for argument '{name}'", "TypeError")
            bound[name] = kwargs[name]
    for name, value in bound.items():
        if isinstance(value, Unknown):
            raise Unresolvable(value.reason)
    given = [n for n in names if bound.get(n) is not None]
    if "query" not in given or "value" not in given:
        missing = [n for n in ("query", "value") if n not in bound]
        if missing:
            raise KerasError(f"missing a required argument: '{missing[0]}'", "TypeError")
        raise Unresolvable(f"{layer.class_name} called without a query or value tensor")
    inputs = [bound.get(n) for n in names[: names.index(given[-1]) + 1]]
    options = _call_options(layer, {k: v for k, v in kwargs.items() if k not in names})
    node_inputs = flatten_tensors(list(args)) + flatten_tensors([kwargs[k] for k in sorted(kwargs)])
    outputs = interp.keras.call(layer, inputs, loc, node_inputs=node_inputs, options=options)
    node = layer.nodes[-1] if layer.nodes and layer.nodes[-1].outputs == flatten(outputs) else None
    if node is not None:
        node.call = (list(args), dict(kwargs))  # how to call a clone of the layer (``from_config``)
    interp.result.events.append(LayerCalled(loc, layer, node_inputs, outputs))
    return outputs


def _call_options(layer: Layer, kwargs: dict) -> dict:
    """The call arguments a built-in layer's spec models (its ``call_options``), known statically."""
    names = getattr(getattr(layer, "spec", None), "call_options", ())
    options = {k: v for k, v in kwargs.items() if k in names}
    for key, value in options.items():
        if isinstance(value, Unknown):
            raise Unresolvable(f"`{key}` of the {layer.class_name} call is not known statically ({value.reason})")
    return options


def flatten_tensors(structure: Any) -> list[Tensor]:
    return [t for t in flatten(structure) if isinstance(t, Tensor)]


