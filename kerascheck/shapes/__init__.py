"""Keras layer semantics, one module per layer family; importing this package fills ``REGISTRY``."""

import importlib
import pkgutil

from .base import FUNCTIONAL_FORMS, REGISTRY, KerasError, LayerSpec, Unresolvable, Weight  # noqa: F401

# Every module in this package is a layer family; importing it registers its layers.
for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")
