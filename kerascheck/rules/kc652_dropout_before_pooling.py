from __future__ import annotations

from ._facts import POOLING
from ._flow import flow_of
from ._syntax import in_file
from .base import Invalid, Rule

_DROPOUT = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout", "AlphaDropout"}


class DropoutBeforePooling(Rule):
    """## What it does
    Reports a dropout layer applied right before a pooling layer (opt-in).

    It finds a dropout layer whose output goes straight into max or average pooling (NeuraLint's
    checkDropoutBeforePooling). Opt-in: select `KC65` (or this code) to enable it.

    ## Why is this bad?
    Max pooling keeps the largest value of each window, so most dropped positions are discarded anyway
    and the regularisation is weaker and harder to reason about than intended; the usual order is
    pooling, then dropout.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Dropout(0.25)(x)
    x = layers.MaxPooling2D()(x)
    ```

    Use instead:
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.25)(x)
    ```

    ## References
    - [Keras: keras/src/layers/regularization/dropout.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/regularization/dropout.py)
    - [Keras: keras/src/layers/pooling/base_pooling.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/pooling/base_pooling.py)
    - Nikanjam et al., NeuraLint, TOSEM 2021 (checkDropoutBeforePooling)
    """

    code = "KC652"
    name = "dropout-before-pooling"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for before, layer, _ in flow_of(ctx).pairs():
            if before.class_name in _DROPOUT and layer.class_name in POOLING:
                if before.loc is None or not in_file(before.loc) or before.loc in seen:
                    continue
                seen.add(before.loc)
                yield self.diagnostic(ctx, before.loc, f"{before.class_name} '{before.name}' feeds "
                                                       f"{layer.class_name} '{layer.name}': pool first, then drop out")

    VALID = ["import keras\nm = keras.Sequential([keras.layers.MaxPooling2D(), keras.layers.Dropout(0.25)])\n"]
    INVALID = [Invalid("import keras\nm = keras.Sequential([keras.layers.Conv2D(8, 3), keras.layers.Dropout(0.25),\n"
                       "                         keras.layers.MaxPooling2D()])\n", line=2, column=50)]
