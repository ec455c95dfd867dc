from __future__ import annotations

import libcst as cst

from ..frontend.logs import monitors, saves_best_only
from ..frontend.result import MethodCalled
from ._syntax import codemod, in_file, keyword_arg, loc_of
from .base import Invalid, Rule

_CALLBACK = "import keras\nimport numpy as np\n"
_MODEL = ("m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='softmax')])\n"
          "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n")
_FIT = "m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, verbose=0, callbacks=[stop])\n"


class UnloggedMetricMonitor(Rule):
    """## What it does
    Reports a callback given to `fit` whose `mode` is `'min'` or `'max'` and that monitors a name the
    model never logs: `EarlyStopping(monitor='val_acc', mode='max')` for a model compiled with
    `metrics=['accuracy']`, or `monitor='val_f1'` when the metric function is `f1_m`.

    ## Why is this bad?
    Keras 3 logs each compiled metric under the name it was given (`'accuracy'` as `accuracy` and
    `val_accuracy`, a metric function by its name); Keras 2.2 logged `'accuracy'` as `acc`. A
    callback looking for a name that is not in the logs does nothing: `EarlyStopping` never stops,
    `ModelCheckpoint(save_best_only=True)` never saves, `ReduceLROnPlateau` never reduces, and Keras
    only warns at the end of every epoch. (With `mode='auto'` Keras raises instead: see KC309.) A
    `val_` name with no validation data in `fit` is never logged either.

    ## Example
    ```python
    import keras
    import numpy as np
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_acc", mode="max")
    m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, callbacks=[stop])
    ```

    Use instead:
    ```python
    import keras
    import numpy as np
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max")
    m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, callbacks=[stop])
    ```

    ## Fix safety
    When the monitored name is the Keras 2.2 name of a compiled metric (`val_acc` for `'accuracy'`),
    the fix writes the name Keras 3 logs: the metric the code meant, so safe. Otherwise the message
    names the closest logged name and there is no automatic fix.

    ## References
    - [Keras: EarlyStopping](https://keras.io/api/callbacks/early_stopping/)
    - [Keras: keras/src/callbacks/monitor_callback.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/callbacks/monitor_callback.py)
    """

    code = "KC310"
    name = "unlogged-metric-monitor"
    severity = "warning"
    fix_title = "Monitor the name the model logs"
    fix_safety = "safe"

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of(MethodCalled):
            if event.name not in ("fit", "fit_generator") or not in_file(event.loc):
                continue
            for m in monitors(ctx.result.events, event.obj, event.args, event.kwargs):
                if m.raises or m.logged is not False or not saves_best_only(m) or not in_file(m.event.loc):
                    continue
                arg = keyword_arg(m.event.node, "monitor")
                loc = loc_of(ctx, arg, m.event.loc) if arg is not None else m.event.loc
                if loc in seen:
                    continue
                seen.add(loc)
                text = (f"{m.callback} monitors '{m.monitor}', a name this model never logs (the fit of line "
                        f"{event.loc.line} logs {', '.join(m.keys or ())}): Keras 3 warns at the end of every epoch "
                        "and the callback never acts")
                if m.renamed:
                    text += f". Keras 3 logs this metric as '{m.renamed}': write monitor='{m.renamed}'"
                elif m.monitor.startswith("val_") and m.monitor[4:] in (m.keys or ()):
                    text += ". fit has no validation data: give it `validation_data` or `validation_split`"
                elif m.nearest:
                    text += f". Did you mean '{m.nearest}'?"
                yield self.diagnostic(ctx, loc, text)

    def fix(self, diagnostic, source):
        """``monitor='val_acc'`` -> ``monitor='val_accuracy'`` in the callback the diagnostic points at."""
        import re
        found = re.search(r"monitors '(\w+)'.*write monitor='(\w+)'", diagnostic.message)
        if not found:
            return []
        old, new = found.groups()

        def change(call: cst.Call):
            args = []
            for a in call.args:
                if isinstance(a.value, cst.SimpleString) and a.value.evaluated_value == old and (
                        a.keyword is None or a.keyword.value == "monitor"):
                    a = a.with_changes(value=a.value.with_changes(value=a.value.prefix + a.value.quote + new
                                                                  + a.value.quote))
                args.append(a)
            new_call = call.with_changes(args=args)
            return None if new_call.deep_equals(call) else new_call

        return codemod(source, diagnostic, change, where="around", inner=True)

    VALID = [_CALLBACK + _MODEL + "stop = keras.callbacks.EarlyStopping(monitor='val_accuracy', mode='max')\n" + _FIT,
             # a metric object: the analysis does not name it, so nothing is said
             _CALLBACK + "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
             "m.compile(optimizer='adam', loss='mse', metrics=[keras.metrics.RootMeanSquaredError(name='rmse')])\n"
             "stop = keras.callbacks.EarlyStopping(monitor='val_rmse', mode='min')\n"
             "m.fit(np.zeros((4, 3)), np.zeros((4, 1)), validation_split=0.5, verbose=0, callbacks=[stop])\n"]
    INVALID = [
        Invalid(_CALLBACK + _MODEL + "stop = keras.callbacks.EarlyStopping(monitor='val_acc', mode='max')  # stop\n"
                + _FIT, line=5, column=38, message="Keras 3 logs this metric as 'val_accuracy'",
                fixed=_CALLBACK + _MODEL + "stop = keras.callbacks.EarlyStopping(monitor='val_accuracy', mode='max')"
                "  # stop\n" + _FIT),
        # metric-function-name
        Invalid(_CALLBACK + "def f1(y_true, y_pred):\n    return keras.ops.mean(y_true * y_pred)\n\n\n"
                "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation='sigmoid')])\n"
                "m.compile(optimizer='adam', loss='binary_crossentropy', metrics=[f1])\n"
                "stop = keras.callbacks.EarlyStopping(monitor='val_f1_score', mode='max')\n"
                "m.fit(np.zeros((4, 3)), np.zeros((4, 1)), validation_split=0.5, verbose=0, callbacks=[stop])\n",
                line=9, column=38, message="Did you mean 'val_f1'?"),
        # no-validation-data
        Invalid(_CALLBACK + _MODEL + "stop = keras.callbacks.ReduceLROnPlateau(monitor='val_loss', mode='min')\n"
                "m.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0, callbacks=[stop])\n", line=5,
                message="fit has no validation data"),
    ]
