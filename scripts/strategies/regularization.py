"""Noise / dropout family: GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D,
ActivityRegularization (Dropout is in ``core``)."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import any_shape, base_kwargs, bind, mostly, shape, with_bad_kwarg

LAYERS = ("GaussianNoise", "GaussianDropout", "AlphaDropout", "SpatialDropout1D", "SpatialDropout2D",
          "SpatialDropout3D", "ActivityRegularization")
RATE = st.sampled_from([0, 0.0, 0.1, 0.5, 1, 1.0])
BAD_RATE = st.sampled_from([-0.1, 1.5, 2, "0.5", None])


@st.composite
def noise(draw, valid: bool = True):
    class_name = draw(st.sampled_from(["GaussianNoise", "GaussianDropout", "AlphaDropout"]))
    first = "stddev" if class_name == "GaussianNoise" else "rate"
    optional = {"seed": st.sampled_from([None, 1, 42])}
    if class_name == "AlphaDropout":
        optional["noise_shape"] = st.sampled_from([None, (None, 1)])
    args, kwargs = draw(bind([(first, draw(RATE if valid else BAD_RATE))], optional))
    kwargs.update(draw(base_kwargs()))
    return class_name, args, kwargs, draw(any_shape(1, 4))


@st.composite
def spatial(draw, valid: bool = True):
    n = draw(st.integers(1, 3))
    rank = n + 2
    optional = {"seed": st.sampled_from([None, 3])}
    if n > 1:
        optional["data_format"] = st.sampled_from(["channels_last", "channels_first", None])
    rate = draw(RATE)
    input_shape = draw(shape(rank))
    extra = {}
    if not valid:
        fault = draw(st.sampled_from(["rate", "rank", "kwarg", "data_format"]))
        if fault == "rate":
            rate = draw(BAD_RATE)
        elif fault == "rank":
            input_shape = draw(shape(draw(st.sampled_from([rank - 1, rank + 1]))))
        elif fault == "kwarg":
            extra = {draw(st.sampled_from(["trainable", "noise_shape", "input_shape"])): None}
        else:
            extra = {"data_format": "channels_middle"}
    args, kwargs = draw(bind([("rate", rate)], optional))
    if draw(st.integers(0, 4)) == 0:
        kwargs["dtype"] = "float32"
    kwargs.update(extra)
    return f"SpatialDropout{n}D", args, kwargs, input_shape


@st.composite
def activity(draw, valid: bool = True):
    value = st.sampled_from([0.0, 0.01, 1, None]) if valid else st.sampled_from([-0.1, "0.1", [1]])
    args, kwargs = draw(bind([], {"l1": value, "l2": value}))
    if not valid and not kwargs:
        kwargs["l1"] = -1
    kwargs.update(draw(base_kwargs()))
    return "ActivityRegularization", args, kwargs, draw(any_shape(1, 4))


VALID = st.one_of(noise(), spatial(), activity())
INVALID = st.one_of(noise(valid=False), spatial(valid=False), activity(valid=False), with_bad_kwarg(noise()))
cases = mostly(VALID, INVALID)
