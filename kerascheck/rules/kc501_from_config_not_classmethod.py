from __future__ import annotations

from ._classes import decorated_as, keras_classes, method
from ._syntax import loc_of
from .base import Invalid, Rule


class FromConfigNotClassmethod(Rule):
    """## What it does
    Reports `from_config` of a custom layer or model defined without `@classmethod`.

    ## Why is this bad?
    Keras rebuilds layers with `cls.from_config(config)`: when restoring a saved model, cloning it,
    or in code such as `CustomDense.from_config(config)`. Without `@classmethod` the config binds to
    `cls` and Python raises `TypeError: from_config() missing 1 required positional argument:
    'config'` wherever it is called (that call is reported as KC402). This rule reports the
    definition itself, even when the script never calls it, since saving and loading the model will.
    It is a warning because the `def` line itself runs fine.

    ## Example
    ```python
    import keras
    class L(keras.layers.Layer):
        def get_config(self):
            return {}

        def from_config(cls, config):
            return cls(**config)
    ```

    Use instead:
    ```python
    import keras
    class L(keras.layers.Layer):
        def get_config(self):
            return {}

        @classmethod
        def from_config(cls, config):
            return cls(**config)
    ```

    ## References
    - [Keras: serialization and saving, custom objects](https://keras.io/guides/serialization_and_saving/)
    - [Keras: Layer.from_config, keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/ops/operation.py)
    """

    code = "KC501"
    name = "from-config-not-classmethod"
    severity = "warning"

    def check(self, ctx):
        error = ctx.result.error
        for _, cls, node in keras_classes(ctx):
            func = method(node, "from_config")
            if func is None or decorated_as(func, "classmethod", "staticmethod"):
                continue
            loc = loc_of(ctx, func.name)
            if loc is None:
                continue
            raised = ""
            if error is not None and error.kind == "TypeError" and f"{cls.name}.from_config()" in error.message:
                raised = f", as the call at line {error.loc.line} does"
            yield self.diagnostic(
                ctx, loc,
                f"`{cls.name}.from_config` is not a classmethod: `{cls.name}.from_config(config)` and loading a "
                f"saved model raise TypeError (the config binds to `cls`){raised}. Add @classmethod",
            )

    VALID = ["import keras\nclass L(keras.layers.Layer):\n    @classmethod\n    def from_config(cls, config):\n"
             "        return cls(**config)\n"]
    INVALID = [
        Invalid("import keras\nclass L(keras.layers.Layer):\n    def get_config(self):\n        return {}\n\n"
                "    def from_config(cls, config):\n        return cls(**config)\n", line=6, column=9,
                message="Add @classmethod"),
    ]
