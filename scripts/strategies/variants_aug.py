"""Variants of the hand-written cases of the ``Random*`` augmentation layers
(``fixtures/layers/augmentation_cases.py``): batch and other dims moved, numeric factors and sizes moved, ``fill_mode`` / ``interpolation``
swapped, ``name=`` / ``trainable=`` (see ``_variants.py``). Split from ``variants`` so the two
halves run in two processes (the other augmentation layers stay in ``variants``); a layer here leaves ``variants``.
"""

from __future__ import annotations

from ._variants import hand_written, variant

_CASES = hand_written("augmentation_cases.py")
LAYERS = tuple(sorted(n for n in _CASES if n.startswith("Random")))

cases = variant(LAYERS, _CASES)
