from __future__ import annotations

from .base import EngineErrorRule, Invalid


class IncompatibleRank(EngineErrorRule):
    """A layer is called on a tensor of the wrong rank.

    Convolutions, pooling, recurrent layers, TimeDistributed and most other layers declare the
    rank (number of axes, batch included) they accept; Keras checks it when the layer is called
    and raises ``ValueError: Input 0 ... is incompatible with the layer: expected ndim=4, found
    ndim=3``. The usual causes are a missing channel axis (``Input(shape=(28, 28))`` into
    ``Conv2D``: use ``(28, 28, 1)``), a missing time axis for an RNN, or a ``Flatten`` too early.

    Fix: give the input the rank the layer expects (add the channel axis with ``Reshape`` or
    ``keras.ops.expand_dims``, or change the ``Input`` shape).
    """

    code = "KC101"
    name = "incompatible-rank"
    priority = 10

    def matches(self, error):
        text = error.message
        return error.stage == "call" and (
            ("is incompatible with the layer: expected" in text and "ndim=" in text)
            or "Kernel shape must have the same length as input" in text  # Keras's Conv rank error
        )

    def hint(self, error):
        return "Give the input the rank the layer expects (e.g. add a channel axis) or change the layer"

    VALID = ["import keras\nx = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(28, 28))\ny = keras.layers.Conv2D(8, 3)(x)\n",
                line=3, column=5, message="(None, 28, 28) from `x` (line 2)"),
        Invalid("import keras\nx = keras.Input(shape=(16,))\ny = keras.layers.LSTM(4)(x)\n", line=3, column=5),
    ]
