"""Facts recorded from the installed Keras that the engine reads as declarative stubs.

``kerascheck/data/layer_classes.json`` (made by scripts/record_layer_classes.py): the public base
classes of each layer and model class, its aliases, and how it handles masks.
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
