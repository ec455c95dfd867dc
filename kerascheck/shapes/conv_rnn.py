"""Convolutional LSTM layers: ConvLSTM1D/2D/3D (keras/src/layers/rnn/conv_lstm*.py).

A ConvLSTM is an RNN over a ``ConvLSTMCell`` (named ``conv_lstm_cell``) that Keras creates in the
constructor, so the cell's argument checks (``standardize_tuple`` of kernel_size / strides /
dilation_rate, padding, data_format, strides and dilation both > 1) are the layer's. The layer's
InputSpec is ``ndim=rank + 3``; ``build`` builds the cell on the step shape ``(batch, *spatial,
channels)`` and needs static spatial and channel dims; ``compute_output_shape`` is the convolution
of the step (``compute_conv_output_shape``, shared with ``conv``) with ``filters`` channels.
Weights: ``kernel`` ``(*kernel_size, channels, 4 * filters)``, ``recurrent_kernel``
``(*kernel_size, filters, 4 * filters)`` and ``bias`` ``(4 * filters,)``.
"""

from __future__ import annotations

from typing import ClassVar

from .arguments import check_activation, format_shape, standardize_data_format, standardize_padding, standardize_tuple
from .base import LayerSpec, check_rank, register, variable
from .types import KerasError, Unresolvable
from .conv import conv_output_shape
from .rnn import rnn_compute_mask


class ConvLSTM(LayerSpec):
    extra_kwargs = ("unroll", "zero_output_for_mask")  # forwarded to RNN through **kwargs
    rank: ClassVar[int] = 2
    cell_name: ClassVar[str] = "conv_lstm_cell"

    @property
    def input_ndim(self) -> int:  # Bidirectional takes the layer's InputSpec
        return self.rank + 3

    def compute_mask(self, inputs, mask, op, n_outputs):
        return rnn_compute_mask(self, mask, n_outputs)

    def validate(self):
        try:
            self.configure()
        except Unresolvable:
            pass  # an unknown argument: its checks are skipped, the shape is unresolvable

    plain_items = True  # value(): a list of sizes holding an opaque value is not plain either

    def configure(self):
        """``ConvLSTMCell.__init__``: the checks in Keras's order."""
        self.kernel_size = standardize_tuple(self.value("kernel_size"), self.rank, "kernel_size")
        self.strides = standardize_tuple(self.value("strides"), self.rank, "strides", allow_zero=True)
        self.padding = standardize_padding(self.value("padding"))
        self.data_format = standardize_data_format(self.value("data_format"))
        self.dilation_rate = standardize_tuple(self.value("dilation_rate"), self.rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise KerasError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide `strides=1` "
                f"or `dilation_rate=1`. Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        check_activation(self.args.get("activation"))
        check_activation(self.args.get("recurrent_activation"))

    def _configured(self):
        if not hasattr(self, "dilation_rate"):
            self.configure()  # raises Unresolvable for an unknown argument

    def _step(self, input_shape):
        check_rank(self, input_shape, ndim=self.rank + 3)
        return (input_shape[0], *input_shape[2:])

    def _cell_weights(self, step):
        self._configured()
        filters = self.arg("filters")
        if self.data_format == "channels_first":
            channels, spatial = step[1], step[2:]
        else:
            channels, spatial = step[-1], step[1:-1]
        if None in spatial:
            raise KerasError(
                "ConvLSTM layers only support static input shapes for the spatial dimension. "
                f"Received invalid input shape: input_shape={format_shape(step)}"
            )
        if channels is None:
            raise KerasError(
                "The channel dimension of the inputs (last axis) should be defined. Found None. "
                f"Full input shape received: input_shape={format_shape(step)}"
            )
        weights = [
            variable(self, "kernel", (*self.kernel_size, channels, filters * 4), inner=self.cell_name),
            variable(self, "recurrent_kernel", (*self.kernel_size, filters, filters * 4), inner=self.cell_name),
        ]
        if self.arg("use_bias"):
            weights.append(variable(self, "bias", (filters * 4,), inner=self.cell_name))
        return weights

    def build(self, input_shape):
        weights = self._cell_weights(self._step(input_shape))
        if self.arg("stateful") and input_shape[0] is None:
            raise KerasError(
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={format_shape(input_shape)}"
            )
        return weights

    def compute_output_shape(self, input_shape):
        self.build(input_shape)  # the InputSpec check and build run first
        step = self._step(input_shape)
        state = conv_output_shape(
            step, self.arg("filters"), self.kernel_size, self.strides, self.padding, self.data_format,
            self.dilation_rate,
        )[1:]
        batch = input_shape[0]
        output = (batch, input_shape[1], *state) if self.arg("return_sequences") else (batch, *state)
        if self.arg("return_state"):
            return [output, (batch, *state), (batch, *state)]
        return output


@register
class ConvLSTM1D(ConvLSTM):
    rank = 1


@register
class ConvLSTM2D(ConvLSTM):
    rank = 2


@register
class ConvLSTM3D(ConvLSTM):
    rank = 3

