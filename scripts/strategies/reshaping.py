"""Reshaping family: Flatten, Reshape, Permute, RepeatVector, UpSampling1D-3D, ZeroPadding1D-3D, Cropping1D-3D."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from ._common import BATCH, any_shape, base_kwargs, bind, mostly, weighted, shape, with_bad_kwarg

LAYERS = (
    "Flatten", "Reshape", "Permute", "RepeatVector", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
)
DATA_FORMATS = st.sampled_from([None, "channels_last", "channels_first"])


def _with_format(kwargs, data_format):
    if data_format is not None:
        kwargs["data_format"] = data_format
    return kwargs


@st.composite
def flatten(draw, valid: bool = True):
    kwargs = _with_format({}, draw(DATA_FORMATS) if valid else "NCHW")
    args = [kwargs.pop("data_format")] if "data_format" in kwargs and draw(st.booleans()) else []
    kwargs.update(draw(base_kwargs()))
    return "Flatten", args, kwargs, draw(any_shape(1, 5, hi=6))


def _factorizations(n, parts):
    """Some ways to write ``n`` as a product of ``parts`` positive ints."""
    if parts == 1:
        return [(n,)]
    out = []
    for d in range(1, n + 1):
        if n % d == 0:
            out += [(d, *rest) for rest in _factorizations(n // d, parts - 1)]
    return out


@st.composite
def reshape(draw, valid: bool = True):
    input_shape = draw(shape(draw(st.integers(2, 4)), hi=6, unknown=draw(st.integers(0, 3)) == 0))
    inner = input_shape[1:]
    size = math.prod(d for d in inner if d is not None)
    target = list(draw(st.sampled_from(_factorizations(size, draw(st.integers(1, 3))))))
    if draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    if not valid:
        fault = draw(st.sampled_from(["size", "two_unknown", "negative", "not_divisible", "int", "none_dim"]))
        if fault == "size":
            target = [d + 1 if d != -1 else d for d in target]
        elif fault == "two_unknown":
            target = [-1, -1] + target
        elif fault == "negative":
            target[0] = -2
        elif fault == "not_divisible":
            target = [-1, size + 1]
        elif fault == "int":
            target = size  # not iterable
        else:
            target = [None, *target]
    target_arg = target if isinstance(target, int) or draw(st.booleans()) else tuple(target)
    args, kwargs = draw(bind([("target_shape", target_arg)]))
    kwargs.update(draw(base_kwargs()))
    return "Reshape", args, kwargs, input_shape


@st.composite
def permute(draw, valid: bool = True):
    rank = draw(st.integers(1, 4))
    dims = draw(st.permutations(list(range(1, rank + 1))))
    input_shape = draw(shape(rank + 1))
    if not valid:
        fault = draw(st.sampled_from(["zero_based", "repeat", "rank"]))
        if fault == "zero_based":
            dims = [d - 1 for d in dims]
        elif fault == "repeat":
            dims = dims + [dims[0]]
        else:
            input_shape = draw(shape(draw(st.sampled_from([r for r in range(2, 6) if r != rank + 1]))))
    dims_arg = tuple(dims) if draw(st.booleans()) else list(dims)
    args, kwargs = draw(bind([("dims", dims_arg)]))
    kwargs.update(draw(base_kwargs()))
    return "Permute", args, kwargs, input_shape


@st.composite
def repeat_vector(draw, valid: bool = True):
    n = draw(st.integers(1, 6) if valid else st.sampled_from([0, -1, 2.0, "3", None]))
    input_shape = draw(shape(2) if valid or draw(st.booleans()) else shape(draw(st.sampled_from([1, 3]))))
    args, kwargs = draw(bind([("n", n)]))
    kwargs.update(draw(base_kwargs()))
    return "RepeatVector", args, kwargs, input_shape


def _spatial_input(draw, rank, data_format, lo=1, hi=8):
    spatial = tuple(draw(st.one_of(st.none(), st.integers(lo, hi))) for _ in range(rank))
    batch, channels = draw(BATCH), draw(st.integers(1, 4))
    return (batch, channels, *spatial) if data_format == "channels_first" else (batch, *spatial, channels)


@st.composite
def upsampling(draw, valid: bool = True):
    rank = draw(st.integers(1, 3))
    name = f"UpSampling{rank}D"
    data_format = None if rank == 1 else draw(DATA_FORMATS)
    if draw(st.booleans()):
        size = draw(st.integers(1, 3))
    else:
        size = tuple(draw(st.integers(1, 3)) for _ in range(rank))
        size = size[0] if rank == 1 and draw(st.booleans()) else size
    kwargs = _with_format({}, data_format)
    if rank == 2 and draw(st.booleans()):
        kwargs["interpolation"] = draw(st.sampled_from(["nearest", "bilinear", "bicubic", "lanczos3"]))
    input_shape = _spatial_input(draw, rank, data_format, hi=6)
    if not valid:
        fault = draw(st.sampled_from(["size", "rank", "interpolation", "data_format"]))
        if fault == "size":
            size = draw(st.sampled_from([0, -1, (2,) * (rank + 1), 1.5]))
        elif fault == "rank":
            input_shape = input_shape + (2,)
        elif fault == "interpolation" and rank == 2:
            kwargs["interpolation"] = draw(st.sampled_from(["nope", 3]))
        elif rank > 1:
            kwargs["data_format"] = "NHWC"
    args, more = draw(bind([("size", size)]))
    kwargs.update(more)
    kwargs.update(draw(base_kwargs()))
    return name, args, kwargs, input_shape


def _pairs_arg(draw, rank, lo, hi):
    """int, tuple of ``rank`` ints, or tuple of ``rank`` pairs (1D: int or pair)."""
    v = st.integers(lo, hi)
    if rank == 1:
        return draw(st.one_of(v, st.tuples(v, v)))
    return draw(st.one_of(v, st.tuples(*[v] * rank), st.tuples(*[st.tuples(v, v)] * rank)))


@st.composite
def zero_padding(draw, valid: bool = True):
    rank = draw(st.integers(1, 3))
    data_format = draw(DATA_FORMATS)
    padding = _pairs_arg(draw, rank, 0, 3)
    input_shape = _spatial_input(draw, rank, data_format, hi=6)
    kwargs = _with_format({}, data_format)
    if not valid:
        fault = draw(st.sampled_from(["negative", "length", "rank", "type"]))
        if fault == "negative":
            padding = -1 if rank < 3 else ((1, -1),) * rank
        elif fault == "length":
            padding = (1,) * (rank + 1)
        elif fault == "rank":
            input_shape = input_shape[:-1]
        else:
            padding = draw(st.sampled_from(["1", 1.5]))
    args, more = draw(bind([("padding", padding)]))
    kwargs.update(more)
    kwargs.update(draw(base_kwargs()))
    return f"ZeroPadding{rank}D", args, kwargs, input_shape


@st.composite
def cropping(draw, valid: bool = True):
    rank = draw(st.integers(1, 3))
    data_format = None if rank == 1 else draw(DATA_FORMATS)
    crop = _pairs_arg(draw, rank, 0, 2)
    input_shape = _spatial_input(draw, rank, data_format, lo=5, hi=8)
    kwargs = _with_format({}, data_format)
    if not valid:
        fault = draw(st.sampled_from(["negative", "length", "rank", "too_big"]))
        if fault == "negative":
            crop = -1
        elif fault == "length":
            crop = (1,) * (rank + 1)
        elif fault == "rank":
            input_shape = input_shape + (1,)
        else:
            crop = 3
            input_shape = _spatial_input(draw, rank, data_format, lo=1, hi=6)
    args, more = draw(bind([("cropping", crop)]))
    kwargs.update(more)
    kwargs.update(draw(base_kwargs()))
    return f"Cropping{rank}D", args, kwargs, input_shape


VALID = st.one_of(flatten(), reshape(), permute(), repeat_vector(), upsampling(), zero_padding(), cropping())
INVALID = weighted(
    (3, flatten(valid=False)),
    (3, reshape(valid=False)),
    (3, permute(valid=False)),
    (3, repeat_vector(valid=False)),
    (3, upsampling(valid=False)),
    (3, zero_padding(valid=False)),
    (3, cropping(valid=False)),
    (1, with_bad_kwarg(VALID)),
)
cases = mostly(VALID, INVALID)
