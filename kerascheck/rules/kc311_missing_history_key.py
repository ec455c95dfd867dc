from __future__ import annotations

import difflib

import libcst as cst

from .. import migration
from ..frontend.result import MissingHistoryKey
from ._syntax import codemod, in_file
from .base import Invalid, Rule

_MODEL = ("import keras\nimport numpy as np\n"
          "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='softmax')])\n"
          "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n"
          "history = m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, verbose=0)\n")


class HistoryKeyNotLogged(Rule):
    """## What it does
    Reports `history.history['val_acc']` (the History returned by `fit`) for a name that `fit` does
    not log.

    ## Why is this bad?
    The History's dict holds one list per name logged at the end of each epoch: `loss`, each
    compiled metric under the name it was given (`'accuracy'` logs `accuracy`, a metric function its
    name), and the same names prefixed `val_` when `fit` has validation data. Keras 2.2 logged
    `'accuracy'` as `acc`, so code written for it reads `history.history['acc']` or `['val_acc']`,
    which raises `KeyError` under Keras 3 (after the whole training).

    ## Example
    ```python
    import keras
    import numpy as np
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, verbose=0)
    print(history.history["val_acc"])
    ```

    Use instead:
    ```python
    import keras
    import numpy as np
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, verbose=0)
    print(history.history["val_accuracy"])
    ```

    ## Fix safety
    When the key is the Keras 2.2 name of a compiled metric (`val_acc` for `'accuracy'`), the fix
    writes the name Keras 3 logs: the values the code meant, so safe. Otherwise the message names
    the closest logged name and there is no automatic fix. A metric the analysis cannot name (a
    metric object, a model with several outputs) or a callback of the script's own (which may add
    logs) leaves the keys unknown, and nothing is reported.

    ## References
    - [Keras: Model training APIs (fit returns a History)](https://keras.io/api/models/model_training_apis/)
    - [Keras: keras/src/callbacks/history.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/callbacks/history.py)
    """

    code = "KC311"
    name = "missing-history-key"
    severity = "error"
    fix_title = "Read the name the model logs"
    fix_safety = "safe"

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of(MissingHistoryKey):
            if not in_file(event.loc) or event.loc in seen:
                continue
            seen.add(event.loc)
            metrics = [k for k in event.keys if not k.startswith("val_") and k != "loss"]
            renamed = migration.renamed_monitor(event.key, metrics)
            text = (f"Keras 3 raises KeyError: {event.key!r}: the History of the fit of line {event.fit_line} logs "
                    f"{', '.join(event.keys)}")
            if renamed:
                text += f". Keras 3 logs this metric as '{renamed}': write ['{renamed}']"
            else:
                close = difflib.get_close_matches(event.key, list(event.keys), n=1, cutoff=0.6)
                if event.key.startswith("val_") and event.key[4:] in event.keys:
                    text += ". That fit has no validation data"
                elif close:
                    text += f". Did you mean '{close[0]}'?"
            yield self.diagnostic(ctx, event.loc, text)

    def fix(self, diagnostic, source):
        """``history.history['val_acc']`` -> ``history.history['val_accuracy']``."""
        import re
        found = re.search(r"KeyError: '(\w+)'.*write \['(\w+)'\]", diagnostic.message)
        if not found:
            return []
        old, new = found.groups()

        def change(node: cst.Subscript):
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return None
            value = node.slice[0].slice.value
            if not isinstance(value, cst.SimpleString) or value.evaluated_value != old:
                return None
            text = value.prefix + value.quote + new + value.quote
            return node.with_changes(slice=[node.slice[0].with_changes(
                slice=node.slice[0].slice.with_changes(value=value.with_changes(value=text)))])

        return codemod(source, diagnostic, change, node_type=cst.Subscript)

    VALID = [_MODEL + "print(history.history['val_accuracy'], history.history['loss'])\n",
             # a metric object: its name is not known to the analysis
             "import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
             "m.compile(optimizer='adam', loss='mse', metrics=[keras.metrics.MeanAbsoluteError(name='err')])\n"
             "h = m.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)\nprint(h.history['err'])\n"]
    INVALID = [
        Invalid(_MODEL + "print(history.history['val_acc'])  # curve\n", line=6, column=7,
                message="Keras 3 logs this metric as 'val_accuracy'",
                fixed=_MODEL + "print(history.history['val_accuracy'])  # curve\n"),
        # no-validation
        Invalid("import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam', loss='mse', metrics=['mae'])\n"
                "h = m.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)\nv = h.history['val_mae']\n", line=6,
                column=5, message="That fit has no validation data"),
    ]
