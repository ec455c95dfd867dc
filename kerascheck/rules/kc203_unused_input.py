from __future__ import annotations

from ..models import Functional
from ._syntax import in_file
from .base import Invalid, Rule, shape_text


class UnusedInput(Rule):
    """## What it does
    Checks that every `Input` of a functional model feeds at least one of its outputs.

    ## Why is this bad?
    `keras.Model(inputs=[a, b], outputs=f(a))` builds without complaint: Keras keeps `b` as a model
    input, so `fit` and `predict` still require data for it, but that data never influences the
    result. It is almost always a branch forgotten when the outputs were wired (an auxiliary input
    never concatenated in).

    ## Example
    ```python
    import keras
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(4,))
    m = keras.Model([a, b], keras.layers.Dense(1)(a))
    ```

    Use instead (connect the input, or drop it from `inputs`):
    ```python
    import keras
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(4,))
    c = keras.layers.concatenate([a, b])
    m = keras.Model([a, b], keras.layers.Dense(1)(c))
    ```

    ## References
    - [Keras: models with multiple inputs and outputs](https://keras.io/guides/functional_api/#models-with-multiple-inputs-and-outputs)
    """

    code = "KC203"
    name = "unused-input"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for model in ctx.result.keras.models:
            if not isinstance(model, Functional) or not in_file(model.loc):
                continue
            used = _ancestors(model.flat_outputs)
            for t in model.flat_inputs:
                if id(t) in used or (model.loc, id(t)) in seen:
                    continue
                seen.add((model.loc, id(t)))
                what = f"`{t.label}`" if t.label else f"'{t.layer.name}'" if t.layer else "an input"
                where = f" (line {t.loc.line})" if t.loc else ""
                name = ctx.result.labels.get(id(model)) or model.name
                yield self.diagnostic(
                    ctx, model.loc,
                    f"Input {what}{where}, shape {shape_text(t.shape)}, is an input of model {name} but no "
                    f"output depends on it: Keras keeps it (data must still be fed) and ignores it. "
                    f"Connect it to the outputs or remove it from `inputs`",
                )

    VALID = ["import keras\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
             "c = keras.layers.concatenate([a, b])\nm = keras.Model([a, b], keras.layers.Dense(1)(c))\n"]
    INVALID = [
        Invalid("import keras\na = keras.Input(shape=(8,))\nb = keras.Input(shape=(4,))\n"
                "m = keras.Model([a, b], keras.layers.Dense(1)(a))\n", line=4, column=5,
                message="Input `b` (line 3)"),
    ]


def _ancestors(outputs) -> set[int]:
    """ids of every tensor the outputs are computed from (the outputs included)."""
    seen: set[int] = set()
    stack = list(outputs)
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t.node is not None and not t.node.is_input:
            stack.extend(t.node.inputs)
    return seen
