from __future__ import annotations

from .base import EngineErrorRule, Invalid


class IncompatibleInput(EngineErrorRule):
    """A model, or a layer that is already built, is called on an input it cannot take.

    A functional or Sequential model checks each call against its ``Input`` shapes: the number
    of inputs must match, and every non-batch dimension must equal the ``Input``'s (Keras raises
    ``Layer "functional" expects 2 named input(s)...`` or ``... expected shape=(None, 8), found
    shape=(None, 4)``). A layer fixes its input size when it is first built: a ``Dense`` reused on
    a tensor with a different last dimension, a ``Conv2D`` with a different number of channels,
    a ``BatchNormalization`` on a different feature size all raise ``expected axis -1 of input
    shape to have value 8``. Sharing a layer shares its weights, so the sizes must agree.

    Fix: pass the inputs the model was built for (as many, with the same shapes), or create a
    separate layer for the other input size instead of reusing the built one.
    """

    code = "KC107"
    name = "incompatible-input"
    priority = 5

    def matches(self, error):
        text = error.message
        return error.stage == "call" and (
            ("is incompatible with the layer: expected axis" in text)
            or ("is incompatible with the layer: expected shape=" in text)
            or (text.startswith("Layer \"") and " expects " in text and "input(s)" in text)
        )

    def hint(self, error):
        if "expected axis" in error.message:
            return "A built layer keeps its input size: create a new layer for this input instead of reusing it"
        return "Call the model on inputs of the shapes (and number) its Inputs declare"

    VALID = [
        "import keras\na = keras.Input(shape=(8,))\nm = keras.Model(a, keras.layers.Dense(2)(a))\n"
        "b = keras.Input(shape=(8,))\ny = m(b)\n",
        "import keras\nd = keras.layers.Dense(3)\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(8,))\n"
        "y1 = d(a)\ny2 = d(b)\n",
    ]
    INVALID = [
        Invalid("import keras\nd = keras.layers.Dense(3)\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
                "y1 = d(a)\ny2 = d(b)\n", line=6, column=6, message="(None, 4) from `b` (line 4)"),
        Invalid("import keras\na = keras.Input(shape=(8,))\nm = keras.Model(a, keras.layers.Dense(2)(a))\n"
                "b = keras.Input(shape=(4,))\ny = m(b)\n", line=5, column=5, message="expected shape=(None, 8)"),
        Invalid("import keras\na = keras.Input(shape=(8,))\nm = keras.Model(a, keras.layers.Dense(2)(a))\n"
                "b = keras.Input(shape=(8,))\ny = m([b, b])\n", line=5, column=5, message="expects 1 named input(s)"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(2)])\n"
                "b = keras.Input(shape=(4,))\ny = m(b)\n", line=4, column=5),
        Invalid("import keras\nconv = keras.layers.Conv2D(8, 3)\na = keras.Input(shape=(16, 16, 3))\n"
                "b = keras.Input(shape=(16, 16, 1))\nx = conv(a)\ny = conv(b)\n", line=6, column=5,
                message="expected axis -1 of input shape to have value 3"),
    ]
