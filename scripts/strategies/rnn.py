"""Recurrent family: SimpleRNN, LSTM, GRU."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import ACTIVATIONS, BATCH, base_kwargs, bind, mostly, shape, weighted, with_bad_kwarg, with_missing_required

LAYERS = ("SimpleRNN", "LSTM", "GRU")

# Constructor arguments that do not change shapes or weights, plus those that do.
COMMON = {
    "return_sequences": st.booleans(),
    "return_state": st.booleans(),
    "go_backwards": st.booleans(),
    "unroll": st.booleans(),
    "use_bias": st.booleans(),
    "activation": ACTIVATIONS,
    "dropout": st.sampled_from([0.0, 0.2]),
    "recurrent_dropout": st.sampled_from([0.0, 0.1]),
    "stateful": st.booleans(),
    "seed": st.integers(0, 3),
}
SPECIFIC = {
    "SimpleRNN": {},
    "LSTM": {"unit_forget_bias": st.booleans(), "recurrent_activation": st.sampled_from(["sigmoid", "hard_sigmoid"]),
             "use_cudnn": st.sampled_from(["auto", False])},
    "GRU": {"reset_after": st.booleans(), "recurrent_activation": st.sampled_from(["sigmoid", "hard_sigmoid"]),
            "use_cudnn": st.sampled_from(["auto", False])},
}
FAULTS = ["units", "rank", "time_major", "implementation", "use_cudnn", "features_none", "stateful_batch", "units_type"]


@st.composite
def rnn(draw, valid: bool = True, class_name: str | None = None):
    class_name = class_name or draw(st.sampled_from(LAYERS))
    units = draw(st.integers(1, 8))
    optional = {**COMMON, **SPECIFIC[class_name]}
    fault = None if valid else draw(st.sampled_from(FAULTS))
    time_dim = draw(st.one_of(st.none(), st.integers(1, 6)))
    input_shape = (draw(BATCH), time_dim, draw(st.integers(1, 6)))
    extra = {}
    if fault == "units":
        units = draw(st.sampled_from([0, -2]))
    elif fault == "units_type":
        units = draw(st.sampled_from([2.5, "4", None]))
    elif fault == "rank":
        input_shape = draw(st.sampled_from([input_shape[:2], input_shape + (2,)]))
    elif fault == "time_major":
        extra["time_major"] = True
    elif fault == "implementation":
        extra["implementation"] = draw(st.sampled_from([1, 2]))
    elif fault == "use_cudnn" and class_name != "SimpleRNN":
        extra["use_cudnn"] = draw(st.sampled_from(["yes", None, 1]))
    elif fault == "features_none":
        input_shape = input_shape[:2] + (None,)
    elif fault == "stateful_batch":
        extra["stateful"] = True
        input_shape = (None, *input_shape[1:])
    args, kwargs = draw(bind([("units", units)], optional))
    kwargs.update(extra)
    if kwargs.get("stateful") and fault != "stateful_batch" and draw(st.booleans()):
        input_shape = (draw(st.integers(1, 4)), *input_shape[1:])
    kwargs.update(draw(base_kwargs()))
    return class_name, args, kwargs, input_shape


VALID = rnn()
INVALID = weighted(
    (6, rnn(valid=False)),
    (1, with_bad_kwarg(VALID)),
    (1, st.sampled_from(LAYERS).flatmap(lambda c: with_missing_required(c, shape(3), 1))),
)
cases = mostly(VALID, INVALID)

# Reported to the owner of kerascheck/shapes/rnn.py; delete an entry once fixed.
KNOWN_MISMATCHES: list[tuple[str, str]] = []
