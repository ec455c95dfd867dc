from __future__ import annotations

from ..models import Sequential
from ._flow import flow_of
from ._syntax import in_file
from .base import Invalid, Rule, shape_text


class IgnoredInputShape(Rule):
    """## What it does
    Reports `input_shape=` or `input_dim=` on a layer that is not the first one, which Keras ignores.

    It finds `input_shape=` / `input_dim=` given to a layer of a `Sequential` model other than its first
    (or to the first when the model already starts with an `Input` of another shape), and to a layer
    called on a tensor whose shape differs from the one declared.

    ## Why is this bad?
    Only the first layer of a `Sequential` model turns `input_shape` into an `Input`; on any other
    layer, and on a layer called in a functional graph, the argument is dropped without an error. The
    shape the author believes the layer receives is not the one it gets: usually the data was meant to
    be reshaped, or the layer was meant to come first.

    ## Example
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([
        layers.Dense(64, activation="relu", input_shape=(784,)),
        layers.Dense(32, activation="relu", input_shape=(128,)),
    ])
    ```

    Use instead (one `Input` for the model's input, first):
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(32, activation="relu"),
    ])
    ```

    ## References
    - [Keras: specifying the input shape in advance](https://keras.io/guides/sequential_model/#specifying-the-input-shape-in-advance)
    - [Keras: the input_shape argument, keras/src/layers/layer.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/layer.py)
    - [Keras: keras/src/models/sequential.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/models/sequential.py)
    """

    code = "KC610"
    name = "ignored-input-shape"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        found = []
        for model in ctx.result.keras.models:
            if not isinstance(model, Sequential):
                continue
            layers = model.layers
            for i, layer in enumerate(layers):
                declared = layer.spec.input_shape_arg if layer.spec is not None else None
                if declared is None:
                    continue
                if i > 0:
                    found.append((layer, declared, f"it is layer {i + 1} of Sequential '{model.name}': only the "
                                                   f"first layer's input shape is used"))
                elif model.stack and model.stack[0].loc != layer.loc and getattr(model.stack[0], "batch_shape", None):
                    real = tuple(model.stack[0].batch_shape[1:])
                    if real != tuple(declared):
                        found.append((layer, declared, f"the model starts with an Input of shape {shape_text(real)}"))
        for call in flow_of(ctx).calls:
            declared = call.layer.spec.input_shape_arg if call.layer.spec is not None else None
            shape = call.shape
            if declared is None or shape is None or tuple(shape[1:]) == tuple(declared):
                continue
            found.append((call.layer, declared, f"it is called on {shape_text(shape)}"))
        for layer, declared, why in found:
            if layer.loc is None or not in_file(layer.loc) or layer.loc in seen:
                continue
            seen.add(layer.loc)
            yield self.diagnostic(ctx, layer.loc, f"{layer.class_name} '{layer.name}' declares input shape "
                                                  f"{shape_text(declared)}, which Keras ignores: {why}. Remove it, "
                                                  f"or move it to the first layer (keras.Input)")

    VALID = ["import keras\nm = keras.Sequential([keras.layers.Dense(8, input_shape=(4,)), keras.layers.Dense(2)])\n"]
    INVALID = [
        Invalid("import keras\nfrom keras import layers\nmodel = keras.Sequential()\n"
                "model.add(layers.Dense(64, activation='relu', input_dim=784))\n"
                "model.add(layers.Dense(32, activation='relu', input_dim=64))\n", line=5, column=11,
                message="only the first layer"),
        Invalid("import keras\nx = keras.Input(shape=(10,))\ny = keras.layers.Dense(4, input_shape=(20,))(x)\n",
                line=3, column=5, message="called on (None, 10)"),
    ]
