from __future__ import annotations

from ._losses import compiled
from .base import Invalid, Rule


class SingleUnitCategorical(Rule):
    """Categorical or sparse categorical crossentropy on an output of one unit.

    What it does
        Finds outputs whose last axis has a single unit compiled with categorical_crossentropy or
        sparse_categorical_crossentropy (by name, function or class), in any model style.

    Why is this bad?
        Both losses treat the last axis as the classes. With one unit there is one class:
        categorical crossentropy normalises the output by its sum, so the prediction is always
        1.0 and the loss always 0 (nothing is learnt); sparse categorical crossentropy accepts
        only the label 0, and a label 1 is out of range (an error on CPU, NaN on GPU). It is
        usually a binary problem written with a multi-class loss.

    Example
        model.add(layers.Dense(1, activation="sigmoid"))
        model.compile(loss="categorical_crossentropy", optimizer="adam")

    Use instead
        model.add(layers.Dense(1, activation="sigmoid"))
        model.compile(loss="binary_crossentropy", optimizer="adam")

        (or one unit per class, Dense(n_classes, activation="softmax").)

    Fix safety
        No automatic fix: the labels decide which loss is right.

    References
        keras/src/backend/tensorflow/nn.py (categorical_crossentropy,
        sparse_categorical_crossentropy); https://keras.io/api/losses/probabilistic_losses/
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
