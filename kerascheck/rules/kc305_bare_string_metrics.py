from __future__ import annotations

import libcst as cst

from ..frontend.result import MethodCalled
from ._syntax import call_at, codemod, in_file, loc_of
from .base import Invalid, Rule


class BareStringMetrics(Rule):
    """## What it does
    Reports `model.compile(metrics="accuracy")`: a bare string where Keras 3 wants a list.

    ## Why is this bad?
    Keras 2 accepted one metric name as a string. Keras 3.15 raises a `ValueError` at `compile`
    ("Expected metrics argument to be a list, tuple, or dict. Received instead: metrics=accuracy of
    type <class 'str'>"), so the script stops before training.

    ## Example
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics="accuracy")
    ```

    Use instead:
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    ```

    ## Fix safety
    The fix wraps the string in a list, `metrics=["accuracy"]`, which is what Keras 2 did with it:
    safe.

    ## References
    - [Keras: Model.compile](https://keras.io/api/models/model_training_apis/#compile-method)
    - [Keras: keras/src/trainers/compile_utils.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/trainers/compile_utils.py)
    """

    code = "KC305"
    name = "bare-string-metrics"
    severity = "error"
    fix_title = "Wrap the metric in a list"
    fix_safety = "safe"

    def check(self, ctx):
        for event in ctx.result.events_of(MethodCalled):
            if event.name != "compile" or not in_file(event.loc):
                continue
            metrics = event.kwargs.get("metrics")
            if not isinstance(metrics, str):
                continue
            call = call_at(ctx, event.loc)
            arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "metrics"), None) \
                if call is not None else None
            loc = loc_of(ctx, arg, event.loc) if arg is not None else event.loc
            yield self.diagnostic(ctx, loc, "Keras 3 raises ValueError: Expected `metrics` argument to be a list, "
                                            f"tuple, or dict. Received instead: metrics={metrics} of type <class "
                                            f"'str'>. Write metrics=[{metrics!r}]")

    def fix(self, diagnostic, source):
        def change(arg):
            if arg.keyword is None or arg.keyword.value != "metrics" or isinstance(
                    arg.value, (cst.List, cst.Tuple, cst.Dict)):
                return None
            return arg.with_changes(value=cst.List([cst.Element(arg.value)]))

        return codemod(source, diagnostic, change, cst.Arg)

    VALID = ["import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='softmax')])\n"
             "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='softmax')])\n"
                "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics='accuracy')\n", line=3, column=62,
                message="metrics=['accuracy']"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam',\n          loss='mse', metrics='mae')  # metric\n", line=4, column=23,
                fixed="import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "m.compile(optimizer='adam',\n          loss='mse', metrics=['mae'])  # metric\n"),
    ]
