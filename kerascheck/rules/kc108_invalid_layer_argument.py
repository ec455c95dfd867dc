from __future__ import annotations

from .base import EngineErrorRule, Invalid


class InvalidLayerArgument(EngineErrorRule):
    """A layer is constructed with an argument Keras rejects.

    Keras 3 checks constructor arguments when the layer is created: unknown keyword arguments
    (``batch_input_shape=``, ``init=``, ``border_mode=`` from Keras 1/2), out-of-range values
    (``Dropout(1.5)``, ``Dense(0)``), malformed tuples. The script stops with a ``ValueError`` or
    ``TypeError`` at the constructor.

    Fix: use the Keras 3 argument names and valid values (the message names the argument).
    """

    code = "KC108"
    name = "invalid-layer-argument"
    priority = 30

    def matches(self, error):
        return error.stage == "constructor"

    VALID = ["import keras\nlayer = keras.layers.Dense(4, activation='relu')\n"]
    INVALID = [
        Invalid("import keras\nlayer = keras.layers.Dense(4, batch_input_shape=(None, 3))\n", line=2, column=9,
                message="batch_input_shape"),
        Invalid("import keras\nlayer = keras.layers.Dense(0)\n", line=2, column=9),
    ]
