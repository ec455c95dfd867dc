"""Recurrent layers: SimpleRNN, LSTM, GRU, the generic RNN with SimpleRNNCell / LSTMCell / GRUCell /
StackedRNNCells (keras/src/layers/rnn/{rnn,simple_rnn,lstm,gru,stacked_rnn_cells}.py).

Keras 3 has no ``time_major`` (nor ``implementation`` on SimpleRNN): both are unrecognized keyword
arguments. Weights live in the cell (``lstm/lstm_cell/kernel``); stateful state variables are
not tracked as layer weights, so they don't count in the summary.
"""

from __future__ import annotations

from typing import ClassVar

from .arguments import check_activation, compare, format_shape, is_literal, known
from .base import LayerSpec, check_rank, flat, register, scoped, variable
from .types import KerasError, Opaque, Unknown, Unresolvable


def rnn_compute_mask(spec: LayerSpec, mask, n_outputs: int):
    """``RNN.compute_mask``: the input's mask on the sequence output, none on the states."""
    mask = flat(mask)[0] if mask is not None else None
    output_mask = mask if spec.arg("return_sequences") else None
    return [output_mask] + [None] * (n_outputs - 1) if spec.arg("return_state") else output_mask


class _RNN(LayerSpec):
    gates: ClassVar[int] = 1  # kernel width is gates * units
    n_states: ClassVar[int] = 1
    cell_name: ClassVar[str] = ""
    input_ndim: ClassVar[int] = 3  # InputSpec(ndim=3); Bidirectional inherits it
    extra_kwargs = ("zero_output_for_mask",)

    # The cell's ``state_size`` is ``units`` (``[units, units]`` for LSTM): RNN.__init__ rejects a float.
    list_state: ClassVar[bool] = False

    def validate(self):
        _check_cell_args(self)
        units = self.args["units"]
        if not self.list_state and isinstance(units, float):
            raise KerasError(STATE_SIZE_ERROR)
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

    def compute_mask(self, inputs, mask, op, n_outputs):
        return rnn_compute_mask(self, mask, n_outputs)

    def bias_shape(self, units):
        return (self.gates * units,)

    def build(self, input_shape):
        check_rank(self, input_shape, ndim=self.input_ndim)  # the InputSpec, checked before build
        units, width = self.arg("units"), self.gates * self.arg("units")
        step = (input_shape[0], *input_shape[2:])  # the cell is built on one step's shape
        weights = [
            variable(self, "kernel", (step[-1], width), inner=self.cell_name),
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
    cell_name = "simple_rnn_cell"


@register
class LSTM(_RNN):
    extra_kwargs = ("zero_output_for_mask", "implementation")
    gates, n_states, cell_name = 4, 2, "lstm_cell"
    list_state = True


@register
class GRU(_RNN):
    extra_kwargs = ("zero_output_for_mask", "implementation")
    gates, cell_name = 3, "gru_cell"

    def bias_shape(self, units):
        # reset_after keeps separate input and recurrent biases.
        return (2, 3 * units) if self.arg("reset_after") else (3 * units,)


# -- RNN cells, StackedRNNCells and the generic RNN layer (keras/src/layers/rnn/rnn.py) --------------
#
# Cells are layers passed to ``RNN(cell)`` (or a list of cells, which RNN wraps in StackedRNNCells).
# The RNN builds its cell on the step shape ``(batch, *sequence_shape[2:])`` inside its own name
# scope (``rnn/simple_rnn_cell/kernel``); it has no InputSpec, so an input of another rank is not
# rejected as such. With ``return_state`` the states follow the output, flattened (an LSTMCell in a
# stack contributes two). Calling a cell directly (``cell(x, states)``) is not modelled.


def _layer_repr(spec: LayerSpec) -> str:
    """Keras 3's ``repr`` of an unbuilt layer."""
    return f"<{spec.class_name} name={spec.layer_name}, built=False>"


STATE_SIZE_ERROR = "state_size must be an integer, or a list/tuple of integers (one for each state tensor)."


def _check_cell_args(spec: LayerSpec) -> None:
    """The cell constructor's checks, in order: ``units <= 0`` (Python's TypeError for a non-number),
    then ``activations.get`` of ``activation`` and ``recurrent_activation``."""
    if compare(lambda u: u <= 0, spec.args["units"]):
        raise KerasError(
            f"Received an invalid value for argument `units`, expected a positive integer, got {spec.args['units']}."
        )
    for name in ("activation", "recurrent_activation"):
        if name in spec.args:
            check_activation(spec.args[name])


class _Cell(LayerSpec):
    gates: ClassVar[int] = 1

    def validate(self):
        _check_cell_args(self)

    @property
    def state_size(self):
        return self.arg("units")

    @property
    def output_size(self):
        return self.arg("units")

    def compute_output_shape(self, input_shape):
        raise Unresolvable(f"calling a {self.class_name} directly (with its states) is not modelled")

    def bias_shape(self, units):
        return (self.gates * units,)

    def build(self, input_shape):
        units = self.arg("units")
        width = self.gates * units
        weights = [
            variable(self, "kernel", (input_shape[-1], width)),
            variable(self, "recurrent_kernel", (units, width)),
        ]
        if self.arg("use_bias"):
            weights.append(variable(self, "bias", self.bias_shape(units)))
        return weights


@register
class SimpleRNNCell(_Cell):
    pass


@register
class LSTMCell(_Cell):
    extra_kwargs = ("implementation",)
    gates = 4

    @property
    def state_size(self):
        return [self.arg("units"), self.arg("units")]


@register
class GRUCell(_Cell):
    extra_kwargs = ("implementation",)
    gates = 3

    def bias_shape(self, units):
        return (2, 3 * units) if self.arg("reset_after") else (3 * units,)


# Layers that have ``call`` and ``state_size`` without being cells (Keras accepts them in RNN(...)).
_RNN_LAYERS = ("SimpleRNN", "LSTM", "GRU", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")


def _cell_spec(cell, what: str) -> LayerSpec | None:
    """The spec of a cell argument, ``None`` if it is a layer without ``state_size``; literals raise."""
    spec = getattr(cell, "spec", None)
    if not isinstance(spec, LayerSpec):
        raise Unresolvable(f"{what} is not a known RNN cell")
    if spec.class_name in _RNN_LAYERS:
        raise Unresolvable(f"{what} is a {spec.class_name} layer, not a cell: not modelled")
    return spec if _is_cell(spec) else None


def _is_cell(spec: LayerSpec) -> bool:
    """Has ``state_size`` (checked by class: the property may need an unknown ``units``)."""
    return isinstance(spec, (_Cell, StackedRNNCells))


@register
class StackedRNNCells(LayerSpec):
    def validate(self):
        cells = self.args["cells"]
        if isinstance(cells, (Unknown, Opaque)):
            return
        try:
            cells = list(cells)
        except TypeError as exc:
            raise KerasError(str(exc), "TypeError") from None
        for cell in cells:
            if is_literal(cell):
                raise KerasError(f"All cells must have a `call` method. Received cell without a `call` method: {cell}")
            spec = getattr(cell, "spec", None)
            if isinstance(spec, LayerSpec) and spec.class_name not in _RNN_LAYERS and not _is_cell(spec):
                raise KerasError(
                    f"All cells must have a `state_size` attribute. Received cell without a `state_size`: "
                    f"{_layer_repr(spec)}"
                )

    def _cells(self) -> list[LayerSpec]:
        cells = known(self.args["cells"], "`cells` of StackedRNNCells")
        return [_cell_spec(c, "a cell of StackedRNNCells") for c in cells]

    @property
    def state_size(self):
        return [c.state_size for c in self._cells()]

    @property
    def output_size(self):
        return self._cells()[-1].output_size

    def compute_output_shape(self, input_shape):
        raise Unresolvable("calling StackedRNNCells directly (with its states) is not modelled")

    def build(self, input_shape):
        weights = []
        for cell in self._cells():
            weights += scoped(cell, self).weights_for(tuple(input_shape))
            input_shape = (input_shape[0], cell.output_size)
        return weights


@register
class RNN(LayerSpec):
    _cell: LayerSpec | None = None

    def compute_mask(self, inputs, mask, op, n_outputs):
        return rnn_compute_mask(self, mask, n_outputs)

    def validate(self):
        cell = self.args["cell"]
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells.bind([list(cell)], {})
            self._cell = cell
            return
        if is_literal(cell):
            raise KerasError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        spec = getattr(cell, "spec", None)
        if isinstance(spec, LayerSpec) and spec.class_name not in _RNN_LAYERS and not _is_cell(spec):
            raise KerasError(
                "The RNN cell should have a `state_size` attribute (single integer or list of integers, one integer "
                f"per RNN state). Received: cell={_layer_repr(spec)}"
            )
        if isinstance(spec, _Cell) and not isinstance(spec, LSTMCell) and isinstance(spec.args.get("units"), float):
            raise KerasError(STATE_SIZE_ERROR)
        self._cell = spec if isinstance(spec, LayerSpec) else None

    def _cell_spec(self) -> LayerSpec:
        if self._cell is None:
            raise Unresolvable("the cell of this RNN is not a known cell")
        if self._cell.class_name in _RNN_LAYERS:
            raise Unresolvable(f"RNN over a {self._cell.class_name} layer is not modelled")
        return self._cell

    def compute_output_shape(self, input_shape):
        self.build(input_shape)  # build runs first
        cell = self._cell_spec()
        batch, length = input_shape[0], input_shape[1]
        sizes = cell.state_size
        sizes = [sizes] if isinstance(sizes, int) else list(sizes)
        states = []
        for size in sizes:  # flattened, as the recording and the IR take several outputs
            states += [(batch, s) for s in size] if isinstance(size, (list, tuple)) else [(batch, size)]
        output_size = cell.output_size
        output = (batch, length, output_size) if self.arg("return_sequences") else (batch, output_size)
        return [output, *states] if self.arg("return_state") else output

    def build(self, input_shape):
        cell = self._cell_spec()
        step = (input_shape[0], *input_shape[2:])
        if isinstance(cell, StackedRNNCells):
            # Keras 3.15 counts a stack's cell weights as trainable even for
            # StackedRNNCells(..., trainable=False) (each cell keeps its own flag).
            weights = scoped(cell, self).spec.build(step)
        else:
            weights = scoped(cell, self).weights_for(step)
        if self.arg("stateful") and input_shape[0] is None:
            raise KerasError(
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={format_shape(input_shape)}"
            )
        return weights
