"""Normalization additions: GroupNormalization, UnitNormalization, RMSNormalization and the
SpectralNormalization wrapper."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import L, any_shape, base_kwargs, bind, mostly, shape, with_bad_kwarg

LAYERS = ("GroupNormalization", "UnitNormalization", "RMSNormalization", "SpectralNormalization")


@st.composite
def group_norm(draw, valid: bool = True):
    input_shape = draw(any_shape(2, 4, hi=8))
    rank = len(input_shape)
    axis = draw(st.sampled_from([-1, -1, rank - 1] + list(range(1, rank))))
    groups = draw(st.sampled_from([1, 2, 4, -1]))
    s = list(input_shape)
    s[axis] = (s[axis] or 2) * (abs(groups) if groups > 0 else 1)
    input_shape = tuple(s)
    optional = {"center": st.booleans(), "scale": st.booleans(), "epsilon": st.sampled_from([1e-3, 1e-5])}
    if not valid:
        fault = draw(st.sampled_from(["groups", "too_many", "not_multiple", "axis", "unknown"]))
        if fault == "groups":
            groups = draw(st.sampled_from([0, -2, 2.0, "4"]))
        elif fault == "too_many":
            groups = input_shape[axis] + 1
        elif fault == "not_multiple" and input_shape[axis] > 2:
            groups = input_shape[axis] - 1
        elif fault == "axis":
            axis = draw(st.sampled_from([rank, -rank - 1]))
        else:
            s[axis] = None
            input_shape = tuple(s)
    args, kwargs = draw(bind([("groups", groups), ("axis", axis)], optional))
    kwargs.update(draw(base_kwargs()))
    return "GroupNormalization", args, kwargs, input_shape


@st.composite
def unit_rms(draw, valid: bool = True):
    class_name = draw(st.sampled_from(["UnitNormalization", "RMSNormalization"]))
    input_shape = draw(any_shape(2, 4, hi=8, unknown=False))
    rank = len(input_shape)
    axis = draw(st.one_of(st.integers(-rank + 1, rank - 1),
                          st.lists(st.integers(1, rank - 1), min_size=1, max_size=rank - 1, unique=True)))
    if not valid:
        fault = draw(st.sampled_from(["range", "type", "unknown"]))
        if fault == "range":
            axis = draw(st.sampled_from([rank, -rank - 1, [1, rank]]))
        elif fault == "type":
            axis = draw(st.sampled_from(["x", None, 1.0]))
        else:
            input_shape = input_shape[:-1] + (None,)
            axis = -1
    optional = {"epsilon": st.sampled_from([1e-6, 1e-3])} if class_name == "RMSNormalization" else {}
    args, kwargs = draw(bind([("axis", axis)], optional))
    kwargs.update(draw(base_kwargs()))
    return class_name, args, kwargs, input_shape


@st.composite
def spectral(draw, valid: bool = True):
    inner_kind = draw(st.sampled_from(["Dense", "Conv2D", "Embedding", "DepthwiseConv2D", "Conv1D"]))
    if inner_kind == "Dense":
        inner, input_shape = L("Dense", draw(st.integers(1, 8)), use_bias=draw(st.booleans())), draw(shape(draw(st.integers(2, 3)), unknown=False))
    elif inner_kind == "Conv2D":
        inner, input_shape = L("Conv2D", draw(st.integers(1, 4)), draw(st.integers(1, 3)), padding="same"), draw(shape(4, hi=8, unknown=False))
    elif inner_kind == "Conv1D":
        inner, input_shape = L("Conv1D", draw(st.integers(1, 4)), 1), draw(shape(3, hi=8, unknown=False))
    elif inner_kind == "DepthwiseConv2D":
        inner, input_shape = L("DepthwiseConv2D", 1, depth_multiplier=draw(st.integers(1, 3))), draw(shape(4, hi=6, unknown=False))
    else:
        inner, input_shape = L("Embedding", draw(st.integers(2, 30)), draw(st.integers(1, 8))), draw(shape(2))
    optional = {"power_iterations": st.sampled_from([1, 2, 5])}
    if not valid:
        fault = draw(st.sampled_from(["iterations", "literal", "no_kernel", "unknown"]))
        if fault == "iterations":
            optional = {"power_iterations": st.sampled_from([0, -1])}
        elif fault == "literal":
            inner = draw(st.sampled_from([5, "dense"]))
        elif fault == "no_kernel":
            inner, input_shape = draw(st.sampled_from([(L("BatchNormalization"), (None, 4)),
                                                       (L("SeparableConv2D", 2, 1), (None, 4, 4, 2)),
                                                       (L("LSTM", 3), (None, 5, 2))]))
        elif inner_kind != "Embedding":
            input_shape = input_shape[:-1] + (None,)
    args, kwargs = draw(bind([("layer", inner)], optional))
    if draw(st.integers(0, 3)) == 0:
        kwargs["trainable"] = False
    return "SpectralNormalization", args, kwargs, input_shape


VALID = st.one_of(group_norm(), unit_rms(), spectral())
INVALID = st.one_of(group_norm(valid=False), unit_rms(valid=False), spectral(valid=False), with_bad_kwarg(unit_rms()))
cases = mostly(VALID, INVALID)
