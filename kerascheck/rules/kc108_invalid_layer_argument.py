from __future__ import annotations

import re

import libcst as cst

from .. import KERAS_VERSION, catalogue
from ..frontend.result import LayerCreated
from ..migration import BATCH_INPUT_SHAPE, KERAS1_LAYER_DROPS, RECURRENT, keras2_defaults
from ._syntax import codemod, dotted, import_keras_edit, parse_with_positions, rename_keywords, whole_edit
from .base import EngineErrorRule, Invalid

_UNRECOGNIZED = re.compile(r"Unrecognized keyword arguments passed to (\w+): \{(.*)\}")
_MISSING = re.compile(r"(\w+)\.__init__\(\) missing \d+ required positional arguments?: (.*)")
# Keras 1 names Keras 2 translated (its legacy interfaces, in the catalogue) whose values mean
# something else in Keras 3: not renamed automatically.
_NOT_EXACT = {"dim_ordering", "consume_less"}
# Keras 1 keywords that only chose how a layer was computed (CPU / GPU kernels), not what: removed.
_PERFORMANCE_ONLY = ("consume_less",)
# The first layer of a Sequential given Keras 2's ``batch_input_shape=``: the fix writes an Input before it.
_FIRST_OF_SEQUENTIAL = "it is the first layer of a Sequential"
_BN_MODE = re.compile(r"'mode': (\S+?)[,}]")


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
    removed, and so is `BatchNormalization(mode=0)` (what Keras 3 does). Keras 2's `batch_input_shape=`
    on the first layer of a Sequential becomes an `Input(batch_shape=...)` before it (`Input` imported
    if needed), as Keras 2 built it: safe. Removing Embedding's `dropout=` (Keras 1 dropped whole words;
    Keras 3 has no such keyword), another BatchNormalization `mode` (Keras 1's sample-wise or
    batch-statistics modes), or a `batch_input_shape=` no Input replaces changes what the model
    computes: unsafe, applied only with `--unsafe-fixes`. An argument Keras 3 made required gets
    Keras 2's default (`AveragePooling2D()` becomes `AveragePooling2D(pool_size=(2, 2))`), and a
    Keras 2 recurrent layer's `input_dim=` becomes
    `input_shape=(input_length, input_dim)`, as Keras 2 read them. Other rejected arguments have no
    automatic fix. After the error the analysis goes on with the Keras 3 spelling.

    ## References
    - [Keras: layers API](https://keras.io/api/layers/)
    - [Keras: the base Layer, keras/src/layers/layer.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/layer.py)
    """

    code = "KC108"
    name = "invalid-layer-argument"
    fix_title = "Use the Keras 2+ argument names"
    fix_safety = "safe"  # unsafe for some diagnostics: see fix_applicability

    def fix_applicability(self, diagnostic):
        """Dropping Embedding's ``dropout`` (training loses it), a BatchNormalization ``mode`` other than 0
        (Keras 1's sample-wise or batch-statistics modes), or a ``batch_input_shape`` that no Input replaces
        changes what the model computes: unsafe. The renames, ``mode=0`` and the Input are safe."""
        found = _UNRECOGNIZED.search(diagnostic.message)
        if not found:
            return "safe"
        cls, unknown = found.group(1), re.findall(r"'(\w+)':", found.group(2))
        if cls == "Embedding" and "dropout" in unknown:
            return "unsafe"
        mode = _BN_MODE.search(found.group(2) + "}")
        if cls == "BatchNormalization" and "mode" in unknown and (mode is None or mode.group(1) != "0"):
            return "unsafe"
        if BATCH_INPUT_SHAPE in unknown and _FIRST_OF_SEQUENTIAL not in diagnostic.message:
            return "unsafe"
        return "safe"

    def hint(self, error):
        found = _UNRECOGNIZED.search(error.message)
        if not found:
            return ""
        cls, unknown = found.group(1), re.findall(r"'(\w+)':", found.group(2))
        if cls == "Embedding" and "dropout" in unknown:
            return ("Keras 1's Embedding `dropout` (dropping whole words) has no Keras 3 keyword: remove it, "
                    "or add a Dropout layer after the embedding")
        if cls == "BatchNormalization" and "mode" in unknown:
            return "Keras 1's `mode`: Keras 3 always normalizes as mode=0 did (feature-wise, moving statistics)"
        if BATCH_INPUT_SHAPE in unknown:
            return "Keras 3 takes the batch shape from an Input: `Input(batch_shape=...)` before the layer"
        return ""

    def diagnostic(self, ctx, loc, message):
        """Say when a ``batch_input_shape=`` layer is the first of a Sequential (the fix then adds an Input)."""
        if BATCH_INPUT_SHAPE in message and _first_of_sequential(ctx, loc):
            message += f"; {_FIRST_OF_SEQUENTIAL}"
        return super().diagnostic(ctx, loc, message)

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
        cls = found.group(1)
        renames = legacy_renames(cls)
        unknown = re.findall(r"'(\w+)':", found.group(2))
        droppable = (*_PERFORMANCE_ONLY, *KERAS1_LAYER_DROPS.get(cls, ()), BATCH_INPUT_SHAPE)
        dropped = [k for k in unknown if k in droppable]
        unknown = [k for k in unknown if k not in droppable]
        if not (unknown or dropped) or not all(k in renames for k in unknown):
            return []
        if BATCH_INPUT_SHAPE in dropped and _FIRST_OF_SEQUENTIAL in diagnostic.message:
            return _input_before(source, diagnostic, {k: renames[k] for k in unknown},
                                 [k for k in dropped if k != BATCH_INPUT_SHAPE])

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
            # Keywords with no Keras 3 name (batch_input_shape...) are left for the next round, which reports them.
            unknown = [k for k in given if not catalogue.accepts(KERAS_VERSION, path, k)
                       and k not in (BATCH_INPUT_SHAPE, *_PERFORMANCE_ONLY, *KERAS1_LAYER_DROPS.get(cls, ()))]
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
        # keras1-embedding-dropout-and-batchnorm-mode
        Invalid("from keras.models import Sequential\nfrom keras.layers import Embedding, BatchNormalization\n"
                "m = Sequential()\nm.add(Embedding(100, 8, dropout=0.2))\nm.add(BatchNormalization(mode=0))\n",
                line=4, column=7,
                fixed="from keras.models import Sequential\nfrom keras.layers import Embedding, BatchNormalization\n"
                      "m = Sequential()\nm.add(Embedding(100, 8))\nm.add(BatchNormalization())\n"),
        Invalid("import keras\nlayer = keras.layers.BatchNormalization(axis=-1, mode=0)\n", line=2, column=9,
                fixed="import keras\nlayer = keras.layers.BatchNormalization(axis=-1)\n"),
        Invalid("import keras\nlayer = keras.layers.BatchNormalization(mode=2)\n", line=2, column=9,
                fixed="import keras\nlayer = keras.layers.BatchNormalization()\n"),
        # keras2-batch-input-shape
        Invalid("from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\nm = Sequential()\n"
                "if True:\n    # stateful: a fixed batch\n    m.add(LSTM(4, batch_input_shape=(2, 5, 1), stateful=True))\n"
                "m.add(Dense(1))\nn = Sequential([Dense(2, batch_input_shape=(None, 3)), Dense(1)])\n",
                line=6, column=11,
                fixed="from keras.models import Sequential\nfrom keras.layers import LSTM, Dense, Input\nm = Sequential()\n"
                      "if True:\n    # stateful: a fixed batch\n    m.add(Input(batch_shape=(2, 5, 1)))\n"
                      "    m.add(LSTM(4, stateful=True))\nm.add(Dense(1))\n"
                      "n = Sequential([Input(batch_shape=(None, 3)), Dense(2), Dense(1)])\n"),
        Invalid("import keras\nx = keras.Input(shape=(3,))\ny = keras.layers.Dense(2, batch_input_shape=(None, 3))(x)\n",
                line=3, column=5,
                fixed="import keras\nx = keras.Input(shape=(3,))\ny = keras.layers.Dense(2)(x)\n"),
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


def _first_of_sequential(ctx, loc) -> bool:
    """The layer made at ``loc`` (with ``batch_input_shape=``) is the first of a Sequential, whose Input
    the analysis made of that batch shape, as Keras 2 did."""
    made = [e.layer for e in ctx.result.events_of(LayerCreated) if e.loc == loc]
    if len(made) != 1 or getattr(made[0], "keras1_batch_shape", None) is None:
        return False
    return any(m.stack and getattr(m.stack[0], "keras1_batch_shape_of", None) is made[0]
               for m in ctx.result.keras.models if hasattr(m, "stack"))


def _input_before(source: str, diagnostic, renames: dict[str, str], dropped: list[str]) -> list:
    """``model.add(LSTM(16, batch_input_shape=(4, 5, 1)))`` -> ``model.add(Input(batch_shape=(4, 5, 1)))``
    then ``model.add(LSTM(16))`` (``Sequential([LSTM(...), ...])``: the Input first in the list), with
    ``Input`` imported if needed: Keras 2 made that Input of the first layer's batch shape."""
    parsed = parse_with_positions(source)
    if parsed is None:
        return []
    module, pos = parsed
    start = (diagnostic.line, diagnostic.column)
    calls = [n for n, r in pos.items() if isinstance(n, cst.Call) and (r.start.line, r.start.column + 1) == start
             and any(a.keyword is not None and a.keyword.value == BATCH_INPUT_SHAPE for a in n.args)]
    if len(calls) != 1:
        return []
    layer_call = calls[0]
    parents: dict = {}

    class Parents(cst.CSTVisitor):
        def on_visit(self, node):
            for child in node.children:
                parents[child] = node
            return True

    module.visit(Parents())
    shape = next(a.value for a in layer_call.args if a.keyword is not None and a.keyword.value == BATCH_INPUT_SHAPE)
    input_name, import_edits = _input_name(module, source)
    input_text = f"{input_name}(batch_shape={module.code_for_node(shape)})"
    arg = parents.get(layer_call)
    outer = parents.get(arg)
    target = None
    if isinstance(arg, cst.Arg) and isinstance(outer, cst.Call) and isinstance(outer.func, cst.Attribute) \
            and outer.func.attr.value == "add" and isinstance(parents.get(outer), cst.Expr):
        line = parents.get(parents.get(outer))
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            target = line
            new_first = cst.parse_statement(f"{module.code_for_node(outer.func.value)}.add({input_text})\n")
    elif isinstance(arg, cst.Element) and isinstance(outer, (cst.List, cst.Tuple)) and outer.elements[0] is arg:
        seq = parents.get(parents.get(outer))
        if isinstance(seq, cst.Call) and dotted(seq.func).split(".")[-1] == "Sequential":
            target = outer
    if target is None:
        return []

    def strip(call):
        call = rename_keywords(call, renames) or call if renames else call
        gone = (*dropped, BATCH_INPUT_SHAPE)
        args = [a for a in call.args if a.keyword is None or a.keyword.value not in gone]
        if args and len(args) < len(call.args):
            args[-1] = args[-1].with_changes(comma=call.args[-1].comma if call.args[-1].keyword is None or
                                             call.args[-1].keyword.value not in gone else cst.MaybeSentinel.DEFAULT)
        return call.with_changes(args=args)

    class Insert(cst.CSTTransformer):
        def leave_Call(self, original, updated):
            return strip(updated) if original is layer_call else updated

        def leave_SimpleStatementLine(self, original, updated):
            if original is not target:
                return updated
            first = new_first.with_changes(leading_lines=updated.leading_lines)
            return cst.FlattenSentinel([first, updated.with_changes(leading_lines=[])])

        def on_leave(self, original, updated):
            updated = super().on_leave(original, updated)
            if original is target and isinstance(updated, (cst.List, cst.Tuple)):
                comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                return updated.with_changes(elements=[cst.Element(cst.parse_expression(input_text), comma=comma),
                                                      *updated.elements])
            return updated

    try:
        fixed = module.visit(Insert()).code
        cst.parse_module(fixed)
    except Exception:
        return []
    return whole_edit(source, fixed) + import_edits


def _input_name(module: cst.Module, source: str) -> tuple[str, list]:
    """How the fix names ``keras.Input`` in this module, and the import edits that makes it so: ``Input``
    when a Keras import binds it (or one ``from keras.layers import ...`` can take it), else ``keras.Input``."""
    froms, binds_keras, uses_input = [], False, False
    for node in _walk(module):
        if isinstance(node, cst.Name) and node.value == "Input":
            uses_input = True
        if isinstance(node, cst.Import):
            binds_keras |= any(a.asname is None and dotted(a.name).split(".")[0] == "keras" for a in node.names)
        if isinstance(node, cst.ImportFrom) and node.module is not None and not isinstance(node.names, cst.ImportStar):
            path = dotted(node.module)
            bound = {(a.asname.name.value if a.asname else dotted(a.name)): dotted(a.name) for a in node.names}
            if path in ("keras", "keras.layers", "tensorflow.keras", "tensorflow.keras.layers") and \
                    bound.get("Input") == "Input":
                return "Input", []
            binds_keras |= bound.get("keras") == "keras"
            if path in ("keras.layers", "tensorflow.keras.layers") and node.relative == ():
                froms.append(node)
    if binds_keras:
        return "keras.Input", []
    if froms and not uses_input:
        node = froms[0]
        names = list(node.names)
        last = names[-1]
        comma = last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
        names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        names.append(cst.ImportAlias(cst.Name("Input"), comma=comma))

        class AddName(cst.CSTTransformer):
            def leave_ImportFrom(self, original, updated):
                return updated.with_changes(names=names) if original is node else updated

        return "Input", whole_edit(source, module.visit(AddName()).code)
    return "keras.Input", import_keras_edit(source)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)
