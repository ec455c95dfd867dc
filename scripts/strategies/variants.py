"""Variants family: the hand-written single-layer cases of ``fixtures/layers/*_cases.py``, varied,
for every layer no other family generates (preprocessing, augmentation, the rarer pooling,
regularization and core layers ...).

A layer is drawn uniformly among those (so each gets its share of the examples), then one of its
hand-written cases (valid or not, as written), then, independently:

- the batch dim, when the case has an unknown one (``None``) or a small known one: ``None`` or 1-4;
- the other known dims of the input, sometimes, each moved by -2..+2 (at least 1): a too-small
  image, a crop larger than the input, an odd size, exactly where the layers' checks are;
- ``name=`` (shows in messages and variable paths) or ``trainable=False`` (moves the parameter
  counts), sometimes.

The case's options (``{"dtype": "string"}``, ``{"unresolvable": ...}``) are kept; an
``unresolvable`` case keeps its dims.
"""

from __future__ import annotations

import runpy
from pathlib import Path

from hypothesis import strategies as st

from . import family_names, load

ROOT = Path(__file__).resolve().parent.parent.parent


def _registry_class(name: str) -> str:
    from kerascheck.shapes import REGISTRY  # noqa: PLC0415 - the engine is importable here (no TF)

    spec = REGISTRY.get(name)
    return spec.__name__ if spec is not None else name


def _hand_written() -> dict[str, list[tuple]]:
    cases: dict[str, list[tuple]] = {}
    for path in sorted((ROOT / "fixtures" / "layers").glob("*_cases.py")):
        for case in runpy.run_path(str(path))["CASES"]:
            cases.setdefault(case[0], []).append(tuple(case))
    return cases


def _generated_elsewhere() -> set[str]:
    covered = set()
    for name in family_names():
        if name != __name__.rsplit(".", 1)[-1]:
            covered.update(_registry_class(n) for n in getattr(load(name), "LAYERS", ()))
    return covered


_CASES = _hand_written()
_COVERED = _generated_elsewhere()
LAYERS = tuple(sorted(n for n in _CASES if _registry_class(n) not in _COVERED))


@st.composite
def _dims(draw, shape, vary: bool):
    """``shape`` with the batch dim redrawn (when it is one) and, with ``vary``, known dims moved."""
    if not isinstance(shape, tuple) or not shape or not all(d is None or isinstance(d, int) for d in shape):
        return shape
    batch = shape[0]
    if batch is None or (isinstance(batch, int) and batch <= 4 and len(shape) >= 3):
        batch = draw(st.one_of(st.none(), st.integers(1, 4)))
    rest = tuple(
        max(1, d + draw(st.integers(-2, 2))) if vary and isinstance(d, int) and d > 1 else d for d in shape[1:]
    )
    return (batch, *rest)


@st.composite
def variant(draw):
    layer = draw(st.sampled_from(LAYERS))
    case = draw(st.sampled_from(_CASES[layer]))
    class_name, args, kwargs, input_shape = case[:4]
    # A case whose answer depends on what the analysis cannot see keeps its dims (moving them could
    # make its "unknown" reason void: a mean that now broadcasts).
    vary = draw(st.integers(0, 3)) == 0 and not (len(case) > 4 and case[4].get("unresolvable"))
    if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], tuple):
        batch = draw(st.one_of(st.none(), st.integers(1, 4)))
        input_shape = [(batch, *s[1:]) if s and s[0] is None else s for s in input_shape]
    else:
        input_shape = draw(_dims(input_shape, vary))
    kwargs = dict(kwargs)
    extra = draw(st.integers(0, 5))
    if extra == 0 and "name" not in kwargs:
        kwargs["name"] = "my_layer"
    elif extra == 1 and "trainable" not in kwargs:
        kwargs["trainable"] = False
    return (class_name, list(args), kwargs, input_shape, *case[4:])


cases = variant()
