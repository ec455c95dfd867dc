"""Core layers: Dense, Activation, Dropout (keras/src/layers/core, keras/src/layers/regularization)."""

from __future__ import annotations

from .base import KerasError, LayerSpec, check_rank, register


@register
class Dense(LayerSpec):
    signature = (
        "units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', "
        "bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, "
        "activity_regularizer=None, kernel_constraint=None, bias_constraint=None, "
        "lora_rank=None, lora_alpha=None, quantization_config=None"
    )

    def validate(self):
        units = self.args["units"]
        if isinstance(units, int) and units <= 0:
            raise KerasError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, min_ndim=2)
        return tuple(input_shape[:-1]) + (self.arg("units"),)

    def build(self, input_shape):
        units = self.arg("units")
        weights = [self.weight("kernel", (input_shape[-1], units))]
        if self.arg("use_bias"):
            weights.append(self.weight("bias", (units,)))
        return weights


@register
class Activation(LayerSpec):
    signature = "activation"

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@register
class Dropout(LayerSpec):
    signature = "rate, noise_shape=None, seed=None"

    def validate(self):
        rate = self.args["rate"]
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise KerasError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                f"Received: rate={rate}"
            )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
