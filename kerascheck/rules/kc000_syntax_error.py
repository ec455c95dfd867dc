from __future__ import annotations

from ..diagnostics import SYNTAX_CODE
from .base import Invalid, Rule


class SyntaxErrorRule(Rule):
    """## What it does
    Reports a file that cannot be read, decoded or parsed as Python: a syntax error, at the line and
    column Python itself gives.

    The same code also reports a file that cannot be read, bytes that do not decode in the file's
    encoding (UTF-8, or the one a `# -*- coding: ... -*-` line declares), and, in the language server,
    a file too large or too slow to analyse as you type (as a warning).

    ## Why is this bad?
    Python refuses to run a file with a syntax error, so none of it runs; kerascheck cannot analyse
    it either, and no other rule reports anything for that file until it parses.

    ## Example
    ```python
    import keras
    x = keras.Input(shape=(16,)
    ```

    Use instead:
    ```python
    import keras
    x = keras.Input(shape=(16,))
    ```

    ## References
    - [Python: syntax errors](https://docs.python.org/3/tutorial/errors.html#syntax-errors)
    - [PEP 263: source code encodings](https://peps.python.org/pep-0263/)
    """

    code = SYNTAX_CODE
    name = "syntax-error"
    severity = "error"

    # Reported by the pipeline (reading, decoding, parsing), never by ``check``: see ``analysis``.
    VALID = ["import keras\nx = keras.Input(shape=(16,))\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(16,)\n", line=2, column=16, message="SyntaxError"),
        Invalid("import keras\nif True:\nx = 1\n", line=3, message="SyntaxError: expected an indented block"),
    ]
