"""Layer wrappers: Bidirectional (keras/src/layers/rnn/bidirectional.py) and TimeDistributed
(keras/src/layers/rnn/time_distributed.py). The wrapped layer is a ``Sublayer``.

Naming: the wrapper takes its own automatic name (``bidirectional``, ``time_distributed``); the
wrapped layer keeps the name it got when constructed (which consumes that automatic name, e.g.
``lstm``). Bidirectional recreates it from its config as ``forward_<name>`` and, unless
``backward_layer`` is given, ``backward_<name>`` with ``go_backwards`` flipped to True; a given
``backward_layer`` keeps its own name. None of these inner names appear in ``model.summary()``;
they only show in variable paths (``bidirectional/forward_lstm/lstm_cell/kernel``).
"""

from __future__ import annotations

import copy

from .arguments import format_shape, is_literal
from .base import LayerSpec, SpecSublayer, check_rank, register, scoped
from .types import KerasError, Unresolvable


def _inner_spec(sub, what: str) -> LayerSpec:
    spec = getattr(sub, "spec", None)
    if not isinstance(spec, LayerSpec):
        raise Unresolvable(f"{what} of a {getattr(sub, 'class_name', type(sub).__name__)} is not modelled")
    return spec


@register
class Bidirectional(LayerSpec):
    _forward = _backward = None  # the recreated inner specs, when the wrapped layer is a plain layer

    def compute_mask(self, inputs, mask, op, n_outputs):
        if isinstance(mask, list):
            mask = mask[0]
        forward, _ = self._pair()  # the wrapped layer's attributes are the wrapper's
        merged = self.arg("merge_mode") is not None
        if forward.arg("return_sequences"):
            output = [mask] if merged else [mask, mask]
        else:
            output = [None] if merged else [None, None]
        if forward.arg("return_state") or not merged:
            return output + [None] * (n_outputs - len(output))
        return output[0]

    def validate(self):
        layer, backward = self.args["layer"], self.args["backward_layer"]
        if is_literal(layer):
            raise KerasError(
                f"Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. Received: {layer}"
            )
        if backward is not None and is_literal(backward):
            raise KerasError(f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward}")
        mode = self.args["merge_mode"]
        if is_literal(mode) and mode not in ["sum", "mul", "ave", "concat", None]:
            raise KerasError(
                f"Invalid merge mode. Received: {mode}. "
                'Merge mode should be one of {"sum", "mul", "ave", "concat", None}'
            )
        self._forward = self._backward = None
        if getattr(layer, "spec", None) is None or (backward is not None and getattr(backward, "spec", None) is None):
            return  # a model or an unknown value: shapes become Unresolvable
        spec = layer.spec
        name = spec.layer_name
        self._forward = type(spec).bind([], {**spec.args, "name": "forward_" + name.removeprefix("forward_")})
        if backward is None:
            if "go_backwards" not in dict(spec._params):
                raise _not_deserializable(spec, "backward_" + name.removeprefix("backward_"))
            self._backward = type(spec).bind(
                [], {**spec.args, "go_backwards": True, "name": "backward_" + name.removeprefix("backward_")}
            )
        else:
            self._backward = backward.spec
        self._verify()

    def _verify(self):
        fwd, bwd = self._forward, self._backward
        for attr in ("go_backwards", "stateful", "return_sequences", "return_state"):
            for spec in (fwd, bwd):
                if attr not in spec.args:
                    raise KerasError(f"'{spec.class_name}' object has no attribute '{attr}'", "AttributeError")
            f, b = fwd.args[attr], bwd.args[attr]
            if not (is_literal(f) and is_literal(b)):
                continue
            if attr == "go_backwards" and f == b:
                raise KerasError(
                    "Forward layer and backward layer should have different `go_backwards` value. Received: "
                    f"forward_layer.go_backwards {f}, backward_layer.go_backwards={b}"
                )
            if attr != "go_backwards" and f != b:
                raise KerasError(
                    "Forward layer and backward layer are expected to have the same value for attribute "
                    f'"{attr}", got "{f}" for forward layer and "{b}" for backward layer'
                )

    def _pair(self):
        if self._forward is None:
            raise Unresolvable("Bidirectional of a layer that is not a plain layer is not modelled")
        return self._forward, self._backward

    def compute_output_shape(self, input_shape):
        fwd, _ = self._pair()
        ndim = getattr(fwd, "input_ndim", None)  # Bidirectional takes the layer's input_spec
        if ndim is not None:
            check_rank(self, input_shape, ndim=ndim)
        out, states = fwd.compute_output_shape(input_shape), []
        if fwd.arg("return_state"):
            out, states = out[0], list(out[1:])
        mode = self.arg("merge_mode")
        if mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
        outputs = [tuple(out)] * (2 if mode is None else 1)
        if states or mode is None:
            return outputs + states + states
        return outputs[0]

    def build(self, input_shape):
        fwd, bwd = self._pair()
        weights = scoped(fwd, self).weights_for(input_shape) + scoped(bwd, self).weights_for(input_shape)
        if fwd.arg("return_state") and fwd.arg("stateful"):  # Keras 3.15's compute_mask does `generator * 2`
            raise KerasError("unsupported operand type(s) for *: 'generator' and 'int'", "TypeError")
        return weights


# -- Bidirectional over a layer without ``go_backwards`` ------------------------------------------------
#
# Bidirectional recreates the backward layer from its serialized config plus ``go_backwards=True``;
# the layer's constructor rejects the keyword and deserialize_keras_object re-raises it as a
# TypeError whose message embeds the config twice (keras/src/saving/serialization_lib.py). The engine
# writes that config for a Dense with plain arguments; for anything else the message is known but
# for the module path and the config, and the error says so (``exact=False``: "…" marks those parts).

_DESERIALIZE_HINT = (
    " could not be deserialized properly. Please ensure that components that are Python object instances "
    "(layers, models, etc.) returned by `get_config()` are explicitly deserialized in the model's "
    "`from_config()` method.\n\nconfig="
)
_DENSE_DEFAULTS = {"kernel_initializer": "glorot_uniform", "bias_initializer": "zeros", "kernel_regularizer": None,
                   "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
                   "bias_constraint": None, "quantization_config": None, "lora_alpha": None}
_ACTIVATION_ALIASES = {None: "linear", "swish": "silu", "hard_swish": "hard_silu"}
_DTYPES = ("float16", "float32", "float64", "bfloat16")


def _keras_object(module: str, class_name: str, config: dict) -> dict:
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def _dense_config(spec: LayerSpec, name: str) -> tuple[dict, dict] | None:
    """``Dense.get_config()`` (the layer's own config, then its ``dtype`` as deserialized), or ``None``
    when an argument is not one the engine can print the way Keras does."""
    a = spec.args
    dtype = "float32" if a.get("dtype") is None else a.get("dtype")
    activation = _ACTIVATION_ALIASES.get(a.get("activation"), a.get("activation"))
    lora = a.get("lora_rank")
    if (any(a.get(k, v) != v for k, v in _DENSE_DEFAULTS.items()) or dtype not in _DTYPES
            or not isinstance(a.get("trainable", True), bool) or not isinstance(activation, str)
            or not isinstance(a.get("units"), int) or not isinstance(a.get("use_bias"), bool)
            or not (lora is None or isinstance(lora, int))):
        return None
    config = {
        "name": name, "trainable": a.get("trainable", True),
        "dtype": _keras_object("keras", "DTypePolicy", {"name": dtype}),
        "units": a["units"], "activation": activation, "use_bias": a["use_bias"],
        "kernel_initializer": _keras_object("keras.initializers", "GlorotUniform",
                                            {"seed": None, "input_axes": None, "output_axes": None}),
        "bias_initializer": _keras_object("keras.initializers", "Zeros", {}),
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
        "quantization_config": None,
    }
    if lora:
        config.update(lora_rank=lora, lora_alpha=lora)
    config["go_backwards"] = True
    return config, {**config, "dtype": dtype}


def _not_deserializable(spec: LayerSpec, name: str) -> KerasError:
    configs = _dense_config(spec, name) if spec.class_name == "Dense" else None
    if configs is None:
        return KerasError(
            f"<class 'keras.src.layers.…{spec.class_name}'>{_DESERIALIZE_HINT}…\n\nException encountered: "
            f"Unrecognized keyword arguments passed to {spec.class_name}: {{'go_backwards': True}}",
            "TypeError", exact=False,
        )
    outer, inner = configs
    return KerasError(
        "<class 'keras.src.layers.core.dense.Dense'>" + _DESERIALIZE_HINT
        + f"{_keras_object('keras.layers', 'Dense', outer)}.\n\nException encountered: Error when deserializing "
        f"class 'Dense' using config={inner}.\n\nException encountered: Unrecognized keyword arguments passed "
        "to Dense: {'go_backwards': True}",
        "TypeError",
    )


@register
class TimeDistributed(LayerSpec):
    def validate(self):
        layer = self.args["layer"]
        if is_literal(layer):
            raise KerasError(
                f"Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: {layer}"
            )

    def _inner(self):
        layer = self.args["layer"]
        if not hasattr(layer, "compute_output_shape"):
            raise Unresolvable("the layer wrapped by TimeDistributed is not known")
        return layer

    @staticmethod
    def _child_shape(input_shape):
        if len(input_shape) < 3:
            raise KerasError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                f"received: {format_shape(input_shape)}"
            )
        return (input_shape[0], *input_shape[2:])

    def _unchecked(self):
        """The inner layer as TimeDistributed uses it: ``build()`` and ``compute_output_shape()`` called
        directly, so its InputSpec (rank) check never runs."""
        inner = self._inner()
        spec = getattr(inner, "spec", None)
        if not isinstance(spec, LayerSpec):
            return inner
        spec = copy.copy(spec)
        spec.input_spec_off = True
        return SpecSublayer(spec)

    def compute_output_shape(self, input_shape):
        try:
            self.build(input_shape)  # Keras builds the inner layer first
        except Unresolvable:
            pass
        child = _off_spec(lambda: self._unchecked().compute_output_shape(self._child_shape(input_shape)))
        if isinstance(child, list):
            raise Unresolvable("TimeDistributed over a layer with several outputs is not modelled")
        return (child[0], input_shape[1], *child[1:])

    def build(self, input_shape):
        inner, child = self._unchecked(), self._child_shape(input_shape)
        if isinstance(getattr(inner, "spec", None), LayerSpec):
            return _off_spec(lambda: scoped(inner.spec, self).weights_for(child))
        return inner.weights_for(child)


def _off_spec(fn):
    """Run an inner layer's shape code on a shape its InputSpec would have rejected: Keras's own code
    would fail on it in its own way; where the engine's port is not exact for it, say "unknown"."""
    try:
        return fn()
    except (IndexError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise Unresolvable(f"the layer wrapped by TimeDistributed on a shape of another rank: {exc}") from None
