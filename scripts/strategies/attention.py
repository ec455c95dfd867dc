"""Attention family: Attention and AdditiveAttention, called on a list [query, value(, key)].

MultiHeadAttention and GroupQueryAttention are called with several tensors (``mha(query, value)``),
which this harness's call (``layer(inputs)``) cannot express: their cases are in
fixtures/layers/attention_cases.py (keyword-tensor format of scripts/record_layers.py).
"""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import BATCH, base_kwargs, bind, mostly, with_bad_kwarg

LAYERS = ("Attention", "AdditiveAttention")


@st.composite
def attention(draw, valid: bool = True):
    class_name = draw(st.sampled_from(LAYERS))
    batch, tq, tv = draw(BATCH), draw(st.one_of(st.none(), st.integers(1, 8))), draw(st.one_of(st.none(), st.integers(1, 8)))
    dim = draw(st.integers(1, 8))
    extra = draw(st.sampled_from([(), (), (3,)]))  # extra batch-like dims
    query = (batch, *extra, tq, dim)
    value = (batch, *extra, tv, draw(st.sampled_from([dim, dim, 5])))
    inputs = [query, value] + ([(batch, *extra, tv, dim)] if draw(st.booleans()) else [])
    optional = {"dropout": st.sampled_from([0.0, 0.1]), "seed": st.sampled_from([None, 1])}
    if class_name == "Attention":
        optional["score_mode"] = st.sampled_from(["dot", "concat"])
        required = [("use_scale", draw(st.booleans()))]
    else:
        required = [("use_scale", draw(st.booleans()))]
    if not valid:
        fault = draw(st.sampled_from(["single", "count", "score_mode", "unknown_dim"]))
        if fault == "single":
            inputs = query
        elif fault == "count":
            inputs = draw(st.sampled_from([[query], [query] * 4]))
        elif fault == "score_mode":
            optional["score_mode"] = st.just("add")
        else:
            inputs = [query[:-1] + (None,), value]
            required = [("use_scale", True)]
    args, kwargs = draw(bind(required, optional))
    kwargs.update(draw(base_kwargs()))
    return class_name, args, kwargs, inputs


VALID = attention()
INVALID = st.one_of(attention(valid=False), with_bad_kwarg(VALID))
cases = mostly(VALID, INVALID)
