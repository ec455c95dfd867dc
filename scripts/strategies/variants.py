"""Variants family: the hand-written single-layer cases of ``fixtures/layers/*_cases.py``, varied,
for every layer no other family generates (preprocessing, MultiHeadAttention,
GroupQueryAttention, Lambda, Pipeline ...; the augmentation layers are in ``variants_aug``).

The variations (batch and other dims, numeric and categorical constructor arguments, ``name=``,
``trainable=``) are described in ``_variants.py``.
"""

from __future__ import annotations

from . import family_names, load
from ._variants import hand_written, registry_class, variant


def _generated_elsewhere() -> set[str]:
    covered = set()
    for name in family_names():
        if name != __name__.rsplit(".", 1)[-1]:
            covered.update(registry_class(n) for n in getattr(load(name), "LAYERS", ()))
    return covered


_CASES = hand_written()
_COVERED = _generated_elsewhere()
LAYERS = tuple(sorted(n for n in _CASES if registry_class(n) not in _COVERED))

cases = variant(LAYERS, _CASES)
