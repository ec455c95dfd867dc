from __future__ import annotations

from ._facts import ACTIVATIONS
from ._losses import compiled
from .base import Invalid, Rule


class FromLogitsOnProbabilities(Rule):
    """## What it does
    Reports a loss with `from_logits=True` on an output that already went through a softmax or sigmoid.

    It finds crossentropy loss objects created with `from_logits=True` whose output is produced by a
    softmax or sigmoid (written as the `activation` argument, an `Activation` or `Softmax` layer, or a
    `keras.activations` function), in any model style.

    ## Why is this bad?
    `from_logits=True` tells the loss to apply the softmax (or sigmoid) itself. On the output of one the
    activation is applied twice: the predictions are squashed towards uniform and the gradients shrink.
    With the TensorFlow backend Keras notices the op, warns "received from_logits=True, but the output
    argument was produced by a Softmax activation" and reaches back for the logits; with JAX or PyTorch
    it silently trains the wrong function.

    ## Example
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    ```

    Use instead (logits out of the model, or keep the softmax and drop `from_logits=True`; the output
    of `predict()` changes with the first):
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10)])
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    ```

    ## References
    - [Keras: _get_logits, keras/src/backend/tensorflow/nn.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/nn.py)
    - [Keras: probabilistic losses](https://keras.io/api/losses/probabilistic_losses/)
    """

    code = "KC604"
    name = "from-logits-on-probabilities"
    severity = "warning"

    def check(self, ctx):
        for c in compiled(ctx):
            act = c.head.activation
            if not c.loss.from_logits or act not in ACTIVATIONS or not ACTIVATIONS[act].probability:
                continue
            yield self.diagnostic(ctx, c.event.loc,
                                  f"{c.loss.text} on the output of {c.head.describe()}, which already applies "
                                  f"{act}: the loss applies it a second time. Remove the activation (the output "
                                  f"is then logits) or drop from_logits=True")

    VALID = ["import keras\nx = keras.Input(shape=(8,))\nm = keras.Model(x, keras.layers.Dense(4)(x))\n"
             "m.compile(optimizer='adam', loss=keras.losses.CategoricalCrossentropy(from_logits=True))\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(8,))\nm = keras.Model(x, keras.layers.Dense(4, activation='softmax')(x))\n"
                "m.compile(optimizer='adam', loss=keras.losses.CategoricalCrossentropy(from_logits=True))\n",
                line=4, column=1, message="applies softmax"),
        Invalid("import keras\nfrom keras import layers\nloss_fn = keras.losses.BinaryCrossentropy(from_logits=True)\n"
                "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1), layers.Activation('sigmoid')])\n"
                "model.compile(optimizer='adam', loss=loss_fn)\n", line=5, column=1),
    ]
