"""What rules about outputs and losses need (not a rule module): each compiled model's outputs, the
activation that produced each one however it is written, and the loss given for it however it is
spelled (a name, a function, a loss class or object with ``from_logits``, per output in a list or
dict). Works for the three model styles: a subclassed model's output is read from its ``call()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import libcst as cst

from ..frontend.result import NOT_MADE, MethodCalled, RefCalled
from ..frontend.values import CustomModel, Function, Ref
from ..ir import Layer, Loc, Tensor
from ..models import Functional, OpLayer, Sequential
from ..shapes.base import Opaque
from ._facts import (ACTIVATION_ALIASES, ACTIVATION_ARGUMENT, ACTIVATION_LAYERS, ACTIVATION_OPS, ACTIVATIONS,
                     LOSS_ALIASES, LOSS_CLASSES, LOSSES, TRANSPARENT, Loss)
from ._flow import Call, Flow, flow_of
from ._syntax import dotted, in_file


@dataclass
class LossSpec:
    name: str  # canonical: "categorical_crossentropy"
    fact: Loss
    from_logits: bool
    text: str  # as written, for messages

    @property
    def crossentropy(self) -> bool:
        return self.fact.kind in ("binary", "categorical", "sparse")


@dataclass
class Head:
    """One output of a model: its activation ("linear" for none; None when not known), where that
    is written, the size of its last axis, its shape when the analysis built it, its last layer."""

    activation: str | None
    loc: Loc | None
    units: Any
    shape: tuple | None
    layer: Layer | None
    call: Call | None = None  # the call that produced it, when the graph is known
    source: Layer | None = None  # for an activation layer: the layer it is applied to

    def describe(self) -> str:
        what = f"{self.layer.class_name} '{self.layer.name}'" if self.layer is not None else "the output"
        line = f" (line {self.loc.line})" if self.loc is not None and in_file(self.loc) else ""
        return f"{what}{line}"


@dataclass
class Compiled:
    event: Any  # the compile() method_call event
    model: Any
    head: Head
    loss: LossSpec
    model_input: tuple | None  # the shape of the model's (first) input, when known


def activation_name(value: Any) -> str | None:
    """The canonical name of an activation given as a string, a function (``keras.activations.softmax``,
    ``tf.nn.softmax``), an activation layer instance or None ("linear"); None when not known."""
    if value is None:
        return "linear"
    if isinstance(value, Layer):
        return ACTIVATION_LAYERS.get(value.class_name)
    if isinstance(value, Ref):
        value = value.path.rsplit(".", 1)[-1]
    if not isinstance(value, str):
        return None
    name = ACTIVATION_ALIASES.get(value.lower(), value.lower())
    return name if name in ACTIVATIONS else None


def layer_activation(layer: Layer) -> str | None:
    """The activation a layer applies to its output, when it is one that does."""
    if isinstance(layer, OpLayer):
        return ACTIVATION_OPS.get(layer.class_name)
    if layer.class_name in ACTIVATION_LAYERS:
        return ACTIVATION_LAYERS[layer.class_name]
    if layer.class_name in ACTIVATION_ARGUMENT and layer.spec is not None:
        value = layer.spec.args.get("activation", ACTIVATION_ARGUMENT[layer.class_name])
        return activation_name(value)
    return None


def is_activation_only(layer: Layer) -> bool:
    return layer.class_name == "Activation" or layer.class_name in ACTIVATION_LAYERS or isinstance(layer, OpLayer)


def layer_units(layer: Layer | None) -> Any:
    """``units`` / ``filters`` as constructed (the output's last axis), or None."""
    if layer is None or layer.spec is None:
        return None
    for key in ("units", "filters"):
        value = layer.spec.args.get(key)
        if isinstance(value, int):
            return value
    return None


# -- heads ------------------------------------------------------------------------------------------

def head_of_tensor(tensor: Tensor, flow: Flow) -> Head:
    call = flow.producer(tensor)
    while call is not None and call.layer.class_name in TRANSPARENT:
        call = flow.previous(call)
    shape = tuple(tensor.shape) if isinstance(tensor.shape, tuple) else None
    units = shape[-1] if shape else None
    if call is None:
        return Head(None, None, units, shape, None)
    layer = call.layer
    loc = call.loc if isinstance(layer, OpLayer) or layer.loc is None else layer.loc
    source = None
    if is_activation_only(layer):
        before = flow.previous(call)
        source = before.layer if before is not None else None
    return Head(layer_activation(layer), loc, units, shape, layer, call, source)


def head_of_layers(layers: list[Layer]) -> Head | None:
    """The output of a chain of layers known only by their order (a Sequential never built)."""
    layers = [l for l in layers if l.class_name not in TRANSPARENT]
    if not layers:
        return None
    last = layers[-1]
    source = layers[-2] if len(layers) > 1 and is_activation_only(last) else None
    units = layer_units(source if source is not None else last)
    return Head(layer_activation(last), last.loc, units, None, last, None, source)


def subclass_head(model: CustomModel, flow: Flow) -> Head | None:
    """The output of a subclassed model, read from what its ``call()`` returns: ``self.out(x)``,
    an activation applied to it (``keras.activations.softmax(self.out(x))``), or a local name bound
    to either. The shape comes from the last call of that layer when the model was run."""
    found = model.user_class.find("call")
    func = found[0] if found else None
    if not isinstance(func, Function) or not isinstance(func.node, cst.FunctionDef):
        return None
    returns, assigned = _returns_and_assignments(func.node)
    if not returns:
        return None
    chain: list[Layer] = []
    applied: str | None = None
    expr: Any = returns[-1]
    for _ in range(20):
        if isinstance(expr, cst.Name) and expr.value in assigned:
            expr = assigned.pop(expr.value)
            continue
        if not isinstance(expr, cst.Call) or not expr.args:
            break
        name = dotted(expr.func)
        if name.startswith("self.") and name.count(".") == 1:
            layer = model.attrs.get(name[5:])
            if not isinstance(layer, Layer):
                break
            chain.append(layer)
        elif name.split(".")[0] in ("tf", "keras", "K", "ops", "activations", "nn") and not chain and not applied:
            applied = activation_name(name.rsplit(".", 1)[-1])
            if applied is None:
                return None
        else:
            break
        expr = expr.args[0].value
    if not chain:
        return None
    head = head_of_layers(list(reversed(chain)))
    if head is None:
        return None
    calls = [c for c in flow.calls if c.layer is chain[0]]
    if calls:
        head.call, head.shape = calls[-1], calls[-1].out_shape
        head.units = head.shape[-1] if head.shape else head.units
    if applied is not None:
        head.activation, head.source = applied, chain[0]
    return head


def _returns_and_assignments(func: cst.FunctionDef) -> tuple[list, dict]:
    returns: list = []
    assigned: dict[str, Any] = {}

    class Visitor(cst.CSTVisitor):
        def visit_Return(self, node):
            if node.value is not None:
                returns.append(node.value)

        def visit_Assign(self, node):
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                assigned[node.targets[0].target.value] = node.value

        def visit_FunctionDef(self, node):
            return node is func

        def visit_Lambda(self, node):
            return False

    func.visit(Visitor())
    return returns, assigned


def model_heads(model: Any, flow: Flow) -> list[tuple[str | None, Head]]:
    """(output name, head) for each output of a model."""
    if isinstance(model, Functional):
        return [(t.layer.name if t.layer is not None else None, head_of_tensor(t, flow)) for t in model.flat_outputs]
    if isinstance(model, Sequential):
        if model.graph is not None:
            return [(None, head_of_tensor(model.graph[1], flow))]
        head = head_of_layers(model.layers)
        return [(None, head)] if head is not None else []
    if isinstance(model, CustomModel):
        head = subclass_head(model, flow)
        return [(None, head)] if head is not None else []
    return []


def model_input(model: Any) -> tuple | None:
    if isinstance(model, Functional) and model.flat_inputs:
        return tuple(model.flat_inputs[0].shape)
    if isinstance(model, Sequential) and model.graph is not None:
        return tuple(model.graph[0].shape)
    if isinstance(model, CustomModel) and model.nodes and model.nodes[-1].inputs:
        return tuple(model.nodes[-1].inputs[0].shape)
    return None


# -- losses -----------------------------------------------------------------------------------------

def _made(ctx) -> dict[int, Any]:
    made = getattr(ctx, "_made", None)
    if made is None:
        made = ctx._made = {id(e.result): e for e in ctx.result.events_of(RefCalled) if e.result is not NOT_MADE}
    return made


def read_loss(ctx, value: Any) -> LossSpec | None:
    """The loss ``value`` names, or None when it is not a Keras loss kerascheck knows (a user's function)."""
    if isinstance(value, str):
        name = LOSS_CLASSES.get(value) or LOSS_ALIASES.get(value.lower(), value.lower())
        return LossSpec(name, LOSSES[name], False, repr(value)) if name in LOSSES else None
    if isinstance(value, Ref) and value.path.startswith("keras.losses."):
        short = value.path.rsplit(".", 1)[-1]
        name = LOSS_CLASSES.get(short) or LOSS_ALIASES.get(short, short)
        return LossSpec(name, LOSSES[name], False, value.path) if name in LOSSES else None
    if isinstance(value, Opaque):
        event = _made(ctx).get(id(value))
        if event is None or not event.path.startswith("keras.losses."):
            return None
        short = event.path.rsplit(".", 1)[-1]
        name = LOSS_CLASSES.get(short)
        if name is None:
            return None
        fact = LOSSES[name]
        logits = event.kwargs.get("from_logits", event.args[0] if event.args else False)
        if fact.logits_option and not isinstance(logits, bool):
            return None  # from_logits not known statically
        written = f"{short}(from_logits=True)" if logits is True else f"{short}()"
        return LossSpec(name, fact, bool(logits) and fact.logits_option, written)
    return None


def compiled(ctx) -> Iterator[Compiled]:
    """Each output of each model compiled in the analysed file, with its loss."""
    flow = flow_of(ctx)
    seen: set = set()
    for event in ctx.result.events_of(MethodCalled):
        if event.name != "compile" or not in_file(event.loc):
            continue
        model = event.obj
        args, kwargs = event.args, event.kwargs
        loss = kwargs["loss"] if "loss" in kwargs else args[1] if len(args) > 1 else None
        if loss is None or (event.loc, id(model)) in seen:
            continue
        seen.add((event.loc, id(model)))
        heads = model_heads(model, flow)
        if not heads:
            continue
        if isinstance(loss, dict):
            per_output = [loss.get(name) for name, _ in heads]
        elif isinstance(loss, (list, tuple)):
            if len(loss) != len(heads):
                continue
            per_output = list(loss)
        else:
            per_output = [loss] * len(heads)
        for (_, head), value in zip(heads, per_output):
            spec = read_loss(ctx, value)
            # A model compiled again with the same loss for that output is reported at the first compile.
            key = (id(model), id(head.layer), spec.text if spec is not None else None)
            if spec is not None and key not in seen:
                seen.add(key)
                yield Compiled(event, model, head, spec, model_input(model))
