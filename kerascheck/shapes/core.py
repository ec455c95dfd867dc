"""Core layers: Dense, Activation, Dropout, EinsumDense, Identity, Masking, Lambda, ReversibleEmbedding
(keras/src/layers/core, keras/src/layers/regularization)."""

from __future__ import annotations

import re as _re

from .symbolic import Sym
from .arguments import check_activation, is_literal, known
from .base import LayerSpec, check_rank, register, variable
from .types import KerasError, Opaque, Unknown, Unresolvable
from .embedding import Embedding


@register
class Dense(LayerSpec):
    def built_input_axes(self, build_shape):
        return None, {-1: build_shape[-1]}

    def validate(self):
        units = self.args["units"]
        if is_literal(units) and (not isinstance(units, int) or units <= 0):
            raise KerasError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        check_activation(self.args["activation"])

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, min_ndim=2)
        return tuple(input_shape[:-1]) + (self.arg("units"),)

    def build(self, input_shape):
        units, rank = self.arg("units"), self.arg("lora_rank")
        if self.args.get("quantization_config") is not None:
            raise Unresolvable("quantized Dense weights are not modelled")
        weights = [variable(self, "kernel", (input_shape[-1], units), trainable=not rank)]
        if self.arg("use_bias"):
            weights.append(variable(self, "bias", (units,)))
        if rank:  # enable_lora(): the kernel freezes, two low-rank factors train
            if self.args.get("kernel_constraint") is not None:
                raise KerasError(
                    "Lora is incompatible with kernel constraints. In order to enable lora on this layer, "
                    "remove the `kernel_constraint` argument."
                )
            weights += [variable(self, "lora_kernel_a", (input_shape[-1], rank)),
                        variable(self, "lora_kernel_b", (rank, units))]
        return weights


@register
class Activation(LayerSpec):
    def validate(self):
        check_activation(self.args["activation"])

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@register
class Dropout(LayerSpec):
    def validate(self):
        rate = self.args["rate"]
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise KerasError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                f"Received: rate={rate}"
            )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


# -- EinsumDense, Identity, Masking, Lambda, ReversibleEmbedding ------------------------------------
#
# EinsumDense (keras/src/layers/core/einsum_dense.py) parses its equation in ``build`` and in
# ``compute_output_shape`` with ``_analyze_einsum_string``; ``einsum_analysis`` below is a port of it
# that keeps Keras's order of checks and messages (Python's own IndexError / TypeError included,
# since Keras reaches them on bad input too). Lambda (lambda_layer.py) is exact when ``output_shape``
# is a literal shape (Keras prepends the batch dim of the first input); a function, or no
# ``output_shape`` at all, makes Keras trace the Python function, which the engine does not do here:
# it answers "unknown" (the frontend may infer simple lambdas itself).


def _python_error(exc: Exception) -> KerasError:
    return KerasError(str(exc), type(exc).__name__)


def einsum_analysis(equation, bias_axes, input_shape, output_shape):
    """Keras ``_analyze_einsum_string``: (kernel_shape, bias_shape, full_output_shape)."""
    try:
        dot_replaced = _re.sub(r"\.\.\.", "0", equation)
    except TypeError as exc:
        raise _python_error(exc) from None
    for pattern, left in (
        ("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
        ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
        ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False),
    ):
        split = _re.match(pattern, dot_replaced)
        if split:
            try:
                return _analyze_split_string(split, bias_axes, tuple(input_shape), output_shape, left)
            except (IndexError, TypeError, KeyError, ValueError) as exc:
                raise _python_error(exc) from None
    raise KerasError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def _analyze_split_string(split_string, bias_axes, input_shape, output_shape, left_elided):
    input_spec, weight_spec, output_spec = split_string.group(1), split_string.group(2), split_string.group(3)
    elided = len(input_shape) - len(input_spec)
    output_shape = [output_shape] if isinstance(output_shape, (int, Sym)) else list(output_shape)
    output_shape.insert(0, input_shape[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            output_shape.insert(1, input_shape[i])
    elif elided > 0 and not left_elided:
        for i in range(len(input_shape) - elided, len(input_shape)):
            output_shape.append(input_shape[i])
    if left_elided:
        input_dim_map = {dim: (i + elided) - len(input_shape) for i, dim in enumerate(input_spec)}
        output_dim_map = {dim: (i + elided) for i, dim in enumerate(output_spec)}
    else:
        input_dim_map = {dim: i for i, dim in enumerate(input_spec)}
        output_dim_map = {dim: i for i, dim in enumerate(output_spec)}
    for dim in input_spec:
        input_shape_at_dim = input_shape[input_dim_map[dim]]
        if dim in output_dim_map:
            output_shape_at_dim = output_shape[output_dim_map[dim]]
            if output_shape_at_dim is not None and output_shape_at_dim != input_shape_at_dim:
                raise KerasError(
                    f"Input shape and output shape do not match at shared dimension '{dim}'. "
                    f"Input shape is {input_shape_at_dim}, and output shape is {output_shape[output_dim_map[dim]]}."
                )
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise KerasError(
                f"Dimension '{dim}' was specified in the output '{output_spec}' but has no corresponding dim "
                f"in the input spec '{input_spec}' or weight spec '{output_spec}'"
            )
    weight_shape = []
    for dim in weight_spec:
        if dim in output_dim_map:
            weight_shape.append(output_shape[output_dim_map[dim]])
        elif dim in input_dim_map:
            weight_shape.append(input_shape[input_dim_map[dim]])
        else:
            raise KerasError(
                f"Weight dimension '{dim}' did not have a match in either the input spec '{input_spec}' "
                f"or the output spec '{output_spec}'. For this layer, the weight must be fully specified."
            )
    bias_shape = None
    if bias_axes is not None:
        num_left_elided = elided if left_elided else 0
        idx_map = {char: output_shape[i + num_left_elided] for i, char in enumerate(output_spec)}
        for char in bias_axes:
            if char not in output_spec:
                raise KerasError(
                    f"Bias dimension '{char}' was requested, but is not part of the output spec '{output_spec}'"
                )
        first = min([output_spec.find(char) for char in bias_axes])
        bias_shape = [idx_map[char] if char in bias_axes else 1 for char in output_spec[first:]]
        if not left_elided:
            bias_shape.extend([1] * max(elided, 0))
    return weight_shape, bias_shape, output_shape


@register
class EinsumDense(LayerSpec):
    def validate(self):
        shape = self.args["output_shape"]
        if not (isinstance(shape, (Unknown, Opaque)) or isinstance(shape, (int, Sym))):
            try:  # ``self.partial_output_shape = tuple(output_shape)``
                self.args["output_shape"] = tuple(shape)
            except TypeError as exc:
                raise _python_error(exc) from None
        check_activation(self.args["activation"])

    def _analysis(self, input_shape):
        shape = self.arg("output_shape")
        partial = (shape,) if isinstance(shape, (int, Sym)) else tuple(shape)
        return einsum_analysis(self.arg("equation"), self.arg("bias_axes"), input_shape, partial)

    def compute_output_shape(self, input_shape):
        self._analysis(input_shape)  # build runs first, with the same checks
        return tuple(self._analysis(input_shape)[2])

    def build(self, input_shape):
        if self.args.get("quantization_config") is not None:
            raise Unresolvable("quantized EinsumDense weights are not modelled")
        kernel_shape, bias_shape, _ = self._analysis(input_shape)
        rank = self.arg("lora_rank")
        weights = [variable(self, "kernel", kernel_shape, trainable=not rank)]
        if bias_shape is not None:
            weights.append(variable(self, "bias", bias_shape))
        if rank:  # enable_lora(): the kernel freezes, two low-rank factors train
            if self.args.get("kernel_constraint") is not None:
                raise KerasError(
                    "Lora is incompatible with kernel constraints. In order to enable lora on this layer, "
                    "remove the `kernel_constraint` argument."
                )
            weights += [
                variable(self, "lora_kernel_a", tuple(kernel_shape[:-1]) + (rank,)),
                variable(self, "lora_kernel_b", (rank, kernel_shape[-1])),
            ]
        return weights


@register
class Identity(LayerSpec):
    def compute_output_shape(self, input_shape):
        return input_shape if isinstance(input_shape, list) else tuple(input_shape)


@register
class Masking(LayerSpec):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def compute_mask(self, inputs, mask, op, n_outputs):
        return op("any", x=op("not_equal", x1=inputs, x2=self.arg("mask_value")), axis=-1)


def _is_shape(x) -> bool:
    """Keras's ``map_shape_structure`` leaf: a list or tuple of ints and ``None``."""
    return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)


@register
class Lambda(LayerSpec):
    multi_input = True  # the function takes whatever structure it is given

    def validate(self):
        function = self.args["function"]
        if is_literal(function):  # inspect.getfullargspec(function)
            raise KerasError("unsupported callable", "TypeError")

    def compute_output_shape(self, input_shape):
        output_shape = self.args["output_shape"]
        if output_shape is None:
            raise Unresolvable(
                "Lambda without `output_shape`: Keras infers its output by tracing the Python function"
            )
        if not is_literal(output_shape):
            raise Unresolvable("Lambda with a function as `output_shape`: its result is not computed")
        known(output_shape, "`output_shape` of Lambda")
        first = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch = first[0] if len(first) else None  # tree.flatten(input_shape)[0]

        def add_batch(shape):  # ``(batch_size,) + shape``; Keras stores a list as a TrackedList
            if isinstance(shape, tuple):
                return (batch, *shape)
            kind = "TrackedList" if isinstance(shape, list) else type(shape).__name__
            raise KerasError(f'can only concatenate tuple (not "{kind}") to tuple', "TypeError")

        def walk(structure):
            if _is_shape(structure) or not isinstance(structure, (list, tuple)):
                return add_batch(structure)
            return [walk(s) for s in structure]

        result = walk(output_shape)
        if isinstance(result, list):  # several outputs: flattened, as the IR takes them
            flat = []

            def flatten(r):
                if isinstance(r, list):
                    for x in r:
                        flatten(x)
                else:
                    flat.append(r)

            flatten(result)
            return flat
        return result


@register
class ReversibleEmbedding(Embedding):
    # forwarded to Embedding through **kwargs
    extra_kwargs = ("input_length", "weights", "lora_rank", "lora_alpha", "quantization_config")

    def build(self, input_shape):
        weights = super().build(input_shape)
        if not self.arg("tie_weights"):
            if self.arg("lora_rank"):
                # enable_lora() in Embedding.build locks the layer's tracker: adding the reverse
                # embeddings afterwards fails with a ValueError whose message is None.
                raise KerasError("None")
            weights.append(variable(self, "reverse_embeddings", (self.arg("output_dim"), self.arg("input_dim"))))
        return weights
