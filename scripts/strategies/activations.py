"""Activations family: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import any_shape, base_kwargs, bind, mostly, with_bad_kwarg

LAYERS = ("ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax")
NONNEG = st.sampled_from([0, 0.0, 0.1, 0.5, 1, 6.0])
BAD = st.sampled_from([-1, -0.5, None, "1"])


@st.composite
def relu(draw, valid: bool = True):
    optional = {"max_value": st.one_of(st.none(), NONNEG), "negative_slope": NONNEG, "threshold": NONNEG}
    if not valid:
        optional[draw(st.sampled_from(sorted(optional)))] = BAD
    args, kwargs = draw(bind([], optional))
    kwargs.update(draw(base_kwargs()))
    return "ReLU", args, kwargs, draw(any_shape(1, 5))


@st.composite
def leaky_relu(draw, valid: bool = True):
    slope = draw(NONNEG if valid else BAD)
    key = draw(st.sampled_from(["negative_slope", "alpha"]))
    args, kwargs = draw(bind([(key, slope)])) if key == "negative_slope" else ([], {"alpha": slope})
    kwargs.update(draw(base_kwargs()))
    return "LeakyReLU", args, kwargs, draw(any_shape(1, 5))


@st.composite
def prelu(draw, valid: bool = True):
    shape = draw(any_shape(2, 5, hi=6, unknown=not valid))
    rank = len(shape)
    kwargs = {}
    if draw(st.booleans()):
        axes = draw(st.lists(st.integers(1, rank - 1), min_size=1, max_size=rank - 1, unique=True))
        kwargs["shared_axes"] = draw(st.sampled_from([axes, tuple(axes), axes[0]]))
    if not valid:
        fault = draw(st.sampled_from(["axis", "unknown"]))
        if fault == "axis":
            kwargs["shared_axes"] = [rank + draw(st.integers(0, 2))]
        else:
            shape = shape[:1] + (None,) + shape[2:]
    if draw(st.booleans()):
        kwargs["alpha_initializer"] = draw(st.sampled_from(["zeros", "ones"]))
    kwargs.update(draw(base_kwargs()))
    return "PReLU", [], kwargs, shape


@st.composite
def elu(draw, valid: bool = True):
    args, kwargs = draw(bind([("alpha", draw(st.sampled_from([1.0, 0.5, -1.0, 2])))]))
    if not valid:
        kwargs["beta"] = 1.0
    return "ELU", args, kwargs, draw(any_shape(1, 4))


@st.composite
def softmax(draw, valid: bool = True):
    shape = draw(any_shape(2, 5))
    rank = len(shape)
    axis = draw(st.one_of(st.integers(-rank, rank - 1), st.lists(st.integers(1, rank - 1), min_size=1, max_size=2, unique=True)))
    args, kwargs = draw(bind([("axis", axis)]))
    if not valid:
        kwargs["dim"] = 1
    kwargs.update(draw(base_kwargs()))
    return "Softmax", args, kwargs, shape


VALID = st.one_of(relu(), leaky_relu(), prelu(), elu(), softmax())
INVALID = st.one_of(relu(valid=False), leaky_relu(valid=False), prelu(valid=False), elu(valid=False),
                    softmax(valid=False), with_bad_kwarg(VALID))
cases = mostly(VALID, INVALID)
