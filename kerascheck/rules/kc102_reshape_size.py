from __future__ import annotations

from .base import EngineErrorRule, Invalid


class ReshapeSize(EngineErrorRule):
    """``Reshape`` to a target whose total size differs from the input's.

    ``Reshape(target_shape)`` keeps the number of values per sample; Keras raises ``ValueError:
    The total size of the tensor must be unchanged`` when the product of ``target_shape`` differs
    from the product of the input's non-batch axes. Seed 002 reshapes a ``(24, 64)`` embedding to
    ``[16 * 64]``.

    Fix: make the target's product equal the input's (here ``[24 * 64]``), or use ``-1`` for one
    axis and let Keras compute it.
    """

    code = "KC102"
    name = "reshape-size"
    priority = 10

    def matches(self, error):
        return error.stage == "call" and error.layer == "Reshape" and "total size" in error.message

    def hint(self, error):
        return "Make the product of `target_shape` equal the input's size, or use -1 for one axis"

    VALID = ["import keras\nx = keras.Input(shape=(24, 64))\ny = keras.layers.Reshape([24 * 64])(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(24, 64))\ny = keras.layers.Reshape([16 * 64])(x)\n",
                line=3, column=5, message="(None, 24, 64) from `x` (line 2)"),
    ]
