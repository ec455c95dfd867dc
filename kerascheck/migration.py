"""What Keras 1/2 code meets in Keras 3.15.1, and the Keras 3 spelling of each thing: removed modules
and names (with the object each maps to), removed ``keras.backend`` functions and their ``keras.ops`` /
``keras.random`` twins, Keras 1/2 keywords of layers, optimizers and model methods, removed model
methods. Read from the generated catalogue (``kerascheck.catalogue``) wherever it can be; only the
replacements are written by hand.

Shared by the interpreter (which binds the Keras 3 value after the error, so its consequences are
not new errors) and the migration rules (KC302, KC303, KC306), which report and fix. Imports only the
catalogue.
"""

from __future__ import annotations

import functools

from . import KERAS_VERSION, catalogue

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
    ("keras.backend", "int_shape"): "`tuple(x.shape)`",
    ("keras.backend", "function"): "a `keras.Model(inputs, outputs)` called on the data (`training=` for the "
                                   "learning phase)",
    ("keras.backend", "learning_phase"): "the `training=` argument of a model or layer call",
    ("keras.backend", "set_learning_phase"): "the `training=` argument of a model or layer call",
    ("keras.backend", "switch"): "`keras.ops.where(condition, x, y)` (it broadcasts a lower-rank condition on the "
                                 "left, K.switch on the right)",
    ("keras.backend", "repeat"): "`keras.ops.repeat(keras.ops.expand_dims(x, 1), n, axis=1)`",
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


@functools.lru_cache(maxsize=4096)  # a pure question about the catalogue, asked per call
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


@functools.lru_cache(maxsize=4096)  # a pure question about the catalogue, asked per call
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


@functools.lru_cache(maxsize=4096)  # a pure question about the catalogue, asked per call
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


@functools.lru_cache(maxsize=4096)  # a pure question about the catalogue, asked per call
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
    if canonical == "keras.backend" and backend_twin(name):
        return f"Use `{backend_twin(name)[0]}`"
    if f"{canonical}.{name}" in MODULE_REPLACEMENTS:
        return f"Use {MODULE_REPLACEMENTS[f'{canonical}.{name}']}"
    return "It was removed in Keras 3" if existed_before(canonical, name) else "Keras 3 has no such name"



@functools.lru_cache(maxsize=4096)  # a pure question about the catalogue, asked per call
def removed_attribute(path: str) -> tuple[str, str, str] | None:
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




# -- the Keras 3 object each removed name stands for (what the interpreter binds after the error) ---
# Removed names that are, under another name, the same object in Keras 3.
NAME_TWINS = {
    "keras.constraints.maxnorm": "keras.constraints.max_norm",
    "keras.constraints.nonneg": "keras.constraints.non_neg",
    "keras.constraints.unitnorm": "keras.constraints.unit_norm",
    "keras.initializers.normal": "keras.initializers.RandomNormal",
    "keras.initializers.uniform": "keras.initializers.RandomUniform",
    "keras.initializers.zero": "keras.initializers.Zeros",
    **{f"keras.optimizers.{n.lower()}": f"keras.optimizers.{n}" for n in (
        "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam")},
    "keras.layers.Deconvolution2D": "keras.layers.Conv2DTranspose",
    "keras.layers.Deconvolution3D": "keras.layers.Conv3DTranspose",
    "keras.backend.set_image_dim_ordering": "keras.backend.set_image_data_format",
    "keras.backend.image_dim_ordering": "keras.backend.image_data_format",
}
# Removed names whose Keras 3 stand-in behaves alike for the analysis, but is not the same object
# (the interpreter binds it so that what follows is checked; no automatic fix from this table).
NAME_STAND_INS = {
    "keras.layers.CuDNNLSTM": "keras.layers.LSTM",
    "keras.layers.CuDNNGRU": "keras.layers.GRU",
    "keras.layers.AtrousConvolution1D": "keras.layers.Conv1D",
    "keras.layers.AtrousConvolution2D": "keras.layers.Conv2D",
}
# Where Keras 3 keeps the names of Keras 1/2 modules it removed (besides their parent package).
_HOMES = ("keras", "keras.layers", "keras.models", "keras.utils")


def import_home(module: str, names: list[str]) -> str | None:
    """The Keras 3 module (canonical path) from which every one of ``names`` can be imported in place of
    the removed ``module`` (``keras.layers.core`` -> ``keras.layers``, ``keras.engine.topology`` ->
    ``keras``), None when there is none."""
    if not names:
        return None
    candidates = [MODULE_TWINS.get(module)] + [".".join(module.split(".")[:i]) for i in range(
        module.count("."), 0, -1)]
    if module.startswith("keras.engine"):
        candidates += list(_HOMES)
    for home in candidates:
        if home and catalogue.module_exists(KERAS, home) and all(
                catalogue.name_in_module(KERAS, home, n) for n in names):
            return home
    return None


def keras3_path(path: str, stand_ins: bool = True) -> str | None:
    """The Keras 3 path of a removed Keras 1/2 path (canonical ``keras.…``): ``keras.layers.core.Dense``
    -> ``keras.layers.Dense``, ``keras.engine.topology.Layer`` -> ``keras.Layer``,
    ``keras.backend.sum`` -> ``keras.ops.sum``; None when it exists in Keras 3 or has no counterpart."""
    if keras_path(path) is None:
        return None
    if path in NAME_TWINS:
        return NAME_TWINS[path]
    if stand_ins and path in NAME_STAND_INS:
        return NAME_STAND_INS[path]
    parts = path.split(".")
    for i in range(2, len(parts)):
        module = ".".join(parts[:i])
        if not catalogue.module_exists(KERAS, module):
            # The name's own module may be removed below it too (``keras.engine.topology.Layer``).
            for j in range(len(parts) - 1, i - 1, -1):
                home = import_home(".".join(parts[:j]), [parts[j]])
                if home is not None:
                    return ".".join([home, *parts[j:]])
            return None
    if parts[:2] == ["keras", "backend"] and len(parts) == 3:
        twin = backend_twin(parts[2])
        return twin[0] if twin else None
    return None


# Removed keras.backend functions with a Keras 3 twin the catalogue cannot pair by name.
_BACKEND_EXTRA = {"flatten": "keras.ops.ravel", "pow": "keras.ops.power", "permute_dimensions": "keras.ops.transpose"}
# Removed keras.backend functions whose namesake in Keras 3 computes something else: no twin.
_BACKEND_NOT_TWINS = {
    "switch",  # K.switch expands a lower-rank condition on the right; keras.ops.switch picks a branch by index
    "repeat",  # K.repeat(x, n) makes (batch, n, dim); keras.ops.repeat repeats elements (flattened without axis)
    "hard_sigmoid",  # slope 0.2 in Keras 2, 1/6 in keras.ops
    "random_binomial",  # K.random_binomial(shape, p) is Bernoulli; keras.random.binomial takes counts
    "ctc_decode",  # greedy=True/False vs strategy='greedy'/'beam_search', and another output structure
}


@functools.lru_cache(maxsize=None)
def backend_twin(name: str) -> tuple[str, list[str], list[str]] | None:
    """(Keras 3 path, old params, new params) of the ``keras.ops`` / ``keras.random`` function that
    replaces the removed ``keras.backend.<name>`` (``sum`` -> ``keras.ops.sum``, ``random_normal`` ->
    ``keras.random.normal``), None when Keras 3 still has it or there is no twin."""
    if catalogue.name_in_module(KERAS, "keras.backend", name) or not catalogue.name_in_module(
            "2.3.1", "keras.backend", name) or name in _BACKEND_NOT_TWINS:
        return None
    old = catalogue.params("2.3.1", f"keras.backend.{name}") or []
    if name in _BACKEND_EXTRA:
        target = _BACKEND_EXTRA[name]
    elif catalogue.name_in_module(KERAS, "keras.ops", name):
        target = f"keras.ops.{name}"
    elif name.startswith("random_") and catalogue.name_in_module(KERAS, "keras.random", name[7:]):
        target = f"keras.random.{name[7:]}"
    elif name == "truncated_normal":
        target = "keras.random.truncated_normal"
    else:
        return None
    return target, old, catalogue.params(KERAS, target) or []


def _split(param: str) -> tuple[str, str | None]:
    name, _, default = param.partition("=")
    return name, (default if "=" in param else None)


def same_call(old: list[str], new: list[str], n_positional: int, keywords: list[str]) -> dict | None:
    """How a call written for the ``old`` signature keeps its meaning under ``new``: {"rename":
    {old keyword: new keyword}, "add": {new keyword: default text}} (defaults that changed, given
    explicitly), or None when it cannot (an argument with no place, or moved parameters)."""
    old = [p for p in old if not p.startswith("*") and p != "/"]
    new_all = [p for p in new if p != "/"]
    new = [p for p in new_all if not p.startswith("*")]
    if n_positional > len(old) or n_positional > len(new):
        return None
    old_names, new_names = [_split(p)[0] for p in old], [_split(p)[0] for p in new]
    rename, add = {}, {}
    for i, (o, n) in enumerate(zip(old, new)):
        (oname, odefault), (nname, ndefault) = _split(o), _split(n)
        if oname != nname and (oname in new_names or nname in old_names):
            return None  # parameters moved (in_top_k(predictions, targets) vs (targets, predictions))
        if oname != nname:
            rename[oname] = nname
        passed = i < n_positional or oname in keywords
        if not passed and odefault != ndefault:
            if odefault is None:
                return None
            add[nname] = odefault
    for i in range(len(old), len(new)):
        if _split(new[i])[1] is None:
            return None  # a new required parameter
    for k in keywords:
        if k not in old_names[:len(new)]:
            return None
    for o in old[len(new):]:
        if _split(o)[0] in keywords:
            return None
    if any(p.startswith("*") and not p.startswith("**") and p != "*" for p in new_all) and n_positional > len(new):
        return None
    return {"rename": rename, "add": add}


# -- keywords --------------------------------------------------------------------------------------
OPTIMIZER_RENAMES = {"lr": "learning_rate"}


@functools.lru_cache(maxsize=None)
def optimizer_keywords(cls: str) -> frozenset[str]:
    """Keywords ``keras.optimizers.<cls>`` takes in Keras 3 (``decay`` is popped with a warning)."""
    return frozenset(catalogue.param_names(catalogue.params(KERAS, f"keras.optimizers.{cls}"))) | {"decay"}


# Keras 1 conv keywords the Keras 2 legacy interface translated, beyond the catalogue's renames.
_DROPPED_LAYER_KEYWORDS = ("dim_ordering", "consume_less")
RECURRENT = ("LSTM", "GRU", "SimpleRNN")
_KERAS1_LAYER = {"nb_filter": "filters", "subsample_length": "strides", "filter_length": "kernel_size",
                 "pool_length": "pool_size", "stride": "strides", "input_length": None}


@functools.lru_cache(maxsize=None)
def layer_renames(cls: str) -> dict[str, str]:
    """Keras 1/2 keywords of ``keras.layers.<cls>`` that Keras 3 rejects, and their Keras 3 names
    (the Keras 2 legacy interface's table, from the catalogue)."""
    path = f"keras.layers.{cls}"
    accepted = catalogue.accepted_kwargs(KERAS, path)
    if accepted is None:
        return {}
    renames = {**catalogue.legacy_renames("2.3.1", path)}
    renames.update({k: v for k, v in _KERAS1_LAYER.items() if v is not None and catalogue.accepts("1.2.2", path, k)})
    return {old: new for old, new in renames.items() if old not in accepted[0] and new in accepted[0]}


# Keras 1/2 layer keywords Keras 3 has no counterpart for (KC108 drops them): Embedding's word dropout,
# BatchNormalization's mode (0 is what Keras 3 does), the batch shape Keras 3 takes from an Input.
KERAS1_LAYER_DROPS = {"Embedding": ("dropout",), "BatchNormalization": ("mode",)}
BATCH_INPUT_SHAPE = "batch_input_shape"


def repair_layer_kwargs(cls: str, kwargs: dict) -> dict | None:
    """``kwargs`` with the Keras 1/2 keywords renamed (``init`` -> ``kernel_initializer``,
    ``nb_row``/``nb_col`` -> ``kernel_size``) or dropped (``KERAS1_LAYER_DROPS``, ``batch_input_shape``),
    None when nothing is changed."""
    renames = layer_renames(cls)
    out, changed = {}, False
    for key, value in kwargs.items():
        new = renames.get(key)
        if (key in KERAS1_LAYER_DROPS.get(cls, ()) or key == BATCH_INPUT_SHAPE) and not catalogue.accepts(
                KERAS, f"keras.layers.{cls}", key):
            changed = True  # the analysis goes on as the fix writes it (the batch shape: an Input before the layer)
        elif key in _DROPPED_LAYER_KEYWORDS and new is not None:
            changed = True  # a value Keras 3 reads differently ('tf' / 'th'): the analysis goes on without it
        elif new is not None and new not in kwargs:
            out[new], changed = value, True
        else:
            out[key] = value
    if cls in RECURRENT and "input_dim" in out and "input_shape" not in out:
        # Keras 2's recurrent layers read input_dim/input_length as input_shape=(input_length, input_dim)
        out["input_shape"] = (out.pop("input_length", None), out.pop("input_dim"))
        changed = True
    if "nb_row" in out and "nb_col" in out and "kernel_size" not in out and catalogue.accepts(
            KERAS, f"keras.layers.{cls}", "kernel_size"):
        out["kernel_size"] = (out.pop("nb_row"), out.pop("nb_col"))
        changed = True
    return out if changed else None


# Keywords of fit/evaluate/predict (and their *_generator forms) Keras 1/2 had, and their Keras 3 names.
METHOD_KEYWORD_RENAMES = {"nb_epoch": "epochs", "generator": "x", "nb_val_samples": "validation_steps"}
# Renames that keep the meaning exactly (the others change a count of samples into a count of steps).
EXACT_METHOD_RENAMES = {"nb_epoch": "epochs", "generator": "x"}
MODEL_METHOD_REPLACEMENTS = {"fit_generator": "fit", "evaluate_generator": "evaluate",
                             "predict_generator": "predict", "predict_proba": "predict"}


@functools.lru_cache(maxsize=None)
def removed_model_methods() -> dict[str, str | None]:
    """Model and Sequential methods Keras 2.3.1 has and Keras 3.15.1 lacks, with their Keras 3
    replacement method (None: no single replacement)."""
    removed: dict[str, str | None] = {}
    for cls in ("Model", "Sequential"):
        old, new = catalogue.members("2.3.1", cls), catalogue.members(KERAS, cls)
        removed.update({m: r for m, r in MODEL_METHOD_REPLACEMENTS.items() if m in old and m not in new and r in new})
        removed.update({m: None for m in ("predict_classes", "to_yaml", "reset_states") if m in old and m not in new})
    return removed


def removed_method_kwargs(method: str, kwargs) -> list[str]:
    """Keywords ``Model.<method>`` took in Keras 1/2 (catalogue) that Keras 3.15.1 rejects."""
    path = f"keras.models.Model.{method}"
    if catalogue.accepts(KERAS, path, "__surely_not_a_keyword__") is not False:
        return []  # unknown, or takes **kwargs openly
    return [k for k in kwargs if catalogue.accepts(KERAS, path, k) is False and (k in METHOD_KEYWORD_RENAMES or any(
        catalogue.accepts(v, f"keras.models.{cls}.{method}", k) for v in ("2.3.1", "1.2.2")
        for cls in ("Model", "Sequential")))]


def old_method_params(method: str) -> list[str]:
    """The Keras 2 signature of a model method (Keras 1's when Keras 2 has none), for positional
    arguments written against it."""
    for version in ("2.3.1", "1.2.2"):
        for cls in ("Model", "Sequential"):  # predict_proba / predict_classes were Sequential's only
            params = catalogue.params(version, f"keras.models.{cls}.{method}")
            if params:
                return [p for p in params if not p.startswith("*")]
    return []


# -- attributes ------------------------------------------------------------------------------------
# Keras 2 private attributes old code reads, and the Keras 3 spelling.
PRIVATE_ATTRIBUTES = {"_keras_shape": "shape"}
# Attributes Keras 3 objects get at run time that the catalogue does not list.
_RUNTIME_ATTRIBUTES = {"history", "layers", "output_shape", "input_shape"}


@functools.lru_cache(maxsize=None)
def class_members(cls: str) -> frozenset[str]:
    """Public members (methods, properties, attributes) of the Keras 3 class ``cls`` (a layer's class
    name, ``Sequential``, ``Functional``/``Model``), empty when the catalogue does not know it."""
    path = {"Functional": "Model", "Model": "Model", "Sequential": "Sequential"}.get(cls, f"keras.layers.{cls}")
    return frozenset(catalogue.members(KERAS, path))


def missing_attribute(cls: str, name: str) -> tuple[str, str | None] | None:
    """(why, the nearest Keras 3 name or None) when a Keras 3 ``cls`` object has no attribute ``name``;
    None when it has it or the catalogue cannot tell. Private names are not judged (only the Keras 2
    ones old code reads, ``_keras_shape``)."""
    import difflib

    members = class_members(cls)
    if not members or name in members or name in _RUNTIME_ATTRIBUTES or name.startswith("__"):
        return None
    if name.startswith("_"):
        return ("a Keras 2 private attribute", PRIVATE_ATTRIBUTES[name]) if name in PRIVATE_ATTRIBUTES else None
    path = {"Functional": "Model"}.get(cls, cls if cls in ("Model", "Sequential") else f"keras.layers.{cls}")
    old = catalogue.members("2.3.1", path)
    close = difflib.get_close_matches(name, [m for m in members if not m.startswith("_")], n=1, cutoff=0.75)
    return ("removed in Keras 3" if name in old else "not an attribute", close[0] if close else None)


def keras2_defaults(cls: str, names: list[str]) -> dict[str, str] | None:
    """The Keras 2 defaults (source text) of arguments of ``keras.layers.<cls>`` that Keras 3 made
    required (``AveragePooling2D`` -> ``{"pool_size": "(2, 2)"}``), None unless every one had one."""
    params = catalogue.params("2.3.1", f"keras.layers.{cls}") or []
    defaults = {p.split("=", 1)[0]: p.split("=", 1)[1] for p in params if "=" in p and not p.startswith("*")}
    return {n: defaults[n] for n in names} if names and all(n in defaults for n in names) else None


# -- Keras 1's merge(mode=...) ---------------------------------------------------------------------
MERGE_MODES = {"concat": "concatenate", "sum": "add", "mul": "multiply", "ave": "average", "max": "maximum",
               "dot": "dot", "cos": "dot"}
_MERGE_DROPPED = ("mode", "concat_axis", "dot_axes", "output_shape", "output_mask", "node_indices",
                  "tensor_indices", "arguments")


def merge_call(kwargs: dict) -> tuple[str, dict] | None:
    """Keras 1's ``merge(inputs, mode=..., concat_axis=..., dot_axes=...)`` as the Keras 3 functional
    form and its keywords (``mode='concat'`` -> ``keras.layers.concatenate``, ``axis``), None when the
    mode is not one of Keras 1's names (a lambda, unknown)."""
    mode = kwargs.get("mode", "sum")
    if not isinstance(mode, str) or mode not in MERGE_MODES:
        return None
    if any(kwargs.get(k) is not None for k in ("output_shape", "output_mask", "node_indices", "tensor_indices")):
        return None
    new = {k: v for k, v in kwargs.items() if k not in _MERGE_DROPPED}
    if mode == "concat" and kwargs.get("concat_axis", -1) != -1:
        new["axis"] = kwargs["concat_axis"]
    if mode in ("dot", "cos"):
        new["axes"] = kwargs.get("dot_axes", -1)
        if mode == "cos":
            new["normalize"] = True
    return f"keras.layers.{MERGE_MODES[mode]}", new


# -- callbacks monitoring a metric under its Keras 2.2 name ----------------------------------------
MONITOR_CALLBACKS = {"keras.callbacks.EarlyStopping", "keras.callbacks.ModelCheckpoint",
                     "keras.callbacks.ReduceLROnPlateau"}
_METRIC_ALIASES = {"acc": "accuracy", "accuracy": "acc"}


def renamed_monitor(monitor, metrics) -> str | None:
    """The name Keras 3 logs for the metric a callback monitors under another name (``val_acc`` with
    ``metrics=['accuracy']`` -> ``val_accuracy``: Keras 3 names a metric as it is written), None when
    it is logged as written or the analysis cannot tell."""
    if not isinstance(monitor, str) or not isinstance(metrics, (list, tuple)) or not all(
            isinstance(m, str) for m in metrics):
        return None
    prefix = "val_" if monitor.startswith("val_") else ""
    base = monitor[len(prefix):]
    if base == "loss" or base in metrics or base not in _METRIC_ALIASES or _METRIC_ALIASES[base] not in metrics:
        return None
    return prefix + _METRIC_ALIASES[base]


def monitor_error(callback: str, monitor: str) -> str:
    """Keras 3's message (keras/src/callbacks/monitor_callback.py) when ``mode='auto'`` cannot tell
    whether the monitored metric goes up or down: raised at the end of the first epoch."""
    return (f"{callback} callback received monitor={monitor}, but Keras isn't able to automatically determine "
            "whether that metric should be maximized or minimized. Pass `mode='max'` in order to monitor based "
            "on the highest metric value, or pass `mode='min'` in order to use the lowest value.")


# -- Keras 1/2 keywords of Keras functions and classes (beyond layers, optimizers, model methods) -----
# Checked against the catalogue (Keras 1.2.2 signatures) and Keras 3.15.1's source: ``Model(input=,
# output=)`` reaches ``Layer.__init__``'s check of unknown keywords, ``to_categorical`` and Reuters's
# ``load_data`` have no ``**kwargs``, IMDB's ``load_data`` swallows them (the keyword is ignored).
FUNCTION_KEYWORD_RENAMES = {
    "keras.Model": {"input": "inputs", "output": "outputs"},
    "keras.utils.to_categorical": {"nb_classes": "num_classes"},
    "keras.datasets.imdb.load_data": {"nb_words": "num_words"},
    "keras.datasets.reuters.load_data": {"nb_words": "num_words"},
}
IGNORES_UNKNOWN_KEYWORDS = {"keras.datasets.imdb.load_data"}


def renamed_function_keywords(path: str, kwargs) -> dict[str, str]:
    """{Keras 1/2 keyword given: its Keras 3 name} for a call of ``path`` (not when the new name is
    given as well)."""
    renames = FUNCTION_KEYWORD_RENAMES.get(path, {})
    return {old: new for old, new in renames.items() if old in kwargs and new not in kwargs}


def function_keyword_error(path: str, kwargs: dict) -> tuple[str, str] | None:
    """(exception class, message) Keras 3 raises for the Keras 1/2 keywords of a call of ``path``;
    None when it raises nothing (it ignores them) or there are none."""
    renamed = renamed_function_keywords(path, kwargs)
    if not renamed or path in IGNORES_UNKNOWN_KEYWORDS:
        return None
    if path == "keras.Model":
        shown = ", ".join(f"'{k}': ..." for k in renamed)
        return "ValueError", f"Unrecognized keyword arguments passed to Model: {{{shown}}}"
    return "TypeError", f"{path.rsplit('.', 1)[1]}() got an unexpected keyword argument '{next(iter(renamed))}'"
