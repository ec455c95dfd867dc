"""What rules about outputs and losses need: a compiled model's outputs with their losses, and the
activation that produced each output (not a rule module)."""

from __future__ import annotations

from typing import Any, Iterator

from ..frontend.values import Ref
from ..ir import Tensor
from ..models import Functional, Sequential
from ._syntax import in_file

CROSSENTROPY = {"categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy"}
_ALIASES = {"categoricalcrossentropy": "categorical_crossentropy",
            "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
            "binarycrossentropy": "binary_crossentropy"}
# Layers whose ``activation`` argument applies to their output.
_ACTIVATION_LAYERS = {"Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
                      "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D", "EinsumDense",
                      "Activation"}


def loss_name(loss: Any) -> str | None:
    """``"categorical_crossentropy"`` for that string or ``keras.losses.categorical_crossentropy``;
    None for anything else (loss objects carry ``from_logits`` and are not read here)."""
    if isinstance(loss, Ref):
        if not loss.path.startswith("keras.losses."):
            return None
        loss = loss.path.rsplit(".", 1)[-1]
        if loss[:1].isupper():  # the class itself, not an instance: not a usable loss argument
            return None
    if not isinstance(loss, str):
        return None
    return _ALIASES.get(loss.lower(), loss.lower())


def model_outputs(model: Any) -> list[Tensor]:
    if isinstance(model, Functional):
        return list(model.flat_outputs)
    if isinstance(model, Sequential) and model.graph is not None:
        return [model.graph[1]]
    return []


def compiled_outputs(ctx) -> Iterator[tuple]:
    """(compile event, model, output tensor, loss name) for each output of each compiled model."""
    for event in ctx.result.events_of("method_call"):
        if event.data["name"] != "compile" or not in_file(event.loc):
            continue
        model = event.data["obj"]
        args, kwargs = event.data["args"], event.data["kwargs"]
        loss = kwargs["loss"] if "loss" in kwargs else args[1] if len(args) > 1 else None
        outputs = model_outputs(model)
        if not outputs or loss is None:
            continue
        if isinstance(loss, dict):
            per_output = [loss.get(t.layer.name) if t.layer is not None else None for t in outputs]
        elif isinstance(loss, (list, tuple)):
            if len(loss) != len(outputs):
                continue
            per_output = list(loss)
        else:
            per_output = [loss] * len(outputs)
        for tensor, value in zip(outputs, per_output):
            name = loss_name(value)
            if name is not None:
                yield event, model, tensor, name


def output_activation(tensor: Tensor) -> str | None:
    """The activation applied last to ``tensor`` ("linear" for none), or None when not known."""
    layer = tensor.layer
    if layer is None or layer.spec is None:
        return None
    if layer.class_name == "Softmax":
        return "softmax"
    if layer.class_name not in _ACTIVATION_LAYERS:
        return None
    value = layer.spec.args.get("activation")
    if value is None:
        return "linear"
    if isinstance(value, Ref):
        value = value.path.rsplit(".", 1)[-1]
    return value.lower() if isinstance(value, str) else None


def where(tensor: Tensor) -> str:
    layer = tensor.layer
    line = f" (line {tensor.node.loc.line})" if tensor.node is not None and tensor.node.loc is not None else ""
    return f"{layer.class_name} '{layer.name}'{line}" if layer is not None else f"the output{line}"
