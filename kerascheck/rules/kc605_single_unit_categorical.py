from __future__ import annotations

from ._losses import compiled
from .base import Invalid, Rule


class SingleUnitCategorical(Rule):
    """## What it does
    Reports a categorical or sparse categorical crossentropy on an output of a single unit.

    ## Why is this bad?
    Categorical crossentropy normalises the output by its sum: over one unit the prediction is always
    1.0 and the loss always 0 (nothing is learnt). Sparse categorical crossentropy accepts only the
    label 0, and a label 1 is out of range (an error on CPU, NaN on GPU). It is usually a binary
    problem written with a multi-class loss.

    ## Example
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    ```

    Use instead (`binary_crossentropy` for one sigmoid unit, or one unit per class with a softmax):
    ```python
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ```

    ## References
    - [Keras: probabilistic losses](https://keras.io/api/losses/probabilistic_losses/)
    - [Keras: categorical_crossentropy, sparse_categorical_crossentropy, keras/src/backend/tensorflow/nn.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/nn.py)
    """

    code = "KC605"
    name = "single-unit-categorical"
    severity = "warning"

    def check(self, ctx):
        for c in compiled(ctx):
            if c.loss.fact.kind not in ("categorical", "sparse") or c.head.units != 1 or c.loss.name == "kl_divergence":
                continue
            if c.loss.fact.kind == "sparse":
                effect = "the only valid label is 0 (a label 1 is out of range: an error on CPU, NaN on GPU)"
            else:
                effect = "Keras normalises the output by its sum, so the prediction is always 1.0 and the loss 0"
            yield self.diagnostic(ctx, c.event.loc,
                                  f"{c.loss.text} on the single unit of {c.head.describe()}: {effect}. For two "
                                  f"classes use Dense(1, activation='sigmoid') with binary_crossentropy, or one "
                                  f"unit per class with softmax")

    VALID = ["import keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation='sigmoid')])\n"
             "m.compile(optimizer='adam', loss='binary_crossentropy')\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation='sigmoid')])\n"
                "m.compile(optimizer='adam', loss='categorical_crossentropy')\n", line=3, column=1,
                message="always 1.0"),
        Invalid("import keras\nx = keras.Input(shape=(8,))\ny = keras.layers.Dense(1, activation='sigmoid', name='label')(x)\n"
                "m = keras.Model(x, y)\nm.compile(optimizer='adam', loss={'label': keras.losses.SparseCategoricalCrossentropy()})\n",
                line=5, column=1, message="only valid label is 0"),
    ]
