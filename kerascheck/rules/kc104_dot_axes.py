from __future__ import annotations

from .base import EngineErrorRule, Invalid


class DotAxes(EngineErrorRule):
    """## What it does
    Checks that `Dot` contracts two axes of the same size.

    ## Why is this bad?
    `Dot(axes=(a, b))` (and `keras.layers.dot`) multiplies axis `a` of the first input with axis `b`
    of the second and sums over them, so both axes must have the same size. Keras raises `ValueError:
    Incompatible input shapes: axis values 8 (at axis 1) != 4 (at axis 1)` when the layer is called.
    Axes count the batch axis: `axes=1` is the first feature axis, `axes=-1` the last.

    ## Example
    ```python
    import keras
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(4,))
    c = keras.layers.Dot(axes=1)([a, b])
    ```

    Use instead (project one input so the sizes match, or pick axes of equal size):
    ```python
    import keras
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(4,))
    c = keras.layers.Dot(axes=1)([a, keras.layers.Dense(8)(b)])
    ```

    ## References
    - [Keras: Dot layer](https://keras.io/api/layers/merging_layers/dot/)
    - [Keras: keras/src/layers/merging/dot.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/merging/dot.py)
    """

    code = "KC104"
    name = "dot-axes"

    def matches(self, error):
        return error.stage == "call" and error.layer == "Dot" and "Incompatible input shapes" in error.message

    def hint(self, error):
        return "Contract axes of equal size (axes count the batch axis), or project one input with Dense"

    VALID = ["import keras\na = keras.Input(shape=(3, 8))\nb = keras.Input(shape=(8, 5))\n"
             "c = keras.layers.Dot(axes=(2, 1))([a, b])\n"]
    INVALID = [
        Invalid("import keras\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
                "c = keras.layers.Dot(axes=1)([a, b])\n", line=4, column=5,
                message="(None, 8) from `a` (line 2) vs (None, 4) from `b` (line 3)"),
        Invalid("import keras\na = keras.Input(shape=(3, 8))\nb = keras.Input(shape=(5, 4))\n"
                "c = keras.layers.dot([a, b], axes=-1)\n", line=4, column=5, message="axis values 8 (at axis 2) != 4"),
    ]
