from __future__ import annotations

from ._facts import ACTIVATIONS
from ._losses import compiled
from .base import Invalid, Rule


class RegressionLossOnBoundedOutput(Rule):
    """## What it does
    Reports a regression loss (MSE, MAE, ...) on a softmax, sigmoid or tanh output.

    The losses are mean squared, absolute, percentage or logarithmic error, huber and log_cosh; the
    activations that bound the output are softmax, sigmoid, tanh and their hard variants. An output
    with the shape of the model's input (an autoencoder reconstructing data scaled to the same range)
    is not reported.

    ## Why is this bad?
    A softmax output is a class distribution: mean squared error on it trains a classifier with weak,
    vanishing gradients (the loss saturates with the softmax). A sigmoid bounds the prediction to
    (0, 1) and tanh to (-1, 1): a target outside that range (a price, an age, a count) can never be
    reached, and the loss plateaus. With 0/1 labels the problem is a classification, which
    crossentropy trains faster and better calibrated.

    ## Example
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(13,)), layers.Dense(64, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mse")  # the targets are house prices
    ```

    Use instead (a linear output for real-valued targets, or keep the sigmoid with
    `binary_crossentropy` when the targets are 0/1 labels):
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(13,)), layers.Dense(64, activation="relu"),
                              layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    ```

    ## References
    - [Keras: regression losses](https://keras.io/api/losses/regression_losses/)
    - [Keras: sigmoid, tanh, softmax, keras/src/activations/activations.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/activations/activations.py)
    """

    code = "KC606"
    name = "regression-loss-on-bounded-output"
    severity = "warning"

    def check(self, ctx):
        for c in compiled(ctx):
            act = c.head.activation
            if c.loss.fact.kind != "regression" or act not in ACTIVATIONS:
                continue
            fact = ACTIVATIONS[act]
            shape = c.head.shape
            if shape is not None and c.model_input is not None and tuple(shape) == tuple(c.model_input):
                continue  # a reconstruction of the input
            if fact.distribution:
                advice = "a softmax is a class distribution: use categorical_crossentropy (sparse_... for integer labels)"
            elif fact.high - fact.low <= 2 and (shape is None or len(shape) == 2):
                advice = (f"{act} bounds every prediction to ({fact.low:g}, {fact.high:g}), so targets outside it are "
                          f"never reached: use a linear output for real-valued targets, or binary_crossentropy if "
                          f"they are 0/1 labels")
            else:
                continue
            yield self.diagnostic(ctx, c.event.loc, f"{c.loss.text} on the {act} output of {c.head.describe()}: "
                                                    f"{advice}")

    VALID = ["import keras\nm = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(64, activation='relu'),\n"
             "                         keras.layers.Dense(1)])\nm.compile(optimizer='adam', loss='mse')\n",
             "import keras\nx = keras.Input(shape=(784,))\nh = keras.layers.Dense(32, activation='relu')(x)\n"
             "m = keras.Model(x, keras.layers.Dense(784, activation='sigmoid')(h))\nm.compile(optimizer='adam', loss='mse')\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(64, activation='relu'),\n"
                "                         keras.layers.Dense(1, activation='sigmoid')])\n"
                "m.compile(optimizer='adam', loss='mean_squared_error')\n", line=4, column=1, message="bounds every"),
        Invalid("import keras\nx = keras.Input(shape=(20,))\ny = keras.layers.Dense(5, activation='softmax')(x)\n"
                "m = keras.Model(x, y)\nm.compile(optimizer='sgd', loss=keras.losses.MeanSquaredError())\n",
                line=5, column=1, message="class distribution"),
    ]
