"""The coverage table of keras.layers (kerascheck/shapes/coverage.py) and ``kerascheck layers``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kerascheck.analysis import analyze_source
from kerascheck.cli import main
from kerascheck.shapes import FUNCTIONAL_FORMS, REGISTRY, Unresolvable
from kerascheck.shapes.base import Opaque
from kerascheck.shapes.coverage import (
    BY_DESIGN, FRONTEND, NOT_YET, STATUSES, SUPPORTED, coverage_table, keras_layer_names,
)

NAMES = keras_layer_names()
TABLE = {row.name: row for row in coverage_table()}


def test_committed_list_matches_installed_keras():
    keras = pytest.importorskip("keras")
    if not keras.__version__.startswith("3.15."):
        pytest.skip(f"the committed list is for Keras 3.15, not {keras.__version__}")
    public = sorted(n for n in dir(keras.layers) if not n.startswith("_"))
    added, removed = sorted(set(public) - set(NAMES)), sorted(set(NAMES) - set(public))
    assert (added, removed) == ([], []), f"re-run scripts/list_keras_layers.py: added {added}, removed {removed}"


def test_committed_list():
    assert len(NAMES) == 175
    assert NAMES == sorted(NAMES) and len(set(NAMES)) == len(NAMES)
    for name in ("Input", "InputLayer", "Layer", "concatenate", "Conv2D", "Convolution2D", "TFSMLayer"):
        assert name in NAMES


def test_every_name_has_a_status_and_unsupported_ones_a_note():
    assert set(TABLE) == set(NAMES)
    for row in TABLE.values():
        assert row.status in STATUSES
        if row.status != SUPPORTED:
            assert row.note, row.name


def test_supported_names_are_modelled():
    for row in TABLE.values():
        if row.status == SUPPORTED:
            assert row.name in REGISTRY or row.name in FUNCTIONAL_FORMS or row.name in FRONTEND, row.name


def test_registry_names_are_keras_names():
    """A registered name that Keras does not export is a typo (or a layer of another version)."""
    assert sorted(set(REGISTRY) - set(NAMES)) == []
    assert sorted(set(FUNCTIONAL_FORMS) - set(NAMES)) == []
    for name, target in FUNCTIONAL_FORMS.items():
        assert target in REGISTRY, name


def test_interpreter_handles_its_names():
    source = """
import keras
from keras import layers

class Twice(layers.Layer):
    def call(self, x):
        return x * 2

a = keras.layers.Input(shape=(4,))
b = layers.Dense(3)(Twice()(a))
keras.Model(a, b).summary()
m = keras.Sequential([layers.InputLayer(shape=(5,)), layers.Dense(2)])
m.summary()
"""
    result = analyze_source(source, "t.py").result
    assert [e.reason for e in result.summaries] == [None, None]


@pytest.mark.parametrize("name, args", [
    ("TFSMLayer", ["exported/model"]), ("JaxLayer", [Opaque("<function>")]),
    ("FlaxLayer", [Opaque("<flax module>")]), ("TorchModuleWrapper", [Opaque("<torch module>")]),
])
def test_foreign_wrappers_are_unresolved_by_design(name, args):
    assert TABLE[name].status == BY_DESIGN
    spec = REGISTRY[name].bind(args, {})
    for method in (spec.compute_output_shape, spec.build):
        with pytest.raises(Unresolvable, match="wraps a foreign-framework model .*whose shapes kerascheck cannot read"):
            method((None, 8))


def test_foreign_wrapper_reason_reaches_the_summary():
    source = """
import keras
inputs = keras.Input(shape=(8,))
x = keras.layers.TFSMLayer("exported/model", call_endpoint="serve")(inputs)
outputs = keras.layers.Dense(2)(x)
model = keras.Model(inputs, outputs)
model.summary()
"""
    (event,) = analyze_source(source, "t.py").result.summaries
    assert event.snapshot is None
    assert "TFSMLayer wraps a foreign-framework model (a TensorFlow SavedModel)" in event.reason


def test_layers_command_prints_every_name():
    result = CliRunner().invoke(main, ["layers"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "status", "notes"]
    listed = [line.split()[0] for line in lines[1:] if line and not line.startswith("keras.layers of")]
    assert listed == NAMES
    for name, row in TABLE.items():
        line = next(line for line in lines[1:] if line.split() and line.split()[0] == name)
        assert row.status in line and row.note in line
    supported = sum(1 for row in TABLE.values() if row.status == SUPPORTED)
    assert f"{supported} of 175 names supported" in lines[-1]


def test_layers_command_missing_shows_only_unsupported():
    result = CliRunner().invoke(main, ["layers", "--missing"])
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.output.splitlines()[1:] if line and not line.startswith("keras.layers")]
    expected = [name for name in NAMES if TABLE[name].status in (BY_DESIGN, NOT_YET)]
    assert listed == expected


def test_serialize_deserialize_and_input_spec():
    """keras.layers.serialize / deserialize round-trip, a literal config, and a user layer's InputSpec
    (checked against Keras 3.15: same rows and the same error text)."""
    source = '''
import keras
from keras import layers


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = layers.InputSpec(ndim=3, axes={-1: 8})
        self.dense = layers.Dense(4)

    def call(self, x):
        return self.dense(x)


dense = layers.Dense(5, activation="relu", name="source")
copy = layers.deserialize(layers.serialize(dense))
other = layers.deserialize({"module": "keras.layers", "class_name": "Dense", "config": {"units": 7, "name": "from_dict"}})
x = keras.Input(shape=(6, 8))
model = keras.Model(x, [copy(x), other(x), Block()(x)], name="serialized")
model.summary()
Block()(keras.Input(shape=(6, 9)))
'''
    result = analyze_source(source, "t.py").result
    (event,) = result.summaries
    assert event.reason is None
    rows = [(r.name, r.params) for r in event.snapshot.rows]
    assert rows[1:] == [("source", "45"), ("from_dict", "63"), ("block", "36")]
    assert result.error.message == (
        "Input 0 with name 'None' of layer 'block_1' is incompatible with the layer: expected axis -1 of input "
        "shape to have value 8, but received input with shape (None, 6, 9)"
    )
