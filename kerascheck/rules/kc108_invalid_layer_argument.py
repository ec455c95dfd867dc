from __future__ import annotations

import re

import libcst as cst

from .. import KERAS_VERSION, catalogue
from ..migration import RECURRENT, keras2_defaults
from ._syntax import codemod, rename_keywords
from .base import EngineErrorRule, Invalid

_UNRECOGNIZED = re.compile(r"Unrecognized keyword arguments passed to (\w+): \{(.*)\}")
_MISSING = re.compile(r"(\w+)\.__init__\(\) missing \d+ required positional arguments?: (.*)")
# Keras 1 names Keras 2 translated (its legacy interfaces, in the catalogue) whose values mean
# something else in Keras 3: not renamed automatically.
_NOT_EXACT = {"dim_ordering", "consume_less"}
# Keras 1 keywords that only chose how a layer was computed (CPU / GPU kernels), not what: removed.
_PERFORMANCE_ONLY = ("consume_less",)


def legacy_renames(cls: str) -> dict[str, str]:
    """Keras 1 keyword -> Keras 3 keyword for ``keras.layers.<cls>``: Keras 2.3.1's legacy
    renames (catalogue) whose new name Keras 3.15.1 takes, same meaning."""
    path = f"keras.layers.{cls}"
    return {old: new for old, new in catalogue.legacy_renames("2.3.1", path).items()
            if old not in _NOT_EXACT and catalogue.accepts(KERAS_VERSION, path, new)}


class InvalidLayerArgument(EngineErrorRule):
    """## What it does
    Checks the arguments a layer is constructed with, as Keras 3 checks them.

    ## Why is this bad?
    Keras 3 checks constructor arguments when the layer is created: unknown keyword arguments
    (`batch_input_shape=`, `init=`, `border_mode=` from Keras 1 and 2), out-of-range values
    (`Dropout(1.5)`, `Dense(0)`), malformed tuples. The script stops with a `ValueError` or
    `TypeError` at the constructor; the message names the argument.

    ## Example
    ```python
    import keras
    layer = keras.layers.Conv2D(32, (3, 3), border_mode="same")
    ```

    Use instead:
    ```python
    import keras
    layer = keras.layers.Conv2D(32, (3, 3), padding="same")
    ```

    ## Fix safety
    The fix renames Keras 1/2 keyword arguments to their Keras 3 names (`border_mode=` to `padding=`,
    `init=` to `kernel_initializer=`, `subsample=` to `strides=`...), only when every rejected
    argument has such a rename. The renamed argument means what the old one meant, so the fix is
    safe. Keras 1's `consume_less=` (which kernels computed the layer, not what it computed) is
    removed. An argument Keras 3 made required gets Keras 2's default (`AveragePooling2D()` becomes
    `AveragePooling2D(pool_size=(2, 2))`), and a Keras 2 recurrent layer's `input_dim=` becomes
    `input_shape=(input_length, input_dim)`, as Keras 2 read them. Other rejected arguments have no
    automatic fix. After the error the analysis goes on with the Keras 3 spelling.

    ## References
    - [Keras: layers API](https://keras.io/api/layers/)
    - [Keras: the base Layer, keras/src/layers/layer.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/layer.py)
    """

    code = "KC108"
    name = "invalid-layer-argument"
    fix_title = "Use the Keras 2+ argument names"
    fix_safety = "safe"

    def fix(self, diagnostic, source):
        """``Conv2D(32, (3, 3), border_mode='same', init='he_normal', subsample=(2, 2))`` ->
        ``Conv2D(32, (3, 3), padding='same', kernel_initializer='he_normal', strides=(2, 2))``:
        the renames of Keras 2's legacy interfaces (from the catalogue), when every unrecognised
        argument has one."""
        missing = _MISSING.search(diagnostic.message)
        if missing:  # ``Dense(output_dim=3)``: Python reports the missing ``units`` before Keras sees the rest
            return self._fix_missing(diagnostic, source, missing.group(1), re.findall(r"'(\w+)'", missing.group(2)))
        found = _UNRECOGNIZED.search(diagnostic.message)
        if not found:
            return []
        renames = legacy_renames(found.group(1))
        unknown = re.findall(r"'(\w+)':", found.group(2))
        dropped = [k for k in unknown if k in _PERFORMANCE_ONLY]
        unknown = [k for k in unknown if k not in _PERFORMANCE_ONLY]
        if not (unknown or dropped) or not all(k in renames for k in unknown):
            return []

        def change(call):
            call = rename_keywords(call, {k: renames[k] for k in unknown}) or call if unknown else call
            args = [a for a in call.args if a.keyword is None or a.keyword.value not in dropped]
            if args and len(args) < len(call.args) and call.args[-1].keyword is not None and \
                    call.args[-1].keyword.value in dropped:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return call.with_changes(args=args)

        return codemod(source, diagnostic, change, inner=True)

    @staticmethod
    def _fix_missing(diagnostic, source, cls, missing):
        """Rename the call's legacy keywords when every keyword Keras 3 does not take has a rename
        and the renames supply the missing required arguments."""
        renames, path = legacy_renames(cls), f"keras.layers.{cls}"

        def change(call):
            given = [a.keyword.value for a in call.args if a.keyword is not None]
            unknown = [k for k in given if not catalogue.accepts(KERAS_VERSION, path, k)]
            defaults = keras2_defaults(cls, missing)
            if not unknown and defaults and not any(a.keyword is None for a in call.args):
                # ``AveragePooling2D()``: Keras 3 made the argument required; Keras 2's default, written out
                added = [cst.Arg(cst.parse_expression(v), keyword=cst.Name(k), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for k, v in defaults.items()]
                if not call.args:
                    added[-1] = added[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return call.with_changes(args=[*added, *call.args])
            if not unknown or not all(k in renames for k in unknown):
                return None
            if not set(missing) <= {renames[k] for k in unknown}:
                return None
            renamed = rename_keywords(call, {k: renames[k] for k in unknown})
            return _recurrent_input(renamed, cls) if renamed is not None else None

        return codemod(source, diagnostic, change, inner=True)

    def matches(self, error):
        return error.stage == "constructor"

    VALID = ["import keras\nlayer = keras.layers.Dense(4, activation='relu')\n"]
    INVALID = [
        Invalid("import keras\nlayer = keras.layers.Dense(4, batch_input_shape=(None, 3))\n", line=2, column=9,
                message="batch_input_shape"),
        Invalid("import keras\nlayer = keras.layers.Dense(0)\n", line=2, column=9),
        Invalid("import keras\nfrom keras.layers import Conv2D, Dense\nx = keras.Input(shape=(8, 8, 3))\n"
                "y = Conv2D(4, (3, 3), border_mode='same',  # pad\n"
                "           init='he_normal', subsample=(2, 2))(x)\ny = keras.layers.Flatten()(y)\n"
                "z = Dense(output_dim=3, W_regularizer=None)(y)\n", line=4, column=5,
                fixed="import keras\nfrom keras.layers import Conv2D, Dense\nx = keras.Input(shape=(8, 8, 3))\n"
                      "y = Conv2D(4, (3, 3), padding='same',  # pad\n"
                      "           kernel_initializer='he_normal', strides=(2, 2))(x)\ny = keras.layers.Flatten()(y)\n"
                      "z = Dense(units=3, kernel_regularizer=None)(y)\n"),
        # required-pool-size
        Invalid("import keras\nx = keras.Input(shape=(8, 8, 3))\ny = keras.layers.AveragePooling2D()(x)\nz = keras.layers.AveragePooling2D(padding='same')(x)\n",
                line=3, column=5,
                fixed="import keras\nx = keras.Input(shape=(8, 8, 3))\ny = keras.layers.AveragePooling2D(pool_size=(2, 2))(x)\nz = keras.layers.AveragePooling2D(pool_size=(2, 2), padding='same')(x)\n"),
        # keras1-recurrent-input-dim
        Invalid('from keras.models import Sequential\nfrom keras.layers import LSTM\nm = Sequential()\nm.add(LSTM(input_dim=1, output_dim=32, return_sequences=True))\n',
                line=4, column=7,
                fixed='from keras.models import Sequential\nfrom keras.layers import LSTM\nm = Sequential()\nm.add(LSTM(input_shape=(None, 1), units=32, return_sequences=True))\n'),
        # keras1-consume-less
        Invalid("from keras.layers import GRU\nlayer = GRU(32, consume_less='cpu', inner_activation='hard_sigmoid')\n",
                line=2, column=9,
                fixed="from keras.layers import GRU\nlayer = GRU(32, recurrent_activation='hard_sigmoid')\n"),
    ]


def _recurrent_input(call, cls: str):
    """``LSTM(units=32, input_dim=1)`` -> ``LSTM(units=32, input_shape=(None, 1))``: Keras 2's recurrent
    layers read ``input_dim``/``input_length`` as ``input_shape=(input_length, input_dim)``; Keras 3
    reads ``input_dim`` as ``input_shape=(input_dim,)``."""


    keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
    if cls not in RECURRENT or "input_dim" not in keywords or "input_shape" in keywords:
        return call
    code = cst.Module([]).code_for_node
    length = code(keywords["input_length"].value) if "input_length" in keywords else "None"
    shape = cst.parse_expression(f"({length}, {code(keywords['input_dim'].value)})")
    args = []
    for a in call.args:
        if a is keywords["input_dim"]:
            args.append(a.with_changes(keyword=cst.Name("input_shape"), value=shape))
        elif a is not keywords.get("input_length"):
            args.append(a)
    if args and "input_length" in keywords and call.args[-1] is keywords["input_length"]:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)
