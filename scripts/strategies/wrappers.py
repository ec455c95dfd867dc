"""Wrappers family: Bidirectional (over SimpleRNN / LSTM / GRU) and TimeDistributed.

The wrapped layer is written ``L("LSTM", 8, ...)`` (see ``_common.L``): Keras builds it before
the wrapper, so it takes its own automatic name first.
"""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import BATCH, L, base_kwargs, mostly, weighted, shape, with_bad_kwarg
from .rnn import rnn

LAYERS = ("Bidirectional", "TimeDistributed")
MERGE_MODES = st.sampled_from(["concat", "sum", "mul", "ave", None])
RNN_ATTRS = ("return_sequences", "return_state", "stateful")


@st.composite
def bidirectional(draw, valid: bool = True):
    class_name, args, kwargs, input_shape = draw(rnn())
    kwargs = {k: v for k, v in kwargs.items() if k not in ("name", "trainable", "dtype")}
    inner = L(class_name, *args, **kwargs)
    outer = {}
    if draw(st.booleans()):
        outer["merge_mode"] = draw(MERGE_MODES)
    if draw(st.integers(0, 3)) == 0:  # an explicit backward layer agreeing with the forward one
        same = {k: kwargs[k] for k in RNN_ATTRS if k in kwargs}
        back_cls = draw(st.sampled_from(["SimpleRNN", "LSTM", "GRU"]))
        outer["backward_layer"] = L(back_cls, draw(st.integers(1, 6)), go_backwards=not kwargs.get("go_backwards", False), **same)
    fault = None if valid else draw(st.sampled_from(["merge_mode", "literal", "go_backwards", "attr", "rank", "not_rnn", "backward_literal"]))
    if fault == "merge_mode":
        outer["merge_mode"] = draw(st.sampled_from(["max", "CONCAT", 1]))
    elif fault == "literal":
        inner = draw(st.sampled_from([5, "lstm", None]))
    elif fault == "go_backwards":
        outer["backward_layer"] = L(class_name, 4, go_backwards=kwargs.get("go_backwards", False))
    elif fault == "attr":
        attr = draw(st.sampled_from(RNN_ATTRS))
        outer["backward_layer"] = L(class_name, 4, go_backwards=not kwargs.get("go_backwards", False),
                                    **{attr: not kwargs.get(attr, False)})
    elif fault == "rank":
        input_shape = draw(st.sampled_from([input_shape[:2], input_shape + (2,)]))
    elif fault == "not_rnn":  # Keras's message embeds the layer's config (printed by the engine for Dense)
        inner = draw(st.one_of(
            st.builds(lambda u, a, b, kw: L("Dense", u, activation=a, use_bias=b, **kw), st.integers(1, 6),
                      st.sampled_from([None, "relu", "swish", "tanh"]), st.booleans(), base_kwargs()),
            st.builds(lambda u: L("Dense", u, kernel_initializer="ones"), st.integers(1, 6)),
            st.builds(lambda f, k: L("Conv1D", f, k), st.integers(1, 4), st.integers(1, 3)),
        ))
    elif fault == "backward_literal":
        outer["backward_layer"] = 3
    positional = [inner]
    if "merge_mode" in outer and draw(st.booleans()):
        positional.append(outer.pop("merge_mode"))
    outer.update(draw(base_kwargs()))
    return "Bidirectional", positional, outer, input_shape


def _inner_layers():
    """Layers TimeDistributed applies to each time step, with an input shape for one step."""
    dense = st.builds(lambda u, b: (L("Dense", u, use_bias=b), None), st.integers(1, 8), st.booleans())
    conv = st.builds(lambda f, k: (L("Conv2D", f, k), "image"), st.integers(1, 4), st.integers(1, 3))
    return st.one_of(
        dense, dense, conv,
        st.just((L("Dropout", 0.5), None)),
        st.just((L("Activation", "relu"), None)),
        st.just((L("Flatten"), None)),
        st.builds(lambda u: (L("LSTM", u), "sequence"), st.integers(1, 4)),
        st.builds(lambda u: (L("Embedding", 10, u), None), st.integers(1, 4)),
        st.just((L("MaxPooling2D"), "image")),
        st.just((L("BatchNormalization"), None)),
    )


@st.composite
def time_distributed(draw, valid: bool = True):
    inner, needs = draw(_inner_layers())
    batch, steps = draw(BATCH), draw(st.one_of(st.none(), st.integers(1, 5)))
    if needs == "image":
        step = (draw(st.integers(3, 8)), draw(st.integers(3, 8)), draw(st.integers(1, 3)))
    elif needs == "sequence":
        step = (draw(st.one_of(st.none(), st.integers(1, 5))), draw(st.integers(1, 4)))
    else:
        step = tuple(draw(st.integers(1, 6)) for _ in range(draw(st.integers(1, 2))))
    input_shape = (batch, steps, *step)
    if not valid:
        fault = draw(st.sampled_from(["rank", "literal", "inner_rank", "inner_args"]))
        if fault == "rank":
            input_shape = draw(shape(2))
        elif fault == "literal":
            inner = draw(st.sampled_from([5, "dense", None]))
        elif fault == "inner_rank":
            input_shape = (batch, steps, 4) if needs else (batch, steps)
        else:
            inner = L("Dense", 0)
    kwargs = draw(base_kwargs())
    if draw(st.integers(0, 3)):
        return "TimeDistributed", [inner], kwargs, input_shape
    return "TimeDistributed", [], {"layer": inner, **kwargs}, input_shape


VALID = st.one_of(bidirectional(), time_distributed())
INVALID = weighted(
    (3, bidirectional(valid=False)),
    (3, time_distributed(valid=False)),
    (1, with_bad_kwarg(VALID)),
)
cases = mostly(VALID, INVALID)

# Reported to the owner of kerascheck/shapes/wrappers.py; delete an entry once fixed.
