from __future__ import annotations

from .base import EngineErrorRule, Invalid


class GraphDisconnected(EngineErrorRule):
    """## What it does
    Checks that a functional model's outputs can be computed from the inputs given to `Model`.

    ## Why is this bad?
    `keras.Model(inputs, outputs)` walks back from the outputs; when it reaches a tensor that is not
    one of `inputs` (another `Input`, or a tensor of a different graph) Keras raises `ValueError:
    Graph disconnected` and the model is never built.

    ## Example
    ```python
    import keras
    a = keras.Input(shape=(4,))
    b = keras.Input(shape=(4,))
    c = keras.layers.Add()([a, b])
    m = keras.Model(a, c)
    ```

    Use instead (every `Input` the outputs depend on):
    ```python
    import keras
    a = keras.Input(shape=(4,))
    b = keras.Input(shape=(4,))
    c = keras.layers.Add()([a, b])
    m = keras.Model([a, b], c)
    ```

    ## References
    - [Keras: the functional API](https://keras.io/guides/functional_api/)
    - [Keras: map_graph, keras/src/ops/function.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/ops/function.py)
    """

    code = "KC201"
    name = "graph-disconnected"

    def matches(self, error):
        return error.stage == "model" and ("Graph disconnected" in error.message
                                           or "is not connected to `inputs`" in error.message)

    def hint(self, error):
        return "Pass every Input the outputs depend on to `inputs`"

    VALID = ["import keras\na = keras.Input(shape=(4,))\nm = keras.Model(a, keras.layers.Dense(2)(a))\n"]
    INVALID = [
        Invalid("import keras\na = keras.Input(shape=(4,))\nb = keras.Input(shape=(4,))\n"
                "c = keras.layers.Add()([a, b])\nm = keras.Model(a, c)\n", line=5, column=5),
    ]
