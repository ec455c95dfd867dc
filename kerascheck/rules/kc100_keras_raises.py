from __future__ import annotations

from .base import EngineErrorRule, Invalid


class KerasRaises(EngineErrorRule):
    """Keras raises an exception when this line runs.

    The engine followed the script and found that Keras (or Python, on the way to building the
    model) raises here, with this message; the script stops at this line. This is the general
    rule: more specific rules (KC101-KC109, KC2xx, KC4xx) report the errors they know better.

    Fix: read Keras's message; it names the argument or shape at fault.
    """

    code = "KC100"
    name = "keras-raises"
    priority = 100  # the fallback: any engine error no other rule claimed

    def matches(self, error):
        return True

    VALID = ["import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nm.build((None, 3))\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\n"
                "m.build((None, 5))\n", line=3, column=1, message="already been configured"),
    ]
