"""Facts recorded from the installed Keras that the engine reads as declarative stubs.

``kerascheck/data/layer_classes.json`` (made by scripts/record_layer_classes.py): the public base
classes of each layer and model class, its aliases, its constructor's signature, and how it handles
masks. A leaf module: it imports nothing of kerascheck.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def layer_classes() -> dict:
    return json.loads(resources.files("kerascheck").joinpath("data/layer_classes.json").read_text("utf-8"))


def canonical_class(name: str) -> str:
    """The class an alias names (``MaxPool2D`` -> ``MaxPooling2D``)."""
    return layer_classes()["aliases"].get(name, name)


def class_fact(table: str, class_name: str, default: Any = None) -> Any:
    """One recorded fact of a layer class (``"input_rank"``, ``"built_at_init"`` ...), aliases resolved."""
    return layer_classes()[table].get(canonical_class(class_name), default)


def recorded_signature(class_name: str) -> str | None:
    """The constructor parameters of a Keras layer class as recorded (``"units, activation=None, ..."``)."""
    return layer_classes()["signatures"].get(class_name)


@lru_cache(maxsize=1)
def _aliases_by_class() -> dict[str, tuple[str, ...]]:
    by_class: dict[str, tuple[str, ...]] = {}
    for alias, name in layer_classes()["aliases"].items():
        by_class[name] = by_class.get(name, ()) + (alias,)
    return by_class


def aliases_of(class_name: str) -> tuple[str, ...]:
    """The other public names Keras exports the class under (``MaxPooling2D``: ``("MaxPool2D",)``)."""
    return _aliases_by_class().get(class_name, ())
