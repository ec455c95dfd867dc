from __future__ import annotations

from .base import EngineErrorRule, Invalid


class DuplicateLayerName(EngineErrorRule):
    """Two layers of one model have the same name.

    Keras 3 requires unique operation names inside a model (they key its weights and saved
    files): ``keras.Model`` raises ``ValueError: The name "x" is used 2 times in the model`` and
    ``Sequential.add`` raises for a duplicate too. Automatic names never collide; explicit
    ``name=`` values (often built in a loop) do.

    Fix: give each layer a unique ``name`` (e.g. include the loop index).
    """

    code = "KC202"
    name = "duplicate-layer-name"
    priority = 10

    def matches(self, error):
        return "is used" in error.message and "times in the model" in error.message \
            or "should have unique names" in error.message

    def hint(self, error):
        return "Give each layer a unique `name`"

    VALID = ["import keras\nm = keras.Sequential([keras.layers.Dense(2, name='a'), keras.layers.Dense(2, name='b')])\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(4,))\nh = x\nfor i in range(2):\n"
                "    h = keras.layers.Dense(4, name='block')(h)\nm = keras.Model(x, h)\n", line=6, column=5,
                message='"block" is used 2 times'),
        Invalid("import keras\nm = keras.Sequential([keras.layers.Dense(2, name='a'), keras.layers.Dense(2, name='a')])\n",
                line=2, column=5),
    ]
