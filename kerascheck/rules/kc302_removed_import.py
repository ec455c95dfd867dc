from __future__ import annotations

import libcst as cst

from .. import KERAS_VERSION, catalogue
from ..frontend.result import RefCalled
from ..frontend.values import canonical
from ..ir import Loc
from ._syntax import codemod, dotted, in_file, loc_of
from .base import Invalid, Rule

# Existence is decided by the generated catalogue of the real packages (kerascheck.catalogue:
# module_exists / name_in_module for Keras 3.15.1). Only the replacements below are written by hand.

# Keras 2 modules that Keras 3 lacks, and what to use instead.
MODULE_REPLACEMENTS = {
    "keras.engine": "`keras.layers.Layer`, `keras.Model`, `keras.Input`, `keras.layers.InputSpec`",
    "keras.utils.np_utils": "`keras.utils.to_categorical` / `keras.utils.normalize`",
    "keras.utils.vis_utils": "`keras.utils.plot_model` / `keras.utils.model_to_dot`",
    "keras.utils.generic_utils": "`keras.utils.get_custom_objects`, `keras.saving.register_keras_serializable`, "
                                 "`keras.utils.Progbar`",
    "keras.utils.data_utils": "`keras.utils.get_file` / `keras.utils.PyDataset`",
    "keras.utils.layer_utils": "`model.count_params()` / `keras.utils`",
    "keras.utils.io_utils": "`keras.utils`",
    "keras.utils.conv_utils": "the layer arguments themselves (no public helper in Keras 3)",
    "keras.utils.multi_gpu_utils": "`tf.distribute.MirroredStrategy`",
    "keras.layers.merge": "`keras.layers` (`Add`, `Concatenate`, `Multiply`... and `add`, `concatenate`...)",
    "keras.layers.convolutional": "`keras.layers` (e.g. `from keras.layers import Conv2D`)",
    "keras.layers.core": "`keras.layers` (e.g. `from keras.layers import Dense`)",
    "keras.layers.recurrent": "`keras.layers` (e.g. `from keras.layers import LSTM`)",
    "keras.layers.normalization": "`keras.layers` (e.g. `from keras.layers import BatchNormalization`)",
    "keras.layers.embeddings": "`keras.layers` (`from keras.layers import Embedding`)",
    "keras.layers.pooling": "`keras.layers` (e.g. `from keras.layers import MaxPooling2D`)",
    "keras.layers.advanced_activations": "`keras.layers` (e.g. `from keras.layers import LeakyReLU`)",
    "keras.layers.wrappers": "`keras.layers` (`TimeDistributed`, `Bidirectional`)",
    "keras.layers.noise": "`keras.layers` (e.g. `from keras.layers import GaussianNoise`)",
    "keras.layers.convolutional_recurrent": "`keras.layers` (`ConvLSTM2D`...)",
    "keras.layers.cudnn_recurrent": "`keras.layers.LSTM` / `keras.layers.GRU` (they use cuDNN when they can)",
    "keras.layers.local": "nothing: locally-connected layers were removed (use a convolution)",
    "keras.layers.experimental": "`keras.layers` (e.g. `keras.layers.Rescaling`, `keras.layers.RandomFlip`)",
    "keras.layers.preprocessing": "`keras.layers` (e.g. `keras.layers.Rescaling`)",
    "keras.wrappers.scikit_learn": "`keras.wrappers.SKLearnClassifier` / `SKLearnRegressor` (or SciKeras)",
    "keras.objectives": "`keras.losses`",
    "keras.backend.tensorflow_backend": "`keras.backend` / TensorFlow directly",
    "keras.preprocessing.text": "`keras.layers.TextVectorization`",
    "keras.saving.hdf5_format": "`keras.saving` (`model.save('m.keras')`, `keras.models.load_model`)",
}

# Keras 2 names that a Keras 3 module lacks, and what to use instead.
NAME_REPLACEMENTS = {
    ("keras.layers", "Merge"): "a merge layer: `keras.layers.Add`, `Concatenate`, `Multiply`, `Average`, `Dot`...",
    ("keras.layers", "CuDNNLSTM"): "`keras.layers.LSTM` (uses cuDNN when it can)",
    ("keras.layers", "CuDNNGRU"): "`keras.layers.GRU` (uses cuDNN when it can)",
    ("keras.layers", "LocallyConnected1D"): "nothing: removed (use `Conv1D`)",
    ("keras.layers", "LocallyConnected2D"): "nothing: removed (use `Conv2D`)",
    ("keras.layers", "DenseFeatures"): "`keras.utils.FeatureSpace`",
    ("keras.layers", "ThresholdedReLU"): "`keras.layers.ReLU(threshold=...)`",
    ("keras.layers", "AtrousConvolution1D"): "`keras.layers.Conv1D(dilation_rate=...)`",
    ("keras.layers", "AtrousConvolution2D"): "`keras.layers.Conv2D(dilation_rate=...)`",
    ("keras.layers", "Deconvolution2D"): "`keras.layers.Conv2DTranspose`",
    ("keras.layers", "Deconvolution3D"): "`keras.layers.Conv3DTranspose`",
    ("keras.layers", "MaxoutDense"): "nothing: removed (a `Dense` followed by a max over groups)",
    ("keras.layers", "Highway"): "nothing: removed (write it with `Dense` layers)",
    ("keras.constraints", "maxnorm"): "`keras.constraints.max_norm` / `MaxNorm`",
    ("keras.constraints", "nonneg"): "`keras.constraints.non_neg` / `NonNeg`",
    ("keras.constraints", "unitnorm"): "`keras.constraints.unit_norm` / `UnitNorm`",
    ("keras.initializers", "normal"): "`keras.initializers.RandomNormal`",
    ("keras.initializers", "uniform"): "`keras.initializers.RandomUniform`",
    ("keras.initializers", "zero"): "`keras.initializers.Zeros`",
    ("keras.optimizers", "sgd"): "`keras.optimizers.SGD`",
    ("keras.optimizers", "adam"): "`keras.optimizers.Adam`",
    ("keras.optimizers", "rmsprop"): "`keras.optimizers.RMSprop`",
    ("keras.optimizers", "adagrad"): "`keras.optimizers.Adagrad`",
    ("keras.optimizers", "adadelta"): "`keras.optimizers.Adadelta`",
    ("keras.optimizers", "adamax"): "`keras.optimizers.Adamax`",
    ("keras.optimizers", "nadam"): "`keras.optimizers.Nadam`",
    ("keras.utils", "multi_gpu_model"): "`tf.distribute.MirroredStrategy`",
    ("keras.models", "model_from_yaml"): "`keras.models.model_from_json` (YAML support was removed)",
    ("keras.backend", "set_image_dim_ordering"): "`keras.backend.set_image_data_format('channels_last')` "
                                                 "('tf' is channels_last, 'th' channels_first)",
    ("keras.backend", "image_dim_ordering"): "`keras.backend.image_data_format()`",
    ("keras.preprocessing.image", "ImageDataGenerator"): "`keras.utils.image_dataset_from_directory` with "
                                                         "preprocessing layers (`keras.layers.RandomFlip`...)",
}
# Removed modules whose public names Keras 3 has, same names, in one other module: the fix
# rewrites the import path (only when every imported name is in the new module in Keras 3.15.1).
MODULE_TWINS = {
    "keras.utils.np_utils": "keras.utils",
    "keras.objectives": "keras.losses",
    **{f"keras.layers.{m}": "keras.layers" for m in (
        "merge", "convolutional", "core", "recurrent", "normalization", "embeddings", "pooling",
        "advanced_activations", "wrappers", "noise", "convolutional_recurrent")},
}
KERAS = KERAS_VERSION
# Spellings of the Keras package under TensorFlow 2.16+ (Keras 3). ``tf_keras`` is Keras 2: not checked.
_ALIASES = ("tensorflow.keras",)
_OLD_VERSIONS = ("keras-1.2.2", "keras-2.3.1", "tf_keras-2.21.0")
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def keras_path(path: str) -> tuple[str, str] | None:
    """(canonical ``keras.…`` path, the prefix the user wrote instead of ``keras``), or None for
    anything else, including Keras's private modules (``keras.src``, ``keras._tf_keras``, ``keras.api``),
    which the public catalogue does not list."""
    prefix = next((a for a in _ALIASES if path == a or path.startswith(a + ".")), None)
    if prefix is None:
        if not (path == "keras" or path.startswith("keras.")):
            return None
        prefix = "keras"
    canonical = "keras" + path[len(prefix):]
    second = canonical.split(".")[1] if "." in canonical else ""
    if second.startswith("_") or second in ("src", "api"):
        return None
    return canonical, prefix


def existed_before(path: str, name: str | None = None) -> bool:
    """The module (or ``name`` in it) is in an earlier Keras: removed, rather than never there."""
    if name is None:
        return any(catalogue.module_exists(v, path) for v in _OLD_VERSIONS)
    return any(catalogue.name_in_module(v, path, name) for v in _OLD_VERSIONS)


# ``tensorflow.keras`` is ``keras._tf_keras.keras``: Keras 3's API plus compatibility leftovers
# (``backend`` functions, ``preprocessing.text``...) that the catalogue of ``keras`` does not list.
# Through that spelling a path counts as missing only when Keras 2 (tf_keras) lacks it too, or when
# it is one of these (checked under TensorFlow 2.21: they raise through ``tensorflow.keras`` too).
_TF_KERAS_COMPAT = "tf_keras-2.21.0"
_TF_KERAS_MISSING = {"keras.layers.experimental", "keras.wrappers.scikit_learn", "keras.utils.np_utils"}


def _module_missing(module: str, prefix: str) -> bool:
    if catalogue.module_exists(KERAS, module):
        return False
    return prefix == "keras" or module in _TF_KERAS_MISSING or not catalogue.module_exists(_TF_KERAS_COMPAT, module)


def missing_module(path: str) -> tuple[str, str] | None:
    """(the first missing module of ``path`` as written, its canonical path) when Keras 3 lacks it."""
    found = keras_path(path)
    if found is None:
        return None
    canonical, prefix = found
    parts = canonical.split(".")
    for i in range(2, len(parts) + 1):
        module = ".".join(parts[:i])
        if _module_missing(module, prefix):
            return prefix + module[len("keras"):], module
    return None


def module_replacement(module: str, names: list[str]) -> str:
    """What to write instead of an import from the missing ``module`` (canonical path)."""
    parts = module.split(".")
    for i in range(len(parts) - 1, 0, -1):  # the names may live in a parent (keras.layers.core -> keras.layers)
        parent = ".".join(parts[:i])
        if names and catalogue.module_exists(KERAS, parent) and all(
                catalogue.name_in_module(KERAS, parent, n) for n in names):
            return f"Use `from {parent} import {', '.join(names)}`"
    if module in MODULE_REPLACEMENTS:
        return f"Use {MODULE_REPLACEMENTS[module]}"
    return "It was removed in Keras 3" if existed_before(module) else "Keras 3 has no such module"


def missing_name(module: str, name: str) -> str | None:
    """What to write instead, when Keras 3's ``module`` (which exists) has no ``name``; None if it has."""
    found = keras_path(module)
    if found is None:
        return None
    canonical, prefix = found
    if catalogue.name_in_module(KERAS, canonical, name):
        return None
    if prefix != "keras" and f"{canonical}.{name}" not in _TF_KERAS_MISSING and \
            catalogue.name_in_module(_TF_KERAS_COMPAT, canonical, name):
        return None  # may be one of tf.keras's compatibility names
    if (canonical, name) in NAME_REPLACEMENTS:
        return f"Use {NAME_REPLACEMENTS[(canonical, name)]}"
    if f"{canonical}.{name}" in MODULE_REPLACEMENTS:
        return f"Use {MODULE_REPLACEMENTS[f'{canonical}.{name}']}"
    return "It was removed in Keras 3" if existed_before(canonical, name) else "Keras 3 has no such name"


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

    ## Fix safety
    The fix rewrites the import to the Keras 3 module that has the same names
    (`from keras.layers.convolutional import Conv2D` becomes `from keras.layers import Conv2D`,
    `from keras.utils import np_utils` becomes `from keras import utils as np_utils`), only when Keras 3
    has every name used there. The objects imported are the same, so it is safe.

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
        return codemod(source, diagnostic, _twin_import, (cst.ImportFrom, cst.Call))

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
            found = _removed_attribute(f"tensorflow.{path}" if event.tf_keras else path)
            if found is None or event.loc in seen or not in_file(event.loc):
                continue
            if any(event.path == p or event.path.startswith(p + ".") for p in imported):
                continue
            seen.add(event.loc)
            module, name, replacement = found
            yield self.diagnostic(ctx, event.loc, f"Keras 3 raises AttributeError: `{module}` has no attribute "
                                                  f"'{name}'. {replacement}")

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
    ]


def _removed_attribute(path: str) -> tuple[str, str, str] | None:
    """For ``keras.utils.np_utils.to_categorical``: ('keras.utils', 'np_utils', replacement).

    Only names an earlier Keras had are reported: the interpreter's paths are canonical (``keras.src``
    and import aliases folded into ``keras``), so a name merely absent from the public API is not
    proof of an error."""
    if keras_path(path) is None:
        return None
    parts = path.split(".")
    for i in range(1, len(parts)):
        module, name = ".".join(parts[:i]), parts[i]
        if missing_module(module):
            return None  # not a module (a class, a function): nothing more to check
        replacement = missing_name(module, name)
        if replacement:
            return (module, name, replacement) if existed_before(module, name) else None
    return None


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
            return None
        return node.with_changes(module=_as_node(written))
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
