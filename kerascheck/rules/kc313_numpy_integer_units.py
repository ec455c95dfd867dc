from __future__ import annotations

import re

import libcst as cst

from ..frontend.arrays import NumpyInt
from ..frontend.result import RefCalled
from ._syntax import codemod, in_file, keyword_arg, loc_of
from .base import Invalid, Rule

class NumpyIntegerUnits(Rule):
    """## What it does
    Reports a `Dense` layer whose `units` is a NumPy integer rather than a Python `int`:
    `Dense(np.max(y_train) + 1)`.

    ## Why is this bad?
    `np.max`, `np.min` and `.max()` of an integer array return a NumPy scalar (`np.int64`,
    `np.uint8`), and arithmetic with a Python int keeps it one. Keras 2 took it as a number of
    units; Keras 3's `Dense` checks `isinstance(units, int)`, which a NumPy integer is not, and
    raises `ValueError: Received an invalid value for units, expected a positive integer.
    Received: units=10`. (`.shape` entries and `len()` are Python ints: they are fine.)

    ## Example
    ```python
    import keras
    import numpy as np
    (x, y), _ = keras.datasets.mnist.load_data()
    num_classes = np.max(y) + 1
    out = keras.layers.Dense(num_classes, activation="softmax")
    ```

    Use instead:
    ```python
    import keras
    import numpy as np
    (x, y), _ = keras.datasets.mnist.load_data()
    num_classes = int(np.max(y)) + 1
    out = keras.layers.Dense(num_classes, activation="softmax")
    ```

    ## Fix safety
    The fix wraps the argument in `int(...)`: the same number, as the Python int Keras 3 accepts, so
    the layer is the one Keras 2 made: safe.

    ## References
    - [Keras: Dense layer](https://keras.io/api/layers/core_layers/dense/)
    - [Keras: keras/src/layers/core/dense.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/core/dense.py)
    """

    code = "KC313"
    name = "numpy-integer-units"
    severity = "error"
    fix_title = "Pass a Python int"
    fix_safety = "safe"

    def check(self, ctx):
        seen = set()
        for event in ctx.result.events_of(RefCalled):
            if event.path != "keras.layers.Dense" or not in_file(event.loc):
                continue
            units = event.args[0] if event.args else event.kwargs.get("units")
            if not isinstance(units, NumpyInt):
                continue
            call = event.node if isinstance(event.node, cst.Call) else None
            arg = keyword_arg(call, "units") or next(
                (a for a in (call.args if call is not None else ()) if a.keyword is None and not a.star), None)
            loc = loc_of(ctx, arg.value, event.loc) if arg is not None else event.loc
            if loc in seen:
                continue
            seen.add(loc)
            written = cst.Module([]).code_for_node(arg.value) if arg is not None else "units"
            origin = f" from {units.origin}" if units.origin else ""
            yield self.diagnostic(ctx, loc, "Keras 3 raises ValueError: Received an invalid value for `units`, expected "
                                            f"a positive integer. Received: units={int(units)} (`{written}` is a "
                                            f"NumPy {units.dtype}{origin}, not a Python int). Write `int({written})`")

    def fix(self, diagnostic, source):
        """``Dense(num_classes)`` -> ``Dense(int(num_classes))``."""
        found = re.search(r"Write `int\((.+)\)`$", diagnostic.message)
        if not found:
            return []
        written = found.group(1)

        def change(arg: cst.Arg):
            if cst.Module([]).code_for_node(arg.value) != written:
                return None
            return arg.with_changes(value=cst.Call(cst.Name("int"), [cst.Arg(arg.value)]))

        return codemod(source, diagnostic, change, node_type=cst.Arg, where="around", inner=True)

    VALID = ["import keras\nimport numpy as np\nunits = np.int64(16)\nd = keras.layers.Dense(int(units))\n"
             "e = keras.layers.Dense(np.zeros((4, 8)).shape[1])\n"]
    INVALID = [
        Invalid("import keras\nimport numpy as np\nunits = np.int64(16) * 2\n"
                "d = keras.layers.Dense(units, activation='relu')  # hidden\n", line=4, column=24,
                message="Received: units=32",
                fixed="import keras\nimport numpy as np\nunits = np.int64(16) * 2\n"
                      "d = keras.layers.Dense(int(units), activation='relu')  # hidden\n"),
        # keyword
        Invalid("import keras\nimport numpy as np\nout = keras.layers.Dense(units=np.uint8(9) + 1)\n", line=3,
                column=32, message="NumPy uint8"),
    ]
