from __future__ import annotations

import libcst as cst

from ..frontend.result import RefCalled
from ._syntax import codemod, dotted, in_file, loc_of
from .base import Invalid, Rule

# Keras 1 spellings and how many kernel dimensions follow the filter count.
_SPELLINGS = {"Convolution2D": 2, "Convolution3D": 3, "Deconvolution2D": 2, "Deconvolution3D": 3,
              "AtrousConvolution2D": 2}
_CONV = tuple(f"keras.layers.{n}" for n in ("Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", *_SPELLINGS))


def _int_literal(arg: cst.Arg) -> bool:
    return arg.keyword is None and arg.star == "" and isinstance(arg.value, cst.Integer)


def keras1_kernel(call) -> int | None:
    """The kernel rank when ``call`` is ``Convolution2D(32, 3, 3, ...)`` (Keras 1: filters, nb_row, nb_col)."""
    if not isinstance(call, cst.Call):
        return None
    rank = _SPELLINGS.get(dotted(call.func).rsplit(".", 1)[-1])
    if rank is None:
        return None
    positional = [a for a in call.args if a.keyword is None]
    if len(positional) != rank + 1 or not all(_int_literal(a) for a in positional[1:]):
        return None
    if any(a.keyword is not None and a.keyword.value in ("kernel_size", "strides", "padding") for a in call.args):
        return None
    return rank


def _calls(module: cst.Module) -> list[cst.Call]:
    calls: list[cst.Call] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node):
            if dotted(node.func).rsplit(".", 1)[-1] in _SPELLINGS:
                calls.append(node)

    module.visit(Visitor())
    return calls


class Keras1ConvSignature(Rule):
    """## What it does
    Reports `Convolution2D(32, 3, 3)`: the Keras 1 signature (filters, rows, columns), which Keras 3
    reads differently.

    ## Why is this bad?
    Keras 1 wrote `Convolution2D(nb_filter, nb_row, nb_col)`; Keras 2 still translated three integers
    into `kernel_size=(3, 3)`. Keras 3 keeps `Convolution2D` as an alias of `Conv2D` with no
    translation: the third integer becomes `strides` (`Conv2D(32, 3, strides=3)`), so the model
    builds, silently smaller (`Convolution3D(32, 3, 3, 3)` passes `3` as `padding` and raises). Only
    the Keras 1 spellings are reported: `Conv2D(32, 3, 2)` is ordinary Keras 3.

    ## Example
    ```python
    import keras
    from keras.layers import Convolution2D
    x = keras.Input(shape=(28, 28, 1))
    y = Convolution2D(32, 3, 3, activation="relu")(x)
    ```

    Use instead:
    ```python
    import keras
    from keras.layers import Convolution2D
    x = keras.Input(shape=(28, 28, 1))
    y = Convolution2D(32, (3, 3), activation="relu")(x)
    ```

    ## Fix safety
    The fix passes the kernel size as one tuple, `Convolution2D(32, (3, 3))`, which means in Keras 3
    what the code meant in Keras 1: safe.

    ## References
    - [Keras: Conv2D layer](https://keras.io/api/layers/convolution_layers/convolution2d/)
    - [Keras: keras/src/layers/convolutional/conv2d.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/convolutional/conv2d.py)
    """

    code = "KC307"
    name = "keras1-conv-signature"
    severity = "warning"
    fix_title = "Pass the kernel size as one tuple"
    fix_safety = "safe"

    def check(self, ctx):
        seen = set()
        found = []
        for event in ctx.result.events_of(RefCalled):
            if event.path not in _CONV or not in_file(event.loc):
                continue
            node = event.node
            rank = keras1_kernel(node)
            # Tested before `seen`: hashing a Loc resolves its position (a pass over the whole module).
            if rank is not None:
                found.append((event.loc, node, rank))
        # Wherever the call is written: also in code the analysis did not reach (after a first error,
        # in a function never called), when the module imports Keras.
        if ctx.module is not None and "Convolution" in ctx.source and "keras" in ctx.source:
            for node in _calls(ctx.module):
                rank = keras1_kernel(node)
                if rank is not None:
                    found.append((loc_of(ctx, node), node, rank))
        for loc, node, rank in found:
            if loc is None or loc in seen:
                continue
            seen.add(loc)
            positional = [a for a in node.args if a.keyword is None]
            sizes = ", ".join(cst.Module([]).code_for_node(a.value) for a in positional[1:])
            yield self.diagnostic(ctx, loc, f"Keras 1 signature: Keras 3 takes the integers after the filter "
                                                  f"count as kernel_size, then strides{', padding' if rank == 3 else ''}"
                                                  f" (Keras 2 translated them), not a {rank}-D kernel. Write "
                                                  f"kernel_size as a tuple: ({sizes})")

    def fix(self, diagnostic, source):
        def change(call):
            rank = keras1_kernel(call)
            if rank is None:
                return None
            positional = [i for i, a in enumerate(call.args) if a.keyword is None]
            first, last = positional[1], positional[-1]
            kernel = cst.Tuple([cst.Element(call.args[i].value, comma=call.args[i].comma if i != last
                                            else cst.MaybeSentinel.DEFAULT) for i in positional[1:]])
            merged = call.args[first].with_changes(value=kernel, comma=call.args[last].comma)
            return call.with_changes(args=[*call.args[:first], merged, *call.args[last + 1:]])

        return codemod(source, diagnostic, change, inner=True)

    VALID = ["import keras\nx = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(32, 3, 2)(x)\n"
             "z = keras.layers.Convolution2D(32, (3, 3))(x)\n"]
    INVALID = [
        Invalid("import keras\nfrom keras.layers import Convolution2D\nx = keras.Input(shape=(28, 28, 1))\n"
                "y = Convolution2D(32, 3, 3, activation='relu')(x)\n", line=4, column=5, message="(3, 3)"),
        Invalid("from keras.models import Sequential\nfrom keras.layers import Convolution2D, Dense\n\n"
                "def build(n_classes):\n    model = Sequential()\n"
                "    model.add(Convolution2D(64, 5, 5, border_mode='same', input_shape=(64, 64, 3)))\n"
                "    return model\n", line=6, column=15),
        Invalid("import keras\nfrom keras.layers import Convolution2D\nx = keras.Input(shape=(28, 28, 1))\n"
                "y = Convolution2D(32, 3, 3,  # k\n                  activation='relu')(x)\n"
                "z = keras.layers.Conv2D(32, 3, 2)(x)\n", line=4, column=5,
                fixed="import keras\nfrom keras.layers import Convolution2D\nx = keras.Input(shape=(28, 28, 1))\n"
                      "y = Convolution2D(32, (3, 3),  # k\n                  activation='relu')(x)\n"
                      "z = keras.layers.Conv2D(32, 3, 2)(x)\n"),
        Invalid("import keras\nx = keras.Input(shape=(28, 28, 1))\n"
                "y = keras.layers.Convolution2D(32, 5, 5, border_mode='same', subsample=(2, 2))(x)\n", line=3, column=5,
                fixed="import keras\nx = keras.Input(shape=(28, 28, 1))\n"
                      "y = keras.layers.Convolution2D(32, (5, 5), padding='same', strides=(2, 2))(x)\n"),
    ]
