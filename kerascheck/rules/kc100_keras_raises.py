from __future__ import annotations

from .base import EngineErrorRule, Invalid


class KerasRaises(EngineErrorRule):
    """## What it does
    Reports an exception that Keras raises when this line runs.

    The analysis follows the script in execution order and finds that Keras (or Python, on the way
    to building the model) raises here, with this message: the script stops at this line. This is
    the general rule; more specific rules (KC101-KC109, KC2xx, KC4xx) report the errors they know
    better, with a hint of their own.

    ## Why is this bad?
    The script never gets past this line: no model is built, nothing is trained. The message is
    Keras's own, so it names the argument or shape at fault.

    ## Example
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    m.build((None, 5))
    ```

    Use instead:
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    m.build((None, 3))
    ```

    ## References
    - [Keras API reference](https://keras.io/api/)
    - [Keras 3 source: keras/src](https://github.com/keras-team/keras/blob/v3.15.1/keras/src)
    """

    code = "KC100"
    name = "keras-raises"

    def matches(self, error):
        return True

    VALID = ["import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nm.build((None, 3))\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\n"
                "m.build((None, 5))\n", line=3, column=1, message="already been configured"),
    ]
