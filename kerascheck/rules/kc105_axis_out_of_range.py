from __future__ import annotations

from .base import EngineErrorRule, Invalid


class AxisOutOfRange(EngineErrorRule):
    """An ``axis`` argument points past the input's rank.

    ``Concatenate``, ``BatchNormalization``, ``LayerNormalization``, ``Softmax`` and others take an
    ``axis``; when it is outside ``[-rank, rank)`` Keras raises (sometimes as a bare
    ``IndexError: tuple index out of range`` from ``build``).

    Fix: count the batch axis too (``axis=1`` is the first non-batch axis) or use a negative
    axis (``-1``, the default, is the last).
    """

    code = "KC105"
    name = "axis-out-of-range"
    priority = 20

    def matches(self, error):
        text = error.message.lower()
        return error.stage == "call" and (
            "out of bounds" in text or "out of range" in text or ("axis" in text and "invalid" in text)
        )

    def hint(self, error):
        return "Use an axis within the input's rank (negative axes count from the end)"

    VALID = ["import keras\nx = keras.Input(shape=(8, 4))\ny = keras.layers.BatchNormalization(axis=2)(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(8, 4))\ny = keras.layers.BatchNormalization(axis=5)(x)\n",
                line=3, column=5),
    ]
