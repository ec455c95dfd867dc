from __future__ import annotations

from ..frontend.result import AmbiguousIO
from ._syntax import in_file
from .base import Invalid, Rule


class AmbiguousOutput(Rule):
    """## What it does
    Reports `.output` / `.input` of a layer that was called more than once.

    ## Why is this bad?
    Each call of a layer creates a node with its own input and output tensors, so "the layer's
    output" is ill-defined once the layer is shared. Keras 2 raised (`Layer lstm has multiple inbound
    nodes, hence the notion of "layer output" is ill-defined`); Keras 3 silently returns the first
    call's tensor, so code written for another call gets the wrong tensor without any error.

    ## Example
    ```python
    import keras
    lstm = keras.layers.LSTM(4)
    a = keras.Input(shape=(5, 3))
    b = keras.Input(shape=(5, 3))
    encoded_a = lstm(a)
    encoded_b = lstm(b)
    out = lstm.output
    ```

    Use instead (the tensor returned by the call you mean):
    ```python
    import keras
    lstm = keras.layers.LSTM(4)
    a = keras.Input(shape=(5, 3))
    b = keras.Input(shape=(5, 3))
    encoded_a = lstm(a)
    encoded_b = lstm(b)
    out = encoded_b
    ```

    ## References
    - [Keras: shared layers](https://keras.io/guides/functional_api/#shared-layers)
    - [Keras: Layer.output, keras/src/ops/operation.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/ops/operation.py)
    """

    code = "KC205"
    name = "ambiguous-output"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of(AmbiguousIO):
            layer, attr = event.layer, event.attr
            if (event.loc, attr) in seen or not in_file(event.loc):
                continue
            seen.add((event.loc, attr))
            label = ctx.result.labels.get(id(layer)) or layer.name
            calls = []
            for node in layer.nodes:
                tensors = node.outputs if attr == "output" else node.inputs
                names = ", ".join(f"`{t.label}`" if t.label else "an unnamed tensor" for t in tensors)
                calls.append(f"{names} (line {node.loc.line})" if node.loc else names)
            lines = ", ".join(str(n.loc.line) for n in layer.nodes if n.loc)
            text = (f"`{label}.{attr}` is ambiguous: {layer.name} was called {len(layer.nodes)} times "
                    f"(lines {lines}); Keras 3 silently returns the first call's {attr} (Keras 2 raised). "
                    f"Use the tensor of the call you mean: {' or '.join(calls)}")
            yield self.diagnostic(ctx, event.loc, text)

    VALID = ["import keras\nlstm = keras.layers.LSTM(4)\na = keras.Input(shape=(5, 3))\nencoded_a = lstm(a)\n"
             "out = lstm.output\n"]
    INVALID = [
        Invalid("import keras\nlstm = keras.layers.LSTM(4)\na = keras.Input(shape=(5, 3))\nb = keras.Input(shape=(5, 3))\n"
                "encoded_a = lstm(a)\nencoded_b = lstm(b)\nout = lstm.output\n", line=7, column=7,
                message="`encoded_a` (line 5) or `encoded_b` (line 6)"),
        Invalid("import keras\nd = keras.layers.Dense(4)\na = keras.Input(shape=(3,))\nb = keras.Input(shape=(3,))\n"
                "ya = d(a)\nyb = d(b)\nprint(d.input.shape)\n", line=7, column=7, message="`d.input` is ambiguous"),
    ]
