from __future__ import annotations

import libcst as cst

from ..frontend.result import UncalledSequentialIO
from ._syntax import TextEdit, in_file
from .base import Invalid, Rule


class UncalledSequentialInputOutput(Rule):
    """## What it does
    Reports `model.output` / `model.input` of a `Sequential` model that was never called as a layer.

    ## Why is this bad?
    Keras 2 gave a Sequential model the input and output tensors of the graph it built. Keras 3
    builds that graph inside the model and gives it no node of its own: `model.output` is the
    generic `Operation.output`, which raises `AttributeError: The layer sequential has never been
    called and thus has no defined output.` (keras/src/ops/operation.py). Old code reads them to build
    feature extractors (`keras.Model(model.input, model.layers[3].output)`) or backend functions.

    ## Example
    ```python
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])
    print(model.output.shape)
    ```

    Use instead (`outputs` / `inputs`, the lists of the model's tensors; a Sequential has one of each):
    ```python
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])
    print(model.outputs[0].shape)
    ```

    ## Fix safety
    The fix writes `model.outputs[0]` for `model.output` (and `model.inputs[0]` for `model.input`):
    the tensor Keras 2 returned, so it is safe.

    ## References
    - [Keras: the Sequential model](https://keras.io/guides/sequential_model/)
    - [Keras: Operation.output, keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/ops/operation.py)
    """

    code = "KC312"
    name = "uncalled-sequential-io"
    severity = "error"
    fix_title = "Use `.outputs[0]` / `.inputs[0]`"
    fix_safety = "safe"

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of(UncalledSequentialIO):
            if event.loc in seen or not in_file(event.loc):
                continue
            seen.add(event.loc)
            label = ctx.result.labels.get(id(event.model)) or event.model.name
            yield self.diagnostic(ctx, event.loc, f"Keras 3 raises AttributeError: The layer {event.model.name} has "
                                                  f"never been called and thus has no defined {event.attr}. Use "
                                                  f"`{label}.{event.attr}s[0]`: a Keras 3 Sequential has no "
                                                  f"`{event.attr}` of its own")

    def fix(self, diagnostic, source):
        """``model.output`` -> ``model.outputs[0]``; ``model.input`` -> ``model.inputs[0]``. The edit
        spans the whole expression, so that a fix of an enclosing call in the same round (``K.int_shape
        (model.output)``) overlaps it and it waits for the next round."""
        lines = source.splitlines(keepends=True)
        if diagnostic.end_line != diagnostic.line or not 0 < diagnostic.line <= len(lines):
            return []
        text = lines[diagnostic.line - 1][diagnostic.column - 1:diagnostic.end_column - 1]
        try:
            node = cst.parse_expression(text)
        except Exception:  # noqa: BLE001 - a fix never raises
            return []
        if not isinstance(node, cst.Attribute) or node.attr.value not in ("output", "input") or node.lpar:
            return []
        return [TextEdit(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column,
                         f"{text}s[0]")]

    VALID = [
        "import keras\nmodel = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])\n"
        "print(model.outputs[0].shape, model.layers[0].output.shape)\n",
        # called as a layer: its output is that call's
        "import keras\nmodel = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])\n"
        "y = model(keras.Input(shape=(8,)))\nprint(model.output.shape)\n",
    ]
    INVALID = [
        Invalid("import keras\nmodel = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])\n"
                "print(model.output.shape)  # out\nf = keras.Model(model.input, model.layers[0].output)\n",
                line=3, column=7, message="has never been called and thus has no defined output",
                fixed="import keras\nmodel = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])\n"
                      "print(model.outputs[0].shape)  # out\nf = keras.Model(model.inputs[0], model.layers[0].output)\n"),
        Invalid("import keras\nfrom keras import backend as K\n"
                "model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])\n"
                "print(K.int_shape(model.output))\n", line=4, column=19,
                fixed="import keras\nfrom keras import backend as K\n"
                      "model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])\n"
                      "print(tuple(model.outputs[0].shape))\n"),
    ]
