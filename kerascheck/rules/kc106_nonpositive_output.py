from __future__ import annotations

from .base import EngineErrorRule, Invalid


class NonPositiveOutput(EngineErrorRule):
    """A convolution, pooling or cropping layer would produce a zero or negative size.

    Each ``valid`` convolution shrinks a spatial axis by ``kernel - 1`` and each stride divides it;
    after enough stages (often inside a loop) the size reaches zero and Keras raises
    ``ValueError: Computed output size would be zero or negative``.

    Fix: use ``padding="same"``, fewer or smaller downsampling stages, or a larger input.
    """

    code = "KC106"
    name = "non-positive-output"
    priority = 10

    def matches(self, error):
        text = error.message
        return error.stage == "call" and (
            "zero or negative" in text or "should be smaller than" in text or "must be smaller than" in text
        )

    def hint(self, error):
        return "Use padding='same', fewer downsampling stages or a larger input"

    VALID = ["import keras\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(4, 3)(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(8, 8, 1))\nfor _ in range(4):\n"
                "    x = keras.layers.Conv2D(4, 3)(x)\n", line=4, column=9, message="zero or negative"),
    ]
