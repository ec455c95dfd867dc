from __future__ import annotations

from .base import EngineErrorRule, Invalid


class InputShape(EngineErrorRule):
    """``Input(shape=...)`` is not a tuple of dimensions.

    ``keras.Input(shape=(16))`` passes the int ``16``: the parentheses do not make a tuple. Keras 3
    raises ``ValueError: Cannot convert '16' to a shape.`` (Keras 2 accepted it). Seed 002 does
    this.

    Fix: write a one-element tuple, ``shape=(16,)``.
    """

    code = "KC109"
    name = "input-shape-not-tuple"
    priority = 10

    def matches(self, error):
        return error.stage == "input"

    def hint(self, error):
        if "Cannot convert '" in error.message and "'" in error.message[16:]:
            value = error.message.split("'")[1]
            if value.lstrip("-").isdigit():
                return f"Write a tuple: shape=({value},)"
        return "Pass `shape` as a tuple of ints or None"

    VALID = ["import keras\nx = keras.Input(shape=(16,))\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(16))\n", line=2, column=5, message="shape=(16,)"),
        Invalid("from tensorflow import keras\nx = keras.Input(shape=16, name='a')\n", line=2, column=5),
    ]
