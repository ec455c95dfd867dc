from __future__ import annotations

from .base import EngineErrorRule, Invalid


class DuplicateLayerName(EngineErrorRule):
    """## What it does
    Checks that the layers of one model have distinct names.

    ## Why is this bad?
    Keras 3 requires unique operation names inside a model (they key its weights and saved files):
    `keras.Model` raises `ValueError: The name "block" is used 2 times in the model` and
    `Sequential.add` raises for a duplicate too. Automatic names never collide; explicit `name=`
    values, often built in a loop, do.

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(4,))
    h = x
    for i in range(2):
        h = keras.layers.Dense(4, name="block")(h)
    m = keras.Model(x, h)
    ```

    Use instead (include the loop index in the name):
    ```python
    import keras
    x = keras.Input(shape=(4,))
    h = x
    for i in range(2):
        h = keras.layers.Dense(4, name=f"block_{i}")(h)
    m = keras.Model(x, h)
    ```

    ## References
    - [Keras: the Model class](https://keras.io/api/models/model/)
    - [Keras: keras/src/ops/function.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/ops/function.py)
    """

    code = "KC202"
    name = "duplicate-layer-name"

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
