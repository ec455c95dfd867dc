from __future__ import annotations

from ._losses import compiled_outputs, output_activation, where
from .base import Invalid, Rule


class ActivationLossMismatch(Rule):
    """The output activation does not fit the crossentropy loss.

    Crossentropy losses given by name expect probabilities (``from_logits=False``):
    ``categorical_crossentropy`` a softmax distribution over the last axis, ``binary_crossentropy``
    independent sigmoid probabilities. A ``sigmoid`` output with ``categorical_crossentropy`` (the
    values do not sum to 1), a ``softmax`` output with ``binary_crossentropy`` (the classes
    compete although the loss treats them as independent), or a linear output (logits) with any
    of them (the loss clips the logits into [0, 1]) all train, but badly or not at all.

    Fix: match them: ``softmax`` + ``categorical_crossentropy`` (or ``sparse_...``), ``sigmoid`` +
    ``binary_crossentropy``; for a linear output use ``keras.losses.CategoricalCrossentropy(
    from_logits=True)`` (or the binary / sparse one).
    """

    code = "KC603"
    name = "activation-loss-mismatch"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for event, _, tensor, loss in compiled_outputs(ctx):
            if "crossentropy" not in loss:
                continue  # regression losses (mse, mae, huber ...) take any activation
            activation = output_activation(tensor)
            problem = None
            if activation == "sigmoid" and loss != "binary_crossentropy":
                problem = (f"a sigmoid output with {loss}, which expects a softmax distribution: use "
                           f"activation='softmax' (or binary_crossentropy for independent labels)")
            elif activation == "softmax" and loss == "binary_crossentropy" and tensor.shape and tensor.shape[-1] != 1:
                problem = ("a softmax output with binary_crossentropy, which treats each unit as an independent "
                           "probability: use activation='sigmoid' (or categorical_crossentropy for one class per "
                           "sample)")
            elif activation == "linear":
                problem = (f"a linear output (logits) with {loss}, which expects probabilities: add a "
                           f"{'sigmoid' if loss == 'binary_crossentropy' else 'softmax'} activation or use the loss "
                           f"object with from_logits=True")
            if problem is None or (event.loc, id(tensor)) in seen:
                continue
            seen.add((event.loc, id(tensor)))
            yield self.diagnostic(ctx, event.loc, f"the output of {where(tensor)} is {problem}")

    VALID = ["import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(3, activation='softmax')(x))\n"
             "m.compile(optimizer='adam', loss='categorical_crossentropy')\n",
             "import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(1, activation='sigmoid')(x))\n"
             "m.compile(optimizer='adam', loss='binary_crossentropy')\n",
             "import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(1)(x))\n"
             "m.compile(optimizer='adam', loss='mse')\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(3, activation='sigmoid')(x))\n"
                "m.compile(optimizer='adam', loss='categorical_crossentropy')\n", line=4, column=1,
                message="sigmoid output with categorical_crossentropy"),
        Invalid("import keras\nx = keras.Input(shape=(4,))\nm = keras.Model(x, keras.layers.Dense(3, activation='softmax')(x))\n"
                "m.compile(optimizer='adam', loss='binary_crossentropy')\n", line=4, column=1),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])\n"
                "m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n", line=3, column=1,
                message="linear output (logits)"),
    ]
