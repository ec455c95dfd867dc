"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax (keras/src/layers/activations).

All keep the input shape. Their constructors compare arguments with Python operators
(``max_value < 0.0``), so a value of the wrong type raises Python's own ``TypeError``; the engine
evaluates the same comparison on the literal values to get the same message. PReLU is the only one
with a weight: ``alpha`` of shape ``input_shape[1:]`` with the ``shared_axes`` set to 1.
"""

from __future__ import annotations

from .arguments import compare
from .base import LayerSpec, register, variable
from .types import KerasError


@register
class ReLU(LayerSpec):
    def validate(self):
        max_value, slope, threshold = (self.args[k] for k in ("max_value", "negative_slope", "threshold"))
        if max_value is not None and compare(lambda v: v < 0.0, max_value):
            raise KerasError(
                f"max_value of a ReLU layer cannot be a negative value. Received: max_value={max_value}"
            )
        if slope is None or compare(lambda v: v < 0.0, slope):
            raise KerasError(
                "negative_slope of a ReLU layer cannot be None or a negative value. "
                f"Received: negative_slope={slope}"
            )
        if threshold is None or compare(lambda v: v < 0.0, threshold):
            raise KerasError(
                f"threshold of a ReLU layer cannot be None or a negative value. Received: threshold={threshold}"
            )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@register
class LeakyReLU(LayerSpec):
    extra_kwargs = ("alpha",)  # deprecated spelling, popped from **kwargs (with a warning)

    def validate(self):
        if "alpha" in self.args:
            self.args["negative_slope"] = self.args.pop("alpha")
        slope = self.args["negative_slope"]
        if slope is None or compare(lambda v: v < 0, slope):
            raise KerasError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                f"Expected a float. Received: negative_slope={slope}"
            )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@register
class PReLU(LayerSpec):
    def _shared_axes(self):
        axes = self.arg("shared_axes")
        if axes is None:
            return None
        return list(axes) if isinstance(axes, (list, tuple)) else [axes]

    def _param_shape(self, input_shape):
        shape = list(input_shape[1:])
        for i in self._shared_axes() or ():
            try:  # ``param_shape[i - 1] = 1``
                shape[i - 1] = 1
            except IndexError:
                raise KerasError("list assignment index out of range", "IndexError") from None
            except TypeError as exc:
                raise KerasError(str(exc), "TypeError") from None
        return shape

    def compute_output_shape(self, input_shape):
        self._param_shape(input_shape)  # build runs first
        return tuple(input_shape)

    def build(self, input_shape):
        return [variable(self, "alpha", self._param_shape(input_shape))]


@register
class ELU(LayerSpec):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@register
class Softmax(LayerSpec):
    def compute_output_shape(self, input_shape):
        # Keras's compute_output_shape returns the input shape whatever the axis (the call, which
        # would reject a bad axis, is not traced for symbolic inputs).
        return tuple(input_shape)

