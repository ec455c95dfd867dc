from __future__ import annotations

from .base import EngineErrorRule, Invalid

MERGE_LAYERS = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}


class MergeShapes(EngineErrorRule):
    """Tensors merged by ``Concatenate``, ``Add``, ``Dot``... have incompatible shapes.

    ``Concatenate(axis)`` needs equal sizes on every axis but ``axis``; ``Add``, ``Subtract``,
    ``Multiply``, ``Average``, ``Maximum`` and ``Minimum`` need shapes that broadcast; ``Dot``
    needs equal sizes on the two contracted axes; all need the same batch size. Keras raises a
    ``ValueError`` when the merge layer is called.

    Fix: bring the branches to compatible shapes (``Dense``/``Conv`` to match channels, pooling or
    ``Reshape`` to match spatial sizes), or concatenate on the axis where they differ.
    """

    code = "KC103"
    name = "merge-shapes"
    priority = 10

    def matches(self, error):
        return error.stage == "call" and error.layer in MERGE_LAYERS

    def hint(self, error):
        return "Bring the inputs to compatible shapes before merging them"

    VALID = ["import keras\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
             "c = keras.layers.Concatenate()([a, b])\n"]
    INVALID = [
        Invalid("import keras\na = keras.Input(shape=(32, 32, 3))\nb = keras.Input(shape=(64, 64, 3))\n"
                "c = keras.layers.Concatenate(axis=-1)([a, b])\n", line=4, column=5,
                message="(None, 32, 32, 3) from `a` (line 2) vs (None, 64, 64, 3) from `b` (line 3)"),
        Invalid("import keras\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
                "c = keras.layers.add([a, b])\n", line=4, column=5),
    ]
