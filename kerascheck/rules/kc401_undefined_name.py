from __future__ import annotations

from .base import EngineErrorRule, Invalid


class UndefinedName(EngineErrorRule):
    """## What it does
    Reports a name that nothing in the module defines.

    ## Why is this bad?
    Python raises `NameError` when the line runs. Tutorials often forget an import
    (`from keras.layers import Conv2D`, `import keras`, `import tensorflow as tf`). Reported only
    when no statement anywhere in the module binds the name and no star import could.

    ## Example
    ```python
    from keras.layers import Dense
    conv = Conv2D(16, (3, 3))
    ```

    Use instead:
    ```python
    from keras.layers import Conv2D
    conv = Conv2D(16, (3, 3))
    ```

    ## References
    - [Python: NameError](https://docs.python.org/3/library/exceptions.html#NameError)
    """

    code = "KC401"
    name = "undefined-name"

    def message(self, error):
        return f"{error.message} (Python raises {error.kind} here)"

    def matches(self, error):
        return error.kind == "NameError"

    def hint(self, error):
        return "Import or define it before this line"

    VALID = ["from keras.layers import Conv2D\nconv = Conv2D(16, (3, 3))\n"]
    INVALID = [
        Invalid("from keras.layers import Dense\nconv = Conv2D(16, (3, 3))\n", line=2, column=8,
                message="name 'Conv2D' is not defined"),
    ]
