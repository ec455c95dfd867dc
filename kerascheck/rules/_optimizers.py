"""Keras 3 optimizers whose extra keywords reach ``BaseOptimizer.__init__`` (not a rule module).

That ``__init__`` pops ``decay`` (a deprecation warning when it is not None) and raises
``ValueError: Argument(s) not recognized: {...}`` for any other keyword the class's own signature
does not take (keras/src/optimizers/base_optimizer.py). The signatures come from the catalogue of
the real package (kerascheck.catalogue, at ``kerascheck.KERAS_VERSION``).
"""

from __future__ import annotations

import functools

from .. import KERAS_VERSION, catalogue

KERAS = KERAS_VERSION
OPTIMIZERS = ("Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion", "Muon",
              "Nadam", "RMSprop", "SGD", "ScheduleFreeAdamW")


@functools.lru_cache(maxsize=None)
def optimizer_params(cls: str) -> frozenset[str]:
    """Keyword parameters of ``keras.optimizers.<cls>.__init__`` (``**kwargs`` excluded)."""
    return frozenset(catalogue.param_names(catalogue.params(KERAS, f"keras.optimizers.{cls}")))


def optimizer_class(path: str) -> str | None:
    """``Adam`` for a call of ``keras.optimizers.Adam`` (any import spelling, already canonical)."""
    prefix = "keras.optimizers."
    if path.startswith(prefix) and path[len(prefix):] in OPTIMIZERS:
        return path[len(prefix):]
    return None
