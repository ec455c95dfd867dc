from __future__ import annotations

from ._facts import ACTIVATION_ARGUMENT
from ._flow import flow_of
from ._losses import compiled, is_activation_only, layer_activation, layer_units
from ._syntax import in_file
from .base import Invalid, Rule, shape_text


class SoftmaxSingleUnit(Rule):
    """## What it does
    Reports a softmax over a last axis of size one, whose output is always 1.0.

    The softmax is found however it is written: the `activation` of a `Dense` or convolution with one
    unit or filter, an `Activation("softmax")` or `Softmax` layer (or `keras.activations.softmax`,
    `keras.ops.softmax`) after one, in a `Sequential` list, a functional graph or a subclassed model's
    `call()`.

    ## Why is this bad?
    Softmax normalises over the last axis so that the values sum to 1; over one unit every output is
    exactly 1.0 whatever the input, the gradient is zero and the model learns nothing. It usually comes
    from a binary classifier written like a multi-class one, or a one-channel segmentation mask given
    the multi-class activation.

    ## Example
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(1, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ```

    Use instead (a sigmoid for one unit, or one unit per class with the softmax):
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ```

    ## References
    - [Keras: softmax, keras/src/activations/activations.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/activations/activations.py)
    - [Keras: layer activation functions](https://keras.io/api/layers/activations/)
    """

    code = "KC601"
    name = "softmax-single-unit"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        flow = flow_of(ctx)
        found = []
        for layer in ctx.result.keras.layers:
            if (layer.class_name in ACTIVATION_ARGUMENT and layer.class_name != "Activation"
                    and layer_units(layer) == 1 and layer_activation(layer) == "softmax"):
                found.append((layer.loc, f"{layer.class_name}(1, activation=softmax)"))
        for call in flow.calls:
            if is_activation_only(call.layer) and layer_activation(call.layer) == "softmax" and _last_is_one(call):
                loc = call.layer.loc if call.layer.loc is not None and in_file(call.layer.loc) else call.loc
                found.append((loc, f"a softmax {_what(call.layer)} on {shape_text(call.shape)}"))
        for before, after, call in flow.pairs():
            if (call is None and is_activation_only(after) and layer_activation(after) == "softmax"
                    and layer_units(before) == 1):
                found.append((after.loc, f"a softmax layer after {before.class_name}(1)"))
        for c in compiled(ctx):
            head = c.head
            if head.activation == "softmax" and head.source is not None and layer_units(head.source) == 1:
                found.append((head.loc, f"softmax applied to {head.source.class_name}(1)"))
        for loc, what in found:
            if loc is not None and in_file(loc) and (loc.line, loc.column) not in seen:
                seen.add((loc.line, loc.column))
                yield self.diagnostic(ctx, loc, f"{what}: softmax over a single unit always outputs 1.0 (the model "
                                                f"cannot learn). Use activation='sigmoid' for a binary output, or one "
                                                f"unit per class")

    VALID = ["import keras\nx = keras.Input(shape=(4,))\ny = keras.layers.Dense(1, activation='sigmoid')(x)\n",
             "import keras\nx = keras.Input(shape=(4,))\ny = keras.layers.Dense(3, activation='softmax')(x)\n",
             "import keras\nm = keras.Sequential([keras.layers.Dense(2), keras.layers.Activation('softmax')])\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(4,))\ny = keras.layers.Dense(1, activation='softmax')(x)\n",
                line=3, column=5, message="always outputs 1.0"),
        Invalid("import keras\nx = keras.Input(shape=(4,))\nh = keras.layers.Dense(1)(x)\n"
                "y = keras.layers.Activation('softmax')(h)\n", line=4, column=5),
        Invalid("import keras\nfrom keras import layers\nmodel = keras.Sequential()\nmodel.add(layers.Dense(16))\n"
                "model.add(layers.Dense(1))\nmodel.add(layers.Activation(keras.activations.softmax))\n", line=6, column=11),
        Invalid("import keras\nfrom keras import layers\n\nclass Clf(keras.Model):\n    def __init__(self):\n"
                "        super().__init__()\n        self.score = layers.Dense(1)\n\n    def call(self, x):\n"
                "        return keras.ops.softmax(self.score(x))\n\nmodel = Clf()\n"
                "model.compile(optimizer='adam', loss='binary_crossentropy')\n", line=7, column=22),
    ]


def _last_is_one(call) -> bool:
    shape = call.shape
    axis = call.layer.spec.args.get("axis", -1) if call.layer.spec is not None and call.layer.class_name == "Softmax" else -1
    if shape is None or not isinstance(axis, int) or not -len(shape) <= axis < len(shape):
        return False
    return isinstance(shape[axis], int) and shape[axis] == 1


def _what(layer) -> str:
    return "op" if layer.spec is None and layer.class_name == "Softmax" else "layer"


