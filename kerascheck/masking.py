"""Keras masks on symbolic tensors (keras/src/layers/layer.py, ``Layer.__call__`` steps 6 and 7).

A layer whose ``call()`` takes ``mask=`` and gets one tensor argument receives the mask attached to
it, and the mask becomes one of the node's inputs (the "Connected to" column shows it). After the
call, a layer that supports masking attaches ``compute_mask(inputs, previous_mask)`` to its outputs:
by default the incoming mask, or one the layer computes with ``keras.ops`` (``Embedding(mask_zero=
True)``: ``not_equal(inputs, 0)``), which adds those operations to the model as Keras does. A layer
that does not support masking drops the mask.

Which layers take and support masks is the stub recorded from the installed Keras
(``kerascheck/data/layer_classes.json``, ``masking``); the layers that compute a mask of their own
are in ``COMPUTE_MASK`` below, each a transcription of its ``compute_mask``.
"""

from __future__ import annotations

from typing import Any, Callable

from .ir import Layer, Model, Tensor
from .shapes.base import Unresolvable
from .shapes.stubs import canonical_class, class_fact

# ``op(name, **arguments)`` applies keras.ops.<name> to symbolic tensors (a node of a new operation).
MakeOp = Callable[..., Tensor]


def _rnn(spec, inputs, mask, op, n_outputs: int):
    mask = _flat(mask)[0] if mask is not None else None
    output_mask = mask if spec.arg("return_sequences") else None
    return [output_mask] + [None] * (n_outputs - 1) if spec.arg("return_state") else output_mask


def _bidirectional(spec, inputs, mask, op, n_outputs: int):
    if isinstance(mask, list):
        mask = mask[0]
    forward, _ = spec._pair()  # the wrapped layer's attributes are the wrapper's
    merged = spec.arg("merge_mode") is not None
    if forward.arg("return_sequences"):
        output = [mask] if merged else [mask, mask]
    else:
        output = [None] if merged else [None, None]
    if forward.arg("return_state") or not merged:
        return output + [None] * (n_outputs - len(output))
    return output[0]


def _embedding(spec, inputs, mask, op, n_outputs: int):
    return op("not_equal", x1=inputs, x2=0) if spec.arg("mask_zero") else None


def _masking(spec, inputs, mask, op, n_outputs: int):
    return op("any", x=op("not_equal", x1=inputs, x2=spec.arg("mask_value")), axis=-1)


def _merge(spec, inputs, mask, op, n_outputs: int):
    """The default of merge layers: an OR of the masks when every input has one."""
    if mask is None or any(m is None for m in mask):
        return None
    output = mask[0]
    for m in mask[1:]:
        output = op("logical_or", x1=output, x2=m)
    return output


def _concatenate(spec, inputs, mask, op, n_outputs: int):
    if mask is None or all(m is None for m in mask):
        return None
    masks = []
    for x, m in zip(inputs, mask):
        if m is None:
            masks.append(op("ones_like", x=x, dtype="bool"))
        elif len(m.shape) < len(x.shape):
            masks.append(op("logical_or", x1=op("expand_dims", x=m, axis=-1), x2=op("zeros_like", x=x, dtype="bool")))
        else:
            masks.append(m)
    return op("any", x=op("concatenate", xs=masks, axis=spec.arg("axis")), axis=-1, keepdims=False)


def _first(spec, inputs, mask, op, n_outputs: int):
    """Attention: ``ops.convert_to_tensor`` of the query's mask (an operation on a KerasTensor)."""
    return None if mask is None or mask[0] is None else op("convert_to_tensor", x=mask[0])


def _none(spec, inputs, mask, op, n_outputs: int):
    return None


COMPUTE_MASK = {
    "SimpleRNN": _rnn, "LSTM": _rnn, "GRU": _rnn, "RNN": _rnn,
    "ConvLSTM1D": _rnn, "ConvLSTM2D": _rnn, "ConvLSTM3D": _rnn,
    "Bidirectional": _bidirectional,
    "Embedding": _embedding, "ReversibleEmbedding": _embedding,
    "Masking": _masking,
    "Add": _merge, "Subtract": _merge, "Multiply": _merge, "Average": _merge, "Maximum": _merge, "Minimum": _merge,
    "Concatenate": _concatenate,
    "Attention": _first, "AdditiveAttention": _first,
    "Dot": _none, "GlobalAveragePooling1D": _none,
}
# Layers that set ``supports_masking`` from an argument in ``__init__``.
_SUPPORTS_FROM_ARGUMENT = {"Embedding": "mask_zero", "ReversibleEmbedding": "mask_zero"}


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
    compute = COMPUTE_MASK.get(canonical_class(layer.class_name)) if layer.spec is not None else None
    masks = compute(layer.spec, inputs, previous_mask, op, len(outputs)) if compute else previous_mask
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
    if name in _SUPPORTS_FROM_ARGUMENT:
        supports = bool(layer.spec.arg(_SUPPORTS_FROM_ARGUMENT[name]))
    return facts["call_mask_arg"], supports


def _param_names(function: Any) -> list[str]:
    params = getattr(getattr(function, "node", None), "params", None)
    if params is None:
        return []
    return [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]


def _flat(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    return [value]
