from __future__ import annotations

from .base import EngineErrorRule, Invalid


class BadCallArguments(EngineErrorRule):
    """## What it does
    Checks that a function or method of the module is called with arguments that fit its signature.

    ## Why is this bad?
    Python raises `TypeError` (missing or unexpected arguments). A common Keras case: a custom layer's
    `from_config` defined without `@classmethod` and called as `CustomDense.from_config(config)`:
    `config` binds to `cls` and Python raises `from_config() missing 1 required positional argument:
    'config'` (see also KC501).

    ## Example
    ```python
    def f(a, b):
        return a + b
    f(1)
    ```

    Use instead:
    ```python
    def f(a, b):
        return a + b
    f(1, 2)
    ```

    ## References
    - [Python: calls](https://docs.python.org/3/reference/expressions.html#calls)
    """

    code = "KC402"
    name = "bad-call-arguments"

    def message(self, error):
        return f"{error.message} (Python raises {error.kind} here)"

    def matches(self, error):
        return error.kind == "TypeError" and error.stage not in ("constructor",) and (
            "argument" in error.message
        )

    VALID = ["def f(a, b=1):\n    return a + b\nf(1)\n"]
    INVALID = [Invalid("def f(a, b):\n    return a + b\nf(1)\n", line=3, column=1, message="missing 1 required")]
