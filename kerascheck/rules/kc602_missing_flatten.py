from __future__ import annotations

from ._facts import RECURRENT, SPATIAL
from ._flow import flow_of
from ._losses import compiled, is_activation_only
from .base import Invalid, Rule, shape_text


class MissingFlatten(Rule):
    """## What it does
    Reports a classifier whose output still has spatial axes: a `Flatten` is probably missing.

    It looks at outputs compiled with a crossentropy loss that still have positions: a `Dense` applied
    to convolution, pooling or recurrent features of rank 3 or more, or a convolution or pooling layer
    as the output itself (a feature map with no head), in any model style. Dense predictions are not
    reported: an output with one prediction per position of the input (segmentation, sequence tagging)
    is what those models mean. One case is reported although its positions match: a single sigmoid unit
    per time step with `binary_crossentropy`, the shape of a per-sequence classifier whose last
    recurrent layer still returns sequences.

    ## Why is this bad?
    `Dense` acts on the last axis only: on features of shape (None, 26, 26, 32) it returns
    (None, 26, 26, 10), one prediction per position, not per image. Labels of shape (batch, 10) are
    broadcast against it and the model trains without an error on the wrong problem, or fails later
    when `predict()` returns a map.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    ```

    Use instead (`Flatten` or global pooling before the head; for a recurrent classifier,
    `return_sequences=False` on the last recurrent layer):
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    ```

    ## References
    - [Keras: Dense on the last axis, keras/src/layers/core/dense.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/core/dense.py)
    - [Keras: squeeze_or_expand_to_same_rank, keras/src/losses/loss.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/losses/loss.py)
    """

    code = "KC602"
    name = "missing-flatten"
    severity = "warning"

    def check(self, ctx):
        flow = flow_of(ctx)
        for c in compiled(ctx):
            head, loss = c.head, c.loss
            if not loss.crossentropy or head.shape is None or len(head.shape) < 3 or head.call is None:
                continue
            call = head.call
            if is_activation_only(call.layer):
                call = flow.previous(call)
            if call is None:
                continue
            source = flow.previous(call)
            source_class = source.layer.class_name if source is not None else ""
            dense = call.layer.class_name == "Dense"
            if not dense and call.layer.class_name not in SPATIAL:
                continue
            positions = _positions(c.model_input)
            per_step = (loss.fact.kind == "binary" and head.units == 1 and len(head.shape) == 3
                        and source_class in RECURRENT)
            if positions is not None and tuple(head.shape[1:-1]) == positions and not per_step:
                continue  # one prediction per input position: segmentation or tagging
            if dense:
                seen = shape_text(call.shape) if call.shape else "features"
                what = (f"Dense '{call.layer.name}' (line {call.loc.line}) is applied to {seen} "
                        f"{'sequences' if per_step else 'features'}, one prediction per position")
                fix = ("Set return_sequences=False on the last recurrent layer (or add pooling)" if per_step
                       else "Add Flatten() (or GlobalAveragePooling) before it")
            else:
                what = f"the output is the feature map of {call.layer.class_name} '{call.layer.name}' (line {call.loc.line})"
                fix = "Add Flatten() (or GlobalAveragePooling) and a Dense head"
            yield self.diagnostic(ctx, c.event.loc,
                                  f"compiled with {loss.text} but the output is {shape_text(head.shape)}: {what}. {fix}")

    VALID = ["import keras\nx = keras.Input(shape=(8, 8, 3))\nh = keras.layers.Conv2D(4, 3)(x)\n"
             "h = keras.layers.Flatten()(h)\nm = keras.Model(x, keras.layers.Dense(10, activation='softmax')(h))\n"
             "m.compile(loss='categorical_crossentropy')\n",
             "import keras\nx = keras.Input(shape=(32, 32, 3))\nh = keras.layers.Conv2D(8, 3, padding='same')(x)\n"
             "m = keras.Model(x, keras.layers.Conv2D(5, 1, activation='softmax')(h))\n"
             "m.compile(loss='sparse_categorical_crossentropy')\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(8, 8, 3))\nh = keras.layers.Conv2D(4, 3)(x)\n"
                "m = keras.Model(x, keras.layers.Dense(10, activation='softmax')(h))\n"
                "m.compile(optimizer='adam', loss='categorical_crossentropy')\n", line=5, column=1,
                message="(None, 6, 6, 10)"),
        Invalid("import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(100,)),\n"
                "    layers.Embedding(5000, 32), layers.LSTM(64, return_sequences=True),\n"
                "    layers.Dense(1, activation='sigmoid')])\n"
                "model.compile(optimizer='adam', loss='binary_crossentropy')\n", line=6, column=1,
                message="return_sequences=False"),
    ]


def _positions(input_shape) -> tuple | None:
    """The positions of the model's input: (None, 100) tokens have 100, (None, 28, 28, 1) images 28x28."""
    if not input_shape:
        return None
    return tuple(input_shape[1:]) if len(input_shape) == 2 else tuple(input_shape[1:-1])
