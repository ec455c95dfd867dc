from __future__ import annotations

from ._data_format import channels_first_changed, channels_last
from ._facts import CONVOLUTIONS_2D, DATA_FORMAT_LAYERS, IMAGE_CHANNELS, POOLING, TRANSPARENT
from ._flow import flow_of
from ._syntax import in_file
from .base import Invalid, Rule, shape_text

# Layers between the input and the first convolution that keep the image layout.
_PASS = TRANSPARENT | {"Rescaling", "Normalization", "RandomFlip", "RandomRotation", "RandomZoom",
                       "RandomTranslation", "RandomContrast", "RandomBrightness"}


class ChannelsFirstInput(Rule):
    """## What it does
    Reports image data in channels-first layout, (C, H, W), fed to 2-D convolutions that expect channels last.

    It finds a 2-D convolution or pooling layer, with the default `data_format`, applied to a model
    input of shape (C, H, W) where C is 1, 3 or 4 and H and W are larger: the layout of PyTorch, of
    Theano-era Keras and of many arrays loaded as (N, 3, 32, 32). Layers that keep the layout in
    between (`Rescaling`, augmentation, dropout) are looked through. A script that sets the format
    itself (`keras.config.set_image_data_format`) is not checked.

    ## Why is this bad?
    Keras layers default to `data_format="channels_last"` (`keras.config.image_data_format()`): on
    (3, 32, 32) a `Conv2D` reads an image of 3 x 32 pixels with 32 channels. The model builds and
    trains, on the wrong axes: a 3x3 kernel slides over the channel axis, pooling halves the colour
    axis, and accuracy stays near chance.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(3, 32, 32))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    ```

    Use instead (the channels last, with the data transposed to match, e.g.
    `x_train.transpose(0, 2, 3, 1)`; or `data_format="channels_first"` on every image layer):
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    ```

    ## References
    - [Keras: image_data_format, keras/src/backend/config.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/config.py)
    - [Keras: Conv2D layer](https://keras.io/api/layers/convolution_layers/convolution2d/)
    """

    code = "KC607"
    name = "channels-first-input"
    severity = "warning"

    def check(self, ctx):
        if channels_first_changed(ctx):
            return
        flow = flow_of(ctx)
        seen = set()
        for call in flow.calls:
            layer = call.layer
            if layer.class_name not in CONVOLUTIONS_2D | POOLING or layer.class_name not in DATA_FORMAT_LAYERS:
                continue
            shape = call.shape
            if not channels_last(layer) or shape is None or len(shape) != 4 or not _looks_channels_first(shape):
                continue
            before = flow.previous(call)
            while before is not None and before.layer.class_name in _PASS:
                before = flow.previous(before)
            if before is not None:
                continue  # not the model's input
            loc = layer.loc if layer.loc is not None and in_file(layer.loc) else call.loc
            if not in_file(loc) or loc in seen:
                continue
            seen.add(loc)
            c, h, w = shape[1:]
            yield self.diagnostic(ctx, loc, f"{layer.class_name} '{layer.name}' reads {shape_text(shape)} as "
                                            f"{c} x {h} pixels with {w} channels (data_format defaults to "
                                            f"channels_last), but it looks like {c}-channel {h}x{w} images in "
                                            f"channels-first layout: use shape ({h}, {w}, {c}) and transpose the "
                                            f"data, or data_format='channels_first'")

    VALID = ["import keras\nx = keras.Input(shape=(32, 32, 3))\ny = keras.layers.Conv2D(8, 3)(x)\n",
             "import keras\nx = keras.Input(shape=(3, 32, 32))\ny = keras.layers.Conv2D(8, 3, data_format='channels_first')(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(3, 32, 32))\ny = keras.layers.Conv2D(8, 3, activation='relu')(x)\n",
                line=3, column=5, message="channels-first"),
        Invalid("import keras\nfrom keras import layers\nmodel = keras.Sequential([\n"
                "    layers.Conv2D(32, (3, 3), padding='same', activation='relu', input_shape=(3, 64, 64)),\n"
                "    layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10, activation='softmax')])\n",
                line=4, column=5),
    ]


def _looks_channels_first(shape) -> bool:
    c, h, w = shape[1:]
    return (all(isinstance(d, int) for d in (c, h, w)) and c in IMAGE_CHANNELS and h > 4 * c and w > 4 * c
            and w not in IMAGE_CHANNELS)
