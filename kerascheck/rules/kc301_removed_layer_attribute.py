from __future__ import annotations

import re

import libcst as cst

from ..frontend.keras_api import REMOVED_LAYER_ATTRIBUTES
from ._syntax import TextEdit, apply_edits
from .base import EngineErrorRule, Invalid

_ATTRIBUTE = re.compile(r"object has no attribute '(\w+)'")
_SPECIFIC = re.compile(r"`([^`]+)` -> `([^`]+)`")
_INDEX = re.compile(r"\s*\(\s*(?:node_index\s*=\s*)?(\d+)\s*\)")

# What to write instead, in Keras 3. ``{obj}`` is the layer expression as written.
REPLACEMENTS = {
    "get_output_at": "keep the tensor each call returns (`y = {obj}(x)`) and use it",
    "get_input_at": "keep the tensor passed to each call and use it",
    "get_output_shape_at": "use `.shape` of the tensor that call returned",
    "get_input_shape_at": "use `.shape` of the tensor passed to that call",
    "get_output_mask_at": "use `{obj}.compute_mask(x)` on that call's input",
    "get_input_mask_at": "use the mask of the tensor passed to that call",
    "output_shape": "use `{obj}.output.shape` (or `.shape` of the tensor a call returned)",
    "input_shape": "use `{obj}.input.shape` (or `.shape` of the tensor passed to a call)",
    "inbound_nodes": "keep references to the tensors of each call instead",
    "outbound_nodes": "keep references to the tensors of each call instead",
    "input_mask": "use `{obj}.compute_mask(x)`",
    "output_mask": "use `{obj}.compute_mask(x)`",
    "get_updates_for": "use `{obj}.updates` (variables update themselves in Keras 3)",
    "get_losses_for": "use `{obj}.losses`",
}
_PER_CALL = {"get_output_at": ("outputs", ""), "get_input_at": ("inputs", ""),
             "get_output_shape_at": ("outputs", ".shape"), "get_input_shape_at": ("inputs", ".shape")}


class RemovedLayerAttribute(EngineErrorRule):
    """## What it does
    Reports a layer attribute or method that Keras 3 removed (`get_output_at`, `input_shape`...).

    ## Why is this bad?
    Keras 2 layers had per-call accessors (`get_output_at(i)`, `get_input_at(i)`,
    `get_output_shape_at(i)`, `get_input_shape_at(i)`, masks, `inbound_nodes`) and the `input_shape` /
    `output_shape` properties. Keras 3 layers have none of them: reading one raises `AttributeError:
    'Conv2D' object has no attribute 'input_shape'`. (Models still have `input_shape` and
    `output_shape`.)

    ## Example
    ```python
    import keras
    conv = keras.layers.Conv2D(16, 3)
    a = keras.Input(shape=(32, 32, 3))
    y = conv(a)
    shape = conv.input_shape
    ```

    Use instead (the tensors each call returns: `conv.input.shape` for a layer called once,
    `x.shape` of the tensor passed to a given call):
    ```python
    import keras
    conv = keras.layers.Conv2D(16, 3)
    a = keras.Input(shape=(32, 32, 3))
    y = conv(a)
    shape = conv.input.shape
    ```

    ## Fix safety
    `conv.input_shape` becomes `conv.input.shape` (and `output_shape` `output.shape`) for a layer
    called once: safe. The first call's accessors `get_output_at(0)`, `get_input_at(0)`,
    `get_output_shape_at(0)`, `get_input_shape_at(0)` become `.output`, `.input`, `.output.shape`,
    `.input.shape`: Keras 3's `.output` and `.input` are the first call's tensors, so the fix is safe.
    Naming the tensor of a later call (`lstm.get_output_at(1)` becomes the variable the second call was
    assigned to) is unsafe, since that variable may have been rebound since; it is applied only with
    `--unsafe-fixes`.

    ## References
    - [Keras: migrating to Keras 3](https://keras.io/guides/migrating_to_keras_3/)
    - [Keras: the base Layer, keras/src/layers/layer.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/layer.py)
    """

    code = "KC301"
    name = "removed-layer-attribute"
    fix_title = "Use the Keras 3 spelling"
    fix_safety = "safe"  # unsafe for some diagnostics: see fix_applicability

    def fix_applicability(self, diagnostic):
        """``conv.input_shape`` -> ``conv.input.shape`` is safe; naming the tensor of a call
        (``lstm.get_output_at(1)`` -> ``yb``) is unsafe: the variable may have been rebound since."""
        found = _SPECIFIC.search(diagnostic.message)
        return "safe" if found and (re.search(r"\.(input|output)(\.shape)?$", found.group(2)) or (
            found.group(1).endswith("._keras_shape") and found.group(2).endswith(".shape"))) else "unsafe"

    def fix(self, diagnostic, source):
        """Replace the written expression with the one the message names (`` `old` -> `new` ``)."""
        found = _SPECIFIC.search(diagnostic.message)
        if not found or diagnostic.end_line != diagnostic.line:
            return []
        old, new = found.group(1), found.group(2)
        lines = source.splitlines(keepends=True)
        if not 1 <= diagnostic.line <= len(lines):
            return []
        line = lines[diagnostic.line - 1]
        if line[diagnostic.column - 1:diagnostic.column - 1 + len(old)] != old:
            return []
        edit = TextEdit(diagnostic.line, diagnostic.column, diagnostic.line, diagnostic.column + len(old), new)
        try:
            cst.parse_module(apply_edits(source, [edit]))
        except Exception:
            return []
        return [edit]

    def matches(self, error):
        found = _ATTRIBUTE.search(error.message)
        return error.stage == "attribute" and error.kind == "AttributeError" and bool(found) \
            and (found.group(1) in REMOVED_LAYER_ATTRIBUTES or hasattr(error, "suggestion"))

    def message(self, error):
        return f"Keras 3 raises AttributeError: {error.message}"

    def hint(self, error):
        attr = _ATTRIBUTE.search(error.message).group(1)
        if attr not in REPLACEMENTS and hasattr(error, "suggestion"):
            suggestion = getattr(error, "suggestion", None)
            if attr == "_keras_shape":
                return "A Keras 2 private attribute: use `.shape`"
            return f"Did you mean `{suggestion}`?" if suggestion else "Keras 3 has no such attribute"
        return REPLACEMENTS.get(attr, "it was removed in Keras 3").format(obj="layer").capitalize()

    def diagnostic(self, ctx, loc, message):
        """Name the replacement in the script's own terms (``conv.input.shape``, ``encoded_b``)."""
        result = ctx.result
        events = ([result.error] if result.error is not None else []) + result.later_errors + result.conditional_errors
        error = next((e.error for e in events if e.error is not None and e.loc == loc and self.matches(e.error)), None)
        specific = _specific_hint(ctx, loc, error) if error is not None else None
        if specific:
            message = f"{self.message(error)}. {specific}"
        return super().diagnostic(ctx, loc, message)

    VALID = ["import keras\nconv = keras.layers.Conv2D(16, 3)\na = keras.Input(shape=(32, 32, 3))\n"
             "y = conv(a)\nassert conv.input.shape == (None, 32, 32, 3)\n"]
    INVALID = [
        Invalid("import keras\nconv = keras.layers.Conv2D(16, 3)\na = keras.Input(shape=(32, 32, 3))\n"
                "y = conv(a)\nshape = conv.input_shape\n", line=5, column=9,
                message="`conv.input_shape` -> `conv.input.shape`"),
        Invalid("import keras\nlstm = keras.layers.LSTM(4)\na = keras.Input(shape=(5, 3))\nb = keras.Input(shape=(5, 3))\n"
                "ya = lstm(a)\nyb = lstm(b)\nout = lstm.get_output_at(1)\n", line=7, column=7,
                message="`lstm.get_output_at(1)` -> `yb`"),
        Invalid("import keras\nconv = keras.layers.Conv2D(16, 3)\na = keras.Input(shape=(32, 32, 3))\n"
                "b = keras.Input(shape=(16, 16, 3))\ny = conv(a)\nz = conv(b)\nshape = conv.get_input_shape_at(1)\n",
                line=7, column=9, message="`b.shape`"),
        Invalid("import keras\nconv = keras.layers.Conv2D(16, 3)\na = keras.Input(shape=(32, 32, 3))\n"
                "y = conv(a)\nshape = conv.input_shape  # the shape\n", line=5, column=9,
                fixed="import keras\nconv = keras.layers.Conv2D(16, 3)\na = keras.Input(shape=(32, 32, 3))\n"
                      "y = conv(a)\nshape = conv.input.shape  # the shape\n"),
        Invalid("import keras\nlstm = keras.layers.LSTM(4)\na = keras.Input(shape=(5, 3))\n"
                "b = keras.Input(shape=(5, 3))\nya = lstm(a)\nyb = lstm(b)\nout = lstm.get_output_at(1)\n", line=7, column=7,
                fixed="import keras\nlstm = keras.layers.LSTM(4)\na = keras.Input(shape=(5, 3))\n"
                      "b = keras.Input(shape=(5, 3))\nya = lstm(a)\nyb = lstm(b)\nout = yb\n"),
        # first-call-accessors
        Invalid("import keras\nconv = keras.layers.Conv2D(16, 3)\na = keras.Input(shape=(32, 32, 3))\ny = conv(a)\n"
                "print(conv.get_output_at(0), conv.get_input_at(0))\nshape = conv.get_output_shape_at(0)\n"
                "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nz = m.layers[0].get_input_shape_at(0)\n",
                line=5, column=7,
                fixed="import keras\nconv = keras.layers.Conv2D(16, 3)\na = keras.Input(shape=(32, 32, 3))\ny = conv(a)\n"
                      "print(conv.output, conv.input)\nshape = conv.output.shape\n"
                      "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\nz = m.layers[0].input.shape\n"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.summery()\n",
                line=3, column=1, message="Did you mean `summary`?"),
        Invalid("import keras\nx = keras.Input(shape=(3,))\nn = x._keras_shape[1]\ny = keras.layers.Dense(n)(x)\n",
                line=3, column=5, message="`x._keras_shape` -> `x.shape`"),
    ]


def _specific_hint(ctx, loc, error) -> str | None:
    found = _ATTRIBUTE.search(error.message)
    if not found or loc.end_line != loc.line:
        return None
    attr = found.group(1)
    line = ctx.source.splitlines()[loc.line - 1] if loc.line <= len(ctx.source.splitlines()) else ""
    text = line[loc.column - 1:loc.end_column - 1]
    if not text.endswith("." + attr):
        return None
    obj = text[: -len(attr) - 1]
    written = text
    if attr in _PER_CALL:
        index = _INDEX.match(line[loc.end_column - 1:])
        if index:
            written = f"{text}({index.group(1)})"
            if index.group(1) == "0":
                # Keras 3's ``.output`` / ``.input`` are the first call's tensors (node 0), whatever
                # the number of calls (keras/src/ops/operation.py): the same value.
                side, suffix = _PER_CALL[attr]
                return f"`{written}` -> `{obj}.{side[:-1]}{suffix}`"
            tensor = _call_tensor(ctx, obj, int(index.group(1)), *_PER_CALL[attr])
            if tensor:
                return f"`{written}` -> {tensor}"
    if attr == "_keras_shape":
        return f"A Keras 2 private attribute: `{written}` -> `{obj}.shape`"
    suggestion = getattr(error, "suggestion", None)
    if attr not in REPLACEMENTS and suggestion:
        return f"Did you mean `{suggestion}`? `{written}` -> `{obj}.{suggestion}`"
    replacement = REPLACEMENTS.get(attr)
    if replacement is None:
        return None
    if attr in ("input_shape", "output_shape"):
        return f"`{written}` -> `{obj}.{attr.split('_')[0]}.shape`"
    return f"`{written}`: {replacement.format(obj=obj)}"


def _call_tensor(ctx, obj: str, index: int, side: str, suffix: str) -> str | None:
    """``encoded_b`` (the tensor of call ``index`` of the layer bound to ``obj``), with its line."""
    labels = ctx.result.labels
    for layer in ctx.result.keras.layers:
        if labels.get(id(layer)) != obj or index >= len(layer.nodes):
            continue
        node = layer.nodes[index]
        tensors = node.outputs if side == "outputs" else node.inputs
        if len(tensors) == 1 and tensors[0].label:
            label = tensors[0].label
            where = f", line {node.loc.line}" if node.loc else ""
            what = "returned by" if side == "outputs" else "passed to"
            if suffix:
                return f"`{label}{suffix}` (`{label}` is the tensor {what} that call{where})"
            return f"`{label}`, the tensor {what} that call{where.replace(', ', ' (', 1) + ')' if where else ''}"
    return None
