"""Pooling family: Max/Average pooling 1D-3D and global pooling 1D-3D (and their aliases)."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import BATCH, base_kwargs, bind, mostly, weighted, with_bad_kwarg

WINDOWED = [
    ("MaxPooling1D", "MaxPool1D", 1), ("MaxPooling2D", "MaxPool2D", 2), ("MaxPooling3D", "MaxPool3D", 3),
    ("AveragePooling1D", "AvgPool1D", 1), ("AveragePooling2D", "AvgPool2D", 2), ("AveragePooling3D", "AvgPool3D", 3),
]
GLOBAL = [
    ("GlobalMaxPooling1D", "GlobalMaxPool1D", 1), ("GlobalMaxPooling2D", "GlobalMaxPool2D", 2),
    ("GlobalMaxPooling3D", "GlobalMaxPool3D", 3), ("GlobalAveragePooling1D", "GlobalAvgPool1D", 1),
    ("GlobalAveragePooling2D", "GlobalAvgPool2D", 2), ("GlobalAveragePooling3D", "GlobalAvgPool3D", 3),
]
LAYERS = tuple(n for c in WINDOWED + GLOBAL for n in c[:2])

FAULTS = ["pool_zero", "pool_len", "strides_zero", "strides_negative", "padding", "rank", "too_small",
          "data_format", "pool_none"]


def _int_or_tuple(draw, values, dims):
    if draw(st.booleans()):
        v = draw(values)
        return v, (v,) * dims
    vs = tuple(draw(values) for _ in range(dims))
    return (vs if draw(st.booleans()) else list(vs)), vs


def _input(draw, dims, data_format, lo=1, hi=10):
    spatial = tuple(draw(st.one_of(st.none(), st.integers(lo, hi))) for _ in range(dims))
    channels = draw(st.one_of(st.integers(1, 6), st.none()) if draw(st.integers(0, 5)) == 0 else st.integers(1, 6))
    batch = draw(BATCH)
    return (batch, channels, *spatial) if data_format == "channels_first" else (batch, *spatial, channels)


@st.composite
def windowed(draw, valid: bool = True):
    class_name, alias, dims = draw(st.sampled_from(WINDOWED))
    name = alias if draw(st.integers(0, 3)) == 0 else class_name
    fault = None if valid else draw(st.sampled_from(FAULTS))
    hi = 6 if dims == 3 else 10
    pool_arg, pool = _int_or_tuple(draw, st.integers(1, 3), dims)
    kwargs = {}
    if draw(st.booleans()):
        kwargs["strides"], _ = _int_or_tuple(draw, st.integers(1, 3), dims)
    if draw(st.booleans()):
        kwargs["padding"] = draw(st.sampled_from(["valid", "same"]))
    data_format = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    if data_format:
        kwargs["data_format"] = data_format
    input_shape = _input(draw, dims, data_format, lo=max(pool), hi=max(hi, max(pool)))

    if fault == "pool_zero":
        pool_arg = draw(st.sampled_from([0, -1, (0,) * dims]))
    elif fault == "pool_len":
        pool_arg = tuple(range(2, 2 + draw(st.sampled_from([n for n in (1, 2, 3, 4) if n != dims]))))
    elif fault == "pool_none":
        pool_arg = None
    elif fault == "strides_zero":
        kwargs["strides"] = draw(st.sampled_from([0, (0,) * dims]))
    elif fault == "strides_negative":
        kwargs["strides"] = -1
    elif fault == "padding":
        kwargs["padding"] = draw(st.sampled_from(["full", "SAME", "causal"]))
    elif fault == "rank":
        input_shape = input_shape[:-1] if draw(st.booleans()) else input_shape + (2,)
    elif fault == "too_small":
        kwargs["padding"] = "valid"
        pool_arg = 4
        input_shape = _input(draw, dims, data_format, lo=1, hi=3)
    elif fault == "data_format":
        kwargs["data_format"] = "channels_middle"

    args, more = draw(bind([("pool_size", pool_arg)]))
    kwargs.update(more)
    if fault is None and class_name.startswith("Max") and pool_arg == (2,) * dims and draw(st.booleans()):
        args, kwargs = [], {k: v for k, v in kwargs.items() if k != "pool_size"}  # the default pool size
    kwargs.update(draw(base_kwargs()))
    return name, args, kwargs, input_shape


@st.composite
def global_pooling(draw, valid: bool = True):
    class_name, alias, dims = draw(st.sampled_from(GLOBAL))
    name = alias if draw(st.integers(0, 3)) == 0 else class_name
    data_format = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    kwargs = {}
    if data_format:
        kwargs["data_format"] = data_format
    if draw(st.booleans()):
        kwargs["keepdims"] = draw(st.booleans())
    input_shape = _input(draw, dims, data_format)
    if not valid:
        fault = draw(st.sampled_from(["rank", "data_format", "positional"]))
        if fault == "rank":
            input_shape = input_shape[:-1] if draw(st.booleans()) else input_shape + (2,)
        elif fault == "data_format":
            kwargs["data_format"] = "NHWC"
        else:
            return name, [data_format, True, 3], {}, input_shape
    elif draw(st.integers(0, 3)) == 0:
        return name, [kwargs.pop("data_format", None), *([kwargs.pop("keepdims")] if "keepdims" in kwargs else [])], kwargs, input_shape
    kwargs.update(draw(base_kwargs()))
    return name, [], kwargs, input_shape


VALID = st.one_of(windowed(), global_pooling())
INVALID = weighted(
    (3, windowed(valid=False)),
    (3, global_pooling(valid=False)),
    (1, with_bad_kwarg(VALID)),
)
cases = mostly(VALID, INVALID)
