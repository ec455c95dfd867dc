"""Adaptive pooling family: AdaptiveAveragePooling1D/2D/3D, AdaptiveMaxPooling1D/2D/3D."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import base_kwargs, bind, int_or_tuple, mostly, shape, with_bad_kwarg

LAYERS = tuple(f"Adaptive{k}Pooling{n}D" for k in ("Average", "Max") for n in (1, 2, 3))


@st.composite
def adaptive(draw, valid: bool = True):
    kind, n = draw(st.sampled_from(["Average", "Max"])), draw(st.integers(1, 3))
    size = draw(int_or_tuple(n, st.integers(1, 6)))
    data_format = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    input_shape = draw(shape(n + 2, hi=10))
    if not valid:
        fault = draw(st.sampled_from(["size_len", "size_type", "data_format", "rank"]))
        if fault == "size_len":
            size = tuple([2] * draw(st.sampled_from([m for m in (1, 2, 3, 4) if m != n])))
        elif fault == "size_type":
            size = draw(st.sampled_from(["2", 2.0, None]))
        elif fault == "data_format":
            data_format = draw(st.sampled_from(["NHWC", "channels_middle"]))
        else:  # no InputSpec: another rank is accepted
            input_shape = draw(shape(draw(st.sampled_from([n + 1, n + 3])), hi=10))
    optional = {} if data_format is None else {"data_format": st.just(data_format)}
    args, kwargs = draw(bind([("output_size", size)], optional))
    kwargs.update(draw(base_kwargs()))
    return f"Adaptive{kind}Pooling{n}D", args, kwargs, input_shape


VALID = adaptive()
INVALID = st.one_of(adaptive(valid=False), with_bad_kwarg(VALID))
cases = mostly(VALID, INVALID)
