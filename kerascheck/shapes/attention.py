"""Attention layers (keras/src/layers/attention): MultiHeadAttention, GroupQueryAttention (class
``GroupedQueryAttention``, so its automatic name is ``grouped_query_attention``), Attention,
AdditiveAttention.

Call convention. All four take several tensors, so all are ``multi_input``: ``compute_output_shape``
and ``build`` receive a *list* of shapes.

* MultiHeadAttention and GroupQueryAttention are called as ``layer(query, value)``,
  ``layer(query, value, key)`` or with the same names as keywords (``layer(query=q, value=v, key=k)``);
  the caller passes ``[query_shape, value_shape]`` or ``[query_shape, value_shape, key_shape]`` in
  that order (``call_tensors`` names it). A single shape (not a list) means the caller did not pass the
  other tensors to the spec: the answer is "unknown", never a guess. ``return_attention_scores=True``
  (a call option, see ``compute_output_spec``) adds the scores as a second output, shaped as each
  ``compute_output_spec`` says.
* Attention and AdditiveAttention are called on one list, ``layer([query, value])`` or
  ``layer([query, value, key])``: the list of shapes is passed as is; a single tensor is Keras's
  "must be called on a list of inputs" error.

Weights follow Keras's ``build``: MultiHeadAttention and GroupQueryAttention create EinsumDense
sublayers named ``query``, ``key``, (``gate``,) ``value`` and ``attention_output`` whose kernel and
bias shapes come from their einsum equations (analysed with ``core.einsum_analysis``), so a ``None``
feature dim fails with Keras's variable-path message (``multi_head_attention/query/kernel``).
"""

from __future__ import annotations

import math
import string

from .arguments import compare
from .base import REGISTRY, LayerSpec, register, variable
from .types import KerasError, Opaque, Unknown, Unresolvable
from .symbolic import Sym
from .core import einsum_analysis


def _proj_equation(free_dims, bound_dims, output_dims):
    """Keras ``_build_proj_equation``: (equation, bias_axes, output_rank)."""
    letters = string.ascii_lowercase
    input_str = output_str = kernel_str = bias_axes = ""
    for i in range(free_dims):
        input_str += letters[i]
        output_str += letters[i]
    for i in range(bound_dims):
        input_str += letters[free_dims + i]
        kernel_str += letters[free_dims + i]
    for i in range(output_dims):
        char = letters[free_dims + bound_dims + i]
        kernel_str += char
        output_str += char
        bias_axes += char
    return f"{input_str},{kernel_str}->{output_str}", bias_axes, len(output_str)


def _output_shape(output_rank, known_last_dims):
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)


def _dense_weights(spec, name, equation, output_shape, bias_axes, input_shape):
    """Weights of an EinsumDense sublayer named ``name`` built on ``input_shape``."""
    kernel, bias, full_output = einsum_analysis(equation, bias_axes, input_shape, tuple(output_shape))
    for shape in (kernel, bias):  # standardize_shape (add_weight): a negative head count or size
        if shape is not None and any(isinstance(d, int) and d < 0 for d in shape):
            raise KerasError(f"Cannot convert '{tuple(shape)}' to a shape. Negative dimensions are not allowed.")
    weights = [variable(spec, "kernel", kernel, inner=name)]
    if bias is not None:
        weights.append(variable(spec, "bias", bias, inner=name))
    return weights, tuple(full_output)


def _shapes(spec, input_shape):
    """``[query, value, key?]`` -> (query, value, key) tuples."""
    if not isinstance(input_shape, list):
        raise Unresolvable(
            f"{spec.class_name} takes query and value tensors: the engine was given only one input shape"
        )
    if len(input_shape) not in (2, 3):
        raise Unresolvable(f"{spec.class_name} takes 2 or 3 tensors (query, value, key); got {len(input_shape)}")
    query, value = tuple(input_shape[0]), tuple(input_shape[1])
    key = tuple(input_shape[2]) if len(input_shape) == 3 and input_shape[2] is not None else value
    return query, value, key


def _check_value_key(value, key):
    if value[1:-1] != key[1:-1]:
        raise KerasError(
            "All dimensions of `value` and `key`, except the last one, must be equal. "
            f"Received: value_shape={value} and key_shape={key}"
        )


def _check_flash(spec, dropout):
    if spec.args.get("flash_attention") and compare(lambda d: d > 0.0, dropout):
        raise KerasError(
            "Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use "
            "flash attention."
        )


def _check_sliding_window(window):
    if window is not None and not isinstance(window, (Unknown, Opaque)) and (
        not isinstance(window, int) or window <= 0
    ):
        raise KerasError(f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={window}")


@register
class MultiHeadAttention(LayerSpec):
    build_layers = ("Softmax", "Dropout")  # its EinsumDense sublayers have explicit names
    multi_input = True
    call_tensors = ("query", "value", "key")
    call_options = ("return_attention_scores",)

    def validate(self):
        a = self.args
        for name in ("num_heads", "key_dim"):
            v = a[name]
            if not isinstance(v, (Unknown, Opaque)) and (not isinstance(v, (int, Sym)) or v <= 0):
                raise KerasError(
                    f"Received an invalid value for argument `{name}`, expected a positive integer. "
                    f"Received: {name}={v}"
                )
        v = a["value_dim"]
        if v is not None and not isinstance(v, (Unknown, Opaque)) and (not isinstance(v, (int, Sym)) or v <= 0):
            raise KerasError(
                "Received an invalid value for argument `value_dim`, expected a positive integer or `None`. "
                f"Received: value_dim={v}"
            )
        shape = a["output_shape"]
        if shape and not isinstance(shape, (Unknown, Opaque)):
            if isinstance(shape, int):
                shape = (shape,)
            try:
                shape = tuple(shape)
            except TypeError:
                raise KerasError(
                    f"Invalid `output_shape`: {shape}. When specified, the `output_shape` should be of type "
                    "tuple, list, or int."
                ) from None
            a["output_shape"] = shape
        axes = a["attention_axes"]
        if isinstance(axes, int) and not isinstance(axes, bool):
            a["attention_axes"] = (axes,)
        elif axes and not isinstance(axes, (list, tuple, Unknown, Opaque)):
            raise KerasError(f"`attention_axes` must be an int, list, or tuple.Received: attention_axes={axes}")
        _check_sliding_window(a["sliding_window"])
        _check_flash(self, a["dropout"])

    def _value_dim(self):
        return self.arg("value_dim") or self.arg("key_dim")

    def _weights(self, input_shape):
        query, value, key = _shapes(self, input_shape)
        _check_value_key(value, key)
        heads, key_dim, value_dim = self.arg("num_heads"), self.arg("key_dim"), self._value_dim()
        use_bias = self.arg("use_bias")
        weights = []

        def dense(name, shape, last_dims, free=None, bound=1, out_dims=2):
            free = len(shape) - 1 if free is None else free
            eq, bias_axes, rank = _proj_equation(free, bound, out_dims)
            w, out = _dense_weights(
                self, name, eq, _output_shape(rank - 1, last_dims), bias_axes if use_bias else None, shape
            )
            weights.extend(w)
            return out, rank

        q_out, _ = dense("query", query, [heads, key_dim])
        dense("key", key, [heads, key_dim])
        if self.arg("use_gate"):
            dense("gate", query, [heads, value_dim])
        _, rank = dense("value", value, [heads, value_dim])
        self._check_attention_axes(rank)
        out_shape = self.arg("output_shape") or (query[-1],)
        dense_input = list(q_out)
        dense_input[-1] = value_dim
        dense(
            "attention_output", tuple(dense_input), list(out_shape), free=len(query) - 1, bound=2,
            out_dims=len(out_shape),
        )
        return weights

    def _check_attention_axes(self, rank):
        """``_build_attention``: np.delete(range(rank), axes + (rank - 1,)) rejects an axis out of range."""
        axes = self.arg("attention_axes")
        if axes is None:
            return
        try:
            axes = tuple(a if a >= 0 else (rank - 1) + a for a in axes)
        except TypeError as exc:
            raise KerasError(str(exc), "TypeError") from None
        for a in axes:
            if not -rank <= a < rank:
                raise KerasError(f"index {a} is out of bounds for axis 0 with size {rank}", "IndexError")

    def compute_output_shape(self, input_shape):
        self._weights(input_shape)  # build runs first, with the same value/key check
        query, _, _ = _shapes(self, input_shape)
        out = self.arg("output_shape")
        return tuple(query[:-1]) + tuple(out) if out else query

    def compute_output_spec(self, input_shape, options):
        output = self.compute_output_shape(input_shape)
        if not _scores_wanted(self, options):
            return output
        query = tuple(input_shape[0])  # Keras 3.15 uses the query length for both score axes
        return [output, (query[0], self.arg("num_heads"), query[1], query[1])]

    def build(self, input_shape):
        return self._weights(input_shape)


@register
class GroupedQueryAttention(LayerSpec):
    build_layers = ("Softmax", "Dropout")
    multi_input = True
    call_tensors = ("query", "value", "key")
    call_options = ("return_attention_scores",)

    def validate(self):
        a = self.args
        if compare(lambda q, kv: q % kv != 0, a["num_query_heads"], a["num_key_value_heads"]):
            raise KerasError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        _check_sliding_window(a["sliding_window"])
        compare(lambda d: 1.0 / math.sqrt(float(d)), a["head_dim"])  # Python's errors for a bad head_dim
        _check_flash(self, a["dropout"])

    def _weights(self, input_shape):
        query, value, key = _shapes(self, input_shape)
        heads, kv_heads, head_dim = self.arg("num_query_heads"), self.arg("num_key_value_heads"), self.arg("head_dim")
        bias = self.arg("use_bias")
        weights = []
        for name, eq, shape, n, axes in (
            ("query", "bqm,muh->bquh", query, heads, "uh"),
            ("key", "bkm,mvh->bkvh", key, kv_heads, "vh"),
            ("gate", "bqm,muh->bquh", query, heads, "uh"),
            ("value", "bkm,mvh->bkvh", value, kv_heads, "vh"),
        ):
            if name == "gate" and not self.arg("use_gate"):
                continue
            weights += _dense_weights(self, name, eq, (None, n, head_dim), axes if bias else None, shape)[0]
        weights += _dense_weights(
            self, "attention_output", "bquh,uhm->bqm", (None, query[-1]), "m" if bias else None,
            (None, None, heads, head_dim),
        )[0]
        return weights

    def compute_output_shape(self, input_shape):
        self._weights(input_shape)  # build runs first
        query, value, key = _shapes(self, input_shape)
        if query[-1] != value[-1]:
            raise KerasError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query[-1]}, {value[-1]}. Received: query_shape={query}, value_shape={value}"
            )
        _check_value_key(value, key)
        return query

    def compute_output_spec(self, input_shape, options):
        output = self.compute_output_shape(input_shape)
        if not _scores_wanted(self, options):
            return output
        query, value, key = (tuple(s) if s is not None else None for s in (list(input_shape) + [None])[:3])
        kv_len = value[1] if key is None else key[1]
        return [output, (query[0], self.arg("num_query_heads"), query[1], kv_len)]

    def build(self, input_shape):
        return self._weights(input_shape)


# Keras exports the class only as ``keras.layers.GroupQueryAttention``.
del REGISTRY["GroupedQueryAttention"]


def _scores_wanted(spec, options) -> bool:
    """``return_attention_scores``: Keras tests its truth (``if return_attention_scores:``)."""
    value = options.get("return_attention_scores", False)
    if isinstance(value, (Unknown, Opaque)):
        raise Unresolvable(f"`return_attention_scores` of the {spec.class_name} call is not known statically")
    return bool(value)


def _validate_inputs(spec, input_shape):
    """Keras ``Attention._validate_inputs`` on the shapes ``build`` receives."""
    name = spec.class_name
    if not isinstance(input_shape, list):
        raise KerasError(
            f"{name} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. "
            f"Received: inputs={tuple(input_shape)}."
        )
    if len(input_shape) < 2 or len(input_shape) > 3:
        raise KerasError(
            f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. "
            f"Received length: {len(input_shape)}."
        )


@register
class Attention(LayerSpec):
    multi_input = True
    call_options = ("return_attention_scores",)

    def compute_mask(self, inputs, mask, op, n_outputs):
        """``ops.convert_to_tensor`` of the query's mask (an operation on a KerasTensor)."""
        return None if mask is None or mask[0] is None else op("convert_to_tensor", x=mask[0])

    def validate(self):
        compare(lambda d: d > 0, self.args["dropout"])  # ``if self.dropout > 0``
        mode = self.args.get("score_mode", "dot")
        if not isinstance(mode, (Unknown, Opaque)) and mode not in ["dot", "concat"]:
            raise KerasError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={mode}"
            )

    def compute_output_shape(self, input_shape):
        _validate_inputs(self, input_shape)
        self.build(input_shape)
        query, value = input_shape[0], input_shape[1]
        return (*query[:-1], value[-1])

    def compute_output_spec(self, input_shape, options):
        output = self.compute_output_shape(input_shape)
        if not _scores_wanted(self, options):
            return output
        query, key = input_shape[0], input_shape[2] if len(input_shape) > 2 else input_shape[1]
        return [output, (*query[:-1], key[-2])]  # (*batch_dims, Tq, Tv)

    def build(self, input_shape):
        _validate_inputs(self, input_shape)
        weights = []
        if self.arg("use_scale"):
            weights.append(variable(self, "scale", ()))
        if self.arg("score_mode", "dot") == "concat":
            weights.append(variable(self, "concat_score_weight", ()))
        return weights


@register
class AdditiveAttention(Attention):
    extra_kwargs = ("score_mode", "seed")  # forwarded to Attention through **kwargs

    def build(self, input_shape):
        _validate_inputs(self, input_shape)
        if self.arg("use_scale"):
            return [variable(self, "scale", (input_shape[0][-1],))]
        return []
