"""The machinery of the variants families (``variants.py``, ``variants_aug.py``): the hand-written
single-layer cases of ``fixtures/layers/*_cases.py``, varied.

A layer is drawn uniformly among a family's ``LAYERS`` (so each gets its share of the examples),
then one of its hand-written cases (valid or not, as written), then, independently:

- the batch dim, when the case has an unknown one (``None``) or a small known one: ``None`` or 1-4
  (every input of a list or dict of inputs alike);
- the other known dims of the input(s), two times in three, each moved by -4..+4 (at least 1): a
  too-small image, a crop larger than the input, an odd size, other channel counts, exactly where
  the layers' checks are;
- the numeric constructor arguments, half of the time: each top-level int moved by -3..+3
  (``height``, ``num_heads``, ``bins``, ``num_tokens`` ... may leave their documented range: the
  layer's own check is then compared), each float moved by -0.3..+0.3 (factors, scales), each
  pair of numbers (a factor range, a ``value_range``) likewise, ``seed`` excepted;
- ``fill_mode`` / ``interpolation``, when given, sometimes swapped for another valid value;
- ``name=`` (shows in messages and variable paths) or ``trainable=False`` (moves the parameter
  counts), sometimes.

The case's options (``{"dtype": "string"}``, ``{"unresolvable": ...}``) are kept; an
``unresolvable`` case keeps its dims and its arguments (moving them could make its "unknown"
reason void: a mean that now broadcasts).
"""

from __future__ import annotations

import runpy
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent.parent

KEEP = {"seed", "dtype", "name", "trainable"}
CATEGORICAL = {
    "fill_mode": ["reflect", "wrap", "nearest", "constant"],
    "interpolation": ["bilinear", "nearest"],
}


def registry_class(name: str) -> str:
    from kerascheck.shapes import REGISTRY  # noqa: PLC0415 - the engine is importable here (no TF)

    spec = REGISTRY.get(name)
    return spec.__name__ if spec is not None else name


def hand_written(files: str = "*_cases.py") -> dict[str, list[tuple]]:
    cases: dict[str, list[tuple]] = {}
    for path in sorted((ROOT / "fixtures" / "layers").glob(files)):
        for case in runpy.run_path(str(path))["CASES"]:
            cases.setdefault(case[0], []).append(tuple(case))
    return cases


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@st.composite
def _move(draw, v):
    """``v`` (an int, a float, a pair of numbers) moved a little; anything else unchanged."""
    if isinstance(v, int) and _is_num(v):
        return v + draw(st.integers(-3, 3))
    if isinstance(v, float):
        return round(v + draw(st.sampled_from([-0.3, -0.2, -0.1, 0.1, 0.2, 0.3])), 2)
    if isinstance(v, (tuple, list)) and len(v) == 2 and all(_is_num(x) for x in v):
        moved = [draw(_move(x)) for x in v]
        return type(v)(moved)
    return v


@st.composite
def _arguments(draw, args: list, kwargs: dict):
    args = [draw(_move(a)) if draw(st.booleans()) else a for a in args]
    out = {}
    for k, v in kwargs.items():
        if k in CATEGORICAL and v in CATEGORICAL[k] and draw(st.booleans()):
            v = draw(st.sampled_from(CATEGORICAL[k]))
        elif k not in KEEP and draw(st.booleans()):
            v = draw(_move(v))
        out[k] = v
    return args, out


@st.composite
def _dims(draw, shape, vary: bool, batch):
    """``shape`` with the batch dim replaced (when it is one) and, with ``vary``, known dims moved."""
    if not isinstance(shape, tuple) or not shape or not all(d is None or isinstance(d, int) for d in shape):
        return shape
    first = shape[0]
    if first is None or (isinstance(first, int) and first <= 4 and len(shape) >= 3):
        first = batch
    rest = tuple(
        max(1, d + draw(st.integers(-4, 4))) if vary and isinstance(d, int) else d for d in shape[1:]
    )
    return (first, *rest)


@st.composite
def variant(draw, layers: tuple, cases: dict):
    layer = draw(st.sampled_from(layers))
    case = draw(st.sampled_from(cases[layer]))
    class_name, args, kwargs, input_shape = case[:4]
    fixed = len(case) > 4 and bool(case[4].get("unresolvable"))
    vary = draw(st.integers(0, 2)) > 0 and not fixed
    batch = draw(st.one_of(st.none(), st.integers(1, 4)))
    if isinstance(input_shape, list):
        input_shape = [draw(_dims(s, vary, batch)) for s in input_shape]
    elif isinstance(input_shape, dict):
        input_shape = {k: draw(_dims(s, vary, batch)) for k, s in input_shape.items()}
    else:
        input_shape = draw(_dims(input_shape, vary, batch))
    args, kwargs = list(args), dict(kwargs)
    if not fixed and draw(st.booleans()):
        args, kwargs = draw(_arguments(args, kwargs))
    extra = draw(st.integers(0, 5))
    if extra == 0 and "name" not in kwargs:
        kwargs["name"] = "my_layer"
    elif extra == 1 and "trainable" not in kwargs:
        kwargs["trainable"] = False
    return (class_name, args, kwargs, input_shape, *case[4:])
