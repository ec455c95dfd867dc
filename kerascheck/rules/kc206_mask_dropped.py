from __future__ import annotations

from ._syntax import in_file
from .base import Invalid, Rule


class MaskDropped(Rule):
    """## What it does
    Reports a layer without mask support that receives a masked tensor (`Embedding(mask_zero=True)`
    followed by `Flatten`): Keras drops the mask with only a warning.

    ## Why is this bad?
    `Embedding(mask_zero=True)` and `Masking` attach a mask to their output so that recurrent,
    attention and pooling layers skip the padding. A layer without mask support (`Flatten`,
    `Conv1D`, `Reshape`, `GlobalMaxPooling1D`, a nested `Model`...) passes its input on without it:
    Keras only logs a warning, and every layer after it treats the padding as data.

    ## Example
    ```python
    import keras
    from keras import layers
    x_in = keras.Input((20,), dtype="int32")
    x = layers.Embedding(100, 8, mask_zero=True)(x_in)
    x = layers.Flatten()(x)
    ```

    Use instead (the layers that need the mask before the one that drops it, or a layer that supports
    masking, such as `GlobalAveragePooling1D` instead of `Flatten`):
    ```python
    import keras
    from keras import layers
    x_in = keras.Input((20,), dtype="int32")
    x = layers.Embedding(100, 8, mask_zero=True)(x_in)
    x = layers.GlobalAveragePooling1D()(x)
    ```

    ## References
    - [Keras: understanding masking and padding](https://keras.io/guides/understanding_masking_and_padding/)
    - [Keras: the masking warning in keras/src/layers/layer.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/layer.py)
    """

    code = "KC206"
    name = "mask-dropped"
    severity = "warning"

    def check(self, ctx):
        keras = ctx.result.keras
        layers = list(keras.layers)  # built-in layers, then users' layers found in the models
        seen = {id(layer) for layer in layers}
        for model in keras.models:
            for layer in getattr(model, "layers", []):
                if id(layer) not in seen:
                    seen.add(id(layer))
                    layers.append(layer)
        for layer in layers:
            for node in layer.nodes:
                if getattr(node, "dropped_mask", False) and in_file(node.loc):
                    mask = node.inputs[0].mask if node.inputs else None
                    origin = getattr(mask, "mask_origin", None)
                    source = f" (made by '{origin.name}')" if origin is not None else ""
                    yield self.diagnostic(
                        ctx, node.loc,
                        f"'{layer.name}' ({layer.class_name}) does not support masking: the mask of its input"
                        f"{source} is dropped here and the layers after it see the padding as data. Use a layer "
                        "that supports masking, or move this layer after the ones that need the mask",
                    )

    VALID = [
        "import keras\nfrom keras import layers\nx_in = keras.Input((20,), dtype='int32')\n"
        "x = layers.Embedding(100, 8, mask_zero=True)(x_in)\nx = layers.LSTM(4)(x)\nx = layers.Flatten()(x)\n",
        "import keras\nfrom keras import layers\nx_in = keras.Input((20,), dtype='int32')\n"
        "x = layers.Embedding(100, 8)(x_in)\nx = layers.Flatten()(x)\n",
    ]
    INVALID = [
        Invalid("import keras\nfrom keras import layers\nx_in = keras.Input((20,), dtype='int32')\n"
                "x = layers.Embedding(100, 8, mask_zero=True)(x_in)\nx = layers.Flatten()(x)\n",
                line=5, column=5, message="'flatten' (Flatten) does not support masking"),
        Invalid("import keras\nfrom keras import layers\nx_in = keras.Input((10, 3))\n"
                "x = layers.Masking()(x_in)\nx = layers.Conv1D(4, 3)(x)\nx = layers.LSTM(2)(x)\n",
                line=5, column=5, message="(made by 'masking')"),
    ]
