from __future__ import annotations

import libcst as cst

from .. import KERAS_VERSION
from ..frontend.result import RefCalled
from ..migration import IGNORES_UNKNOWN_KEYWORDS, renamed_function_keywords
from ._optimizers import optimizer_class
from ._syntax import codemod, import_keras_edit, in_file, keyword_arg, loc_of, rename_keywords
from .base import Invalid, Rule


class DeprecatedArgument(Rule):
    """## What it does
    Reports a Keras 1/2 argument that Keras 3 accepts but ignores (`Embedding(input_length=)`, an
    optimizer's `decay=`, `imdb.load_data(nb_words=)`).

    ## Why is this bad?
    Keras 3.15 warns and drops these: `Embedding(input_length=100)` (the sequence length comes from
    the `Input` shape) and an optimizer's `decay=` ("Argument `decay` is no longer supported and will
    be ignored": the learning rate no longer decays, which silently changes training).
    `keras.datasets.imdb.load_data` takes `**kwargs` and drops the ones it does not know: Keras 1's
    `nb_words=5000` no longer limits the vocabulary, and an `Embedding(5000, ...)` meant for it is
    then indexed out of range by the real data.

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
    safe. `decay=d` with a learning rate `lr` becomes
    `learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr, 1, d)`, Keras 2's own formula
    (`lr / (1 + d * iterations)`): safe. `nb_words=` becomes `num_words=`, its Keras 3 name: what the
    code meant, so safe.

    ## References
    - [Keras: Embedding layer](https://keras.io/api/layers/core_layers/embedding/)
    - [Keras: learning rate schedules](https://keras.io/api/optimizers/learning_rate_schedules/)
    """

    code = "KC304"
    name = "deprecated-argument"
    severity = "warning"
    fix_title = "Remove `input_length=`; `decay=` as a learning-rate schedule"
    fix_safety = "safe"

    def fix(self, diagnostic, source):
        """Remove ``input_length=...`` (Keras 3 ignores it, so the model is the same); ``decay=`` needs
        a schedule, which is left to the user."""
        if "Keras 1 keyword" in diagnostic.message:  # imdb.load_data(nb_words=...)
            return codemod(source, diagnostic, lambda call: rename_keywords(call, {"nb_words": "num_words"}),
                           cst.Call, where="around", inner=True)
        if "will not decay" in diagnostic.message:
            return _decay_fix(diagnostic, source)
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
            elif path in IGNORES_UNKNOWN_KEYWORDS and renamed_function_keywords(path, kwargs):
                name, new = next(iter(renamed_function_keywords(path, kwargs).items()))
                text = (f"`{name}` (a Keras 1 keyword) is ignored by Keras 3's {path.rsplit('.', 2)[1]}.load_data(), "
                        f"which swallows unknown keywords: write `{new}=`")
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
        # imdb-nb-words
        Invalid("from keras.datasets import imdb\n(x, y), _ = imdb.load_data(nb_words=5000)  # data\n", line=2,
                column=28, message="`nb_words` (a Keras 1 keyword) is ignored",
                fixed="from keras.datasets import imdb\n(x, y), _ = imdb.load_data(num_words=5000)  # data\n"),
        Invalid("import keras\nx = keras.Input(shape=(100,))\n"
                "y = keras.layers.Embedding(1000, 8, input_length=100)(x)\n"
                "z = keras.layers.Embedding(1000, 8,\n                           input_length=100,\n"
                "                           name='e')(x)  # e\n", line=3, column=37,
                fixed="import keras\nx = keras.Input(shape=(100,))\ny = keras.layers.Embedding(1000, 8)(x)\n"
                      "z = keras.layers.Embedding(1000, 8,\n                           name='e')(x)  # e\n"),
    ]


def _multiline(comma) -> bool:

    return isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


def _decay_fix(diagnostic, source):
    """``SGD(learning_rate=0.1, decay=1e-6)`` -> ``SGD(learning_rate=keras.optimizers.schedules.
    InverseTimeDecay(0.1, 1, 1e-6))``: Keras 2 decayed ``lr / (1 + decay * iterations)``, which is what
    that schedule computes (decay_steps 1, not staircase)."""

    from .. import catalogue

    def change(call):
        cls = call.func.attr.value if isinstance(call.func, cst.Attribute) else getattr(call.func, "value", None)
        keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
        positional = [a for a in call.args if a.keyword is None]
        if "decay" not in keywords or any(a.star for a in call.args) or len(positional) > 1:
            return None
        if "learning_rate" in keywords:
            rate = keywords["learning_rate"].value
        elif positional:
            rate = positional[0].value
        else:
            params = catalogue.params(KERAS_VERSION, f"keras.optimizers.{cls}") or []
            default = next((p.split("=", 1)[1] for p in params if p.startswith("learning_rate=")), None)
            if default is None:
                return None
            rate = cst.parse_expression(default)
        decay = keywords["decay"].value
        code = cst.Module([]).code_for_node
        schedule = cst.parse_expression(
            f"keras.optimizers.schedules.InverseTimeDecay({code(rate)}, 1, {code(decay)})")
        args = []
        for a in call.args:
            if a.keyword is not None and a.keyword.value == "decay":
                continue
            if a is keywords.get("learning_rate") or (positional and a is positional[0]):
                a = a.with_changes(value=schedule)
            args.append(a)
        if "learning_rate" not in keywords and not positional:
            args.insert(0, cst.Arg(schedule, keyword=cst.Name("learning_rate"), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if args else cst.MaybeSentinel.DEFAULT))
        last = call.args[-1]
        if args and last.keyword is not None and last.keyword.value == "decay":
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(args=args)

    edits = codemod(source, diagnostic, change, cst.Call, where="around", inner=True)
    return edits + import_keras_edit(source) if edits else []
