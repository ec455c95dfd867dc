"""Core family: Dense, Activation, Dropout."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import ACTIVATIONS, SIZES, any_shape, base_kwargs, bind, mostly, shape, weighted, with_bad_kwarg, with_missing_required

LAYERS = ("Dense", "Activation", "Dropout")


@st.composite
def dense(draw, valid: bool = True):
    units = draw(st.integers(1, 16) if valid else st.sampled_from([0, -1, -8, 2.5]))
    args, kwargs = draw(bind([("units", units)], {
        "activation": ACTIVATIONS,
        "use_bias": st.booleans(),
        "kernel_initializer": st.sampled_from(["glorot_uniform", "zeros", "he_normal"]),
        "lora_rank": st.sampled_from([None, 1, 2]),
    }))
    kwargs.update(draw(base_kwargs()))
    input_shape = draw(any_shape(1, 3)) + (draw(SIZES),) if valid else draw(any_shape(1, 4))
    return "Dense", args, kwargs, input_shape


@st.composite
def dense_bad_input(draw):
    """Rank 1 (Dense needs min_ndim=2) or an unknown last dim."""
    units = draw(st.integers(1, 8))
    input_shape = draw(st.one_of(shape(1), any_shape(2, 4).map(lambda s: s[:-1] + (None,))))
    return "Dense", [units], {}, input_shape


@st.composite
def activation(draw, valid: bool = True):
    act = draw(st.sampled_from(["relu", "tanh", "sigmoid", "softmax", "linear", "elu", "selu", "swish", None])
               if valid else st.sampled_from(["nope", "Relu", 3]))
    args, kwargs = draw(bind([("activation", act)]))
    kwargs.update(draw(base_kwargs()))
    return "Activation", args, kwargs, draw(any_shape(1, 4))


@st.composite
def dropout(draw, valid: bool = True):
    rate = draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) if valid else st.sampled_from([-0.1, 1.5, 2]))
    input_shape = draw(any_shape(1, 4))
    optional = {"seed": st.integers(0, 3)}
    if valid and draw(st.booleans()):
        optional["noise_shape"] = st.just(tuple(1 if d is None else d for d in input_shape))
    args, kwargs = draw(bind([("rate", rate)], optional))
    kwargs.update(draw(base_kwargs()))
    return "Dropout", args, kwargs, input_shape


VALID = st.one_of(dense(), activation(), dropout())
INVALID = weighted(
    (2, dense(valid=False)), (2, dense_bad_input()), (1, activation(valid=False)), (2, dropout(valid=False)),
    (1, with_bad_kwarg(VALID)),
    (1, st.one_of(with_missing_required("Dense", any_shape(2, 3), 1), with_missing_required("Dropout", any_shape(2, 3), 1))),
)
cases = mostly(VALID, INVALID)

# Reported to the core owner (kerascheck/shapes/core.py); delete an entry once fixed.
KNOWN_MISMATCHES: list[tuple[str, str]] = []
