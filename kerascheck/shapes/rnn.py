"""Recurrent layers: SimpleRNN, LSTM, GRU (keras/src/layers/rnn/{rnn,simple_rnn,lstm,gru}.py).

Keras 3 has no ``time_major`` (nor ``implementation`` on SimpleRNN): both are unrecognized keyword
arguments. Weights live in the cell (``lstm/lstm_cell/kernel``); stateful state variables are
not tracked as layer weights, so they don't count in the summary.
"""

from __future__ import annotations

from typing import ClassVar

from .base import KerasError, LayerSpec, Opaque, Unknown, check_rank, format_shape, register, variable

_COMMON = (
    "kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, "
    "activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, "
    "dropout=0.0, recurrent_dropout=0.0"
)
_GATED = (
    "units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, "
    "kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros', "
)
_RNN_ARGS = "return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False"


class _RNN(LayerSpec):
    gates: ClassVar[int] = 1  # kernel width is gates * units
    n_states: ClassVar[int] = 1
    cell_name: ClassVar[str] = ""
    input_ndim: ClassVar[int] = 3  # InputSpec(ndim=3); Bidirectional inherits it
    extra_kwargs = ("zero_output_for_mask",)

    def validate(self):
        units = self.args["units"]
        if isinstance(units, (int, float)) and units <= 0:
            raise KerasError(
                f"Received an invalid value for argument `units`, expected a positive integer, got {units}."
            )
        cudnn = self.args.get("use_cudnn", "auto")
        if not isinstance(cudnn, (Unknown, Opaque)) and cudnn not in ("auto", True, False):
            raise KerasError(
                "Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, False}. "
                f"Received: use_cudnn={cudnn}"
            )

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, ndim=self.input_ndim)
        batch, units = input_shape[0], self.arg("units")
        output = (batch, input_shape[1], units) if self.arg("return_sequences") else (batch, units)
        if self.arg("return_state"):
            return [output] + [(batch, units)] * self.n_states
        return output

    def bias_shape(self, units):
        return (self.gates * units,)

    def build(self, input_shape):
        units, width = self.arg("units"), self.gates * self.arg("units")
        weights = [
            variable(self, "kernel", (input_shape[-1], width), inner=self.cell_name),
            variable(self, "recurrent_kernel", (units, width), inner=self.cell_name),
        ]
        if self.arg("use_bias"):
            weights.append(variable(self, "bias", self.bias_shape(units), inner=self.cell_name))
        if self.arg("stateful") and input_shape[0] is None:
            raise KerasError(
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={format_shape(input_shape)}"
            )
        return weights


@register
class SimpleRNN(_RNN):
    signature = (
        "units, activation='tanh', use_bias=True, kernel_initializer='glorot_uniform', "
        f"recurrent_initializer='orthogonal', bias_initializer='zeros', {_COMMON}, {_RNN_ARGS}, seed=None"
    )
    cell_name = "simple_rnn_cell"


@register
class LSTM(_RNN):
    signature = f"{_GATED}unit_forget_bias=True, {_COMMON}, seed=None, {_RNN_ARGS}, use_cudnn='auto'"
    extra_kwargs = ("zero_output_for_mask", "implementation")
    gates, n_states, cell_name = 4, 2, "lstm_cell"


@register
class GRU(_RNN):
    signature = f"{_GATED}{_COMMON}, seed=None, {_RNN_ARGS}, reset_after=True, use_cudnn='auto'"
    extra_kwargs = ("zero_output_for_mask", "implementation")
    gates, cell_name = 3, "gru_cell"

    def bias_shape(self, units):
        # reset_after keeps separate input and recurrent biases.
        return (2, 3 * units) if self.arg("reset_after") else (3 * units,)
