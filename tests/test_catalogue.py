"""The Keras API catalogue: the builder (scripts/build_catalogue.py) on small packages written
here (nothing is downloaded), and facts the committed catalogue must hold."""
from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kerascheck import catalogue as cat
from kerascheck.catalogue import Catalogue

REPO = Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location("build_catalogue", REPO / "scripts" / "build_catalogue.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


bc = _builder()


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


# A Keras-2-like package: the package tree is the API.
OLD = {
    "keras/__init__.py": """
        from __future__ import absolute_import
        from . import layers
        from . import optimizers
        __version__ = '2.9.9'
    """,
    "keras/engine/__init__.py": "from .base_layer import Layer\n",
    "keras/engine/base_layer.py": """
        import numpy as np

        class Layer(object):
            def __init__(self, **kwargs):
                allowed_kwargs = {'input_shape', 'batch_input_shape', 'name', 'trainable'}
                for kwarg in kwargs:
                    if kwarg not in allowed_kwargs:
                        raise TypeError('Keyword argument not understood:', kwarg)
                self.name = kwargs.get('name')
                self._private = 1

            def get_output_at(self, node_index):
                return node_index

            @property
            def output_shape(self):
                return None

            @output_shape.setter
            def output_shape(self, value):
                pass

            def build(self, input_shape):
                self.built = True

            def _hidden(self):
                pass
    """,
    "keras/legacy/__init__.py": "",
    "keras/legacy/interfaces.py": """
        def generate_legacy_interface(allowed_positional_args=None, conversions=None):
            def deco(func):
                return func
            return deco

        legacy_dense_support = generate_legacy_interface(
            allowed_positional_args=['units'],
            conversions=[('output_dim', 'units'), ('init', 'kernel_initializer')])
    """,
    "keras/layers/__init__.py": """
        from ..engine import Layer
        from .core import *
        from .merge import *
    """,
    "keras/layers/core.py": """
        import numpy as np
        from ..engine.base_layer import Layer
        from ..utils.generic_utils import func_dump
        from ..legacy import interfaces
        from .. import backend as K

        class Dense(Layer):
            @interfaces.legacy_dense_support
            def __init__(self, units, activation=None, use_bias=True, *, kernel_initializer='glorot_uniform', **kwargs):
                if 'input_shape' not in kwargs and 'input_dim' in kwargs:
                    kwargs['input_shape'] = (kwargs.pop('input_dim'),)
                super(Dense, self).__init__(**kwargs)
                self.units = units

        Dense2 = Dense
    """,
    "keras/layers/merge.py": """
        from ..engine.base_layer import Layer

        class Concatenate(Layer):
            def __init__(self, axis=-1, **kwargs):
                super(Concatenate, self).__init__(**kwargs)

        def concatenate(inputs, axis=-1, **kwargs):
            return Concatenate(axis=axis, **kwargs)(inputs)
    """,
    "keras/backend/__init__.py": """
        _BACKEND = 'tensorflow'
        if _BACKEND == 'theano':
            from .theano_backend import *
        elif _BACKEND == 'tensorflow':
            from .tensorflow_backend import *
    """,
    "keras/backend/theano_backend.py": "def theano_only(x):\n    return x\n",
    "keras/backend/tensorflow_backend.py": """
        import tensorflow as tf

        def sum(x, axis=None, keepdims=False):
            return x

        def _private(x):
            return x
    """,
    "keras/utils/__init__.py": "from .np_utils import to_categorical\n",
    "keras/utils/np_utils.py": """
        def to_categorical(y, num_classes=None, dtype='float32'):
            return y
    """,
    "keras/utils/generic_utils.py": "def func_dump(func):\n    return func\n",
    "keras/optimizers.py": """
        class Optimizer(object):
            def __init__(self, **kwargs):
                allowed_kwargs = {'clipnorm', 'clipvalue'}
                for k in kwargs:
                    if k not in allowed_kwargs:
                        raise TypeError('Unexpected keyword argument passed to optimizer: ' + str(k))

            def get_updates(self, loss, params):
                raise NotImplementedError

        class Adam(Optimizer):
            def __init__(self, learning_rate=0.001, beta_1=0.9, amsgrad=False, **kwargs):
                self.initial_decay = kwargs.pop('decay', 0.0)
                learning_rate = kwargs.pop('lr', learning_rate)
                super(Adam, self).__init__(**kwargs)
                self.learning_rate = learning_rate

        adam = Adam
    """,
    "keras/_impl.py": "def secret():\n    pass\n",
}

# A Keras-3-like package: generated API files re-exporting from keras.src.
NEW = {
    "keras/__init__.py": """
        from keras import layers as layers
        from keras import optimizers as optimizers
        from keras import utils as utils
        from keras.src.models.model import Model as Model
    """,
    "keras/layers/__init__.py": """
        from keras.src.layers.layer import Layer as Layer
        from keras.src.layers.core.dense import Dense as Dense
        from keras.src.layers.merging.concatenate import Concatenate as Concatenate
        from keras.src.layers.merging.concatenate import concatenate as concatenate
    """,
    "keras/optimizers/__init__.py": """
        from keras.src.optimizers.adam import Adam as Adam
    """,
    "keras/utils/__init__.py": """
        from keras.src.utils.numerical_utils import to_categorical as to_categorical
    """,
    "keras/src/__init__.py": "",
    "keras/src/backend/__init__.py": """
        def backend():
            return 'tensorflow'
    """,
    "keras/src/backend/tensorflow/__init__.py": "",
    "keras/src/backend/tensorflow/layer.py": """
        class TFLayer:
            def tf_only(self):
                pass
    """,
    "keras/src/backend/jax/__init__.py": "",
    "keras/src/backend/jax/layer.py": """
        class JaxLayer:
            def jax_only(self):
                pass
    """,
    "keras/src/layers/__init__.py": "",
    "keras/src/layers/layer.py": """
        from keras.src import backend

        if backend.backend() == "tensorflow":
            from keras.src.backend.tensorflow.layer import TFLayer as BackendLayer
        elif backend.backend() == "jax":
            from keras.src.backend.jax.layer import JaxLayer as BackendLayer

        class Layer(BackendLayer):
            def __init__(self, *, trainable=True, name=None, **kwargs):
                input_shape = kwargs.pop("input_shape", None)
                if kwargs:
                    raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
                self.trainable = trainable

            def build(self, input_shape):
                self.built = True
    """,
    "keras/src/layers/core/__init__.py": "",
    "keras/src/layers/core/dense.py": """
        from keras.src.layers.layer import Layer

        class Dense(Layer):
            def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform", **kwargs):
                super().__init__(**kwargs)
    """,
    "keras/src/layers/merging/__init__.py": "",
    "keras/src/layers/merging/concatenate.py": """
        from keras.src.layers.layer import Layer

        class Concatenate(Layer):
            def __init__(self, axis=-1, **kwargs):
                super().__init__(**kwargs)

        def concatenate(inputs, axis=-1, **kwargs):
            return Concatenate(axis=axis, **kwargs)(inputs)
    """,
    "keras/src/models/__init__.py": "",
    "keras/src/models/model.py": """
        from keras.src.layers.layer import Layer

        class Model(Layer):
            def __new__(cls, *args, **kwargs):
                if args and cls == Model:
                    from keras.src.models.functional import Functional
                    return Functional.__new__(Functional, *args, **kwargs)
                return super().__new__(cls)

            def fit(self, x=None, y=None, epochs=1):
                pass
    """,
    "keras/src/models/functional.py": """
        from keras.src.models.model import Model

        class Functional(Model):
            @property
            def inputs(self):
                return []
    """,
    "keras/src/optimizers/__init__.py": "",
    "keras/src/optimizers/adam.py": """
        class Adam:
            def __init__(self, learning_rate=0.001, beta_1=0.9, amsgrad=False, name=None, **kwargs):
                if kwargs.pop("decay", None) is not None:
                    pass
                if "lr" in kwargs:
                    raise ValueError("use learning_rate")
                if kwargs:
                    raise ValueError(f"Argument(s) not recognized: {kwargs}")

            def apply_gradients(self, grads_and_vars):
                pass
    """,
    "keras/src/utils/__init__.py": "",
    "keras/src/utils/numerical_utils.py": """
        def to_categorical(x, num_classes=None):
            return x
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    old_root = write_tree(tmp_path_factory.mktemp("old"), OLD)
    new_root = write_tree(tmp_path_factory.mktemp("new"), NEW)
    old = bc.Scanner(old_root, "keras", "tree").scan()
    new = bc.Scanner(new_root, "keras", "generated").scan()
    data = {"format": 1, "generated": "2000-01-01", "versions": {
        "keras-2.9.9": {"distribution": "keras", "version": "2.9.9", **old},
        "keras-3.0.0": {"distribution": "keras", "version": "3.0.0", **new},
    }}
    return old, new, Catalogue(json.loads(json.dumps(data)))


# --------------------------------------------------------------------------- the builder
def test_tree_layout_public_modules(built):
    old, _, c = built
    mods = set(old["modules"])
    assert {"keras", "keras.layers", "keras.layers.core", "keras.layers.merge", "keras.utils.np_utils",
            "keras.backend.tensorflow_backend", "keras.optimizers", "keras.engine.base_layer"} <= mods
    assert "keras._impl" not in mods
    assert c.module_exists("2.9.9", "keras.layers.merge")
    assert c.name_in_module("2.9.9", "keras.utils.np_utils", "to_categorical")
    assert c.name_in_module("2.9.9", "keras.layers", "core")  # a submodule
    assert not c.name_in_module("2.9.9", "keras.layers", "nothing")


def test_names_kinds_and_aliases(built):
    old, _, c = built
    core = old["modules"]["keras.layers.core"]
    assert core["Dense"] == "d:keras.layers.core.Dense"
    assert core["Dense2"] == "d:keras.layers.core.Dense"
    assert core["np"] == "x:numpy"
    assert core["K"] == "m:keras.backend"
    assert c.aliases("2.9.9", "keras.layers.core") == {"Dense2": "Dense"}
    assert c.aliases("2.9.9", "keras.optimizers") == {"adam": "Adam"}
    # star imports carry public names only; `from __future__` is external
    layers = old["modules"]["keras.layers"]
    assert layers["Dense"] == "d:keras.layers.core.Dense" and layers["concatenate"].startswith("d:")
    assert old["modules"]["keras"]["absolute_import"].startswith("x:")
    assert "_private" not in old["modules"]["keras.backend.tensorflow_backend"]


def test_tensorflow_branch_is_taken(built):
    old, new, _ = built
    backend = old["modules"]["keras.backend"]
    assert backend["sum"] == "d:keras.backend.tensorflow_backend.sum"
    assert "theano_only" not in backend
    layer = new["defs"]["keras.src.layers.layer.Layer"]
    assert layer["b"] == ["keras.src.backend.tensorflow.layer.TFLayer"]


def test_imported_names_are_marked(built):
    old, _, c = built
    assert "func_dump" in old["imported"]["keras.layers.core"]
    assert "func_dump" in old["imported"]["keras.layers"]  # star re-export of an import
    assert c.is_imported("2.9.9", "keras.layers", "func_dump")
    assert not c.is_imported("2.9.9", "keras.layers", "Dense")  # the package's own API
    assert not c.is_imported("2.9.9", "keras.layers.core", "Dense2")


def test_params_as_source_text(built):
    _, _, c = built
    assert c.params("2.9.9", "keras.layers.Dense") == [
        "units", "activation=None", "use_bias=True", "*", "kernel_initializer='glorot_uniform'", "**kwargs"]
    assert c.params("2.9.9", "keras.backend.sum") == ["x", "axis=None", "keepdims=False"]
    assert c.params("2.9.9", "keras.layers.Layer.get_output_at") == ["node_index"]
    assert c.params("3", "keras.layers.Layer") == ["*", "trainable=True", "name=None", "**kwargs"]
    assert c.params("2.9.9", "keras.nothing.Here") is None


def test_kwargs_allowed_lists_pops_and_forwarding(built):
    _, _, c = built
    names, opened = c.accepted_kwargs("2.9.9", "keras.layers.Dense")
    assert not opened
    # allowed_kwargs of Layer, the popped input_dim, the legacy-interface old names
    assert {"input_shape", "batch_input_shape", "name", "trainable", "input_dim", "output_dim", "init"} <= names
    assert c.legacy_renames("2.9.9", "keras.layers.Dense") == {"output_dim": "units", "init": "kernel_initializer"}
    assert c.accepts("2.9.9", "keras.optimizers.Adam", "lr") is True
    assert c.accepts("2.9.9", "keras.optimizers.Adam", "decay") is True
    assert c.accepts("2.9.9", "keras.optimizers.Adam", "clipnorm") is True
    assert c.accepts("2.9.9", "keras.optimizers.Adam", "bogus") is False
    # a raise-only test on "lr" in kwargs does not make lr accepted
    assert c.accepts("3", "keras.optimizers.Adam", "lr") is False
    assert c.accepts("3", "keras.optimizers.Adam", "decay") is True
    assert c.accepts("3", "keras.layers.Dense", "input_shape") is True
    assert c.accepts("3", "keras.layers.Dense", "batch_input_shape") is False
    assert c.accepts("3", "keras.layers.concatenate", "name") is True


def test_members_inheritance_properties_and_alternative_classes(built):
    _, _, c = built
    m = c.members("2.9.9", "Layer")
    assert m["get_output_at"] == ["m", ["node_index"]]
    assert m["output_shape"] == ["p"]
    assert m["built"] == ["i"] and m["name"] == ["i"]
    assert "_hidden" not in m and "_private" not in m
    assert "get_output_at" not in c.members("3", "Layer")
    assert "tf_only" in c.members("3", "Layer") and "jax_only" not in c.members("3", "Layer")
    model = c.members("3", "keras.Model")
    assert "fit" in model and "build" in model
    assert "inputs" in model  # Model(inputs, outputs) builds a Functional
    assert "get_updates" in c.members("2.9.9", "Adam")


def test_removed_between(built):
    _, _, c = built
    r = c.removed_between("2.9.9", "3")
    assert "keras.layers.merge" in r["modules"] and "keras.utils.np_utils" in r["modules"]
    assert "keras.optimizers.adam" in r["names"]
    assert "keras.layers.func_dump" in r["imported_names"]
    assert ("keras.optimizers.Adam", "lr") in r["arguments"]
    assert ("keras.layers.Dense", "output_dim") in r["arguments"]
    assert ("keras.layers.Dense", "input_shape") not in r["arguments"]
    assert "keras.layers.Layer.get_output_at" in r["members"]
    assert "keras.optimizers.Adam.get_updates" in r["members"]
    assert c.removed_between("3", "3") == {"modules": [], "names": [], "imported_names": [],
                                           "arguments": [], "members": []}


def test_generated_layout_excludes_src_and_renames_tf_keras(tmp_path):
    files = {k.replace("keras/", "tf_keras/", 1): v.replace("keras.src", "tf_keras.src").replace(
        "from keras import", "from tf_keras import") for k, v in NEW.items()}
    root = write_tree(tmp_path, files)
    data = bc.Scanner(root, "tf_keras", "generated").scan()
    assert set(data["modules"]) == {"keras", "keras.layers", "keras.optimizers", "keras.utils"}
    assert data["modules"]["keras"]["layers"] == "m:keras.layers"
    assert data["modules"]["keras.layers"]["Dense"] == "d:tf_keras.src.layers.core.dense.Dense"
    c = Catalogue({"versions": {"tf_keras-2.0.0": data}})
    assert c.module_exists("tf_keras", "tensorflow.keras.layers")
    assert c.name_in_module("tf.keras", "tf.keras.layers", "Dense")


def test_write_gzip_and_load(tmp_path, monkeypatch, built):
    old, _, _ = built
    catalogue = {"format": 1, "generated": "2000-01-01", "versions": {"keras-2.9.9": old}}
    out = tmp_path / "data" / "keras_api_catalogue.json"
    assert bc.write(catalogue, out) == out
    monkeypatch.setattr(bc, "GZIP_OVER", 100)
    gz = bc.write(catalogue, out)
    assert gz.suffix == ".gz" and not out.exists()
    with gzip.open(gz, "rt") as f:
        assert json.load(f)["generated"] == "2000-01-01"
    first = gz.read_bytes()
    assert bc.write(catalogue, out).read_bytes() == first  # reproducible bytes
    c = cat.load.__wrapped__(str(gz))
    assert c.module_exists("2.9.9", "keras.layers.merge")


def test_version_names(built):
    _, _, c = built
    assert c.version_key("2.9.9") == c.version_key("2") == c.version_key("keras-2.9.9") == "keras-2.9.9"
    assert c.version_key("3") == "keras-3.0.0"
    with pytest.raises(KeyError):
        c.version_key("4")


# --------------------------------------------------------------------------- the committed data
def test_committed_catalogue_versions():
    c = cat.load()
    assert cat.load() is c  # read once
    keys = c.versions()
    assert keys[:2] == ["keras-1.2.2", "keras-2.3.1"] and keys[-1] == "keras-3.15.1"
    tfk = c.info("tf_keras")
    assert tfk["distribution"] == "tf_keras" and tfk["version"].startswith("2.")
    for k in keys:
        info = c.info(k)
        assert len(info["sha256"]) == 64 and info["file"]
    assert len(c.generated) == 10 and c.generated[4] == "-"


def test_committed_modules():
    assert cat.module_exists("2.3.1", "keras.layers.merge")
    assert not cat.module_exists("3.15.1", "keras.layers.merge")
    assert cat.module_exists("1.2.2", "keras.layers.convolutional")
    assert not cat.module_exists("3.15.1", "keras.layers.convolutional")
    for v in ("1.2.2", "2.3.1"):
        assert cat.name_in_module(v, "keras.utils.np_utils", "to_categorical")
    assert not cat.module_exists("3.15.1", "keras.utils.np_utils")
    assert not cat.module_exists("tf_keras", "keras.utils.np_utils")
    assert cat.name_in_module("3.15.1", "keras.utils", "to_categorical")
    assert cat.name_in_module("2.3.1", "keras.layers.merge", "concatenate")
    assert cat.name_in_module("3.15.1", "keras.layers", "concatenate")
    assert cat.module_exists("tf_keras", "tensorflow.keras.layers")
    assert cat.module_exists("3", "keras.ops") and not cat.module_exists("2.3.1", "keras.ops")


def test_committed_names_and_aliases():
    for v in cat.versions():
        assert cat.lookup(v, "keras.layers.Conv2D").startswith("d:"), v
        assert cat.name_in_module(v, "keras.layers", "Dense")
    for v in ("2.3.1", "tf_keras", "3.15.1"):
        assert cat.aliases(v, "keras.layers")["Convolution2D"] == "Conv2D", v
    assert cat.aliases("1.2.2", "keras.layers")["Conv2D"] == "Convolution2D"
    assert cat.name_in_module("1.2.2", "keras.layers", "Merge")
    assert not cat.name_in_module("2.3.1", "keras.layers", "Merge")
    assert cat.name_in_module("2.3.1", "keras.backend", "sum")
    assert not cat.name_in_module("3.15.1", "keras.backend", "sum")
    assert cat.name_in_module("3.15.1", "keras.ops", "sum")


def test_committed_params():
    assert cat.params("1.2.2", "keras.layers.Convolution2D")[:3] == ["nb_filter", "nb_row", "nb_col"]
    assert cat.params("3.15.1", "keras.layers.Conv2D")[:3] == ["filters", "kernel_size", "strides=(1, 1)"]
    assert cat.accepts("1.2.2", "keras.optimizers.Adam", "lr") is True
    assert cat.accepts("2.3.1", "keras.optimizers.Adam", "lr") is True
    assert cat.accepts("2.3.1", "keras.optimizers.Adam", "decay") is True
    assert cat.accepts("tf_keras", "keras.optimizers.Adam", "lr") is True
    assert cat.accepts("3.15.1", "keras.optimizers.Adam", "lr") is False
    assert cat.accepts("3.15.1", "keras.optimizers.Adam", "learning_rate") is True
    layer_kwargs = {"input_shape", "batch_input_shape", "batch_size", "dtype", "name", "trainable",
                    "weights", "input_dtype"}
    assert layer_kwargs <= cat.accepted_kwargs("2.3.1", "keras.layers.Dense")[0]
    assert cat.accepts("2.3.1", "keras.layers.Dense", "output_dim") is True  # legacy interface
    assert cat.legacy_renames("2.3.1", "keras.layers.Dense")["output_dim"] == "units"
    assert cat.accepts("3.15.1", "keras.layers.Dense", "batch_input_shape") is False
    assert cat.accepts("3.15.1", "keras.layers.Dense", "input_shape") is True
    assert cat.accepts("3.15.1", "keras.layers.Embedding", "input_length") is True
    assert cat.accepts("2.3.1", "keras.models.Model.fit", "nb_epoch") is True
    assert cat.accepts("3.15.1", "keras.models.Model.fit", "nb_epoch") is False
    assert "nb_epoch=10" in cat.params("1.2.2", "keras.models.Sequential.fit")


def test_committed_members():
    for v in ("1.2.2", "2.3.1", "tf_keras"):
        assert cat.members(v, "Layer")["get_output_at"][0] == "m", v
        assert "fit_generator" in cat.members(v, "Model"), v
    assert "get_output_at" not in cat.members("3.15.1", "Layer")
    assert "fit_generator" not in cat.members("3.15.1", "Model")
    assert "predict_classes" in cat.members("2.3.1", "Sequential")
    assert "predict_classes" not in cat.members("3.15.1", "Sequential")
    assert cat.members("3.15.1", "Model")["fit"][0] == "m"
    assert "output_shape" in cat.members("3.15.1", "keras.Model")  # Functional's
    assert cat.members("2.3.1", "Layer")["output_shape"][0] == "p"
    assert "get_updates" in cat.members("2.3.1", "Adam")
    assert "get_updates" not in cat.members("3.15.1", "Adam")
    assert "apply_gradients" in cat.members("3.15.1", "Adam")


def test_committed_removed_between():
    for old in ("1.2.2", "2.3.1", "tf_keras"):
        r = cat.removed_between(old, "3.15.1")
        assert all(r[k] for k in ("modules", "names", "arguments", "members")), old
    r = cat.removed_between("2.3.1", "3.15.1")
    assert "keras.layers.merge" in r["modules"] and "keras.utils.np_utils" in r["modules"]
    assert "keras.backend.sum" in r["names"]
    assert ("keras.optimizers.Adam", "lr") in r["arguments"]
    assert "keras.layers.Layer.get_output_at" in r["members"]
    assert "keras.models.Model.fit_generator" in r["members"]


def test_loader_imports_no_keras_or_tensorflow():
    code = ("import sys; from kerascheck import catalogue as c; c.load(); c.removed_between('2.3.1', '3');"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow', 'tf_keras')];"
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
