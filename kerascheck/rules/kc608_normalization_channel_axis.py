from __future__ import annotations

from ._data_format import channels_first_changed, channels_last
from ._facts import DATA_FORMAT_LAYERS, TRANSPARENT
from ._flow import flow_of
from ._losses import is_activation_only
from ._syntax import in_file
from .base import Invalid, Rule, shape_text


class NormalizationChannelAxis(Rule):
    """## What it does
    Reports a `BatchNormalization(axis=1)` on channels-last feature maps, where it normalises a spatial axis.

    It finds a `BatchNormalization` whose `axis` is not the last one, applied to the output of a
    convolution or pooling layer that uses the default channels_last layout (directly or through
    activations and dropout), in a functional graph, a subclassed model or a `Sequential` list.

    ## Why is this bad?
    `axis` is the channel axis `BatchNormalization` keeps one mean and variance for. `axis=1` is right
    for channels_first data (Theano-era and PyTorch code); on (None, 26, 26, 32) maps it normalises
    each row of the image with its own statistics and shares them across the 32 channels. Nothing
    fails: the model trains worse, and differently at inference.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.BatchNormalization(axis=1)(x)
    ```

    Use instead (the default `axis=-1`, the channels):
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    ```

    ## References
    - [Keras: BatchNormalization layer](https://keras.io/api/layers/normalization_layers/batch_normalization/)
    - [Keras: axis, keras/src/layers/normalization/batch_normalization.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/normalization/batch_normalization.py)
    """

    code = "KC608"
    name = "normalization-channel-axis"
    severity = "warning"

    def check(self, ctx):
        if channels_first_changed(ctx):
            return
        flow = flow_of(ctx)
        seen = set()
        for before, layer, call in flow.pairs():
            if layer.class_name != "BatchNormalization" or layer.spec is None:
                continue
            axis = layer.spec.args.get("axis", -1)
            axes = axis if isinstance(axis, (list, tuple)) else [axis]
            if not all(isinstance(a, int) for a in axes):
                continue
            if call is not None:
                producer = flow.previous(call)
                while producer is not None and (producer.layer.class_name in TRANSPARENT
                                                or is_activation_only(producer.layer)):
                    producer = flow.previous(producer)
                source = producer.layer if producer is not None else None
                rank = len(call.shape) if call.shape is not None else None
            else:
                source, rank = before, _rank_of(before)
            if source is None or source.class_name not in DATA_FORMAT_LAYERS or not channels_last(source) or not rank:
                continue
            if rank < 3 or all(a in (-1, rank - 1) for a in axes):
                continue
            if not in_file(layer.loc) or layer.loc in seen:
                continue
            seen.add(layer.loc)
            shape = shape_text(call.shape) if call is not None and call.shape is not None else f"rank-{rank}"
            yield self.diagnostic(ctx, layer.loc, f"BatchNormalization(axis={axis}) on the {shape} channels-last "
                                                  f"output of {source.class_name} '{source.name}': axis {axis} is a "
                                                  f"spatial axis, the channels are axis -1. Remove axis= (or use "
                                                  f"data_format='channels_first' throughout)")

    VALID = ["import keras\nx = keras.Input(shape=(28, 28, 1))\nh = keras.layers.Conv2D(8, 3)(x)\n"
             "h = keras.layers.BatchNormalization()(h)\n",
             "import keras\nx = keras.Input(shape=(1, 28, 28))\nh = keras.layers.Conv2D(8, 3, data_format='channels_first')(x)\n"
             "h = keras.layers.BatchNormalization(axis=1)(h)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(28, 28, 1))\nh = keras.layers.Conv2D(8, 3, activation='relu')(x)\n"
                "h = keras.layers.BatchNormalization(axis=1)(h)\n", line=4, column=5, message="spatial axis"),
    ]


_RANKS = {"1D": 3, "2D": 4, "3D": 5}


def _rank_of(layer) -> int | None:
    """A layer's output rank from its class name alone (Conv2D: 4), for layers never called."""
    return next((rank for suffix, rank in _RANKS.items() if layer.class_name.endswith(suffix)), None)
