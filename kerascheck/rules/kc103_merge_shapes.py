from __future__ import annotations

from .base import EngineErrorRule, Invalid

MERGE_LAYERS = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}


class MergeShapes(EngineErrorRule):
    """## What it does
    Checks that the tensors merged by `Concatenate`, `Add`, `Dot` and the other merge layers have
    compatible shapes.

    ## Why is this bad?
    `Concatenate(axis)` needs equal sizes on every axis but `axis`; `Add`, `Subtract`, `Multiply`,
    `Average`, `Maximum` and `Minimum` need shapes that broadcast; `Dot` needs equal sizes on the two
    contracted axes; all need the same batch size. Keras raises a `ValueError` when the merge layer
    is called.

    ## Example
    ```python
    import keras
    a = keras.Input(shape=(32, 32, 3))
    b = keras.Input(shape=(64, 64, 3))
    c = keras.layers.Concatenate(axis=-1)([a, b])
    ```

    Use instead (bring the branches to the same spatial size, here by pooling one of them):
    ```python
    import keras
    a = keras.Input(shape=(32, 32, 3))
    b = keras.Input(shape=(64, 64, 3))
    c = keras.layers.Concatenate(axis=-1)([a, keras.layers.MaxPooling2D(2)(b)])
    ```

    ## References
    - [Keras: merging layers](https://keras.io/api/layers/merging_layers/)
    - [Keras: keras/src/layers/merging/](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/merging)
    """

    code = "KC103"
    name = "merge-shapes"

    def matches(self, error):
        return error.stage == "call" and error.layer in MERGE_LAYERS

    def hint(self, error):
        return "Bring the inputs to compatible shapes before merging them"

    VALID = ["import keras\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
             "c = keras.layers.Concatenate()([a, b])\n"]
    INVALID = [
        Invalid("import keras\na = keras.Input(shape=(32, 32, 3))\nb = keras.Input(shape=(64, 64, 3))\n"
                "c = keras.layers.Concatenate(axis=-1)([a, b])\n", line=4, column=5,
                message="(None, 32, 32, 3) from `a` (line 2) vs (None, 64, 64, 3) from `b` (line 3)"),
        Invalid("import keras\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
                "c = keras.layers.add([a, b])\n", line=4, column=5),
    ]
