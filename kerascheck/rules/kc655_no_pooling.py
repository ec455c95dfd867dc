from __future__ import annotations

from ._flow import flow_of
from ._smells import chains, stride_one
from ._syntax import in_file
from .base import Invalid, Rule

LIMIT = 5  # NeuraLint's checkLackofPooling flags long runs of convolutions without downsampling


class NoPooling(Rule):
    """## What it does
    Reports five or more convolutions in a row with no pooling or stride (opt-in).

    It finds a chain of at least five convolutions with stride 1 and no pooling in between (NeuraLint's
    checkLackofPooling); batch normalization, activations, dropout and padding do not break the chain.
    Opt-in: select `KC65` (or this code) to enable it.

    ## Why is this bad?
    Without downsampling every layer works at full resolution: the receptive field grows by only a few
    pixels per layer, memory and compute stay at their maximum, and the deep layers still see local
    patterns.

    ## Example
    ```python
    import keras
    from keras import layers
    x = inputs = keras.Input(shape=(64, 64, 3))
    for _ in range(6):
        x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    ```

    Use instead:
    ```python
    import keras
    from keras import layers
    x = inputs = keras.Input(shape=(64, 64, 3))
    for i in range(6):
        x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
        if i % 2:
            x = layers.MaxPooling2D()(x)
    ```

    ## References
    - [Keras: keras/src/layers/pooling/base_pooling.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/pooling/base_pooling.py)
    - Nikanjam et al., NeuraLint, TOSEM 2021 (checkLackofPooling)
    """

    code = "KC655"
    name = "no-pooling"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for chain in chains(flow_of(ctx)):
            if len(chain) != LIMIT or not all(stride_one(l) for l in chain):
                continue
            layer = chain[0]
            if layer.loc is None or not in_file(layer.loc) or layer.loc in seen:
                continue
            seen.add(layer.loc)
            yield self.diagnostic(ctx, layer.loc, f"{LIMIT} convolutions in a row with stride 1 and no pooling up to "
                                                  f"{layer.class_name} '{layer.name}': downsample (pooling or strides=2) "
                                                  f"between them")

    VALID = ["import keras\nx = keras.Input(shape=(32, 32, 3))\nfor i in range(6):\n"
             "    x = keras.layers.Conv2D(8, 3, padding='same')(x)\n    if i % 2:\n"
             "        x = keras.layers.MaxPooling2D()(x)\n"]
    INVALID = [Invalid("import keras\nx = keras.Input(shape=(32, 32, 3))\nfor _ in range(6):\n"
                       "    x = keras.layers.Conv2D(8, 3, padding='same')(x)\n", line=4, column=9)]
