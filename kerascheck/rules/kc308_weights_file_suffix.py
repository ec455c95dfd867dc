from __future__ import annotations

import libcst as cst

from ..frontend.result import MethodCalled, RefCalled
from ._syntax import call_at, in_file, keyword_arg, loc_of, parse_with_positions, whole_edit
from .base import Invalid, Rule

SUFFIX = ".weights.h5"
_OLD_SUFFIXES = (".hdf5", ".h5", ".ckpt", ".tf")


def weights_name(path: str) -> str:
    """``w.h5`` -> ``w.weights.h5``: the name Keras 3's weights file must have."""
    for old in _OLD_SUFFIXES:
        if path.endswith(old):
            return path[: -len(old)] + SUFFIX
    return path + SUFFIX


def bad_weights_path(value) -> bool:
    return isinstance(value, str) and not value.endswith(SUFFIX) and "{" not in value


def path_argument(call, name: str = "filepath"):
    """The ``cst.Arg`` giving the path: the first positional one, or ``filepath=``."""
    if not isinstance(call, cst.Call):
        return None
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[0] if positional else keyword_arg(call, name)


class WeightsFileSuffix(Rule):
    """## What it does
    Reports a weights file whose name does not end in `.weights.h5`: `model.save_weights("w.h5")`,
    `ModelCheckpoint("w.h5", save_weights_only=True)`.

    ## Why is this bad?
    Keras 2 chose the format from the suffix (`.h5` for HDF5, anything else for a TensorFlow
    checkpoint). Keras 3 writes one format and insists on its name: `save_weights` raises
    `ValueError: The filename must end in .weights.h5. Received: filepath=w.h5`
    (keras/src/saving/saving_api.py), and so does `ModelCheckpoint(save_weights_only=True)` when it
    is created (keras/src/callbacks/model_checkpoint.py).

    ## Example
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    m.save_weights("model.h5")
    ```

    Use instead:
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    m.save_weights("model.weights.h5")
    ```

    ## Fix safety
    The fix renames the file (`model.h5` becomes `model.weights.h5`) where it is saved and where the
    same file name is loaded (`load_weights("model.h5")`). The program then writes a different
    file than before (other programs reading `model.h5` no longer find it), so the fix is unsafe.

    ## References
    - [Keras: saving and serialization](https://keras.io/api/models/model_saving_apis/weights_saving_and_loading/)
    - [Keras: keras/src/saving/saving_api.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/saving/saving_api.py)
    """

    code = "KC308"
    name = "weights-file-suffix"
    severity = "error"
    fix_title = "Name the weights file `*.weights.h5`"
    fix_safety = "unsafe"

    def check(self, ctx):

        seen = set()
        found = []
        for event in ctx.result.events_of(MethodCalled):
            if event.name == "save_weights" and in_file(event.loc):
                args, kwargs = event.args, event.kwargs
                path = args[0] if args else kwargs.get("filepath")
                if bad_weights_path(path) and kwargs.get("max_shard_size") is None:
                    found.append((event.loc, path, f"Keras 3 raises ValueError: The filename must end in `{SUFFIX}`. "
                                                   f"Received: filepath={path}"))
        for event in ctx.result.events_of(RefCalled):
            if event.path != "keras.callbacks.ModelCheckpoint" or not in_file(event.loc):
                continue
            args, kwargs = event.args, event.kwargs
            path = args[0] if args else kwargs.get("filepath")
            weights_only = args[4] if len(args) > 4 else kwargs.get("save_weights_only", False)
            if weights_only is True and bad_weights_path(path):
                found.append((event.loc, path, "Keras 3 raises ValueError: When using `save_weights_only=True` in "
                                               f"`ModelCheckpoint`, the filepath provided must end in `{SUFFIX}` "
                                               f"(Keras weights format). Received: filepath={path}"))
        for loc, path, text in found:
            arg = path_argument(call_at(ctx, loc))
            where = loc_of(ctx, arg.value, loc) if arg is not None else loc
            if where in seen:
                continue
            seen.add(where)
            yield self.diagnostic(ctx, where, f"{text}. Write '{weights_name(path)}' (and load it by that name)")

    def fix(self, diagnostic, source):
        """The path literal the diagnostic points at, and the same literal in ``load_weights`` calls."""
        parsed = parse_with_positions(source)
        if parsed is None:
            return []
        module, pos = parsed
        target = next((n for n, r in pos.items() if isinstance(n, cst.SimpleString) and (
            r.start.line, r.start.column + 1) == (diagnostic.line, diagnostic.column)), None)
        if target is None:
            return []
        old = target.evaluated_value
        if not isinstance(old, str) or not bad_weights_path(old):
            return []
        loads = set()

        class Loads(cst.CSTVisitor):
            def visit_Call(self, node):
                func = node.func
                if isinstance(func, cst.Attribute) and func.attr.value == "load_weights":
                    arg = path_argument(node)
                    if arg is not None and isinstance(arg.value, cst.SimpleString) and \
                            arg.value.evaluated_value == old:
                        loads.add(arg.value)

        module.visit(Loads())
        new_text = target.prefix + repr(weights_name(old))[1:-1].join(target.quote * 2)

        class Rename(cst.CSTTransformer):
            def leave_SimpleString(self, original, updated):
                if original is target or original in loads:
                    return updated.with_changes(value=new_text)
                return updated

        return whole_edit(source, module.visit(Rename()).code)

    VALID = ["import keras\ncb = keras.callbacks.ModelCheckpoint('best.weights.h5', save_weights_only=True)\n"
             "cb2 = keras.callbacks.ModelCheckpoint('best.keras')\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.save_weights('model.h5')\n", line=3, column=16, message="must end in `.weights.h5`"),
        Invalid("import keras\ncb = keras.callbacks.ModelCheckpoint('w.hdf5', monitor='val_loss', save_best_only=True,\n"
                "                                     save_weights_only=True)\n", line=2, column=38,
                message="'w.weights.h5'"),
        # weights-suffix
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.save_weights('model.h5')  # save\nm.load_weights('model.h5')\nm.load_weights('other.h5')\n",
                line=3, column=16,
                fixed="import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.save_weights('model.weights.h5')  # save\nm.load_weights('model.weights.h5')\nm.load_weights('other.h5')\n"),
    ]
