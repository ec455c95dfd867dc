"""Building blocks shared by the family modules: shapes, argument binding, valid/invalid mixing.

Everything here returns plain Python values (ints, floats, strings, ``None``, tuples, lists, dicts)
so a case survives ``repr`` -> ``ast.literal_eval`` (the recorded JSON format). Keep sizes small:
every example really builds the layer in Keras, weights included.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# A dimension as Keras sees it: a small positive int, sometimes unknown (None).
SIZES = st.integers(1, 12)
BATCH = st.one_of(st.none(), st.integers(1, 4))

ACTIVATIONS = st.sampled_from([None, "relu", "tanh", "sigmoid", "linear", "softmax", "gelu"])
BOOLS = st.booleans()


def L(layer: str, /, *args: Any, **kwargs: Any) -> dict:
    """A layer passed to a wrapper: ``{"layer": "LSTM", "args": [8], "kwargs": {...}}`` (nestable)."""
    return {"layer": layer, "args": list(args), "kwargs": kwargs}


@st.composite
def dims(draw, n: int, lo: int = 1, hi: int = 12, unknown: bool = True) -> tuple:
    """``n`` dims in ``lo..hi``; with ``unknown`` some may be ``None``."""
    size = st.integers(lo, hi)
    one = st.one_of(st.none(), size, size, size) if unknown else size
    return tuple(draw(one) for _ in range(n))


@st.composite
def shape(draw, rank: int, lo: int = 1, hi: int = 12, unknown: bool = True) -> tuple:
    """An input shape of ``rank`` dims, the batch dim first (``None`` or a small int)."""
    if rank == 0:
        return ()
    return (draw(BATCH),) + draw(dims(rank - 1, lo, hi, unknown))


def any_shape(min_rank: int = 1, max_rank: int = 5, **kw) -> st.SearchStrategy:
    return st.integers(min_rank, max_rank).flatmap(lambda r: shape(r, **kw))


def int_or_tuple(n: int, values: st.SearchStrategy) -> st.SearchStrategy:
    """Keras's ``int or tuple of n ints`` arguments (``kernel_size``, ``strides`` ...)."""
    return st.one_of(values, st.tuples(*[values] * n), st.lists(values, min_size=n, max_size=n))


@st.composite
def bind(draw, required: list[tuple[str, Any]], optional: dict[str, st.SearchStrategy] | None = None):
    """``(args, kwargs)`` for a constructor call.

    ``required`` holds ``(parameter, value)`` in signature order: a random prefix goes positionally,
    the rest by keyword. ``optional`` keyword arguments each appear or not.
    """
    n_positional = draw(st.integers(0, len(required)))
    args = [v for _, v in required[:n_positional]]
    kwargs = {k: v for k, v in required[n_positional:]}
    if optional:
        kwargs.update(draw(st.fixed_dictionaries({}, optional=optional)))
    return args, kwargs


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """``weighted((3, a), (1, b))``: ``a`` about three times as often as ``b``."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    # sampled_from draws uniformly; st.integers(0, n) would favour 0 (about a third of the draws).
    return st.sampled_from(range(len(table))).flatmap(lambda i: table[i])


def mostly(valid: st.SearchStrategy, invalid: st.SearchStrategy, invalid_share: int = 3) -> st.SearchStrategy:
    """``valid`` about ``(invalid_share - 1) / invalid_share`` of the time, else ``invalid``."""
    return weighted((invalid_share - 1, valid), (1, invalid))


# Layer-level keyword arguments any layer accepts (``Layer.__init__``): they must not change shapes.
# ``name`` is rare: a custom name shows up in error messages instead of the automatic one.
BASE_KWARGS = {
    "trainable": st.booleans(),
    "dtype": st.sampled_from(["float32", "float16", "float64"]),
    "name": st.sampled_from(["my_layer", "x1"]),
}


@st.composite
def base_kwargs(draw) -> dict:
    """Usually nothing; sometimes ``trainable`` / ``dtype`` / ``name``."""
    if draw(st.integers(0, 3)):
        return {}
    return draw(st.fixed_dictionaries({}, optional=BASE_KWARGS))


# Generic invalid mutations, applicable to any constructor.
BAD_KWARG = st.sampled_from([{"foo": 1}, {"input_lenght": 3}, {"kernel_size2": 3}])


@st.composite
def with_bad_kwarg(draw, case: st.SearchStrategy):
    """A case with one keyword argument the class does not take."""
    class_name, args, kwargs, input_shape = draw(case)
    return class_name, args, {**kwargs, **draw(BAD_KWARG)}, input_shape


@st.composite
def with_missing_required(draw, class_name: str, input_shape: st.SearchStrategy, n_required: int, kwargs: dict | None = None):
    """A constructor call missing required positional arguments (``Dense()``)."""
    k = draw(st.integers(0, n_required - 1))
    return class_name, list(range(1, k + 1)), dict(kwargs or {}), draw(input_shape)


# Mismatches reported to the owner of shared code (kerascheck/shapes/base.py), counted as `known`
# in every family (scripts/differential.py adds a family's own KNOWN_MISMATCHES). Each entry is
# (regex searched in "<case repr>\n<problems>", description); delete it once the bug is fixed.
KNOWN_MISMATCHES: list[tuple[str, str]] = []
