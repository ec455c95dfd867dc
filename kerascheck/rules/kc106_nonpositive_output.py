from __future__ import annotations

from .base import EngineErrorRule, Invalid


class NonPositiveOutput(EngineErrorRule):
    """## What it does
    Checks that convolution, pooling and cropping layers leave every spatial size positive.

    ## Why is this bad?
    Each `valid` convolution shrinks a spatial axis by `kernel - 1` and each stride divides it; after
    enough stages (often inside a loop) the size reaches zero and Keras raises `ValueError: Computed
    output size would be zero or negative`.

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(8, 8, 1))
    for _ in range(4):
        x = keras.layers.Conv2D(4, 3)(x)
    ```

    Use instead (`padding="same"`, fewer downsampling stages, or a larger input):
    ```python
    import keras
    x = keras.Input(shape=(8, 8, 1))
    for _ in range(4):
        x = keras.layers.Conv2D(4, 3, padding="same")(x)
    ```

    ## References
    - [Keras: Conv2D layer](https://keras.io/api/layers/convolution_layers/convolution2d/)
    - [Keras: compute_conv_output_shape, keras/src/ops/operation_utils.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/ops/operation_utils.py)
    """

    code = "KC106"
    name = "non-positive-output"

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
