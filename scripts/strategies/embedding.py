"""Embedding family: Embedding."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import any_shape, base_kwargs, bind, mostly, weighted, with_bad_kwarg, with_missing_required

LAYERS = ("Embedding",)


@st.composite
def embedding(draw, valid: bool = True):
    input_dim, output_dim = draw(st.integers(1, 50)), draw(st.integers(1, 16))
    optional = {
        "mask_zero": st.booleans(),
        "embeddings_initializer": st.sampled_from(["uniform", "normal", "zeros"]),
        "input_length": st.one_of(st.none(), st.integers(1, 10)),
        "lora_rank": st.sampled_from([None, 1, 2]),
    }
    if not valid:
        fault = draw(st.sampled_from(["input_dim", "output_dim", "lora_constraint", "sparse"]))
        if fault == "input_dim":
            input_dim = draw(st.sampled_from([0, -1, 10.0, True, "10", None]))
        elif fault == "output_dim":
            output_dim = draw(st.sampled_from([0, -3, 4.0, "4"]))
        elif fault == "lora_constraint":
            optional = {"lora_rank": st.just(2), "embeddings_constraint": st.just("non_neg")}
        else:
            optional["sparse"] = st.booleans()
    args, kwargs = draw(bind([("input_dim", input_dim), ("output_dim", output_dim)], optional))
    kwargs.update(draw(base_kwargs()))
    return "Embedding", args, kwargs, draw(any_shape(1, 4, hi=10))


VALID = embedding()
INVALID = weighted((6, embedding(valid=False)), (1, with_bad_kwarg(VALID)), (1, with_missing_required("Embedding", any_shape(1, 3), 2)))
cases = mostly(VALID, INVALID)
