from __future__ import annotations

from ._optimizers import optimizer_class, optimizer_params
from ._syntax import in_file, value_text
from .base import Invalid, Rule

# Keras 2 optimizer keywords and what Keras 3 calls them.
RENAMED = {
    "lr": "`learning_rate`",
    "schedule_decay": "a `keras.optimizers.schedules` schedule as `learning_rate`",
    "initial_accumulator_value": "`initial_accumulator_value` (Adagrad and Ftrl only)",
}

EXACT_RENAMES = {"lr": "learning_rate"}


class RemovedArgument(Rule):
    """An optimizer is given a keyword argument Keras 3 removed (``lr=``).

    Keras 3 optimizers take ``learning_rate`` (Keras 2 also accepted ``lr``) and no other unknown
    keyword: ``BaseOptimizer.__init__`` raises ``ValueError: Argument(s) not recognized:
    {'lr': 0.01}`` as soon as the optimizer is created, so ``Adam(lr=1e-3)`` stops the script
    (also inside ``model.compile(optimizer=...)``). ``decay=`` is only warned about and ignored
    (see KC304).

    Fix: write ``learning_rate=`` instead of ``lr=``; drop other Keras 2 arguments (use a
    ``keras.optimizers.schedules`` schedule as ``learning_rate`` for decay).
    """

    code = "KC303"
    name = "removed-argument"
    severity = "error"
    fix_title = "Rename `lr=` to `learning_rate=`"
    fix_safety = "safe"

    def fix(self, diagnostic, source):
        """``Adam(lr=1e-3)`` -> ``Adam(learning_rate=1e-3)``: the renames with an exact new name."""
        from ..fix import codemod, rename_keywords

        return codemod(source, diagnostic, lambda call: rename_keywords(call, EXACT_RENAMES))

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of("ref_call"):
            cls = optimizer_class(event.data["path"])
            if cls is None or event.loc in seen or not in_file(event.loc):
                continue
            kwargs = event.data["kwargs"]
            unknown = {k: v for k, v in kwargs.items() if k not in optimizer_params(cls) and k != "decay"}
            if not unknown:
                continue
            seen.add(event.loc)
            shown = "{" + ", ".join(f"{k!r}: {value_text(v)}" for k, v in unknown.items()) + "}"
            fixes = [f"`{k}` is {RENAMED[k]} in Keras 3" if k in RENAMED else f"remove `{k}`" for k in unknown]
            yield self.diagnostic(ctx, event.loc, f"Keras 3 raises ValueError: Argument(s) not recognized: {shown} "
                                                  f"(creating {cls}). Fix: {'; '.join(fixes)}")

    VALID = ["import keras\nopt = keras.optimizers.Adam(learning_rate=1e-3)\n",
             "from tensorflow.keras.optimizers import SGD\nopt = SGD(learning_rate=0.01, momentum=0.9, nesterov=True)\n"]
    INVALID = [
        Invalid("import keras\nopt = keras.optimizers.Adam(lr=0.01)\n", line=2, column=7,
                message="Argument(s) not recognized: {'lr': 0.01}"),
        Invalid("from tensorflow import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer=keras.optimizers.RMSprop(lr=0.001, decay=1e-6), loss='mse')\n", line=3,
                message="`lr` is `learning_rate`"),
    ]
