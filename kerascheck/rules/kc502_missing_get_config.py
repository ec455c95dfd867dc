from __future__ import annotations

import libcst as cst

from ._classes import keras_classes, method
from ._syntax import loc_of
from .base import Invalid, Rule


class MissingGetConfig(Rule):
    """## What it does
    Reports a custom layer that takes constructor arguments and has neither `get_config` nor
    `**kwargs`.

    ## Why is this bad?
    Saving a model stores each layer's `get_config()`; loading calls `cls(**config)`. Without a
    `get_config` Keras 3 records the constructor arguments automatically, but its config also holds
    `name`, `trainable` and `dtype`: an `__init__` that does not accept `**kwargs` makes
    `keras.models.load_model` raise `TypeError: __init__() got an unexpected keyword argument
    'trainable'`, so the model can be saved but never loaded.

    ## Example
    ```python
    import keras
    class Linear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            self.units = units
    ```

    Use instead (accept `**kwargs` and pass them on, and return every argument from `get_config`):
    ```python
    import keras
    class Linear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.input_dim = input_dim

        def get_config(self):
            return {**super().get_config(), "units": self.units, "input_dim": self.input_dim}
    ```

    ## References
    - [Keras: making new layers, serialization](https://keras.io/guides/making_new_layers_and_models_via_subclassing/)
    - [Keras: serialization and saving](https://keras.io/guides/serialization_and_saving/)
    """

    code = "KC502"
    name = "missing-get-config"
    severity = "warning"

    def check(self, ctx):
        for _, cls, node in keras_classes(ctx):
            if cls.keras_kind != "layer" or cls.find("get_config") is not None or cls.builtin_layer is not None:
                continue
            init = method(node, "__init__")
            if init is None or isinstance(init.params.star_kwarg, cst.Param):
                continue
            params = [p.name.value for p in (*init.params.posonly_params, *init.params.params,
                                             *init.params.kwonly_params)][1:]
            if not params:
                continue
            loc = loc_of(ctx, init.name)
            if loc is None:
                continue
            names = ", ".join(f"`{p}`" for p in params)
            yield self.diagnostic(
                ctx, loc,
                f"`{cls.name}.__init__` takes {names} but the layer has no get_config() and no **kwargs: "
                f"its automatic config adds `name`/`trainable`/`dtype`, so loading a saved model raises "
                f"TypeError. Accept **kwargs (pass them to super().__init__) and define get_config()",
            )

    VALID = [
        "import keras\nclass L(keras.layers.Layer):\n    def __init__(self, units=32, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n    def get_config(self):\n"
        "        return {**super().get_config(), 'units': self.units}\n",
    ]
    INVALID = [
        Invalid("import keras\nclass Linear(keras.layers.Layer):\n    def __init__(self, units=32, input_dim=32):\n"
                "        super().__init__()\n        self.units = units\n", line=3, column=9,
                message="`units`, `input_dim`"),
    ]
