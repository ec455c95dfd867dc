"""Preprocessing layers (keras/src/layers/preprocessing): Rescaling, Normalization, the categorical
encodings (CategoryEncoding, Hashing, HashedCrossing, Discretization) and Pipeline. The lookups
(StringLookup, IntegerLookup, TextVectorization) live in ``lookup``, the audio layers in ``audio``,
the image layers in ``augmentation``.

A symbolic call of these layers goes through ``compute_output_spec`` / ``compute_output_shape``;
``call()`` never runs, so no data-dependent check applies. Their constructors differ in what they
do with ``**kwargs``: most forward them to ``Layer.__init__`` ("Unrecognized keyword arguments
passed to X"), ``Discretization`` and ``Pipeline`` have none (Python's ``TypeError``),
``HashedCrossing`` swallows them, the lookups reject them with their own message.
``base.ExactBindSpec`` binds arguments with Python's own messages for each case.

``Discretization(num_bins=...)`` in a one-hot / multi-hot / count mode: after ``adapt()`` the
depth is ``len(bin_boundaries) + 1``, which is data-dependent, so the shape is unresolvable.
"""

from __future__ import annotations

from .arguments import format_shape, py, validate_string_arg
from .base import ExactBindSpec, LayerSpec, SpecSublayer, register, variable
from .types import KerasError, Unresolvable, Weight


def sub_weights(sub, input_shape) -> list[Weight]:
    """The weights a sublayer (a ``Sublayer`` or an IR layer) creates when built on ``input_shape``."""
    spec = getattr(sub, "spec", None)
    if isinstance(spec, LayerSpec):
        weights = SpecSublayer(spec).weights_for(input_shape)
    elif hasattr(sub, "weights_for"):
        weights = sub.weights_for(input_shape)
    else:
        raise Unresolvable("a layer of the Pipeline is not known")
    if getattr(sub, "trainable", True) is False:
        weights = [Weight(w.name, w.shape, False, w.dtype) for w in weights]
    return weights


# -- Rescaling, Normalization -----------------------------------------------------------------------

@register
class Rescaling(ExactBindSpec):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _np_shape(value) -> tuple:
    """``np.shape`` of a nested list of numbers (``Unresolvable`` when ragged)."""
    if isinstance(value, (list, tuple)):
        inner = [_np_shape(v) for v in value]
        if len(set(inner)) > 1:
            raise Unresolvable("a ragged `mean` / `variance` is not modelled")
        return (len(value),) + (inner[0] if inner else ())
    return ()


@register
class Normalization(ExactBindSpec):
    coverage_note = "non-trainable mean, variance and count weights, unless mean= and variance= are given"

    def axes(self) -> tuple:
        axis = self.lit("axis")
        if axis is None:
            return ()
        if isinstance(axis, int):
            return (axis,)
        return py(lambda: tuple(axis))

    def check(self):
        axes = self.axes()
        mean, variance = self.lit("mean"), self.lit("variance")
        if (mean is not None) != (variance is not None):
            raise KerasError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            ms, vs = _np_shape(mean), _np_shape(variance)
            if ms != vs:
                raise KerasError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {ms} and variance shape {vs}"
                )
            if len(ms) > len(axes):
                raise KerasError(
                    f"The rank of `mean` must be less than or equal to the number of axes ({len(axes)}). "
                    f"Received: mean shape {ms} for axis {axes}"
                )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def build(self, input_shape):
        axes, ndim = self.axes(), len(input_shape)
        if any(py(lambda: a < -ndim or a >= ndim) for a in axes):
            raise KerasError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={axes}"
            )
        keep = tuple(sorted(d if d >= 0 else d + ndim for d in axes))
        for d in keep:
            if input_shape[d] is None:
                raise KerasError(
                    "All `axis` values to be kept must have a known shape. "
                    f"Received axis={axes}, inputs.shape={format_shape(input_shape)}, with unknown axis at index {d}"
                )
        broadcast = [input_shape[d] if d in keep else 1 for d in range(ndim)]
        stats = tuple(input_shape[d] for d in keep)
        mean = self.lit("mean")
        if mean is None:
            size, target = _prod(stats), _prod(broadcast)
            if size != target:  # a repeated axis: finalize_state reshapes the statistics and fails
                raise KerasError(
                    "{{function_node __wrapped__Reshape_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
                    f"Input to reshape is a tensor with {size} values, but the requested shape has {target} "
                    "[Op:Reshape]", "InvalidArgumentError",
                )
            return [variable(self, "mean", stats, trainable=False), variable(self, "variance", stats, trainable=False),
                    Weight("count", (), False, "int64")]
        # Given statistics are broadcast to the kept axes: constants, not weights.
        mean_shape = _np_shape(mean)
        expanded = [1] * ndim
        for i in range(1, len(mean_shape) + 1):
            expanded[keep[-i]] = mean_shape[-i]
        if any(e not in (1, b) for e, b in zip(expanded, broadcast)):
            raise Unresolvable("Normalization `mean` / `variance` that do not broadcast to the input (a backend error)")
        return []


def _prod(dims) -> int:
    out = 1
    for d in dims:
        out *= d
    return out


# -- categorical encodings --------------------------------------------------------------------------

@register
class CategoryEncoding(ExactBindSpec):
    def mode(self):
        mode = self.lit("output_mode")
        return "multi_hot" if mode == "binary" else mode

    def check(self):
        mode = self.mode()
        if mode not in ("count", "one_hot", "multi_hot"):
            raise KerasError(f"Unknown arg for output_mode: {mode}")
        num_tokens = self.lit("num_tokens")
        if num_tokens is None:
            raise KerasError(
                "num_tokens must be set to use this layer. If the number of tokens is not known beforehand, "
                "use the IntegerLookup layer instead."
            )
        if py(lambda: num_tokens < 1):
            raise KerasError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")

    def compute_output_shape(self, input_shape):
        n, shape = self.arg("num_tokens"), tuple(input_shape)
        if len(shape) == 0:
            return (n,)
        if self.mode() == "one_hot" and (shape[-1] != 1 or len(shape) == 1):
            return shape + (n,)
        return shape[:-1] + (n,)


@register
class Hashing(ExactBindSpec):
    def check(self):
        mode, dtype = self.lit("output_mode"), self.lit("dtype")
        num_bins = self.lit("num_bins")
        if num_bins is None or py(lambda: num_bins <= 0):
            raise KerasError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        if mode == "int" and dtype not in (None, "int32", "int64"):
            if not isinstance(dtype, str):
                raise Unresolvable("a dtype object is not modelled")
            raise KerasError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or 'in64'. "
                f"Received: dtype={dtype}"
            )
        accepted = ("int", "one_hot", "multi_hot", "count")
        if mode not in accepted:
            raise KerasError(
                f"Invalid value for argument `output_mode`. Expected one of {accepted}. Received: output_mode={mode}"
            )
        if self.lit("sparse") and mode == "int":
            raise KerasError(
                '`sparse` may only be true if `output_mode` is `"one_hot"`, `"multi_hot"`, or `"count"`. '
                f"Received: sparse={self.lit('sparse')} and output_mode={mode}"
            )
        salt = self.lit("salt")
        if salt is not None and not (isinstance(salt, (tuple, list)) and len(salt) == 2) and not isinstance(salt, int):
            raise KerasError(
                "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer. "
                f"Received: salt={salt}."
            )

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.arg("output_mode") == "int":
            return shape
        return (shape[:-1] if shape else ()) + (self.arg("num_bins"),)

    def call_output_shape(self, input_shape):
        if self.arg("output_mode") != "int" and len(input_shape) < 2:
            raise Unresolvable("the shape Hashing's call() gives a rank-1 input in a Pipeline is not modelled")
        return self.compute_output_shape(input_shape)


@register
class HashedCrossing(ExactBindSpec):
    kwargs_policy = "swallow"  # **kwargs are accepted and never reach Layer.__init__
    multi_input = True
    coverage_note = "called on a list of two tensors"

    def check(self):
        validate_string_arg(self.lit("output_mode"), ("int", "one_hot"), "HashedCrossing", "output_mode")

    def compute_output_shape(self, input_shape):
        # Raised inside the call: Keras wraps these in "Exception encountered when calling HashedCrossing.call()".
        if not (isinstance(input_shape, (list, tuple)) and len(input_shape) == 2
                and isinstance(input_shape[0], tuple) and isinstance(input_shape[1], tuple)):
            raise KerasError(f"Expected as input a list/tuple of 2 tensors. Received input_shape={input_shape}")
        first, second = input_shape
        if not first or not second:
            raise Unresolvable("HashedCrossing on scalar inputs is not modelled")
        if first[-1] != second[-1]:
            raise KerasError(
                f"Expected the two input tensors to have identical shapes. Received input_shape={input_shape}"
            )
        mode, num_bins = self.arg("output_mode"), self.arg("num_bins")
        if mode == "int":
            return tuple(first)
        if first[-1] != 1:
            return tuple(first) + (num_bins,)
        return tuple(first)[:-1] + (num_bins,)


@register
class Discretization(ExactBindSpec):
    """With ``num_bins`` the bins come from ``adapt()``; ``call()`` fails until then."""

    coverage_note = "with num_bins= (bins from adapt()), a one-hot / multi-hot / count size is unresolved"
    kwargs_policy = "strict"

    def check(self):
        sparse, mode = self.lit("sparse"), self.lit("output_mode")
        if sparse and mode == "int":
            raise KerasError(
                "`sparse=True` may only be used if `output_mode` is `'one_hot'`, `'multi_hot'`, or `'count'`. "
                f"Received: sparse={sparse} and output_mode={mode}"
            )
        validate_string_arg(mode, ("int", "one_hot", "multi_hot", "count"), "Discretization", "output_mode")
        num_bins, boundaries = self.lit("num_bins"), self.lit("bin_boundaries")
        if num_bins is not None and py(lambda: num_bins < 0):
            raise KerasError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and boundaries is not None:
            raise KerasError(
                "Both `num_bins` and `bin_boundaries` should not be set. "
                f"Received: `num_bins={num_bins}` and `bin_boundaries={boundaries}`"
            )
        if num_bins is None and boundaries is None:
            raise KerasError("You need to set either `num_bins` or `bin_boundaries`.")

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        mode = self.arg("output_mode")
        if mode == "int":
            return shape
        boundaries = self.arg("bin_boundaries")
        if boundaries is None:
            raise Unresolvable(
                "the number of bins of Discretization(num_bins=...) comes from adapt(), which the analysis cannot see"
            )
        depth = len(boundaries) + 1
        if mode == "one_hot":
            if shape and shape[-1] == 1 and len(shape) > 1:
                return shape[:-1] + (depth,)
            return shape + (depth,)
        if shape and len(shape) >= 2:
            return (shape[0],) + shape[2:] + (depth,)
        return (depth,)

    def call_output_shape(self, input_shape):
        if self.arg("bin_boundaries") is None:
            raise Unresolvable("Discretization(num_bins=...) can only be called after adapt(), which the analysis "
                               "cannot see")
        return self.compute_output_shape(input_shape)


# -- Pipeline ---------------------------------------------------------------------------------------

@register
class Pipeline(ExactBindSpec):
    """``Pipeline(layers)``: the layers applied in order; its weights are theirs.

    Keras traces ``Pipeline.call`` (there is no ``compute_output_shape``), which calls each layer;
    the shape is the composition of the layers' own output shapes.
    """

    kwargs_policy = "strict"
    coverage_note = ("shape from the layers' call() on graph tensors; where that differs from their "
                     "compute_output_shape (and is not modelled) it is unresolved")

    def layers(self):
        layers = self.arg("layers")
        if not isinstance(layers, (list, tuple)):
            raise Unresolvable("the layers of a Pipeline are not a known list")
        if not layers:
            raise Unresolvable("an empty Pipeline fails in Keras when called (UnboundLocalError)")
        for layer in layers:
            if not hasattr(layer, "compute_output_shape"):
                raise Unresolvable("a layer of the Pipeline is not known")
        return layers

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self.layers():
            shape = _call_shape(layer, shape)
        return shape

    def call_output_shape(self, input_shape):
        return self.compute_output_shape(input_shape)

    def build(self, input_shape):
        weights, shape = [], input_shape
        for layer in self.layers():
            weights += sub_weights(layer, shape)
            shape = _call_shape(layer, shape)
        return weights


def _call_shape(layer, input_shape):
    """A Pipeline layer's output on a graph tensor: ``call_output_shape`` where the spec has one."""
    if isinstance(input_shape, list):
        raise Unresolvable("a Pipeline layer returning several tensors is not modelled")
    spec = getattr(layer, "spec", None)
    if isinstance(spec, ExactBindSpec):
        if spec.multi_input:
            raise Unresolvable(f"{spec.class_name} in a Pipeline gets one tensor, not the list it needs")
        return tuple(spec.call_output_shape(tuple(input_shape)))
    return layer.compute_output_shape(input_shape)
