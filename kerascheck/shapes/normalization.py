"""BatchNormalization and LayerNormalization (keras/src/layers/normalization).

Both index ``input_shape[axis]`` in ``build``, which runs before ``compute_output_shape``: an axis
out of range surfaces as Python's ``IndexError: tuple index out of range``, not as the "Axis ... is
out of bounds" message of ``compute_output_shape``.
"""

from __future__ import annotations

from .base import KerasError, LayerSpec, Opaque, Unknown, register, variable


def _axis_dims(input_shape, axes) -> tuple:
    for axis in axes:
        if not -len(input_shape) <= axis < len(input_shape):
            raise KerasError("tuple index out of range", "IndexError")
    return tuple(input_shape[a] for a in axes)


@register
class BatchNormalization(LayerSpec):
    signature = (
        "axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer='zeros', "
        "gamma_initializer='ones', moving_mean_initializer='zeros', moving_variance_initializer='ones', "
        "beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, "
        "renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False"
    )

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
    signature = (
        "axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer='zeros', gamma_initializer='ones', "
        "beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None"
    )
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
