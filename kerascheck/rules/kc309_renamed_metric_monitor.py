from __future__ import annotations

import re

import libcst as cst

from ..frontend.logs import monitors
from ..frontend.result import MethodCalled
from ._syntax import call_at, in_file, keyword_arg, loc_of, whole_edit
from .base import Invalid, Rule


class RenamedMetricMonitor(Rule):
    """## What it does
    Reports a callback given to `fit` that, with the default `mode='auto'`, monitors a metric the
    model does not log under that name: `EarlyStopping(monitor='val_acc')` for a model compiled with
    `metrics=['accuracy']`, or with `metrics=['mae']`.

    ## Why is this bad?
    Keras 2.2 logged the metric `'accuracy'` as `acc` / `val_acc`; Keras 2.3 and Keras 3 log it as
    written (`accuracy` / `val_accuracy`). With the default `mode='auto'`, Keras 3's `EarlyStopping`,
    `ModelCheckpoint` and `ReduceLROnPlateau` look the monitored name up among the compiled metrics at
    the end of the first epoch (a metric function of the script's own has no known direction either),
    do not find it, and raise `ValueError: EarlyStopping callback received
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
    the code monitored under Keras 2.2, so it is safe. When no logged name is certainly the one meant
    (`val_acc` for a model compiled with `metrics=['mae']`), the fix gives the callback the `mode`
    Keras 2 inferred from the name (`'max'` for a name with `acc` in it, else `'min'`): the script
    runs as it did under Keras 2, but the callback still waits for a name that is never logged
    (KC310 then says so), so that fix is unsafe, applied only with `--unsafe-fixes`.

    ## References
    - [Keras: EarlyStopping](https://keras.io/api/callbacks/early_stopping/)
    - [Keras: keras/src/callbacks/monitor_callback.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/callbacks/monitor_callback.py)
    """

    code = "KC309"
    name = "renamed-metric-monitor"
    severity = "error"
    fix_title = "Monitor the name the model logs"
    fix_safety = "safe"  # unsafe for some diagnostics: see fix_applicability

    def check(self, ctx):

        seen = set()
        for event in ctx.result.events_of(MethodCalled):
            if event.name not in ("fit", "fit_generator") or not in_file(event.loc):
                continue
            found = [m for m in monitors(ctx.result.events, event.obj, event.args, event.kwargs) if m.raises]
            if not found:
                continue
            arg = keyword_arg(call_at(ctx, event.loc), "callbacks")
            loc = loc_of(ctx, arg, event.loc) if arg is not None else event.loc
            if loc in seen:
                continue
            seen.add(loc)
            m = found[0]
            where = f" (the callback of line {m.event.loc.line})" if in_file(m.event.loc) else ""
            if m.renamed:
                yield self.diagnostic(ctx, loc, f"Keras 3 raises ValueError at the end of the first epoch: {m.callback} "
                                                f"callback received monitor={m.monitor}, a metric this model logs as "
                                                f"'{m.renamed}'{where}. Write monitor='{m.renamed}'")
                continue
            logged = f". It logs {', '.join(m.keys)}" if m.keys else ""
            yield self.diagnostic(ctx, loc, f"Keras 3 raises ValueError after the first epoch: {m.callback} callback "
                                            f"received monitor={m.monitor}{where}; with mode='auto' Keras cannot tell "
                                            f"whether it should go up or down. Pass mode='{_keras2_mode(m.monitor)}' "
                                            f"(what Keras 2 inferred from the name) or monitor a name the model "
                                            f"logs{logged}")

    def fix_applicability(self, diagnostic):
        """Writing the name the model logs is safe; giving the mode Keras 2 inferred makes the script run,
        but the callback still waits for a name that is never logged: unsafe."""
        return "unsafe" if _MODE.search(diagnostic.message) else "safe"

    def fix(self, diagnostic, source):
        """Every ``monitor='val_acc'`` literal the message names becomes ``monitor='val_accuracy'``; or,
        when no logged name is certain, the callbacks monitoring it get the ``mode`` Keras 2 inferred."""
        import re
        found = re.search(r"monitor=(\w+), a metric this model logs as '(\w+)'", diagnostic.message)
        mode = _MODE.search(diagnostic.message)
        if not found and not mode:
            return []
        old, new = found.groups() if found else (mode.group(1), None)
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

        def add_mode(call: cst.Call) -> cst.Call:
            monitors_it = any(isinstance(a.value, cst.SimpleString) and a.value.evaluated_value == old and (
                a.keyword is None or a.keyword.value == "monitor") for a in call.args)
            if not monitors_it or any(a.keyword is not None and a.keyword.value == "mode" for a in call.args) \
                    or any(a.star for a in call.args):
                return call
            last = call.args[-1]
            args = [*call.args[:-1], last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Arg(cst.SimpleString(f"'{mode.group(2)}'"), keyword=cst.Name("mode"), equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
                        comma=last.comma if isinstance(last.comma, cst.Comma) and not
                        isinstance(last.comma.whitespace_after, cst.SimpleWhitespace) else cst.MaybeSentinel.DEFAULT)]
            return call.with_changes(args=args)

        class Calls(cst.CSTTransformer):
            def leave_Call(self, original, updated):
                name = cst.Module([]).code_for_node(updated.func).rsplit(".", 1)[-1]
                if name in ("EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau"):
                    return updated.visit(Rename()) if new else add_mode(updated)
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
        # keras2-mode
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam', loss='mse', metrics=['mae'])\n"
                "stop = keras.callbacks.EarlyStopping(monitor='val_acc', patience=2)\n"
                "m.fit([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [[1.0], [0.0]], validation_split=0.5, callbacks=[stop])\n",
                line=5, message="Pass mode='max'"),
        # monitor-val-acc
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\nstop = keras.callbacks.EarlyStopping(monitor='val_acc')  # stop\nm.fit([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [[1.0], [0.0]], validation_split=0.5, callbacks=[stop])\n",
                line=5, column=81,
                fixed="import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\nstop = keras.callbacks.EarlyStopping(monitor='val_accuracy')  # stop\nm.fit([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [[1.0], [0.0]], validation_split=0.5, callbacks=[stop])\n"),
    ]


def _keras2_mode(monitor: str) -> str:
    """Keras 2's EarlyStopping/ModelCheckpoint in mode 'auto': 'max' for a name with 'acc' in it (or
    starting 'fmeasure'), else 'min'."""
    return "max" if "acc" in monitor or monitor.startswith("fmeasure") else "min"


_MODE = re.compile(r"monitor=(\w+).*Pass mode='(max|min)'")
