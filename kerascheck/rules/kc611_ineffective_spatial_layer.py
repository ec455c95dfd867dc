from __future__ import annotations

from ._data_format import channels_last
from ._facts import POOLING, SPATIAL
from ._flow import flow_of
from ._syntax import in_file
from .base import Invalid, Rule, shape_text

_WORK = (SPATIAL - {"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
                    "Cropping1D", "Cropping2D", "Cropping3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"})


class IneffectiveSpatialLayer(Rule):
    """## What it does
    Reports a convolution or pooling layer applied to a 1x1 map, where its window has nothing to slide over.

    It finds a convolution with a kernel larger than 1, or a pooling layer, whose input has already been
    reduced to a single position on every spatial axis, with channels last (NeuraLint's
    checkInvFilterSize).

    ## Why is this bad?
    On a 1x1 map (`padding="same"`) a 3x3 convolution only ever uses the centre of its kernel: 8/9 of
    its weights are dead parameters, and a pooling layer returns its input unchanged. The network
    downsampled too early or is too deep for the input size; the layers after that point add cost and
    no spatial features.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(4, 4, 3))
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(128, 3, padding="same", activation="relu")(x)
    ```

    Use instead (a dense head once the map is 1x1; or fewer downsampling stages, or a larger input):
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(4, 4, 3))
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dense(128, activation="relu")(x)
    ```

    ## References
    - [Keras: keras/src/layers/convolutional/base_conv.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/convolutional/base_conv.py)
    - [Keras: keras/src/layers/pooling/base_pooling.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/pooling/base_pooling.py)
    - Nikanjam et al., "Automatic fault detection for deep learning programs using graph
      transformations" (NeuraLint), TOSEM 2021
    """

    code = "KC611"
    name = "ineffective-spatial-layer"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for call in flow_of(ctx).calls:
            layer = call.layer
            if layer.class_name not in _WORK or layer.spec is None or not channels_last(layer):
                continue
            shape = call.shape
            if shape is None or len(shape) < 3 or not all(d == 1 for d in shape[1:-1]):
                continue
            window = layer.spec.args.get("pool_size" if layer.class_name in POOLING else "kernel_size")
            sizes = list(window) if isinstance(window, (tuple, list)) else [window] * (len(shape) - 2)
            if layer.class_name not in POOLING and all(s == 1 for s in sizes):
                continue  # a 1x1 convolution is a per-position Dense, not wasted
            loc = call.loc if call.loc is not None else layer.loc
            if loc is None or not in_file(loc) or loc in seen:
                continue
            seen.add(loc)
            what = "returns its input unchanged" if layer.class_name in POOLING else (
                f"uses only the centre of its {'x'.join(str(s) for s in sizes)} kernel")
            yield self.diagnostic(ctx, loc, f"{layer.class_name} '{layer.name}' gets {shape_text(shape)}, a single "
                                            f"position: it {what}. Flatten and use Dense from here, or downsample less")

    VALID = ["import keras\nx = keras.Input(shape=(8, 8, 3))\ny = keras.layers.Conv2D(8, 3, padding='same')(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(2, 2, 16))\nh = keras.layers.MaxPooling2D()(x)\n"
                "y = keras.layers.Conv2D(32, 3, padding='same')(h)\n", line=4, column=5, message="single position"),
    ]
