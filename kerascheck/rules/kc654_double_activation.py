from __future__ import annotations

from ._flow import flow_of
from ._losses import is_activation_only, layer_activation
from ._syntax import in_file
from .base import Invalid, Rule


class DoubleActivation(Rule):
    """## What it does
    Reports an activation applied to the output of a layer that already has one (opt-in).

    It finds an `Activation` layer (or `ReLU`, `Softmax`, `LeakyReLU`, ...) whose input comes straight
    from a layer that already applies a non-linear activation, such as `Dense(64, activation="relu")`
    followed by `Activation("relu")` (NeuraLint's checkDoubleActivation). Opt-in: select `KC65` (or
    this code) to enable it.

    ## Why is this bad?
    relu after relu does nothing but cost; softmax after softmax flattens the distribution towards
    uniform; sigmoid after tanh squeezes the range. It is usually a leftover of moving the activation
    from the layer to its own line.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(20,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Activation("relu")(x)
    ```

    Use instead:
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(20,))
    x = layers.Dense(64)(inputs)
    x = layers.Activation("relu")(x)
    ```

    ## References
    - [Keras: keras/src/layers/activations/activation.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/activations/activation.py)
    - [Keras: layer activation functions](https://keras.io/api/layers/activations/)
    - Nikanjam et al., NeuraLint, TOSEM 2021 (checkDoubleActivation)
    """

    code = "KC654"
    name = "double-activation"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for before, layer, call in flow_of(ctx).pairs():
            if not is_activation_only(layer) or is_activation_only(before):
                continue
            first, second = layer_activation(before), layer_activation(layer)
            if first in (None, "linear") or second in (None, "linear"):
                continue
            loc = layer.loc if layer.loc is not None else call.loc if call is not None else None
            if loc is None or not in_file(loc) or loc in seen:
                continue
            seen.add(loc)
            yield self.diagnostic(ctx, loc, f"{second} applied to the output of {before.class_name} '{before.name}', "
                                            f"which already applies {first}: keep one of them")

    VALID = ["import keras\nx = keras.Input(shape=(8,))\nh = keras.layers.Dense(8)(x)\nh = keras.layers.Activation('relu')(h)\n"]
    INVALID = [Invalid("import keras\nx = keras.Input(shape=(8,))\nh = keras.layers.Dense(8, activation='relu')(x)\n"
                       "h = keras.layers.Activation('relu')(h)\n", line=4, column=5, message="already applies relu")]
