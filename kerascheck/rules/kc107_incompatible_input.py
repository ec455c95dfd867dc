from __future__ import annotations

from .base import EngineErrorRule, Invalid


class IncompatibleInput(EngineErrorRule):
    """## What it does
    Checks that a model, or a layer that is already built, is called on an input it can take.

    ## Why is this bad?
    A functional or Sequential model checks each call against its `Input` shapes: the number of
    inputs must match, and every non-batch dimension must equal the `Input`'s. A layer fixes its
    input size when it is first built: a `Dense` reused on a tensor with a different last dimension,
    a `Conv2D` with a different number of channels, a `BatchNormalization` on a different feature
    size all raise `ValueError: ... expected axis -1 of input shape to have value 8`. Sharing a layer
    shares its weights, so the sizes must agree.

    ## Example
    ```python
    import keras
    d = keras.layers.Dense(3)
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(4,))
    y1 = d(a)
    y2 = d(b)
    ```

    Use instead (a separate layer for the other input size):
    ```python
    import keras
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(4,))
    y1 = keras.layers.Dense(3)(a)
    y2 = keras.layers.Dense(3)(b)
    ```

    ## References
    - [Keras: the InputSpec check, keras/src/layers/input_spec.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/input_spec.py)
    - [Keras: shared layers in the functional API](https://keras.io/guides/functional_api/#shared-layers)
    """

    code = "KC107"
    name = "incompatible-input"

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
