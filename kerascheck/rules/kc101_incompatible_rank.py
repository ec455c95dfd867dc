from __future__ import annotations

from .base import EngineErrorRule, Invalid


class IncompatibleRank(EngineErrorRule):
    """## What it does
    Checks that a layer is called on a tensor of the rank it accepts.

    ## Why is this bad?
    Convolutions, pooling, recurrent layers, `TimeDistributed` and most other layers declare the
    rank (number of axes, batch included) they accept. Keras checks it when the layer is called and
    raises `ValueError: Input 0 of layer "conv2d" is incompatible with the layer: expected ndim=4,
    found ndim=3`. The usual causes are a missing channel axis (`Input(shape=(28, 28))` into
    `Conv2D`), a missing time axis for an RNN, or a `Flatten` too early.

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(28, 28))
    y = keras.layers.Conv2D(8, 3)(x)
    ```

    Use instead (give the input its channel axis, or add it with `Reshape` / `keras.ops.expand_dims`):
    ```python
    import keras
    x = keras.Input(shape=(28, 28, 1))
    y = keras.layers.Conv2D(8, 3)(x)
    ```

    ## References
    - [Keras: the InputSpec check, keras/src/layers/input_spec.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/input_spec.py)
    - [Keras: Conv2D layer](https://keras.io/api/layers/convolution_layers/convolution2d/)
    """

    code = "KC101"
    name = "incompatible-rank"

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
