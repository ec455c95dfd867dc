"""Noise and dropout layers (keras/src/layers/regularization): GaussianNoise, GaussianDropout,
AlphaDropout, SpatialDropout1D/2D/3D, ActivityRegularization. (Dropout lives in ``core``.)

None has weights and all keep the input shape. The constructors check ``not 0 <= rate <= 1`` with
Python operators, so a non-number raises Python's own ``TypeError`` (mirrored by evaluating the
same comparison). The SpatialDropout constructors take no ``**kwargs`` (only ``rate, seed, name,
dtype`` and ``data_format``): any other keyword, even ``trainable``, is Python's "unexpected keyword
argument" ``TypeError``; they inherit Dropout's ``noise_shape`` check only through the default.
"""

from __future__ import annotations

import math

from .arguments import compare, standardize_data_format
from .base import LayerSpec, check_rank, register
from .types import KerasError, Opaque, Unknown


def check_fraction(value, name: str) -> None:
    """``if not 0 <= value <= 1: raise ValueError(...)``, with Keras's message."""
    if compare(lambda v: not 0 <= v <= 1, value):
        raise KerasError(
            f"Invalid value received for argument `{name}`. Expected a float value between 0 and 1. "
            f"Received: {name}={value}"
        )


class _SameShape(LayerSpec):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@register
class GaussianNoise(_SameShape):
    def validate(self):
        check_fraction(self.args["stddev"], "stddev")


@register
class GaussianDropout(_SameShape):
    def validate(self):
        check_fraction(self.args["rate"], "rate")


@register
class AlphaDropout(_SameShape):
    def validate(self):
        check_fraction(self.args["rate"], "rate")


@register
class ActivityRegularization(_SameShape):
    def validate(self):
        if "activity_regularizer" in self.args:  # passed again to Layer.__init__ through **kwargs
            raise KerasError(
                "keras.src.layers.layer.Layer.__init__() got multiple values for keyword argument "
                "'activity_regularizer'",
                "TypeError",
            )
        for name in ("l1", "l2"):  # regularizers.L1L2(l1=l1, l2=l2)
            value = self.args[name]
            value = 0.0 if value is None else value
            if isinstance(value, (Unknown, Opaque)):
                continue
            if not isinstance(value, (int, float)) or math.isinf(value) or math.isnan(value) or value < 0:
                raise KerasError(
                    f"Invalid value for argument {name}: expected a non-negative float.Received: {name}={value}"
                )


class _SpatialDropout(_SameShape):
    ndim = 3

    @classmethod
    def bind(cls, positional, keywords):
        names = {p for p, _ in cls._params}
        for key in keywords:
            if key not in names:
                raise KerasError(f"{cls.__name__}.__init__() got an unexpected keyword argument '{key}'", "TypeError")
        return super().bind(positional, keywords)

    def validate(self):
        check_fraction(self.args["rate"], "rate")
        if "data_format" in self.args:
            standardize_data_format(self.args["data_format"])

    @property
    def input_shape_arg(self):
        return None

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, ndim=self.ndim)
        return tuple(input_shape)


@register
class SpatialDropout1D(_SpatialDropout):
    ndim = 3


@register
class SpatialDropout2D(_SpatialDropout):
    ndim = 4


@register
class SpatialDropout3D(_SpatialDropout):
    ndim = 5
