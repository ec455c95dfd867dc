from __future__ import annotations

from .base import EngineErrorRule, Invalid


class AxisOutOfRange(EngineErrorRule):
    """## What it does
    Checks that an `axis` argument points inside the input's rank.

    ## Why is this bad?
    `Concatenate`, `BatchNormalization`, `LayerNormalization`, `Softmax` and others take an `axis`;
    when it is outside `[-rank, rank)` Keras raises (sometimes as a bare `IndexError: tuple index out
    of range` from `build`) and the script stops.

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(8, 4))
    y = keras.layers.BatchNormalization(axis=5)(x)
    ```

    Use instead (count the batch axis too, or use a negative axis: `-1`, the default, is the last):
    ```python
    import keras
    x = keras.Input(shape=(8, 4))
    y = keras.layers.BatchNormalization(axis=-1)(x)
    ```

    ## References
    - [Keras: BatchNormalization layer](https://keras.io/api/layers/normalization_layers/batch_normalization/)
    - [Keras: Concatenate layer](https://keras.io/api/layers/merging_layers/concatenate/)
    """

    code = "KC105"
    name = "axis-out-of-range"

    def matches(self, error):
        text = error.message.lower()
        return error.stage == "call" and (
            "out of bounds" in text or "out of range" in text or ("axis" in text and "invalid" in text)
        )

    def hint(self, error):
        return "Use an axis within the input's rank (negative axes count from the end)"

    VALID = ["import keras\nx = keras.Input(shape=(8, 4))\ny = keras.layers.BatchNormalization(axis=2)(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(8, 4))\ny = keras.layers.BatchNormalization(axis=5)(x)\n",
                line=3, column=5),
    ]
