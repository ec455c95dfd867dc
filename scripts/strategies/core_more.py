"""Core additions: EinsumDense, Identity, Masking, ReversibleEmbedding (Lambda takes a Python
function, which this case format cannot carry: see fixtures/layers/core_more_cases.py)."""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import any_shape, base_kwargs, bind, mostly, shape, with_bad_kwarg

LAYERS = ("EinsumDense", "Identity", "Masking", "ReversibleEmbedding")
UNITS = st.integers(1, 8)


@st.composite
def einsum_dense(draw, valid: bool = True):
    template = draw(st.sampled_from(["dense", "seq", "heads", "left", "right", "reduce"]))
    u, h = draw(UNITS), draw(st.integers(1, 4))
    if template == "dense":
        eq, out, bias, input_shape = "ab,bc->ac", draw(st.sampled_from([u, (u,), [u]])), ["c"], draw(shape(2, unknown=False))
    elif template == "seq":
        input_shape = draw(shape(3, unknown=False))
        eq, out, bias = "abc,cd->abd", (draw(st.sampled_from([None, input_shape[1]])), u), ["d", "bd"]
    elif template == "heads":
        eq, out, bias, input_shape = "abc,cde->abde", (None, h, u), ["de", "e"], draw(shape(3, unknown=False))
    elif template == "left":
        eq, out, bias, input_shape = "...b,bc->...c", u, ["c"], draw(any_shape(2, 4, unknown=False))
    elif template == "right":
        eq, out, bias, input_shape = "ab...,bc->ac...", u, ["c"], draw(any_shape(2, 4, unknown=False))
    else:
        input_shape = draw(shape(3, unknown=False))
        eq, out, bias = "abc,bcd->ad", u, ["d"]
    bias_axes = draw(st.sampled_from([None] + bias))
    optional = {"activation": st.sampled_from([None, "relu"]), "lora_rank": st.sampled_from([None, 1, 2])}
    if not valid:
        fault = draw(st.sampled_from(["bias", "equation", "unknown_dim", "rank", "shared", "no_output"]))
        if fault == "bias":
            bias_axes = draw(st.sampled_from(["z", "", "cz"]))
        elif fault == "equation":
            eq = draw(st.sampled_from(["ab->ac", "ab,bc", "a...,ab->b...", "ab,bc->acd", "ab,bx->ac"]))
        elif fault == "unknown_dim":
            input_shape = input_shape[:-1] + (None,)
        elif fault == "rank":
            input_shape = input_shape[:1]
        elif fault == "shared" and template == "seq":
            out = ((input_shape[1] or 1) + 1, u)
        else:
            out = None
    args, kwargs = draw(bind([("equation", eq), ("output_shape", out)], optional))
    if bias_axes is not None:
        kwargs["bias_axes"] = bias_axes
    kwargs.update(draw(base_kwargs()))
    return "EinsumDense", args, kwargs, input_shape


@st.composite
def identity_masking(draw, valid: bool = True):
    class_name = draw(st.sampled_from(["Identity", "Masking"]))
    args, kwargs = ([], {})
    if class_name == "Masking":
        args, kwargs = draw(bind([("mask_value", draw(st.sampled_from([0.0, -1.0, 0])))]))
    if not valid:
        kwargs["value"] = 0
    kwargs.update(draw(base_kwargs()))
    return class_name, args, kwargs, draw(any_shape(1, 4))


@st.composite
def reversible_embedding(draw, valid: bool = True):
    vocab, dim = draw(st.integers(1, 50)), draw(st.integers(1, 8))
    optional = {"tie_weights": st.booleans(), "mask_zero": st.booleans(), "logit_soft_cap": st.sampled_from([None, 30.0])}
    if not valid:
        fault = draw(st.sampled_from(["vocab", "dim", "lora"]))
        if fault == "vocab":
            vocab = draw(st.sampled_from([0, -1, 2.0]))
        elif fault == "dim":
            dim = draw(st.sampled_from([0, "8"]))
        else:
            optional = {"tie_weights": st.just(False), "lora_rank": st.just(2)}
    elif draw(st.booleans()):
        optional["lora_rank"] = st.sampled_from([1, 2])
        optional["tie_weights"] = st.just(True)
    args, kwargs = draw(bind([("input_dim", vocab), ("output_dim", dim)], optional))
    kwargs.update(draw(base_kwargs()))
    return "ReversibleEmbedding", args, kwargs, draw(any_shape(1, 3))


VALID = st.one_of(einsum_dense(), einsum_dense(), identity_masking(), reversible_embedding())
INVALID = st.one_of(einsum_dense(valid=False), identity_masking(valid=False), reversible_embedding(valid=False),
                    with_bad_kwarg(einsum_dense()))
cases = mostly(VALID, INVALID)
