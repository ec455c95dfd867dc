from __future__ import annotations

import libcst as cst

from ..frontend.repairs import monitored
from ..frontend.result import MethodCalled, RefCalled
from ._syntax import call_at, in_file, keyword_arg, loc_of, whole_edit
from .base import Invalid, Rule


class RenamedMetricMonitor(Rule):
    """## What it does
    Reports a callback given to `fit` that monitors a metric under a name the model does not log:
    `EarlyStopping(monitor='val_acc')` for a model compiled with `metrics=['accuracy']`.

    ## Why is this bad?
    Keras 2.2 logged the metric `'accuracy'` as `acc` / `val_acc`; Keras 2.3 and Keras 3 log it as
    written (`accuracy` / `val_accuracy`). With the default `mode='auto'`, Keras 3's `EarlyStopping`,
    `ModelCheckpoint` and `ReduceLROnPlateau` look the monitored name up among the compiled metrics at
    the end of the first epoch, do not find it, and raise `ValueError: EarlyStopping callback received
    monitor=val_acc, but Keras isn't able to automatically determine whether that metric should be
    maximized or minimized` (keras/src/callbacks/monitor_callback.py): training stops after one epoch.
    The diagnostic is on the `fit` call that raises; the message names the callback's line.

    ## Example
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_acc", patience=2)
    m.fit([[0.0, 1.0, 2.0]], [[0.0, 1.0]], validation_split=0.5, callbacks=[stop])
    ```

    Use instead:
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2)
    m.fit([[0.0, 1.0, 2.0]], [[0.0, 1.0]], validation_split=0.5, callbacks=[stop])
    ```

    ## Fix safety
    The fix writes the name the model logs (`'val_acc'` becomes `'val_accuracy'`): the same metric
    the code monitored under Keras 2.2, so it is safe.

    ## References
    - [Keras: EarlyStopping](https://keras.io/api/callbacks/early_stopping/)
    - [Keras: keras/src/callbacks/monitor_callback.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/callbacks/monitor_callback.py)
    """

    code = "KC309"
    name = "renamed-metric-monitor"
    severity = "error"
    fix_title = "Monitor the name the model logs"
    fix_safety = "safe"

    def check(self, ctx):

        seen = set()
        for event in ctx.result.events_of(MethodCalled):
            if event.name not in ("fit", "fit_generator") or not in_file(event.loc):
                continue
            found = monitored(ctx.result.events, event.obj, event.kwargs)
            if not found:
                continue
            arg = keyword_arg(call_at(ctx, event.loc), "callbacks")
            loc = loc_of(ctx, arg, event.loc) if arg is not None else event.loc
            if loc in seen:
                continue
            seen.add(loc)
            callback, monitor, new = found[0]
            where = _monitor_line(ctx, monitor)
            yield self.diagnostic(ctx, loc, f"Keras 3 raises ValueError at the end of the first epoch: {callback} "
                                            f"callback received monitor={monitor}, a metric this model logs as "
                                            f"'{new}'{where}. Write monitor='{new}'")

    def fix(self, diagnostic, source):
        """Every ``monitor='val_acc'`` literal the message names becomes ``monitor='val_accuracy'``."""
        import re
        found = re.search(r"monitor=(\w+), a metric this model logs as '(\w+)'", diagnostic.message)
        if not found:
            return []
        old, new = found.groups()
        try:
            module = cst.parse_module(source)
        except Exception:
            return []

        class Rename(cst.CSTTransformer):
            def leave_Arg(self, original, updated):
                if isinstance(updated.value, cst.SimpleString) and updated.value.evaluated_value == old and (
                        updated.keyword is None or updated.keyword.value == "monitor"):
                    value = updated.value
                    return updated.with_changes(value=value.with_changes(
                        value=value.prefix + value.quote + new + value.quote))
                return updated

        class Calls(cst.CSTTransformer):
            def leave_Call(self, original, updated):
                name = cst.Module([]).code_for_node(updated.func).rsplit(".", 1)[-1]
                if name in ("EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau"):
                    return updated.visit(Rename())
                return updated

        return whole_edit(source, module.visit(Calls()).code)

    VALID = ["import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
             "m.compile(optimizer='adam', loss='mse', metrics=['acc'])\n"
             "m.fit(np.zeros((4, 3)), np.zeros((4, 1)), validation_split=0.5, verbose=0,\n"
             "      callbacks=[keras.callbacks.EarlyStopping(monitor='val_acc')])\n"]
    INVALID = [
        Invalid("import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\n"
                "stop = keras.callbacks.EarlyStopping(monitor='val_acc', patience=2)\n"
                "m.fit(np.zeros((4, 3)), np.zeros((4, 1)), validation_split=0.5, verbose=0, callbacks=[stop])\n",
                line=6, column=76, message="monitor='val_accuracy'"),
        # monitor-val-acc
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\nstop = keras.callbacks.EarlyStopping(monitor='val_acc')  # stop\nm.fit([[0.0, 1.0, 2.0]], [[1.0]], callbacks=[stop])\n",
                line=5, column=35,
                fixed="import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\nstop = keras.callbacks.EarlyStopping(monitor='val_accuracy')  # stop\nm.fit([[0.0, 1.0, 2.0]], [[1.0]], callbacks=[stop])\n"),
    ]


def _monitor_line(ctx, monitor: str) -> str:
    for event in ctx.result.events_of(RefCalled):
        if event.path.rsplit(".", 1)[-1] in ("EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau") and \
                monitor in (event.kwargs.get("monitor"), *event.args[:2]) and event.loc is not None:
            return f" (the callback of line {event.loc.line})"
    return ""
