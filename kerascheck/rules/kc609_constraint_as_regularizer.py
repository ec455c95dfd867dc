from __future__ import annotations

from ..frontend.result import NOT_MADE, RefCalled
from ..frontend.values import Ref
from ._facts import CONSTRAINTS, REGULARIZER_ARGUMENTS
from ._syntax import codemod, in_file, keyword_arg, loc_of, rename_keywords
from .base import Invalid, Rule


class ConstraintAsRegularizer(Rule):
    """## What it does
    Reports a weight constraint (`max_norm`, `non_neg`, `unit_norm`, `min_max_norm`) passed as a regularizer.

    It finds `kernel_regularizer=`, `bias_regularizer=`, `activity_regularizer=` (and the other
    regularizer arguments of a layer) given a `keras.constraints` function, class or instance.

    ## Why is this bad?
    `keras.regularizers.get` accepts any callable, so Keras takes the constraint without a word. A
    regularizer returns a penalty added to the loss; a constraint returns the projected weights. The
    weights are never constrained, and the "penalty" added to the loss is the sum of the rescaled
    weights, which the optimizer then pushes down.

    ## Example
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(20,))
    x = layers.Dense(64, kernel_regularizer=keras.constraints.max_norm(3))(inputs)
    ```

    Use instead:
    ```python
    import keras
    from keras import layers
    inputs = keras.Input(shape=(20,))
    x = layers.Dense(64, kernel_constraint=keras.constraints.max_norm(3))(inputs)
    ```

    ## Fix safety
    The fix renames the argument to the matching `*_constraint` (`kernel_regularizer=` becomes
    `kernel_constraint=`), which is what the constraint was written for: the fix is safe.
    `activity_regularizer=` has no constraint counterpart and is left to you (no automatic fix).

    ## References
    - [Keras: regularizers.get, keras/src/regularizers/__init__.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/regularizers/__init__.py)
    - [Keras: keras/src/constraints/constraints.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/constraints/constraints.py)
    """

    code = "KC609"
    name = "constraint-as-regularizer"
    severity = "warning"
    fix_title = "Pass the constraint as a constraint"
    fix_safety = "safe"

    def check(self, ctx):
        made = {id(e.result): e.path for e in ctx.result.events_of(RefCalled) if e.result is not NOT_MADE}
        seen = set()
        for event in ctx.result.events_of(RefCalled):
            if not event.path.startswith("keras.layers.") or not in_file(event.loc):
                continue
            for key in REGULARIZER_ARGUMENTS:
                value = event.kwargs.get(key)
                path = value.path if isinstance(value, Ref) else made.get(id(value)) if value is not None else None
                if not path or not path.startswith("keras.constraints.") or path.rsplit(".", 1)[-1] not in CONSTRAINTS:
                    continue
                arg = keyword_arg(event.node, key)
                loc = loc_of(ctx, arg, event.loc) if arg is not None else event.loc
                if loc in seen:
                    continue
                seen.add(loc)
                target = key.replace("_regularizer", "_constraint")
                advice = f"Pass it as {target}=" if key != "activity_regularizer" else "Use a regularizer (keras.regularizers.l2)"
                yield self.diagnostic(ctx, loc, f"{key}= is given the constraint {path.rsplit('.', 1)[-1]}: Keras "
                                                f"accepts any callable as a regularizer, so the weights are never "
                                                f"constrained and the loss gets their sum instead. {advice}")

    def fix(self, diagnostic, source):
        key = diagnostic.message.split("=", 1)[0]
        if key not in REGULARIZER_ARGUMENTS or key == "activity_regularizer":
            return []
        renames = {key: key.replace("_regularizer", "_constraint")}
        return codemod(source, diagnostic, lambda call: rename_keywords(call, renames), where="around", inner=True)

    VALID = ["import keras\ny = keras.layers.Dense(8, kernel_constraint=keras.constraints.max_norm(3),\n"
             "                       kernel_regularizer=keras.regularizers.l2(1e-4))\n"]
    INVALID = [
        Invalid("import keras\nfrom keras.constraints import max_norm\n"
                "y = keras.layers.Dense(8, kernel_regularizer=max_norm(3))\n", line=3, column=27,
                message="never constrained",
                fixed="import keras\nfrom keras.constraints import max_norm\n"
                      "y = keras.layers.Dense(8, kernel_constraint=max_norm(3))\n"),
    ]
