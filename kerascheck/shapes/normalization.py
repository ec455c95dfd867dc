"""BatchNormalization, LayerNormalization, GroupNormalization, UnitNormalization, RMSNormalization and
the SpectralNormalization wrapper (keras/src/layers/normalization).

Both index ``input_shape[axis]`` in ``build``, which runs before ``compute_output_shape``: an axis
out of range surfaces as Python's ``IndexError: tuple index out of range``, not as the "Axis ... is
out of bounds" message of ``compute_output_shape``.
"""

from __future__ import annotations

from .symbolic import Sym
from .arguments import is_literal
from .base import LayerSpec, register, scoped, variable
from .types import KerasError, Opaque, Unknown, Unresolvable


def _axis_dims(input_shape, axes) -> tuple:
    for axis in axes:
        if not -len(input_shape) <= axis < len(input_shape):
            raise KerasError("tuple index out of range", "IndexError")
    return tuple(input_shape[a] for a in axes)


@register
class BatchNormalization(LayerSpec):
    def built_input_axes(self, build_shape):
        axis = self.args.get("axis")
        if isinstance(axis, int) and -len(build_shape) <= axis < len(build_shape):
            return len(build_shape), {axis: build_shape[axis]}
        return None, {}

    def validate(self):
        axis = self.args["axis"]
        if not isinstance(axis, (Unknown, Opaque)):
            try:  # Keras does `self.axis = int(axis)`
                self.args["axis"] = int(axis)
            except (TypeError, ValueError) as exc:
                raise KerasError(str(exc), type(exc).__name__)
        renorm, clipping = self.args["renorm"], self.args["renorm_clipping"]
        if not isinstance(renorm, (Unknown, Opaque)) and renorm and isinstance(clipping, (dict, type(None))):
            clipping = clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(clipping) - set(keys):
                raise KerasError(
                    f"Received invalid keys for `renorm_clipping` argument: {clipping}. Supported values: {keys}."
                )
            rmax, rmin, dmax = (clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if isinstance(rmax, (int, float)) and isinstance(rmin, (int, float)) and rmax < rmin:
                raise KerasError(
                    "rmax should be greater than rmin in the `renorm_clipping` argument. "
                    "Received: rmax={rmax}, rmin={rmin}."  # sic: not an f-string in Keras
                )
            if isinstance(dmax, (int, float)) and dmax < 0:
                raise KerasError(
                    "dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}."
                )

    def compute_output_shape(self, input_shape):
        _axis_dims(input_shape, [self.arg("axis")])
        return tuple(input_shape)

    def build(self, input_shape):
        shape = _axis_dims(input_shape, [self.arg("axis")])
        weights = []
        if self.arg("scale"):
            weights.append(variable(self, "gamma", shape))
        if self.arg("center"):
            weights.append(variable(self, "beta", shape))
        names = ["moving_mean", "moving_variance"]
        if self.arg("renorm"):
            names += ["moving_stddev", "renorm_mean", "renorm_stddev"]
        return weights + [variable(self, n, shape, trainable=False) for n in names]


@register
class LayerNormalization(LayerSpec):
    extra_kwargs = ("rms_scaling",)  # deprecated, popped from **kwargs

    def validate(self):
        axis = self.args["axis"]
        if not isinstance(axis, (int, list, tuple, Unknown, Opaque)):
            raise KerasError(
                f"Expected an int or a list/tuple of ints for the argument 'axis', but received: {axis!r}",
                "TypeError",
            )

    def _axes(self):
        axis = self.arg("axis")
        return sorted(axis) if isinstance(axis, (list, tuple)) else [axis]

    def compute_output_shape(self, input_shape):
        _axis_dims(input_shape, self._axes())
        return tuple(input_shape)

    def build(self, input_shape):
        shape = _axis_dims(input_shape, self._axes())
        rms = self.arg("rms_scaling", False)
        weights = []
        if self.arg("scale") or rms:
            weights.append(variable(self, "gamma", shape))
        if self.arg("center") and not rms:
            weights.append(variable(self, "beta", shape))
        return weights


# -- GroupNormalization, UnitNormalization, RMSNormalization, SpectralNormalization ------------------
#
# GroupNormalization and RMSNormalization index ``input_shape[axis]`` in ``build`` (Python's
# IndexError / TypeError for a bad axis); UnitNormalization has no weights and checks the axis in
# ``compute_output_shape``. SpectralNormalization (a ``Wrapper``) builds the wrapped layer inside its
# own name scope, then needs the layer's ``kernel`` (Dense, EinsumDense, convolutions, depthwise
# convolutions) or ``embeddings`` (Embedding): it adds a non-trainable ``vector_u`` of shape
# ``(1, kernel.shape[-1])``.


def _index(input_shape, axis):
    """``input_shape[axis]`` on the shape tuple, with Python's errors."""
    try:
        return tuple(input_shape)[axis]
    except (IndexError, TypeError) as exc:
        raise KerasError(str(exc), type(exc).__name__) from None


@register
class GroupNormalization(LayerSpec):
    def validate(self):
        groups = self.args["groups"]
        if isinstance(groups, (Unknown, Opaque)):
            return
        if not isinstance(groups, (int, Sym)) or (groups <= 0 and groups != -1):
            raise KerasError(
                "Received an invalid value for argument `groups`, expected a positive integer "
                f"(or `-1` for instance normalization). Received: groups={groups}"
            )

    def _dim(self, input_shape):
        axis, groups = self.arg("axis"), self.arg("groups")
        dim = _index(input_shape, axis)
        if dim is None:
            raise KerasError(
                f"Axis {axis} of input tensor should have a defined dimension but the layer received "
                f"an input with shape {tuple(input_shape)}."
            )
        if groups == -1:
            groups = dim
        if dim < groups:
            raise KerasError(f"Number of groups ({groups}) cannot be more than the number of channels ({dim}).")
        if dim % groups != 0:
            raise KerasError(f"Number of groups ({groups}) must be a multiple of the number of channels ({dim}).")
        return dim

    def compute_output_shape(self, input_shape):
        self._dim(input_shape)  # build runs first
        return tuple(input_shape)

    def build(self, input_shape):
        dim = self._dim(input_shape)
        weights = []
        if self.arg("scale"):
            weights.append(variable(self, "gamma", (dim,)))
        if self.arg("center"):
            weights.append(variable(self, "beta", (dim,)))
        return weights


@register
class UnitNormalization(LayerSpec):
    def validate(self):
        axis = self.args["axis"]
        if isinstance(axis, (list, tuple)):
            self.args["axis"] = list(axis)
        elif not isinstance(axis, (int, Unknown, Opaque)):
            raise KerasError(
                f"Invalid value for `axis` argument: expected an int or a list/tuple of ints. Received: axis={axis}",
                "TypeError",
            )

    def compute_output_shape(self, input_shape):
        axis = self.arg("axis")
        for a in [axis] if isinstance(axis, int) else axis:
            if a >= len(input_shape) or a < -len(input_shape):
                raise KerasError(f"Axis {axis} is out of bounds for input shape {tuple(input_shape)}.")
        return tuple(input_shape)


@register
class RMSNormalization(LayerSpec):
    def _scale_shape(self, input_shape):
        axis = self.arg("axis")
        if isinstance(axis, (list, tuple)):
            try:
                axes = sorted(axis)
            except TypeError as exc:
                raise KerasError(str(exc), "TypeError") from None
            return tuple(_index(input_shape, a) for a in axes), axes
        return (_index(input_shape, axis),), [axis]

    def compute_output_shape(self, input_shape):
        _, axes = self._scale_shape(input_shape)  # build runs first and makes ``axis`` a list
        for a in axes:
            if a >= len(input_shape) or a < -len(input_shape):
                raise KerasError(
                    f"Axis {a} is out of bounds for input shape {tuple(input_shape)}. Received: axis={axes}"
                )
        return tuple(input_shape)

    def build(self, input_shape):
        return [variable(self, "scale", self._scale_shape(input_shape)[0])]


# Layers with a ``kernel`` attribute (or property) and with ``embeddings``, as SpectralNormalization
# looks them up with ``hasattr``.
_KERNEL_LAYERS = {
    "Dense", "EinsumDense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
    "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D",
}
_EMBEDDING_LAYERS = {"Embedding", "ReversibleEmbedding"}


@register
class SpectralNormalization(LayerSpec):
    def validate(self):
        layer = self.args["layer"]
        if is_literal(layer):
            raise KerasError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please ensure wrapped layer "
                "is a valid Keras layer."
            )
        iterations = self.args["power_iterations"]
        if not isinstance(iterations, (Unknown, Opaque)):
            try:
                bad = iterations <= 0
            except TypeError as exc:
                raise KerasError(str(exc), "TypeError") from None
            if bad:
                raise KerasError(
                    f"`power_iterations` should be greater than zero. Received: `power_iterations={iterations}`"
                )

    def _inner(self) -> LayerSpec:
        spec = getattr(self.args["layer"], "spec", None)
        if not isinstance(spec, LayerSpec):
            raise Unresolvable("SpectralNormalization of a layer that is not a plain layer is not modelled")
        return spec

    def _weights(self, input_shape):
        inner = self._inner()
        weights = scoped(inner, self).weights_for(tuple(input_shape))
        name = inner.class_name
        wanted = "kernel" if name in _KERNEL_LAYERS else "embeddings" if name in _EMBEDDING_LAYERS else None
        if wanted is None:
            raise KerasError(f"{name} object has no attribute 'kernel' nor 'embeddings'")
        kernel = next(w for w in weights if w.name == wanted)
        return weights + [variable(self, "vector_u", (1, kernel.shape[-1]), trainable=False)]

    def compute_output_shape(self, input_shape):
        self._weights(input_shape)  # build runs first
        return self._inner().compute_output_shape(input_shape)

    def build(self, input_shape):
        return self._weights(input_shape)
