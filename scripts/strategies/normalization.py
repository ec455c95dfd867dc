"""Normalization family: BatchNormalization, LayerNormalization."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import any_shape, base_kwargs, bind, mostly, weighted, with_bad_kwarg

LAYERS = ("BatchNormalization", "LayerNormalization")


def _axis(draw, rank):
    return draw(st.integers(-rank + 1, rank - 1).filter(lambda a: a not in (0, -rank)))


@st.composite
def batch_norm(draw, valid: bool = True):
    input_shape = draw(any_shape(2, 4, hi=8))
    rank = len(input_shape)
    axis = _axis(draw, rank)
    optional = {
        "momentum": st.sampled_from([0.9, 0.99]),
        "epsilon": st.sampled_from([1e-3, 1e-5]),
        "center": st.booleans(),
        "scale": st.booleans(),
        "renorm": st.booleans(),
        "synchronized": st.booleans(),
    }
    if not valid:
        fault = draw(st.sampled_from(["axis_range", "axis_type", "axis_list", "renorm_clipping", "unknown_dim", "fused"]))
        if fault == "axis_range":
            axis = draw(st.sampled_from([rank, rank + 1, -rank - 1]))
        elif fault == "axis_type":
            axis = draw(st.sampled_from(["a", "1", 1.5, None]))
        elif fault == "axis_list":
            axis = [1, 2]
        elif fault == "renorm_clipping":
            optional["renorm"] = st.just(True)
            optional["renorm_clipping"] = st.sampled_from([{"rmaxx": 3.0}, {"rmax": 0.5, "rmin": 3.0}, {"dmax": -1.0}])
        elif fault == "unknown_dim":
            s = list(input_shape)
            s[axis] = None
            input_shape = tuple(s)
        else:
            optional["fused"] = st.just(True)
    elif draw(st.booleans()):
        optional["renorm_clipping"] = st.sampled_from([{"rmax": 3.0, "rmin": 0.5, "dmax": 2.0}, {}])
    if valid:  # a known size on the normalized axis
        s = list(input_shape)
        s[axis] = s[axis] or 4
        input_shape = tuple(s)
    args, kwargs = draw(bind([("axis", axis)], optional)) if axis != -1 or draw(st.booleans()) else draw(bind([], optional))
    kwargs.update(draw(base_kwargs()))
    return "BatchNormalization", args, kwargs, input_shape


@st.composite
def layer_norm(draw, valid: bool = True):
    input_shape = draw(any_shape(2, 4, hi=8))
    rank = len(input_shape)
    if draw(st.booleans()):
        axis = _axis(draw, rank)
        axes = [axis]
    else:
        axes = draw(st.lists(st.integers(1, rank - 1), min_size=1, max_size=rank - 1, unique=True))
        axes = [a - rank if draw(st.booleans()) else a for a in axes]
        axis = tuple(axes) if draw(st.booleans()) else list(axes)
    optional = {
        "epsilon": st.sampled_from([1e-3, 1e-6]),
        "center": st.booleans(),
        "scale": st.booleans(),
        "rms_scaling": st.booleans(),
    }
    if valid:
        s = list(input_shape)
        for a in axes:
            s[a] = s[a] or 3
        input_shape = tuple(s)
    else:
        fault = draw(st.sampled_from(["axis_range", "axis_type", "unknown_dim", "momentum"]))
        if fault == "axis_range":
            axis = draw(st.sampled_from([rank, -rank - 1, [1, rank]]))
        elif fault == "axis_type":
            axis = draw(st.sampled_from(["a", 1.0, None]))
        elif fault == "unknown_dim":
            s = list(input_shape)
            s[axes[0]] = None
            input_shape = tuple(s)
        else:
            optional["momentum"] = st.just(0.9)
    args, kwargs = draw(bind([("axis", axis)], optional))
    kwargs.update(draw(base_kwargs()))
    return "LayerNormalization", args, kwargs, input_shape


VALID = st.one_of(batch_norm(), layer_norm())
INVALID = weighted(
    (3, batch_norm(valid=False)),
    (3, layer_norm(valid=False)),
    (1, with_bad_kwarg(VALID)),
)
cases = mostly(VALID, INVALID)
