from __future__ import annotations

from .base import EngineErrorRule, Invalid


class GraphDisconnected(EngineErrorRule):
    """A functional model's outputs are not computable from the inputs given to ``Model``.

    ``keras.Model(inputs, outputs)`` walks back from the outputs; when it reaches a tensor that is
    not one of ``inputs`` (another ``Input``, or a tensor from a different graph) Keras raises
    ``ValueError: Graph disconnected``.

    Fix: pass every ``Input`` the outputs depend on in ``inputs``.
    """

    code = "KC201"
    name = "graph-disconnected"
    priority = 10

    def matches(self, error):
        return error.stage == "model" and ("Graph disconnected" in error.message
                                           or "is not connected to `inputs`" in error.message)

    def hint(self, error):
        return "Pass every Input the outputs depend on to `inputs`"

    VALID = ["import keras\na = keras.Input(shape=(4,))\nm = keras.Model(a, keras.layers.Dense(2)(a))\n"]
    INVALID = [
        Invalid("import keras\na = keras.Input(shape=(4,))\nb = keras.Input(shape=(4,))\n"
                "c = keras.layers.Add()([a, b])\nm = keras.Model(a, c)\n", line=5, column=5),
    ]
