from __future__ import annotations

from .base import EngineErrorRule, Invalid


class ReshapeSize(EngineErrorRule):
    """## What it does
    Checks that `Reshape` keeps the number of values per sample.

    ## Why is this bad?
    `Reshape(target_shape)` rearranges the values of each sample; Keras raises `ValueError: The total
    size of the tensor must be unchanged` when the product of `target_shape` differs from the product
    of the input's non-batch axes.

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(24, 64))
    y = keras.layers.Reshape([16 * 64])(x)
    ```

    Use instead (the target's product equals the input's, or `-1` lets Keras compute one axis):
    ```python
    import keras
    x = keras.Input(shape=(24, 64))
    y = keras.layers.Reshape([24 * 64])(x)
    ```

    ## References
    - [Keras: Reshape layer](https://keras.io/api/layers/reshaping_layers/reshape/)
    - [Keras: compute_reshape_output_shape, keras/src/ops/operation_utils.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/ops/operation_utils.py)
    """

    code = "KC102"
    name = "reshape-size"

    def matches(self, error):
        return error.stage == "call" and error.layer == "Reshape" and "total size" in error.message

    def hint(self, error):
        return "Make the product of `target_shape` equal the input's size, or use -1 for one axis"

    VALID = ["import keras\nx = keras.Input(shape=(24, 64))\ny = keras.layers.Reshape([24 * 64])(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(24, 64))\ny = keras.layers.Reshape([16 * 64])(x)\n",
                line=3, column=5, message="(None, 24, 64) from `x` (line 2)"),
    ]
