from __future__ import annotations

from ._classes import keras_classes, method, only_raises, returns_value
from ._syntax import loc_of
from .base import Invalid, Rule


class CallReturnsNothing(Rule):
    """## What it does
    Reports a custom layer's or model's `call()` that never returns a value.

    ## Why is this bad?
    `call` computes the layer's outputs; one that ends without `return` (a forgotten `return x`, or
    the result assigned and dropped) returns `None`. Keras 3 does not raise when such a layer is
    called: `y = layer(x)` is just `None`, and the script fails later and elsewhere
    (`keras.Model(inputs, y)` raises, the next layer rejects `None`). A warning, since the call
    itself runs.

    ## Example
    ```python
    import keras
    class L(keras.layers.Layer):
        def call(self, x):
            y = x * 2
    x = keras.Input(shape=(3,))
    y = L()(x)
    ```

    Use instead:
    ```python
    import keras
    class L(keras.layers.Layer):
        def call(self, x):
            return x * 2
    x = keras.Input(shape=(3,))
    y = L()(x)
    ```

    ## References
    - [Keras: making new layers and models via subclassing](https://keras.io/guides/making_new_layers_and_models_via_subclassing/)
    """

    code = "KC503"
    name = "call-returns-nothing"
    severity = "warning"

    def check(self, ctx):
        for _, cls, node in keras_classes(ctx):
            func = method(node, "call")
            if func is None or returns_value(func) or only_raises(func):
                continue
            loc = loc_of(ctx, func.name)
            if loc is not None:
                yield self.diagnostic(ctx, loc, f"`{cls.name}.call` returns nothing: calling the {cls.keras_kind} "
                                                f"gives None instead of a tensor. Return its output")

    VALID = ["import keras\nclass L(keras.layers.Layer):\n    def call(self, x):\n        return x * 2\n",
             "import keras\nclass Base(keras.layers.Layer):\n    def call(self, x):\n        raise NotImplementedError\n"]
    INVALID = [
        Invalid("import keras\nclass L(keras.layers.Layer):\n    def call(self, x):\n        y = x * 2\n"
                "x = keras.Input(shape=(3,))\ny = L()(x)\n", line=3, column=9, message="returns nothing"),
    ]
