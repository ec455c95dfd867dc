from __future__ import annotations

from ._facts import ACTIVATIONS
from ._losses import compiled
from .base import Invalid, Rule


class ActivationLossMismatch(Rule):
    """## What it does
    Reports an output activation that does not fit its crossentropy loss.

    It checks each compiled output against its crossentropy loss when the loss expects probabilities
    (`from_logits=False`, the default of every loss name, function and class): `binary_crossentropy` on
    a softmax over several units; categorical or sparse categorical crossentropy on sigmoid units; any
    crossentropy on an output that is not a probability (no activation, relu, tanh, ...). The
    activation is read however it is written (the `activation` argument, an `Activation` or `Softmax`
    layer, `keras.activations` or `tf.nn` functions, the value returned by a subclassed model's
    `call()`) and the loss however it is given (a name, a function, a loss class or object, per output
    in a list or dict), in Sequential, functional and subclassed models.

    ## Why is this bad?
    The model trains, but on the wrong problem. Categorical crossentropy divides the output by its sum,
    so independent sigmoid scores are turned into a distribution they never were; binary crossentropy
    on a softmax treats competing classes as independent labels. A loss that expects probabilities
    clips an unbounded output into [1e-7, 1 - 1e-7]: every logit above 1 gets no gradient, and a relu
    output that is all zero gives NaN.

    ## Example
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    ```

    Use instead (a loss told that the output is logits, or `activation="softmax"` with the loss by
    name; sigmoid goes with `binary_crossentropy`, softmax with categorical or sparse categorical
    crossentropy):
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ```

    ## References
    - [Keras: probabilistic losses](https://keras.io/api/losses/probabilistic_losses/)
    - [Keras: from_logits, keras/src/losses/losses.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/losses/losses.py)
    - [Keras: categorical_crossentropy, binary_crossentropy, keras/src/backend/tensorflow/nn.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/nn.py)
    """

    code = "KC603"
    name = "activation-loss-mismatch"
    severity = "warning"

    def check(self, ctx):
        for c in compiled(ctx):
            loss, head = c.loss, c.head
            if not loss.crossentropy or loss.from_logits or head.activation not in ACTIVATIONS:
                continue
            act, units = head.activation, head.units
            fact = ACTIVATIONS[act]
            problem = None
            if loss.fact.kind == "binary" and fact.distribution and isinstance(units, int) and units > 1:
                problem = (f"a softmax over {units} units with {loss.text}, which scores each unit as an independent "
                           f"probability: use activation='sigmoid' for independent labels, or categorical_crossentropy "
                           f"for one class per sample")
            elif loss.fact.kind != "binary" and act in ("sigmoid", "hard_sigmoid") and units != 1:
                problem = (f"{act} units with {loss.text}, which expects a softmax distribution over the classes: use "
                           f"activation='softmax' (or binary_crossentropy for independent labels)")
            elif not fact.probability:
                wanted = "sigmoid" if loss.fact.kind == "binary" else "softmax"
                what = "no activation (logits)" if act == "linear" else f"activation {act!r}"
                problem = (f"{what} with {loss.text}, which expects probabilities in [0, 1]: add "
                           f"activation='{wanted}' or pass from_logits=True to the loss object")
            if problem is not None:
                yield self.diagnostic(ctx, c.event.loc, f"the output of {head.describe()} has {problem}")

    VALID = [
        "import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(3, activation='softmax')(x))\n"
        "m.compile(optimizer='adam', loss='categorical_crossentropy')\n",
        "import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(1, activation='sigmoid')(x))\n"
        "m.compile(optimizer='adam', loss='binary_crossentropy')\n",
        "import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(1)(x))\n"
        "m.compile(optimizer='adam', loss='mse')\n",
        "import keras\nm = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])\n"
        "m.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n",
        "import keras\nfrom keras import layers\n\nclass Net(keras.Model):\n    def __init__(self):\n"
        "        super().__init__()\n        self.hidden = layers.Dense(32, activation='relu')\n"
        "        self.out = layers.Dense(10)\n\n    def call(self, x):\n"
        "        return keras.activations.softmax(self.out(self.hidden(x)))\n\n"
        "model = Net()\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n",
    ]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(3, activation='sigmoid')(x))\n"
                "m.compile(optimizer='adam', loss='categorical_crossentropy')\n", line=4, column=1,
                message="sigmoid units with 'categorical_crossentropy'"),
        Invalid("import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(3, activation='softmax')(x))\n"
                "m.compile(optimizer='adam', loss=keras.losses.BinaryCrossentropy())\n", line=4, column=1),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])\n"
                "m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n", line=3, column=1,
                message="no activation (logits)"),
        Invalid("import keras\nfrom keras import layers\nmodel = keras.Sequential()\n"
                "model.add(layers.Dense(64, activation='relu', input_shape=(20,)))\n"
                "model.add(layers.Dense(1, activation='relu'))\n"
                "model.compile(loss=keras.losses.binary_crossentropy, optimizer='adam')\n", line=6, column=1,
                message="activation 'relu'"),
        Invalid("import keras\nfrom keras import layers\n\nclass Net(keras.Model):\n    def __init__(self):\n"
                "        super().__init__()\n        self.hidden = layers.Dense(32, activation='relu')\n"
                "        self.out = layers.Dense(10)\n\n    def call(self, x):\n"
                "        return self.out(self.hidden(x))\n\n"
                "model = Net()\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')\n", line=14, column=1),
    ]
