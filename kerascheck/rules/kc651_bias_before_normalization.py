from __future__ import annotations

from ._flow import flow_of
from ._losses import layer_activation
from ._syntax import in_file
from .base import Invalid, Rule


class BiasBeforeNormalization(Rule):
    """## What it does
    Reports a `Dense` or convolution with a bias directly before `BatchNormalization` (opt-in).

    It finds a `Dense` or convolution layer without activation whose output goes straight into
    `BatchNormalization` while it keeps `use_bias=True` (the default). Opt-in: select `KC65` (or this
    code) to enable it.

    ## Why is this bad?
    `BatchNormalization` subtracts the batch mean of each channel, which removes any constant the layer
    added: the bias is a set of weights that never change the output, trained for nothing.
    `BatchNormalization`'s own `beta` is the offset.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(64, 3)(inputs)
    x = layers.BatchNormalization()(x)
    ```

    Use instead:
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(64, 3, use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    ```

    ## References
    - [Keras: BatchNormalization layer](https://keras.io/api/layers/normalization_layers/batch_normalization/)
    - [Keras: keras/src/layers/normalization/batch_normalization.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/normalization/batch_normalization.py)
    - Ioffe and Szegedy, "Batch Normalization", 2015 (section 3.2)
    """

    code = "KC651"
    name = "bias-before-normalization"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for before, layer, _ in flow_of(ctx).pairs():
            if layer.class_name != "BatchNormalization" or before.spec is None:
                continue
            if "units" not in before.spec.args and "filters" not in before.spec.args:
                continue
            if before.spec.args.get("use_bias", True) is not True or layer_activation(before) != "linear":
                continue
            if before.loc is None or not in_file(before.loc) or before.loc in seen:
                continue
            seen.add(before.loc)
            yield self.diagnostic(ctx, before.loc, f"{before.class_name} '{before.name}' adds a bias that the "
                                                   f"BatchNormalization after it subtracts again. Pass use_bias=False")

    VALID = ["import keras\nx = keras.Input(shape=(8, 8, 3))\nh = keras.layers.Conv2D(8, 3, use_bias=False)(x)\n"
             "h = keras.layers.BatchNormalization()(h)\n"]
    INVALID = [Invalid("import keras\nx = keras.Input(shape=(8, 8, 3))\nh = keras.layers.Conv2D(8, 3)(x)\n"
                       "h = keras.layers.BatchNormalization()(h)\n", line=3, column=5, message="use_bias=False")]
