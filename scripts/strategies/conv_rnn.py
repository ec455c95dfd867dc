"""Convolutional LSTM family: ConvLSTM1D/2D/3D."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import base_kwargs, bind, int_or_tuple, mostly, shape, with_bad_kwarg

LAYERS = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")


@st.composite
def conv_lstm(draw, valid: bool = True):
    n = draw(st.integers(1, 3))
    data_format = draw(st.sampled_from(["channels_last", "channels_first", None]))
    channels = draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(3, 7)) for _ in range(n))
    batch, steps = draw(st.sampled_from([None, 2])), draw(st.sampled_from([None, 4]))
    body = (channels, *spatial) if data_format == "channels_first" else (*spatial, channels)
    input_shape = (batch, steps, *body)
    kernel = draw(int_or_tuple(n, st.integers(1, 3)))
    optional = {
        "padding": st.sampled_from(["valid", "same"]),
        "return_sequences": st.booleans(), "return_state": st.booleans(),
        "use_bias": st.booleans(), "unit_forget_bias": st.booleans(), "go_backwards": st.booleans(),
    }
    if draw(st.booleans()):
        optional["strides"] = int_or_tuple(n, st.integers(1, 2))
    elif draw(st.booleans()):
        optional["dilation_rate"] = int_or_tuple(n, st.integers(1, 2))
    if data_format is not None:
        optional["data_format"] = st.just(data_format)
    if not valid:
        # (no invalid padding: its message prints a set whose order depends on the process's hash seed)
        fault = draw(st.sampled_from(["kernel", "strides_dilation", "rank", "spatial", "channels",
                                      "too_small", "stateful"]))
        if fault == "kernel":
            kernel = draw(st.sampled_from([0, (2,) * (n + 1), -1]))
        elif fault == "strides_dilation":
            optional["strides"], optional["dilation_rate"] = st.just(2), st.just(2)
        elif fault == "rank":
            input_shape = draw(st.sampled_from([input_shape[:-1], input_shape + (1,)]))
        elif fault == "spatial":
            i = 2 if data_format != "channels_first" else 3
            input_shape = input_shape[:i] + (None,) + input_shape[i + 1:]
        elif fault == "channels":
            i = 2 if data_format == "channels_first" else len(input_shape) - 1
            input_shape = input_shape[:i] + (None,) + input_shape[i + 1:]
        elif fault == "too_small":
            kernel = 8
        else:
            input_shape = (None,) + input_shape[1:]
            optional["stateful"] = st.just(True)
    args, kwargs = draw(bind([("filters", draw(st.integers(1, 4))), ("kernel_size", kernel)], optional))
    kwargs.update(draw(base_kwargs()))
    return f"ConvLSTM{n}D", args, kwargs, input_shape


VALID = conv_lstm()
INVALID = st.one_of(conv_lstm(valid=False), with_bad_kwarg(VALID))
cases = mostly(VALID, INVALID)
