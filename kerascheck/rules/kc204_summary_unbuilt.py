from __future__ import annotations

from ..models import Sequential
from ._syntax import in_file
from .base import Invalid, Rule


class SummaryUnbuilt(Rule):
    """## What it does
    Reports `summary()` of a model that is not built yet.

    ## Why is this bad?
    A `Sequential` without an `Input` (or `input_shape`) and a subclassed model are built only when
    they first see data (a call, `fit`, `build`). Before that Keras 3 prints `?` as every unbuilt
    layer's output shape and `0 (unbuilt)` as its parameter count, and the totals are 0, which is
    rarely what the author wanted to see.

    ## Example
    ```python
    import keras
    m = keras.Sequential([keras.layers.Dense(2)])
    m.summary()
    ```

    Use instead (start the Sequential with an `Input`, or call `model.build((None, ...))` or the
    model on a batch before `summary()`; a subclassed model's `build(shape)` does not build layers
    its own `build()` leaves alone, so call it on a batch):
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    m.summary()
    ```

    ## References
    - [Keras: the Sequential model, specifying the input shape in advance](https://keras.io/guides/sequential_model/#specifying-the-input-shape-in-advance)
    - [Keras: Model.summary](https://keras.io/api/models/model/#summary-method)
    """

    code = "KC204"
    name = "summary-unbuilt"
    severity = "warning"

    def check(self, ctx):
        for event in ctx.result.summaries:
            snap = event.snapshot
            if event.model is None or snap is None or not in_file(event.loc):
                continue
            unbuilt = [row.name for row in snap.rows if row.params == "0 (unbuilt)" and row.nesting == 0]
            if not unbuilt:
                continue
            label = ctx.result.labels.get(id(event.model)) or event.model.name
            listed = ", ".join(unbuilt[:4]) + (", ..." if len(unbuilt) > 4 else "")
            if isinstance(event.model, Sequential):
                fix = (f"Add `keras.Input(shape=...)` as the first layer, or call `{label}.build((None, ...))` "
                       "before summary()")
            else:  # a subclassed model: build(shape) does not build layers its own build() leaves alone
                fix = (f"Call `{label}` on a batch (or on a `keras.Input`) before summary(), or build its "
                       "layers in its own `build()`")
            yield self.diagnostic(
                ctx, event.loc,
                f"`{label}` is not built at this summary(): Keras prints `?` shapes and `0 (unbuilt)` params "
                f"for {listed}. {fix}",
            )

    VALID = ["import keras\nm = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])\nm.summary()\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.layers.Dense(2)])\nm.summary()\n", line=3, column=1,
                message="`m` is not built"),
    ]
