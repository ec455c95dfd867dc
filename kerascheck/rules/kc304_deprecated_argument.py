from __future__ import annotations

import libcst as cst

from ..frontend.result import RefCalled
from ._optimizers import optimizer_class
from ._syntax import codemod, in_file, keyword_arg, loc_of
from .base import Invalid, Rule


class DeprecatedArgument(Rule):
    """## What it does
    Reports a Keras 2 argument that Keras 3 accepts but ignores (`Embedding(input_length=)`, an
    optimizer's `decay=`).

    ## Why is this bad?
    Keras 3.15 warns and drops these: `Embedding(input_length=100)` (the sequence length comes from
    the `Input` shape) and an optimizer's `decay=` ("Argument `decay` is no longer supported and will
    be ignored": the learning rate no longer decays, which silently changes training).

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(100,))
    y = keras.layers.Embedding(1000, 8, input_length=100)(x)
    ```

    Use instead (give the `Input` the sequence length; replace `decay` with a schedule, e.g.
    `learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr, 1, decay)`):
    ```python
    import keras
    x = keras.Input(shape=(100,))
    y = keras.layers.Embedding(1000, 8)(x)
    ```

    ## Fix safety
    The fix removes `input_length=...`: Keras 3 ignores it, so the model is the same, and the fix is
    safe. `decay=` needs a schedule, which is left to you (no automatic fix).

    ## References
    - [Keras: Embedding layer](https://keras.io/api/layers/core_layers/embedding/)
    - [Keras: learning rate schedules](https://keras.io/api/optimizers/learning_rate_schedules/)
    """

    code = "KC304"
    name = "deprecated-argument"
    severity = "warning"
    fix_title = "Remove `input_length=` (Keras 3 ignores it)"
    fix_safety = "safe"

    def fix(self, diagnostic, source):
        """Remove ``input_length=...`` (Keras 3 ignores it, so the model is the same); ``decay=`` needs
        a schedule, which is left to the user."""
        if "input_length" not in diagnostic.message:
            return []

        def change(call):
            args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == "input_length")]
            if len(args) == len(call.args):
                return None
            if args and call.args[-1].keyword is not None and call.args[-1].keyword.value == "input_length":
                args[-1] = args[-1].with_changes(comma=call.args[-1].comma if call.args[-1].comma is not
                                                 cst.MaybeSentinel.DEFAULT else cst.MaybeSentinel.DEFAULT)
                if isinstance(args[-1].comma, cst.Comma) and not _multiline(args[-1].comma):
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return call.with_changes(args=args)

        edits = codemod(source, diagnostic, change, cst.Call, where="around", inner=True)
        return edits

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of(RefCalled):
            path, kwargs, node = event.path, event.kwargs, event.node
            if not in_file(event.loc):
                continue
            if path == "keras.layers.Embedding" and "input_length" in kwargs:
                name, text = "input_length", ("`input_length` is deprecated in Keras 3 and ignored (Keras warns "
                                              "\"Just remove it\"): remove it; the sequence length comes from "
                                              "the Input shape")
            elif optimizer_class(path) and kwargs.get("decay") is not None:
                name, text = "decay", ("`decay` is no longer supported in Keras 3 and is ignored: the learning "
                                       "rate will not decay. Use a keras.optimizers.schedules schedule as "
                                       "`learning_rate`")
            else:
                continue
            arg = keyword_arg(node, name)
            loc = loc_of(ctx, arg, event.loc) if arg is not None else event.loc
            if loc in seen:
                continue
            seen.add(loc)
            yield self.diagnostic(ctx, loc, text)

    VALID = ["import keras\nx = keras.Input(shape=(100,))\ny = keras.layers.Embedding(1000, 8)(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(100,))\n"
                "y = keras.layers.Embedding(1000, 8,\n                           input_length=100)(x)\n",
                line=4, column=28, message="input_length"),
        Invalid("import keras\nopt = keras.optimizers.SGD(learning_rate=0.1, decay=1e-6)\n", line=2, column=47,
                message="will not decay"),
        Invalid("import keras\nx = keras.Input(shape=(100,))\n"
                "y = keras.layers.Embedding(1000, 8, input_length=100)(x)\n"
                "z = keras.layers.Embedding(1000, 8,\n                           input_length=100,\n"
                "                           name='e')(x)  # e\n", line=3, column=37,
                fixed="import keras\nx = keras.Input(shape=(100,))\ny = keras.layers.Embedding(1000, 8)(x)\n"
                      "z = keras.layers.Embedding(1000, 8,\n                           name='e')(x)  # e\n"),
    ]


def _multiline(comma) -> bool:
    import libcst as cst

    return isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
