from __future__ import annotations

import re

import libcst as cst

from .. import catalogue
from ..frontend.result import LambdaNotInferred, RefCalled
from ..frontend.user_layers import LAMBDA_NOT_INFERRED
from ..migration import (  # noqa: F401  (re-exported: tests and other rules read them here)
    _IMPORT_ERRORS, KERAS, MERGE_MODES, MODULE_REPLACEMENTS, MODULE_TWINS, NAME_REPLACEMENTS, NAME_TWINS, existed_before,
    import_home, keras_path, missing_module, missing_name, module_replacement, removed_attribute,
    backend_twin, same_call,
)
from ..frontend.values import canonical
from ..ir import Loc
from ._backend_fixes import backend_fix, lambda_fix
from ._keras1_merge import merge_function_fix, merge_layer_fix
from ._syntax import codemod, dotted, in_file, loc_of
from .base import Invalid, Rule


class RemovedImport(Rule):
    """## What it does
    Reports an import of a Keras module or name that Keras 3 no longer has.

    ## Why is this bad?
    Keras 3 flattened the package: `keras.layers.convolutional`, `keras.layers.core`,
    `keras.layers.recurrent`, `keras.layers.merge`, `keras.engine`, `keras.utils.np_utils`,
    `keras.wrappers.scikit_learn`... are gone, and so are names such as `Merge`,
    `keras.constraints.maxnorm` or `CuDNNLSTM`. Python raises `ModuleNotFoundError: No module named
    'keras.layers.convolutional'` or `ImportError: cannot import name 'np_utils' from 'keras.utils'`
    at the import, before any model is built (also through `tensorflow.keras`, which is Keras 3 from
    TensorFlow 2.16 on). A call through a removed attribute (`K.set_image_dim_ordering('tf')`) raises
    `AttributeError`. What exists is read from a catalogue of the real Keras 3.15.1 package; Keras's
    private modules (`keras.src`) are not checked.

    ## Example
    ```python
    from keras.layers.convolutional import Conv2D
    ```

    Use instead (most layers are directly in `keras.layers`; `np_utils.to_categorical` is
    `keras.utils.to_categorical`):
    ```python
    from keras.layers import Conv2D
    ```

    After the error the analysis goes on with what the name is in Keras 3 (`keras.layers.core.Dense`
    is `keras.layers.Dense`, `keras.engine.topology.Layer` is `keras.Layer`, `K.sum` is
    `keras.ops.sum`, Keras 1's `merge(mode='concat')` is `concatenate`), so what follows is checked
    and nothing is reported twice.

    A `Lambda` without `output_shape` makes Keras 3 trace its function to infer the output shape,
    inside a bare `except:`: a removed `keras.backend` function there raises `NotImplementedError: We
    could not automatically infer the shape of the Lambda's output` at the Lambda call, which is
    reported too (with the removed names inside, each also reported where it is written).

    ## Fix safety
    The fix rewrites the import to the Keras 3 module that has the same names
    (`from keras.layers.convolutional import Conv2D` becomes `from keras.layers import Conv2D`,
    `from keras.engine.topology import Layer` becomes `from keras import Layer`,
    `from keras.utils import np_utils` becomes `from keras import utils as np_utils`), only when Keras 3
    has every name used there. A removed `keras.backend` function becomes its `keras.ops` /
    `keras.random` twin when the call means the same there (`K.sum(x, axis=1)` becomes
    `keras.ops.sum(x, axis=1)`; a default that changed is written out: `K.argmax(x)` becomes
    `keras.ops.argmax(x, axis=-1)`; `import keras` is added when missing);
    `K.set_image_dim_ordering('tf')` becomes `K.set_image_data_format('channels_last')`,
    `K.image_dim_ordering() == 'th'` becomes `K.image_data_format() == 'channels_first'` (elsewhere
    `K.image_dim_ordering()` becomes `('th' if K.image_data_format() == 'channels_first' else 'tf')`); Keras 1's
    `merge([a, b], mode='concat')` becomes `concatenate([a, b])` (and its import); at a Lambda
    call, every removed `keras.backend` function its function calls becomes its twin. The objects
    and computations are the same, so it is safe. `K.int_shape(x)` becomes `tuple(x.shape)` (safe);
    `K.function([a, K.learning_phase()], [b])` becomes a function calling `keras.Model([a], [b])` on
    the values, with the learning phase as `training=`, and returning arrays: unsafe, since Keras 3
    builds that model only from tensors connected to its inputs (applied only with `--unsafe-fixes`).
    Keras 1's `Merge([left, right], mode='concat')` of Sequential branches, added first to a
    Sequential, becomes the functional form on the branches' tensors (`Concatenate()([left.outputs[0],
    right.outputs[0]])`, then `Model(left.inputs + right.inputs, ...)` with the layers added after it):
    unsafe, since the model's layers (and its summary) are not the Keras 1 ones; other uses of `Merge`
    get no fix.

    ## References
    - [Keras: migrating to Keras 3](https://keras.io/guides/migrating_to_keras_3/)
    - [Keras: the public API, keras/api](https://github.com/keras-team/keras/blob/v3.15.1/keras/api)
    """

    code = "KC302"
    name = "removed-import"
    severity = "error"
    fix_title = "Import from the Keras 3 module"
    fix_safety = "safe"

    def fix(self, diagnostic, source):
        """``from keras.layers.convolutional import Conv2D`` -> ``from keras.layers import Conv2D``;
        ``from keras.utils import np_utils`` -> ``from keras import utils as np_utils``;
        ``keras.utils.np_utils.to_categorical(y)`` -> ``keras.utils.to_categorical(y)`` (the modules of
        ``MODULE_TWINS``, when Keras 3 has every name used there)."""
        if diagnostic.message.startswith("Keras 3 raises NotImplementedError"):  # a Lambda's function
            return lambda_fix(diagnostic, source)
        if "cannot import name 'merge' from" in diagnostic.message:
            return merge_function_fix(diagnostic, source)
        if "cannot import name 'Merge' from" in diagnostic.message:
            return merge_layer_fix(diagnostic, source)
        backend = _BACKEND.search(diagnostic.message)
        if backend:
            return backend_fix(diagnostic, source, backend.group(1))
        alias = _ATTRIBUTE.search(diagnostic.message)
        if alias and f"{alias.group(1)}.{alias.group(2)}" in NAME_TWINS:  # keras.optimizers.rmsprop -> RMSprop
            twin = NAME_TWINS[f"{alias.group(1)}.{alias.group(2)}"]
            if twin.rpartition(".")[0] == alias.group(1):
                return codemod(source, diagnostic, lambda call: _rename_attribute(call, alias.group(2),
                                                                                  twin.rpartition(".")[2]))
        return codemod(source, diagnostic, _twin_import, (cst.ImportFrom, cst.Call))

    def fix_applicability(self, diagnostic):
        """``K.function`` becomes a model called on the data: unsafe (its inputs must be the model's);
        the other rewrites are the same objects and computations."""
        backend = _BACKEND.search(diagnostic.message)
        if "cannot import name 'Merge' from" in diagnostic.message:
            return "unsafe"  # the model is rebuilt in the functional form: its summary and layers differ
        return "unsafe" if backend and backend.group(1) == "function" else "safe"

    def check(self, ctx):
        imported: list[str] = []  # canonical paths already reported at their import
        if ctx.module is not None:
            for diagnostic, path in self._imports(ctx):
                imported.append(path)
                yield diagnostic
        seen = set()
        for event in ctx.result.events_of(RefCalled):
            # Through tensorflow.keras, TensorFlow's compatibility namespace keeps legacy names.
            path = event.path
            found = removed_attribute(f"tensorflow.{path}" if event.tf_keras else path)
            if found is None or event.loc in seen or not in_file(event.loc):
                continue
            if any(event.path == p or event.path.startswith(p + ".") for p in imported):
                continue
            seen.add(event.loc)
            module, name, replacement = found
            yield self.diagnostic(ctx, event.loc, f"Keras 3 raises AttributeError: `{module}` has no attribute "
                                                  f"'{name}'. {replacement}")
        for event in ctx.result.events_of(LambdaNotInferred):
            if event.loc in seen or not in_file(event.loc) or any(rule != self.code for _, _, rule in event.causes):
                continue
            seen.add(event.loc)
            by_line: dict[int, list[str]] = {}
            module = None
            for message, where, _ in event.causes:
                found = _REMOVED.search(message)
                if found and in_file(where):
                    module = module or found.group(1)
                    names = by_line.setdefault(where.line, [])
                    if found.group(2) not in names:
                        names.append(found.group(2))
            missing = "; ".join(", ".join(f"`{n}`" for n in names) + f" (line {line})"
                                for line, names in sorted(by_line.items()))
            yield self.diagnostic(ctx, event.loc, f"Keras 3 raises NotImplementedError: "
                                                  f"{LAMBDA_NOT_INFERRED.split('. ')[0]}: tracing `{event.function}` "
                                                  f"fails, `{module}` has no {missing}. Use their Keras 3 twins there")

    def _imports(self, ctx):
        for stmt in _import_statements(ctx.module):
            if isinstance(stmt, cst.Import):
                for alias in stmt.names:
                    found = missing_module(dotted(alias.name))
                    if found:
                        yield (self._report(ctx, stmt, alias.name, f"ModuleNotFoundError: No module named '{found[0]}'",
                                            module_replacement(found[1], [])), canonical(dotted(alias.name)))
                        break
                continue
            if stmt.relative or stmt.module is None:
                continue
            module = dotted(stmt.module)
            found = missing_module(module)
            if found:
                names = [] if isinstance(stmt.names, cst.ImportStar) else [dotted(a.name) for a in stmt.names]
                yield (self._report(ctx, stmt, stmt.module, f"ModuleNotFoundError: No module named '{found[0]}'",
                                    module_replacement(found[1], names)), canonical(module))
                continue
            if isinstance(stmt.names, cst.ImportStar):
                continue
            for alias in stmt.names:
                name = dotted(alias.name)
                replacement = missing_name(module, name)
                if replacement:
                    yield (self._report(ctx, stmt, alias.name,
                                        f"ImportError: cannot import name '{name}' from '{module}'", replacement),
                           canonical(f"{module}.{name}"))
                    break  # Python stops at the first name it cannot import

    def _report(self, ctx, stmt, node, error: str, replacement: str):
        # Python reports the import statement's first line; the range ends at the offending name.
        # (Positions are resolved here, only for a statement that is reported.)
        stmt_loc = loc_of(ctx, stmt, Loc(1, 1))
        end = loc_of(ctx, node, stmt_loc)
        loc = Loc(stmt_loc.line, stmt_loc.column, end.end_line, end.end_column)
        return self.diagnostic(ctx, loc, f"Keras 3 raises {error}. {replacement}")

    VALID = [
        "from keras.utils import to_categorical\nfrom keras.layers import Conv2D, Dense, concatenate\n"
        "from keras.constraints import max_norm\n",
        "try:\n    from keras.utils import np_utils\nexcept ImportError:\n    np_utils = None\n",
    ]
    INVALID = [
        Invalid("import keras\nfrom keras.utils import np_utils\n", line=2, column=1,
                message="cannot import name 'np_utils' from 'keras.utils'. Use `keras.utils.to_categorical`"),
        Invalid("from keras.layers.convolutional import Conv2D\n", line=1, column=1,
                message="No module named 'keras.layers.convolutional'"),
        Invalid("from tensorflow.keras.layers import Dense, Merge\n", line=1, column=1, message="'Merge'"),
        Invalid("import keras.engine.topology\n", line=1, column=1, message="No module named 'keras.engine'"),
        Invalid("from keras.constraints import maxnorm\n", line=1, column=1, message="max_norm"),
        Invalid("from keras.wrappers.scikit_learn import KerasClassifier\n", line=1, column=1,
                message="SKLearnClassifier"),
        Invalid("from keras import backend as K\nK.set_image_dim_ordering('tf')\n", line=2, column=1,
                message="set_image_data_format"),
        Invalid("import keras\ny = keras.utils.np_utils.to_categorical([0, 1])\n", line=2, column=5,
                message="`keras.utils` has no attribute 'np_utils'"),
        Invalid("from keras.layers.convolutional import Conv2D, MaxPooling2D  # convs\n"
                "from tensorflow.keras.layers.core import (Dense,\n    Dropout)\n"
                "from keras.layers.merge import *\n", line=1, column=1,
                fixed="from keras.layers import Conv2D, MaxPooling2D  # convs\n"
                      "from tensorflow.keras.layers import (Dense,\n    Dropout)\nfrom keras.layers import *\n"),
        Invalid("from keras.utils import np_utils\ny = np_utils.to_categorical([0, 1])\n", line=1, column=1,
                fixed="from keras import utils as np_utils\ny = np_utils.to_categorical([0, 1])\n"),
        Invalid("from tensorflow.keras.utils import np_utils as nu  # old\n", line=1, column=1,
                fixed="from tensorflow.keras import utils as nu  # old\n"),
        Invalid("import keras\ny = keras.utils.np_utils.to_categorical(\n    [0, 1])\n", line=2, column=5,
                fixed="import keras\ny = keras.utils.to_categorical(\n    [0, 1])\n"),
        # import-keras-engine
        Invalid('from keras.engine.topology import Layer  # base\nfrom keras.engine import Input, Model\n',
                line=1, column=1,
                fixed='from keras import Layer  # base\nfrom keras import Input, Model\n'),
        # import-merge-functions
        Invalid('from keras.layers.merge import concatenate, add\n',
                line=1, column=1,
                fixed='from keras.layers import concatenate, add\n'),
        # image-dim-ordering
        Invalid("from keras import backend as K\nK.set_image_dim_ordering('th')  # theano\n",
                line=2, column=1,
                fixed="from keras import backend as K\nK.set_image_data_format('channels_first')  # theano\n"),
        # a Lambda without output_shape whose function calls removed keras.backend functions
        Invalid("from keras import backend as K\nfrom keras.layers import Input, Lambda\n\ndef dist(v):\n    a, b = v\n"
                "    return K.sqrt(K.sum(K.square(a - b), axis=1, keepdims=True))\n\nx = Input(shape=(4,))\n"
                "d = Lambda(dist)([x, x])  # distance\n", line=9, column=5, message="NotImplementedError",
                fixed="import keras\nfrom keras import backend as K\nfrom keras.layers import Input, Lambda\n\n"
                      "def dist(v):\n    a, b = v\n    return keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), "
                      "axis=1, keepdims=True))\n\nx = Input(shape=(4,))\nd = Lambda(dist)([x, x])  # distance\n"),
        # Keras 1's Merge layer of Sequential branches, first in a Sequential: the functional form (unsafe)
        Invalid("from keras.models import Sequential, Model\nfrom keras.layers import Dense, Merge  # layers\n"
                "a = Sequential()\na.add(Dense(8, input_dim=4))\nb = Sequential()\nb.add(Dense(8, input_dim=3))\n"
                "ab = Merge([a, b], mode='sum')  # both\nm = Sequential()\nm.add(ab)\nm.add(Dense(4))\n"
                "m.add(Dense(1))\nm.compile(loss='mse')\n", line=2, column=1, message="cannot import name 'Merge'",
                fixed="from keras.models import Sequential, Model\nfrom keras.layers import Dense, Add  # layers\n"
                      "a = Sequential()\na.add(Dense(8, input_dim=4))\nb = Sequential()\nb.add(Dense(8, input_dim=3))\n"
                      "ab = Add()([a.outputs[0], b.outputs[0]])  # both\n"
                      "m = Model(a.inputs + b.inputs, Dense(1)(Dense(4)(ab)))\nm.compile(loss='mse')\n"),
        # K.int_shape(x) -> tuple(x.shape)
        Invalid("import keras\nfrom keras import backend as K\nx = keras.Input(shape=(4,))\n"
                "print(K.int_shape(x), K.int_shape(x + 1))  # shapes\n", line=4, column=7, message="tuple(x.shape)",
                fixed="import keras\nfrom keras import backend as K\nx = keras.Input(shape=(4,))\n"
                      "print(tuple(x.shape), tuple((x + 1).shape))  # shapes\n"),
        # K.function([inputs..., K.learning_phase()], [outputs]): a model called on the data (unsafe)
        Invalid("import keras\nfrom keras import backend as K\nx = keras.Input(shape=(4,))\n"
                "h = keras.layers.Dense(3)(x)\nf = K.function([x, K.learning_phase()], [h])  # activations\n",
                line=5, column=5, message="no attribute 'function'",
                fixed="import keras\nfrom keras import backend as K\nx = keras.Input(shape=(4,))\n"
                      "h = keras.layers.Dense(3)(x)\nf = lambda args, _model=keras.Model([x], [h]): "
                      "[keras.ops.convert_to_numpy(t) for t in keras.tree.flatten(_model(args[:1], "
                      "training=bool(args[1])))]  # activations\n"),
        # image_dim_ordering() compared with 'th' / 'tf', or used as a value
        Invalid("from keras import backend as K\nif K.image_dim_ordering() == 'th':  # theano\n    pass\n"
                "if 'tf' != K.image_dim_ordering():\n    pass\n", line=2, column=4,
                fixed="from keras import backend as K\nif K.image_data_format() == 'channels_first':  # theano\n"
                      "    pass\nif 'channels_last' != K.image_data_format():\n    pass\n"),
        Invalid("from keras import backend as K\nordering = K.image_dim_ordering()\nprint(ordering)\n",
                line=2, column=12,
                fixed="from keras import backend as K\nordering = ('th' if K.image_data_format() == 'channels_first' "
                      "else 'tf')\nprint(ordering)\n"),
        # keras1-merge
        Invalid("from keras.layers import Input, merge\na = Input(shape=(4,))\nb = Input(shape=(4,))\nc = merge([a, b], mode='concat', concat_axis=1)  # both\nd = merge([a, b])\ne = merge([a, b], mode='cos', dot_axes=1)\n",
                line=1, column=1,
                fixed='from keras.layers import Input, concatenate, add, dot\na = Input(shape=(4,))\nb = Input(shape=(4,))\nc = concatenate([a, b], axis=1)  # both\nd = add([a, b])\ne = dot([a, b], axes=1, normalize=True)\n'),
        # optimizer-alias
        Invalid('import keras\nopt = keras.optimizers.rmsprop(learning_rate=1e-4)  # opt\n',
                line=2, column=7,
                fixed='import keras\nopt = keras.optimizers.RMSprop(learning_rate=1e-4)  # opt\n'),
        # backend-to-ops (the loss is called, so Keras raises where K.flatten is read)
        Invalid('from keras import backend as K\n\ndef loss(y_true, y_pred):  # custom\n    return K.mean(K.square(K.flatten(y_true - y_pred))) + K.sum(y_pred)\nimport numpy as np\nprint(loss(np.ones((2, 3)), np.zeros((2, 3))))\n',
                line=4, column=12,
                fixed='import keras\nfrom keras import backend as K\n\ndef loss(y_true, y_pred):  # custom\n    return keras.ops.mean(keras.ops.square(keras.ops.ravel(y_true - y_pred))) + keras.ops.sum(y_pred)\nimport numpy as np\nprint(loss(np.ones((2, 3)), np.zeros((2, 3))))\n'),
    ]


def _import_statements(module: cst.Module) -> list:
    """Every import of the module, except those guarded by ``try: ... except ImportError``.

    Walks statements only (imports are statements), not expressions: a full visit of the tree
    costs more than the rest of the analysis on the editor's hot path."""
    found: list = []

    def walk(body, guarded: bool) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                if not guarded:
                    found.extend(s for s in stmt.body if isinstance(s, (cst.Import, cst.ImportFrom)))
            elif isinstance(stmt, cst.Try):
                walk(stmt.body.body, guarded or any(_catches_import_error(h) for h in stmt.handlers))
                for part in (*stmt.handlers, stmt.orelse, stmt.finalbody):
                    if part is not None:
                        walk(part.body.body, guarded)
            else:
                for part in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
                    while isinstance(part, cst.If):  # elif chains
                        walk(part.body.body, guarded)
                        part = part.orelse
                    inner = getattr(part, "body", None)
                    if isinstance(inner, (list, tuple)):
                        walk(inner, guarded)
                    elif inner is not None and hasattr(inner, "body"):
                        walk(inner.body, guarded)

    walk(module.body, False)
    return found


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = {dotted(t.value if isinstance(t, cst.Element) else t).split(".")[-1] for t in types}
    return bool(names & _IMPORT_ERRORS)


def _as_node(path: str) -> cst.BaseExpression:
    return cst.parse_expression(path)


def _twin(path: str) -> tuple[str, str] | None:
    """(the written Keras 3 twin of a removed module ``path`` as written, its canonical path)."""
    found = keras_path(path)
    if found is None or found[0] not in MODULE_TWINS:
        return None
    canonical_path, prefix = found
    target = MODULE_TWINS[canonical_path]
    return prefix + target[len("keras"):], target


def _twin_import(node):
    if isinstance(node, cst.Call):
        return _twin_attribute(node)
    if node.relative or node.module is None:
        return None
    module = dotted(node.module)
    twin = _twin(module)
    if twin is not None:  # the module is gone: import the same names from its twin
        written, target = twin
        if not isinstance(node.names, cst.ImportStar) and not all(
                catalogue.name_in_module(KERAS, target, dotted(a.name)) for a in node.names):
            twin = None
        else:
            return node.with_changes(module=_as_node(written))
    found = keras_path(module)
    if found is not None and missing_module(module) and not isinstance(node.names, cst.ImportStar):
        # ``from keras.engine.topology import Layer`` -> ``from keras import Layer``: the same objects
        home = import_home(found[0], [dotted(a.name) for a in node.names])
        if home is not None:
            return node.with_changes(module=_as_node(found[1] + home[len("keras"):]))
    if isinstance(node.names, cst.ImportStar) or len(node.names) != 1:
        return None
    alias = node.names[0]
    name = dotted(alias.name)
    twin = _twin(f"{module}.{name}")
    if twin is None:
        return None
    written, _ = twin
    parent, _, last = written.rpartition(".")
    if not parent:
        return None
    asname = alias.asname or cst.AsName(cst.Name(name))
    new_alias = alias.with_changes(name=cst.Name(last), asname=asname)
    return node.with_changes(module=_as_node(parent), names=[new_alias])


def _twin_attribute(call: cst.Call):
    """``keras.utils.np_utils.to_categorical(...)``: drop the removed module from the callee."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    written = dotted(func.value)
    twin = _twin(written)
    if twin is None or twin[0] != written.rpartition(".")[0]:
        return None
    if not catalogue.name_in_module(KERAS, twin[1], func.attr.value):
        return None
    return call.with_changes(func=func.with_changes(value=func.value.value))


_REMOVED = re.compile(r"module '([\w.]+)' has no attribute '(\w+)'")
_ATTRIBUTE = re.compile(r"`(keras[\w.]*)` has no attribute '(\w+)'")
_BACKEND = re.compile(r"`keras\.backend` has no attribute '(\w+)'")


def _rename_attribute(call, old: str, new: str):
    """``keras.optimizers.rmsprop(...)`` -> ``keras.optimizers.RMSprop(...)``: Keras 2's alias of the class."""
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value != old:
        return None
    return call.with_changes(func=call.func.with_changes(attr=cst.Name(new)))
