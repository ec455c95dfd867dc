from __future__ import annotations

from ._flow import flow_of
from ._losses import layer_units
from ._smells import THROUGH_POOLING, chains
from ._syntax import in_file
from .base import Invalid, Rule

_DECODERS = {"UpSampling1D", "UpSampling2D", "UpSampling3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"}


class ShrinkingFilters(Rule):
    """## What it does
    Reports a convolution with fewer filters than the one before it, in an encoder (opt-in).

    It finds a convolution whose filter count is smaller than the previous convolution's in the same
    chain (NeuraLint's checkNonIncreasingFilters). Scripts with upsampling or transposed convolutions
    (decoders, which shrink on purpose) are not checked. Opt-in: select `KC65` (or this code) to
    enable it.

    ## Why is this bad?
    A convolutional encoder trades resolution for features: deeper layers see larger patterns and need
    more channels. Shrinking the channels while the map shrinks too throws away capacity where the
    network needs it most.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(128, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    ```

    Use instead:
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(64, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(128, 3, activation="relu")(x)
    ```

    ## References
    - [Keras: keras/src/layers/convolutional/base_conv.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/convolutional/base_conv.py)
    - Nikanjam et al., NeuraLint, TOSEM 2021 (checkNonIncreasingFilters)
    """

    code = "KC653"
    name = "shrinking-filters"
    severity = "warning"

    def check(self, ctx):
        if any(l.class_name in _DECODERS for l in ctx.result.keras.layers):
            return
        seen = set()
        for chain in chains(flow_of(ctx), THROUGH_POOLING):
            if len(chain) < 2:
                continue
            layer, before = chain[0], chain[1]
            now, then = layer_units(layer), layer_units(before)
            if now is None or then is None or now >= then:
                continue
            if layer.loc is None or not in_file(layer.loc) or layer.loc in seen:
                continue
            seen.add(layer.loc)
            yield self.diagnostic(ctx, layer.loc, f"{layer.class_name} '{layer.name}' has {now} filters after "
                                                  f"{then} in '{before.name}': an encoder usually widens as it deepens")

    VALID = ["import keras\nx = keras.Input(shape=(32, 32, 3))\nh = keras.layers.Conv2D(32, 3)(x)\n"
             "h = keras.layers.Conv2D(64, 3)(h)\n"]
    INVALID = [Invalid("import keras\nx = keras.Input(shape=(32, 32, 3))\nh = keras.layers.Conv2D(64, 3)(x)\n"
                       "h = keras.layers.MaxPooling2D()(h)\nh = keras.layers.Conv2D(32, 3)(h)\n", line=5, column=5)]
