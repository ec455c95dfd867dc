"""Keras masks on symbolic tensors (keras/src/layers/layer.py, ``Layer.__call__`` steps 6 and 7).

A layer whose ``call()`` takes ``mask=`` and gets one tensor argument receives the mask attached to
it, and the mask becomes one of the node's inputs (the "Connected to" column shows it). After the
call, a layer that supports masking attaches ``compute_mask(inputs, previous_mask)`` to its outputs:
by default the incoming mask, or one the layer computes with ``keras.ops`` (``Embedding(mask_zero=
True)``: ``not_equal(inputs, 0)``), which adds those operations to the model as Keras does. A layer
that does not support masking drops the mask.

Which layers take and support masks is the stub recorded from the installed Keras
(``kerascheck/data/layer_classes.json``, ``masking``); a layer that computes a mask of its own does
it in its spec's ``compute_mask`` (next to its shape code), a transcription of Keras's, and a layer
whose ``supports_masking`` follows a constructor argument names it in ``supports_masking_argument``.
"""

from __future__ import annotations

from typing import Any, Callable

from .ir import Layer, Model, Tensor
from .shapes.base import flat as _flat
from .shapes.stubs import canonical_class, class_fact
from .shapes.types import Unresolvable

# ``op(name, **arguments)`` applies keras.ops.<name> to symbolic tensors (a node of a new operation).
MakeOp = Callable[..., Tensor]


def incoming(layer: Layer, inputs: Any, flat: list[Tensor], plain: bool) -> tuple[Any, list[Tensor]]:
    """(previous_mask, the mask tensors among the node's inputs) for ``layer(inputs)``.

    ``Layer.__call__`` passes the mask as ``mask=`` to a call with one tensor argument, but records
    the node with the call's original keyword arguments: the mask is one of its inputs only when
    step 1 did not rebuild them, i.e. for a ``plain`` call (one positional tensor, no keywords) on
    a tensor of the layer's input dtype.
    """
    masks = [t.mask for t in flat] if isinstance(inputs, list) else flat[0].mask
    if all(m is None for m in _flat(masks)):
        return None, []
    takes_mask, _ = _facts(layer)
    if takes_mask is None:
        raise Unresolvable(f"how {layer.class_name} handles the mask of its input is not modelled")
    if not (takes_mask and plain and isinstance(inputs, Tensor)):
        return masks, []
    dtype = layer.spec.args.get("dtype") if layer.spec is not None else None
    if dtype not in (None, "float32"):
        raise Unresolvable(f"whether {layer.name} keeps the mask among its inputs depends on its dtype policy")
    return masks, [masks] if inputs.dtype == "float32" else []


def attach(layer: Layer, inputs: Any, outputs: list[Tensor], previous_mask: Any, op: MakeOp) -> None:
    """Set the masks of ``outputs`` as ``Layer._set_mask_metadata`` does."""
    _, supports = _facts(layer)
    has_mask = any(m is not None for m in _flat(previous_mask))
    if supports is None and has_mask:
        raise Unresolvable(f"whether {layer.class_name} passes the mask of its input on is not modelled")
    if not supports:
        if has_mask and outputs and outputs[0].node is not None:
            outputs[0].node.dropped_mask = True  # Keras warns and drops it (rule KC206)
        return
    # The spec's own compute_mask, for the built-in class itself (a user's subclass keeps the incoming mask).
    if _builtin_spec(layer):
        masks = layer.spec.compute_mask(inputs, previous_mask, op, len(outputs))
    else:
        masks = previous_mask
    for tensor, mask in zip(outputs, _flat(masks) if isinstance(masks, list) else [masks]):
        if mask is not None:
            tensor.mask = mask
            if getattr(mask, "mask_origin", None) is None:
                mask.mask_origin = layer  # the layer that made it (for messages)


def _facts(layer: Layer) -> tuple[bool | None, bool | None]:
    """(``call()`` takes ``mask=``, ``supports_masking``); None where it is not known."""
    if isinstance(layer, Model):
        return (None, None) if getattr(layer, "user_class", None) else (True, False)
    user_class = getattr(layer, "user_class", None)
    if user_class is not None:  # a user's subclass
        call = user_class.find("call")
        takes = call is not None and "mask" in _param_names(call[0])
        supports = getattr(layer, "attrs", {}).get("supports_masking")
        if user_class.find("compute_mask") is not None:
            return takes, None
        return takes, supports is True
    name = canonical_class(layer.class_name)
    facts = class_fact("masking", name)
    if layer.spec is None or facts is None:
        return None, None
    supports = facts["supports_masking"]
    argument = layer.spec.supports_masking_argument if _builtin_spec(layer) else None
    if argument is not None:
        supports = bool(layer.spec.arg(argument))
    return facts["call_mask_arg"], supports


def _builtin_spec(layer: Layer) -> bool:
    """The layer is an instance of its spec's Keras class (or an alias of it), not of a subclass."""
    return layer.spec is not None and type(layer.spec).__name__ == canonical_class(layer.class_name)


def _param_names(function: Any) -> list[str]:
    params = getattr(getattr(function, "node", None), "params", None)
    if params is None:
        return []
    return [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
