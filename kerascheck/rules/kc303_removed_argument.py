from __future__ import annotations

import re

import libcst as cst

from .. import KERAS_VERSION, catalogue
from ..frontend.result import MethodCalled, RefCalled
from ..migration import FUNCTION_KEYWORD_RENAMES, function_keyword_error, removed_method_kwargs, \
    renamed_function_keywords
from ._optimizers import optimizer_class, optimizer_params
from ._syntax import call_at, codemod, in_file, keyword_arg, loc_of, rename_keywords, value_text
from .base import Invalid, Rule

# Keras 2 optimizer keywords and what Keras 3 calls them.
RENAMED = {
    "lr": "`learning_rate`",
    "initial_accumulator_value": "`initial_accumulator_value` (Adagrad and Ftrl only)",
}
# Why an old optimizer keyword with no Keras 3 counterpart can only be removed.
DROPPED = {"schedule_decay": "Keras 3's Nadam has a fixed momentum schedule, 0.96 ** step"}

EXACT_RENAMES = {"lr": "learning_rate", "nb_epoch": "epochs"}
# Model methods whose Keras 3 signature has no **kwargs (an unknown keyword raises TypeError).
MODEL_METHODS = ("fit", "evaluate", "predict")
# Keras 1/2 keywords of those methods and their Keras 3 names (``None``: no counterpart).
METHOD_RENAMES = {"nb_epoch": "epochs"}


# Keras 1 keywords of fit/evaluate that only changed what was printed: removing them keeps the meaning.
REMOVABLE = ("show_accuracy",)
# Keras 1 keywords of Keras functions and classes with the same meaning under their Keras 3 name.
FUNCTION_RENAMES = {old: new for renames in FUNCTION_KEYWORD_RENAMES.values() for old, new in renames.items()}
_FUNCTION_MARK = "(a Keras 1 keyword)"


class RemovedArgument(Rule):
    """## What it does
    Reports a keyword argument Keras 3 removed: an optimizer's `lr=`, a Keras 1/2 keyword of
    `fit`, `evaluate` or `predict` (`nb_epoch=`), or a Keras 1 keyword of `Model` (`input=`,
    `output=`), `to_categorical` (`nb_classes=`) or `reuters.load_data` (`nb_words=`).

    ## Why is this bad?
    Keras 3 optimizers take `learning_rate` and no other unknown keyword: `BaseOptimizer.__init__`
    raises `ValueError: Argument(s) not recognized: {'lr': 0.01}` as soon as the optimizer is
    created, so `Adam(lr=1e-3)` stops the script (also inside `model.compile(optimizer=...)`).
    `Model.fit` and its siblings take no `**kwargs`: `nb_epoch=` raises `TypeError`. (An optimizer's
    `decay=` is only warned about and ignored: see KC304.)

    ## Example
    ```python
    import keras
    opt = keras.optimizers.Adam(lr=0.01)
    ```

    Use instead:
    ```python
    import keras
    opt = keras.optimizers.Adam(learning_rate=0.01)
    ```

    ## Fix safety
    The fix renames the arguments that have an exact Keras 3 name (`lr=` to `learning_rate=`,
    `nb_epoch=` to `epochs=`, `input=`/`output=` to `inputs=`/`outputs=`, `nb_classes=` to
    `num_classes=`, `nb_words=` to `num_words=`), which mean the same, and removes Keras 1's
    `show_accuracy=` (it only chose what was printed): safe. `samples_per_epoch=` / `nb_val_samples=` count samples where Keras 3
    counts batches: no automatic fix. An optimizer keyword Keras 1/2 took that Keras 3 has no name
    for (Nadam's `schedule_decay=`, the speed of its momentum schedule, fixed in Keras 3) is removed:
    unsafe, since training changes (applied only with `--unsafe-fixes`). Each removed keyword of a
    call is reported (Python names the first; the others raise once it is fixed). After the error the analysis goes on with the Keras 3
    spelling (an Adam with `learning_rate=0.01`).

    ## References
    - [Keras: optimizers](https://keras.io/api/optimizers/)
    - [Keras: BaseOptimizer, keras/src/optimizers/base_optimizer.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/optimizers/base_optimizer.py)
    """

    code = "KC303"
    name = "removed-argument"
    severity = "error"
    fix_title = "Rename `lr=` to `learning_rate=`"
    fix_safety = "safe"

    def fix(self, diagnostic, source):
        """``Adam(lr=1e-3)`` -> ``Adam(learning_rate=1e-3)``: the renames with an exact new name;
        ``Nadam(lr=0.002, schedule_decay=0.004)`` -> ``Nadam(learning_rate=0.002)``: an optimizer keyword
        of Keras 1/2 with no Keras 3 counterpart is removed (unsafe)."""
        if _FUNCTION_MARK in diagnostic.message:  # Model(input=...), to_categorical(nb_classes=...)
            return codemod(source, diagnostic, lambda call: rename_keywords(call, FUNCTION_RENAMES), where="around",
                           inner=True)
        if diagnostic.message.startswith("Keras 3 raises TypeError"):  # a keyword of fit/evaluate/predict
            return codemod(source, diagnostic, _method_keywords, where="around", inner=True)
        dropped = _dropped_keywords(diagnostic)

        def change(call):
            renamed = rename_keywords(call, EXACT_RENAMES) or call
            new = _without_keywords(renamed, dropped)
            return None if new.deep_equals(call) else new

        return codemod(source, diagnostic, change)

    def fix_applicability(self, diagnostic):
        """Removing a keyword that changed training (Nadam's ``schedule_decay``) is unsafe; renames are safe."""
        return "unsafe" if _dropped_keywords(diagnostic) else "safe"

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of(RefCalled):
            cls = optimizer_class(event.path)
            if cls is None or event.loc in seen or not in_file(event.loc):
                continue
            kwargs = event.kwargs
            unknown = {k: v for k, v in kwargs.items() if k not in optimizer_params(cls) and k != "decay"}
            if not unknown:
                continue
            seen.add(event.loc)
            shown = "{" + ", ".join(f"{k!r}: {value_text(v)}" for k, v in unknown.items()) + "}"
            fixes = [f"`{k}` is {RENAMED[k]} in Keras 3" if k in RENAMED else f"remove `{k}`" + (
                f" ({DROPPED[k]})" if k in DROPPED else "") for k in unknown]
            yield self.diagnostic(ctx, event.loc, f"Keras 3 raises ValueError: Argument(s) not recognized: {shown} "
                                                  f"(creating {cls}). Fix: {'; '.join(fixes)}")
        for event in ctx.result.events_of(RefCalled):
            raised = function_keyword_error(event.path, event.kwargs) if in_file(event.loc) else None
            if raised is None:
                continue
            renamed = renamed_function_keywords(event.path, event.kwargs)
            arg = keyword_arg(event.node, next(iter(renamed)))
            loc = loc_of(ctx, arg, event.loc) if arg is not None else event.loc
            if loc in seen:
                continue
            seen.add(loc)
            fix = ", ".join(f"`{new}=`" for new in renamed.values())
            yield self.diagnostic(ctx, loc, f"Keras 3 raises {raised[0]}: {raised[1]} {_FUNCTION_MARK}. Fix: write {fix}")
        for event in ctx.result.events_of(MethodCalled):
            method = event.name
            if method not in MODEL_METHODS or not in_file(event.loc):
                continue
            removed = removed_method_kwargs(method, event.kwargs)
            if not removed:
                continue
            call = call_at(ctx, event.loc)
            for name in removed:  # Python names the first one; each is a problem of its own
                arg = keyword_arg(call, name)
                loc = loc_of(ctx, arg, event.loc) if arg is not None else event.loc
                if loc in seen:
                    continue
                seen.add(loc)
                fix = f"write `{METHOD_RENAMES[name]}=`" if METHOD_RENAMES.get(name) else (
                    "remove it (Keras 3 shows the compiled metrics)" if name in REMOVABLE else
                    "give `steps_per_epoch`/`validation_steps` (batches, not samples)" if "samples" in name
                    else "remove it")
                yield self.diagnostic(ctx, loc, f"Keras 3 raises TypeError: {method}() got an unexpected keyword "
                                                f"argument '{name}' (a Keras 1/2 argument). Fix: {fix}")

    VALID = ["import keras\nopt = keras.optimizers.Adam(learning_rate=1e-3)\n",
             "from tensorflow.keras.optimizers import SGD\nopt = SGD(learning_rate=0.01, momentum=0.9, nesterov=True)\n"]
    INVALID = [
        Invalid("import keras\nopt = keras.optimizers.Adam(lr=0.01)\n", line=2, column=7,
                message="Argument(s) not recognized: {'lr': 0.01}"),
        Invalid("from tensorflow import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer=keras.optimizers.RMSprop(lr=0.001, decay=1e-6), loss='mse')\n", line=3,
                message="`lr` is `learning_rate`"),
        Invalid("import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam', loss='mse')\nm.fit(np.zeros((4, 3)), np.zeros((4, 1)), nb_epoch=1, verbose=0)\n",
                line=5, column=43, message="unexpected keyword argument 'nb_epoch'"),
        Invalid("import keras\nopt = keras.optimizers.Adam(\n    lr=0.01,  # rate\n    beta_1=0.9)\n", line=2, column=7,
                fixed="import keras\nopt = keras.optimizers.Adam(\n    learning_rate=0.01,  # rate\n    beta_1=0.9)\n"),
        Invalid("from tensorflow import keras\n"
                "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer=keras.optimizers.RMSprop(lr=0.001), loss='mse')\n", line=3, column=21,
                fixed="from tensorflow import keras\n"
                      "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "m.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001), loss='mse')\n"),
        Invalid("import keras\nimport numpy as np\n"
                "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.fit(np.zeros((4, 3)), np.zeros((4, 1)),\n      nb_epoch=2,  # epochs\n      verbose=0)\n", line=5, column=7,
                fixed="import keras\nimport numpy as np\n"
                      "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "m.fit(np.zeros((4, 3)), np.zeros((4, 1)),\n      epochs=2,  # epochs\n      verbose=0)\n"),
        # fit-keras1-keywords
        Invalid('import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.fit(np.zeros((4, 3)), np.zeros((4, 1)), nb_epoch=1, show_accuracy=True, verbose=0)\nm.fit(np.zeros((4, 3)), np.zeros((4, 1)), show_accuracy=True)\n',
                line=4, column=43,
                fixed='import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.fit(np.zeros((4, 3)), np.zeros((4, 1)), epochs=1, verbose=0)\nm.fit(np.zeros((4, 3)), np.zeros((4, 1)))\n'),
        # a Keras 1 optimizer keyword with no Keras 3 counterpart: removed (unsafe)
        Invalid("from keras.optimizers import Nadam\nopt = Nadam(lr=0.002, schedule_decay=0.004)  # nadam\n",
                line=2, column=7, message="remove `schedule_decay`",
                fixed="from keras.optimizers import Nadam\nopt = Nadam(learning_rate=0.002)  # nadam\n"),
        Invalid("from keras.optimizers import Nadam\nopt = Nadam(schedule_decay=0.004,\n            lr=0.002)\n",
                line=2, column=7,
                fixed="from keras.optimizers import Nadam\nopt = Nadam(learning_rate=0.002)\n"),
        # model-keras1-keywords
        Invalid("import keras\nx = keras.Input(shape=(3,))\ny = keras.layers.Dense(2)(x)\n"
                "m = keras.Model(input=x, output=y)  # model\n", line=4, column=17,
                message="Unrecognized keyword arguments passed to Model",
                fixed="import keras\nx = keras.Input(shape=(3,))\ny = keras.layers.Dense(2)(x)\n"
                      "m = keras.Model(inputs=x, outputs=y)  # model\n"),
        # to-categorical-nb-classes
        Invalid("from keras.utils import to_categorical\ny = to_categorical([0, 2, 1], nb_classes=3)\n", line=2,
                column=31, message="unexpected keyword argument 'nb_classes'",
                fixed="from keras.utils import to_categorical\ny = to_categorical([0, 2, 1], num_classes=3)\n"),
        # decay-schedule
        Invalid('from keras.optimizers import SGD, Adam\nopt = SGD(lr=0.1, momentum=0.9, decay=1e-6)  # sgd\nadam = Adam(decay=0.01)\n',
                line=2, column=7,
                fixed='import keras\nfrom keras.optimizers import SGD, Adam\nopt = SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 1e-6), momentum=0.9)  # sgd\nadam = Adam(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.001, 1, 0.01))\n'),
    ]


_CREATING = re.compile(r"\(creating (\w+)\)")


def _dropped_keywords(diagnostic) -> tuple[str, ...]:
    """The optimizer keywords of the diagnostic that Keras 1/2 took (catalogue) and Keras 3 has no
    name for: removed by the fix (the rest is a rename, or unknown, perhaps a typo: left)."""
    found = _CREATING.search(diagnostic.message)
    if found is None or "Argument(s) not recognized: {" not in diagnostic.message:
        return ()
    cls = found.group(1)
    shown = diagnostic.message.split("Argument(s) not recognized: {", 1)[1].split("}", 1)[0]
    names = re.findall(r"'(\w+)': ", shown)
    return tuple(n for n in names if n not in EXACT_RENAMES and n not in optimizer_params(cls) and any(
        catalogue.accepts(v, f"keras.optimizers.{cls}", n) for v in _OLD_KERAS))


_OLD_KERAS = ("1.2.2", "2.3.1")


def _without_keywords(call, names):
    """``call`` without the keyword arguments ``names`` (the last argument keeps its own comma style)."""
    if not names:
        return call
    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value in names)]
    if args and len(args) < len(call.args):
        last = call.args[-1]
        args[-1] = args[-1].with_changes(comma=last.comma if args[-1] is last else cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def _method_keywords(call):
    """``fit(..., nb_epoch=2, show_accuracy=True)`` -> ``fit(..., epochs=2)``."""
    renamed = rename_keywords(call, EXACT_RENAMES) or call
    args = [a for a in renamed.args if not (a.keyword is not None and a.keyword.value in REMOVABLE)]
    if len(args) < len(renamed.args) and args:
        last = renamed.args[-1]
        args[-1] = args[-1].with_changes(comma=last.comma if last.keyword is None or last.keyword.value not in
                                         REMOVABLE else cst.MaybeSentinel.DEFAULT)
    new = renamed.with_changes(args=args)
    return None if new.deep_equals(call) else new
