"""The generic RNN layer over one cell: SimpleRNNCell, LSTMCell, GRUCell (a cell is a nested layer,
``L("LSTMCell", 4)``), or over a list of cells (which RNN wraps in a StackedRNNCells)."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import L, base_kwargs, bind, mostly, shape, with_bad_kwarg

LAYERS = ("RNN", "SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells")


@st.composite
def cell(draw, valid: bool = True):
    kind = draw(st.sampled_from(["SimpleRNNCell", "LSTMCell", "GRUCell"]))
    units = draw(st.integers(1, 8)) if valid else draw(st.sampled_from([0, -1, "4", 2.5]))
    kwargs = {}
    if draw(st.booleans()):
        kwargs["use_bias"] = draw(st.booleans())
    if kind == "GRUCell" and draw(st.booleans()):
        kwargs["reset_after"] = draw(st.booleans())
    if kind == "LSTMCell" and draw(st.booleans()):
        kwargs["unit_forget_bias"] = draw(st.booleans())
    if draw(st.integers(0, 4)) == 0:
        kwargs["trainable"] = False
    return L(kind, units, **kwargs)


@st.composite
def rnn_layer(draw, valid: bool = True):
    inner = draw(st.one_of(cell(), cell(), cell(), st.lists(cell(), min_size=2, max_size=3)))
    input_shape = draw(shape(3, hi=8, unknown=False))
    input_shape = (input_shape[0], draw(st.sampled_from([input_shape[1], None])), input_shape[2])
    optional = {
        "return_sequences": st.booleans(), "return_state": st.booleans(), "go_backwards": st.booleans(),
        "unroll": st.booleans(), "zero_output_for_mask": st.booleans(),
    }
    if not valid:
        fault = draw(st.sampled_from(["cell_units", "literal", "not_a_cell", "unknown_dim", "stateful", "rank"]))
        if fault == "cell_units":
            inner = draw(cell(valid=False))
        elif fault == "literal":
            inner = draw(st.sampled_from([5, "lstm", None]))
        elif fault == "not_a_cell":
            inner = L("Dense", 3)
        elif fault == "unknown_dim":
            input_shape = input_shape[:2] + (None,)
        elif fault == "stateful":
            input_shape = (None,) + input_shape[1:]
            optional["stateful"] = st.just(True)
        else:
            input_shape = draw(st.sampled_from([input_shape[:2], input_shape + (2,)]))
    args, kwargs = draw(bind([("cell", inner)], optional))
    kwargs.update(draw(base_kwargs()))
    return "RNN", args, kwargs, input_shape


VALID = rnn_layer()
INVALID = st.one_of(rnn_layer(valid=False), with_bad_kwarg(VALID))
cases = mostly(VALID, INVALID)
