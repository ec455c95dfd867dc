"""Keras layer semantics, one module per layer family; importing this package fills ``REGISTRY``.

Owns: one ``LayerSpec`` per Keras layer class (``base``; the families ``core``, ``conv``,
``pooling``, ``rnn``, ``merge`` ...: shape code, weights, checks with Keras's messages, mask
computation), the value and error types every stage shares (``types``), the argument helpers the
families share (``arguments``), symbolic sizes (``symbolic``), the facts recorded from Keras
(``stubs``: signatures, aliases, bases, mask support), ``keras.ops`` shapes (``ops``) and the
coverage of ``keras.layers`` (``coverage``).

May import: kerascheck (the Keras version) and nothing else of it: no interpreter, IR or face.
Inside, ``types``, ``stubs`` and ``symbolic`` are leaves, ``arguments`` imports only them, ``base``
imports those, and a family imports ``base`` and, for a shared helper, another family.
"""

import importlib
import pkgutil

from .base import FUNCTIONAL_FORMS, REGISTRY, KerasError, LayerSpec, Unresolvable, Weight  # noqa: F401

# Importing every module registers the layers of each family (the other modules register nothing).
for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")
