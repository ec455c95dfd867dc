"""Merging family: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

These are called on a list of tensors: ``input_shape`` is a list of shapes.
"""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import BATCH, base_kwargs, bind, mostly, weighted, shape, with_bad_kwarg

ELEMENTWISE = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
LAYERS = ELEMENTWISE + ("Concatenate", "Dot")
DIM = st.one_of(st.integers(1, 6), st.none())


@st.composite
def _broadcastable(draw, base):
    """A shape broadcastable against ``base`` (non-batch dims): some dims 1 or None, maybe fewer leading dims."""
    dims = [draw(st.sampled_from([d, d, 1, None])) if d is not None else draw(st.sampled_from([None, 1, 3]))
            for d in base]
    if dims and draw(st.integers(0, 3)) == 0:
        dims = dims[draw(st.integers(1, len(dims))):]
    return tuple(dims)


@st.composite
def elementwise(draw, valid: bool = True):
    class_name = draw(st.sampled_from(ELEMENTWISE))
    n = 2 if class_name == "Subtract" else draw(st.integers(2, 4))
    base = draw(st.lists(DIM, min_size=1, max_size=3)).copy()
    batch = draw(BATCH)
    shapes = [(batch, *base)] + [(batch, *draw(_broadcastable(tuple(base)))) for _ in range(n - 1)]
    if not valid:
        fault = draw(st.sampled_from(["incompatible", "batch", "count", "single", "one_list", "kwarg"]))
        if fault == "incompatible":
            i = draw(st.integers(1, n - 1))
            shapes[i] = (batch, *[7] * len(base))
            shapes[0] = (batch, *[5] * len(base))
        elif fault == "batch":
            shapes[0], shapes[1] = (2, *shapes[0][1:]), (3, *shapes[1][1:])
        elif fault == "count":
            shapes = shapes[:1] if class_name != "Subtract" else shapes + [shapes[0]]
        elif fault == "single":
            return class_name, [], {}, shapes[0]
        elif fault == "one_list":
            shapes = shapes[:1]
        else:
            return class_name, [], {"axis": 1}, shapes
    return class_name, [], draw(base_kwargs()), shapes


@st.composite
def concatenate(draw, valid: bool = True):
    rank = draw(st.integers(2, 4))
    axis = draw(st.integers(-(rank - 1), rank - 1).filter(lambda a: a not in (0, -rank)))
    n = draw(st.integers(1, 4))
    base = list(draw(shape(rank, hi=6)))
    shapes = []
    for _ in range(n):
        s = list(base)
        s[axis] = draw(DIM)
        shapes.append(tuple(s))
    if not valid:
        fault = draw(st.sampled_from(["mismatch", "rank", "axis", "single", "axis0"]))
        if fault == "mismatch" and n > 1 and rank > 2:
            other = next(i for i in range(1, rank) if i != axis % rank)
            s = list(shapes[-1])
            s[other] = 9
            shapes[-1] = tuple(s)
        elif fault == "rank":
            shapes.append(tuple(base[:-1]))
        elif fault == "axis":
            axis = draw(st.sampled_from([rank, rank + 1, -rank - 1]))
        elif fault == "single":
            return "Concatenate", [], {"axis": axis}, shapes[0]
        else:
            axis = 0
    args, kwargs = draw(bind([("axis", axis)])) if axis != -1 or draw(st.booleans()) else ([], {})
    kwargs.update(draw(base_kwargs()))
    return "Concatenate", args, kwargs, shapes


@st.composite
def dot(draw, valid: bool = True):
    r1, r2 = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    batch = draw(BATCH)
    s1 = [batch, *[draw(st.integers(1, 6)) for _ in range(r1 - 1)]]
    s2 = [batch, *[draw(st.integers(1, 6)) for _ in range(r2 - 1)]]
    if draw(st.booleans()):
        a1, a2 = draw(st.integers(1, r1 - 1)), draw(st.integers(1, r2 - 1))
        axes = [a1, a2] if draw(st.booleans()) else (a1, a2)
        if draw(st.integers(0, 3)) == 0:
            axes = [a1 - r1, a2 - r2]
    else:
        a = draw(st.integers(1, min(r1, r2) - 1))
        a1 = a2 = a
        axes = a if draw(st.booleans()) else a - r1 if r1 == r2 else a
        if axes < 0:
            a1, a2 = axes % r1, axes % r2
    s2[a2] = s1[a1]
    if draw(st.integers(0, 4)) == 0:  # an unknown dim on the contracted axis (Keras compares with !=)
        s1[a1] = s2[a2] = None
    kwargs = {}
    if draw(st.booleans()):
        kwargs["normalize"] = draw(st.booleans())
    shapes = [tuple(s1), tuple(s2)]
    if not valid:
        fault = draw(st.sampled_from(["mismatch", "axes_type", "axes_len", "axes_float", "count", "axes_range", "none"]))
        if fault == "mismatch":
            s2[a2] = (s1[a1] or 1) + 1
            shapes = [tuple(s1), tuple(s2)]
        elif fault == "axes_type":
            axes = "1"
        elif fault == "axes_len":
            axes = [1, 1, 1]
        elif fault == "axes_float":
            axes = [1.0, 1]
        elif fault == "count":
            shapes = shapes + [shapes[0]] if draw(st.booleans()) else shapes[:1]
        elif fault == "axes_range":
            axes = [3, 3]
        else:
            s1[a1] = None
            shapes = [tuple(s1), tuple(s2)]
    args, more = draw(bind([("axes", axes)]))
    kwargs.update(more)
    kwargs.update(draw(base_kwargs()))
    return "Dot", args, kwargs, shapes


VALID = st.one_of(elementwise(), concatenate(), dot())
INVALID = weighted(
    (3, elementwise(valid=False)),
    (3, concatenate(valid=False)),
    (3, dot(valid=False)),
    (1, with_bad_kwarg(VALID)),
)
cases = mostly(VALID, INVALID)
