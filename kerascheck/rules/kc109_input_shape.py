from __future__ import annotations

import re

import libcst as cst

from ._syntax import codemod
from .base import EngineErrorRule, Invalid


_INT_SHAPE = re.compile(r"Cannot convert '-?\d+' to a shape")


class InputShape(EngineErrorRule):
    """## What it does
    Checks that `Input(shape=...)` is a tuple of dimensions.

    ## Why is this bad?
    `keras.Input(shape=(16))` passes the int `16`: parentheses alone do not make a tuple. Keras 3
    raises `ValueError: Cannot convert '16' to a shape.` (Keras 2 accepted it), so the script stops
    before any layer is built.

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(16))
    ```

    Use instead:
    ```python
    import keras
    x = keras.Input(shape=(16,))
    ```

    ## Fix safety
    The fix turns an int literal, or a name holding an int (`shape=original_dim` becomes
    `shape=(original_dim,)`), into a one-element tuple: what Keras 2 read it as. It is safe; a shape that may already be a tuple (any other expression) is left alone.

    ## References
    - [Keras: Input object](https://keras.io/api/layers/core_layers/input/)
    - [Keras: standardize_shape, keras/src/backend/common/variables.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/common/variables.py)
    """

    code = "KC109"
    name = "input-shape-not-tuple"
    fix_title = "Write the shape as a one-element tuple"
    fix_safety = "safe"

    def fix(self, diagnostic, source):
        """``Input(shape=16)`` / ``Input(shape=(16))`` -> ``Input(shape=(16,))`` (an int literal, or a
        name the analysis saw holding an int, which the message quotes: anything else may already be
        a tuple)."""
        int_seen = _INT_SHAPE.search(diagnostic.message) is not None

        def change(call):
            for i, arg in enumerate(call.args):
                keyword = arg.keyword.value if arg.keyword is not None else None
                if not (keyword in ("shape", "input_shape") or (keyword is None and i == 0 and arg.star == "")):
                    continue
                value = arg.value
                literal = isinstance(value, (cst.Integer, cst.UnaryOperation))
                if not (literal or (int_seen and isinstance(value, cst.Name))) or \
                        "\n" in cst.Module([]).code_for_node(value):
                    return None
                bare = value.with_changes(lpar=[], rpar=[])
                lpar = value.lpar[0] if value.lpar else cst.LeftParen()
                rpar = value.rpar[-1] if value.rpar else cst.RightParen()
                tuple_ = cst.Tuple([cst.Element(bare, comma=cst.Comma())], lpar=[lpar], rpar=[rpar])
                return call.with_changes(args=[*call.args[:i], arg.with_changes(value=tuple_), *call.args[i + 1:]])
            return None

        return codemod(source, diagnostic, change)

    def matches(self, error):
        return error.stage == "input"

    def hint(self, error):
        if "Cannot convert '" in error.message and "'" in error.message[16:]:
            value = error.message.split("'")[1]
            if value.lstrip("-").isdigit():
                return f"Write a tuple: shape=({value},)"
        return "Pass `shape` as a tuple of ints or None"

    VALID = ["import keras\nx = keras.Input(shape=(16,))\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(16))\n", line=2, column=5, message="shape=(16,)"),
        Invalid("from tensorflow import keras\nx = keras.Input(shape=16, name='a')\n", line=2, column=5),
        Invalid("import keras\nx = keras.Input(shape=16)  # the features\n", line=2, column=5,
                fixed="import keras\nx = keras.Input(shape=(16,))  # the features\n"),
        Invalid("from tensorflow import keras\nx = keras.Input(shape=(16), name='a')\n", line=2, column=5,
                fixed="from tensorflow import keras\nx = keras.Input(shape=(16,), name='a')\n"),
        Invalid("import keras\nx = keras.Input(\n    shape=(16),  # one dim\n    name='a',\n)\n", line=2, column=5,
                fixed="import keras\nx = keras.Input(\n    shape=(16,),  # one dim\n    name='a',\n)\n"),
        # a name holding an int
        Invalid("from keras.layers import Input\ndim = 784\nx = Input(shape=dim)  # flat\n", line=3, column=5,
                fixed="from keras.layers import Input\ndim = 784\nx = Input(shape=(dim,))  # flat\n"),
    ]
