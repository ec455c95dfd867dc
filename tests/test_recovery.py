"""Error recovery past Keras 1/2 code (issue 14): the first error in execution order is where the
script stops (``stops_script``); the analysis goes on with the value of the Keras 3 spelling of
what raised, so later problems are found in the same pass and the consequences of an earlier
error are never reported as new errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerascheck.analysis import analyze_source
from kerascheck.lint import lint_source


def _errors(source: str) -> list:
    return [d for d in lint_source(source, "t.py") if d.severity == "error"]


def _stop(source: str):
    stops = [d for d in lint_source(source, "t.py") if d.stops_script]
    assert len(stops) <= 1
    return stops[0] if stops else None


def test_removed_import_binds_the_keras3_layer():
    source = ("from keras.models import Sequential\nfrom keras.layers.core import Dense, Activation\n"
              "model = Sequential()\nmodel.add(Dense(10, input_shape=(4,)))\nmodel.add(Activation('relu'))\n"
              "model.add(Dense(3, activation='softmax'))\nmodel.summary()\n")
    errors = _errors(source)
    assert [(d.line, d.code) for d in errors] == [(2, "KC302")]
    assert errors[0].stops_script
    result = analyze_source(source, "t.py").result
    assert result.error.loc.line == 2
    assert result.summaries == []  # after the stop: not reached, not predicted


def test_every_problem_in_one_pass():
    source = ("import numpy as np\nfrom keras.layers import Input, Dense\nfrom keras.models import Model\n"
              "from keras.optimizers import Adam\ninp = Input(shape=16)\nx = Dense(32, activation='relu')(inp)\n"
              "out = Dense(1, activation='softmax')(x)\nm = Model(inp, out)\n"
              "m.compile(optimizer=Adam(lr=0.01), loss='binary_crossentropy', metrics='accuracy')\n"
              "def gen():\n    while True:\n        yield np.zeros((4, 16)), np.zeros((4, 1))\n"
              "m.fit_generator(gen(), steps_per_epoch=10, nb_epoch=2)\n")
    found = {(d.line, d.code) for d in lint_source(source, "t.py")}
    assert {(5, "KC109"), (7, "KC601"), (9, "KC303"), (9, "KC305"), (13, "KC306")} <= found
    assert _stop(source).line == 5


def test_first_error_in_execution_order_stops():
    source = ("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
              "opt = keras.optimizers.Adam(lr=0.1)\nm.compile(optimizer=opt, loss='mse')\n"
              "m.fit_generator(iter([]), 10, 2)\n")
    stop = _stop(source)
    assert (stop.line, stop.code) == (3, "KC303")
    assert {d.line for d in _errors(source)} == {3, 5}


def test_keras2_layer_keywords_repaired_and_no_cascade():
    source = ("import keras\nfrom keras.layers import Dense\nm = keras.Sequential()\n"
              "m.add(Dense(10, input_dim=4, init='uniform'))\nm.add(Dense(output_dim=3, W_regularizer=None))\n"
              "m.add(Dense(2, activation='relu'))\nm.build((None, 4))\n")
    errors = _errors(source)
    assert [(d.line, d.code) for d in errors] == [(4, "KC108"), (5, "KC108")]
    assert errors[0].stops_script and not errors[1].stops_script


def test_merge_module_functional_forms_no_internal_error():
    source = ("from keras.layers import Input\nfrom keras.layers.merge import concatenate, add\n"
              "from keras.models import Model\na = Input(shape=(4,))\nb = Input(shape=(4,))\n"
              "c = concatenate([a, b])\nd = add([a, b])\nm = Model([a, b], [c, d])\n")
    diagnostics = lint_source(source, "t.py")
    assert [(d.line, d.code) for d in diagnostics if d.severity == "error"] == [(2, "KC302")]
    assert not any("internal error" in d.message for d in diagnostics)


def test_import_guarded_by_try_is_not_an_error():
    source = ("try:\n    from keras.layers.core import Dense\nexcept ImportError:\n    from keras.layers import Dense\n"
              "import keras\nm = keras.Sequential([keras.Input(shape=(3,)), Dense(2)])\nm.summary()\n")
    assert _errors(source) == []
    assert analyze_source(source, "t.py").result.summaries[0].snapshot is not None


def test_backend_function_binds_its_ops_twin():
    source = ("import keras\nfrom keras import backend as K\nx = keras.Input(shape=(4, 3))\n"
              "y = K.sum(x, axis=1)\nz = keras.layers.Dense(2)(y)\nm = keras.Model(x, z)\n")
    errors = _errors(source)
    assert [(d.line, d.code, d.stops_script) for d in errors] == [(4, "KC302", True)]
    assert "keras.ops.sum" in errors[0].message


@pytest.mark.parametrize("spelling", ["from keras.engine.topology import Layer", "from keras.engine import Layer"])
def test_engine_layer_import_binds_keras_layer(spelling):
    source = (f"{spelling}\nimport keras\nclass Twice(Layer):\n    def call(self, x):\n        return x * 2\n"
              "x = keras.Input(shape=(3,))\ny = Twice()(x)\nz = keras.layers.Dense(2)(y)\n")
    assert [(d.line, d.code) for d in _errors(source)] == [(1, "KC302")]


MANY_ERRORS = {
    "optimizer-first.py": ("import keras\nopt = keras.optimizers.Adam(lr=0.1)\nx = keras.Input(shape=(3,))\n"
                           "y = keras.layers.Reshape((2, 2))(x)\nm = keras.Model(x, y)\nm.summary()\n", 2),
    "backend-first.py": ("import keras\nfrom keras import backend as K\nx = keras.Input(shape=(4, 3))\n"
                         "y = K.sum(x, axis=1)\nz = keras.layers.Reshape((5,))(y)\n", 4),
    "import-first.py": ("from keras.layers.core import Dense\nimport keras\nx = keras.Input(shape=(3,))\n"
                        "y = keras.layers.Reshape((2, 2))(Dense(3)(x))\n", 1),
}


@pytest.mark.parametrize("name", sorted(MANY_ERRORS))
def test_check_marks_the_line_verify_predicts(name):
    source, line = MANY_ERRORS[name]
    assert _stop(source).line == line
    assert len(_errors(source)) == 2
    assert analyze_source(source, "t.py").result.error.loc.line == line


@pytest.mark.skipif(__import__("importlib").util.find_spec("tensorflow") is None, reason="needs TensorFlow")
def test_verify_confirms_the_stop_check_marks(tmp_path):
    import json

    from click.testing import CliRunner

    from kerascheck.cli import main

    files = []
    for name, (source, _) in MANY_ERRORS.items():
        (tmp_path / name).write_text(source)
        files.append(str(tmp_path / name))
    result = CliRunner().invoke(main, ["verify", "--output-format", "json", *files], env={"COLUMNS": None})
    report = json.loads(result.output)
    outcomes = {(f["path"].rsplit("/", 1)[-1], o["line"], o["status"]) for f in report["files"] for o in f["outcomes"]
                if o["kind"] == "error"}
    assert outcomes == {(name, line, "CONFIRMED") for name, (_, line) in MANY_ERRORS.items()}


def test_keras1_merge_is_its_keras3_functional_form():
    source = ("import keras\nfrom keras.layers import Input, merge\na = Input(shape=(4,))\nb = Input(shape=(4,))\n"
              "c = merge([a, b], mode='concat')\nd = keras.layers.Reshape((7,))(c)\n")
    errors = _errors(source)
    assert [(d.line, d.code) for d in errors] == [(2, "KC302"), (6, "KC102")]
    assert "input_shape=(8,)" in errors[1].message  # concatenated: (None, 8)


def test_required_argument_gets_keras2_default_and_analysis_goes_on():
    source = ("import keras\nx = keras.Input(shape=(8, 8, 3))\ny = keras.layers.AveragePooling2D()(x)\n"
              "z = keras.layers.Reshape((5,))(y)\n")
    errors = _errors(source)
    assert [(d.line, d.code) for d in errors] == [(3, "KC108"), (4, "KC102")]
    assert "input_shape=(4, 4, 3)" in errors[1].message


def test_typo_on_a_model_suggests_the_nearest_name():
    source = "import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.summery()\n"
    (error,) = _errors(source)
    assert error.code == "KC301" and "Did you mean `summary`?" in error.message and error.stops_script


def test_attribute_the_script_assigned_is_not_missing():
    source = ("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.tag = 'a'\n"
              "print(m.tag, m.history, m.layers[0].units, m.layers[0].kernel)\n")
    assert _errors(source) == []


MIGRATION = Path(__file__).resolve().parent / "data" / "keras2_migration"
# Each script's problems, all found in one pass (line, code); none is a consequence of another.
EXPECTED = {
    "k1_mnist_mlp.py": {(4, "KC302"), (6, "KC302"), (15, "KC108"), (18, "KC108"), (21, "KC303"), (21, "KC304"),
                        (22, "KC303")},
    "k1_cnn.py": {(5, "KC302"), (7, "KC302"), (12, "KC108"), (12, "KC307"), (14, "KC307"), (21, "KC303"),
                  (22, "KC308"), (23, "KC306")},
    "k2_functional.py": {(3, "KC302"), (8, "KC304"), (15, "KC303"), (15, "KC305"), (19, "KC306"), (20, "KC301")},
    "custom_loss_backend.py": {(8, "KC302")},
    "callbacks_monitor.py": {(8, "KC309")},
    "save_weights.py": {(5, "KC308"), (7, "KC308")},
    "keras1_merge.py": {(2, "KC302")},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_keras2_script_problems_in_one_pass(name):
    source = (MIGRATION / name).read_text()
    found = {(d.line, d.code) for d in lint_source(source, name) if d.severity in ("error", "warning")}
    assert found == EXPECTED[name]
    stops = [d.line for d in lint_source(source, name) if d.stops_script]
    assert len(stops) == 1
    if name == "custom_loss_backend.py":  # fit() runs the loss: the script stops in it, at a K.* function
        assert stops == [8]


def _fixed(tmp_path):
    import shutil

    from kerascheck.fix import fix_source

    out = []
    for name in sorted(EXPECTED):
        result = fix_source((MIGRATION / name).read_text(), name, unsafe=True)
        assert result.failed == []
        again = fix_source(result.fixed, name, unsafe=True)
        assert again.fixed == result.fixed, f"a second --fix changed {name}"
        (tmp_path / name).write_text(result.fixed)
        out.append(tmp_path / name)
    shutil.copy(MIGRATION / "run_stubbed.py", tmp_path / "run_stubbed.py")
    return out


def test_second_fix_changes_nothing(tmp_path):
    _fixed(tmp_path)


@pytest.mark.skipif(__import__("importlib").util.find_spec("tensorflow") is None, reason="needs TensorFlow")
def test_keras2_scripts_run_under_keras3_after_fix(tmp_path):
    """``check --fix --unsafe-fixes`` takes each script all the way: it runs under Keras 3.15.1 (datasets
    stubbed with small arrays, offline)."""
    import subprocess
    import sys

    scripts = _fixed(tmp_path)
    proc = subprocess.run([sys.executable, str(tmp_path / "run_stubbed.py"), *map(str, scripts)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("RAN ") == len(scripts), proc.stdout[-2000:]


def test_a_sequential_whose_build_failed_does_not_raise_again_at_each_later_add():
    """Keras re-raises the same build error at every ``add`` after a failing one; the script stops
    at the first, so the later ones are consequences, not new errors."""
    from kerascheck.lint import lint_source

    source = ("import keras\nfrom keras import layers\nmodel = keras.Sequential()\n"
              "model.add(keras.Input(shape=(8, 8, 3)))\nmodel.add(layers.Conv1D(4, 3))\n"
              "model.add(layers.Dense(4))\nmodel.add(layers.Dense(2))\nmodel.summary()\n")
    errors = [d for d in lint_source(source, "t.py") if d.severity == "error"]
    assert [(d.code, d.line) for d in errors] == [("KC101", 5)]


def test_error_inside_a_function_does_not_end_its_analysis():
    # The failed merge stops the script inside `build`; the rest of `build` and of the script is
    # still checked, and what the failed statement bound is unknown (no cascade from it).
    source = ("import keras\nfrom keras import layers\n\ndef build():\n    inp = keras.Input((64,))\n"
              "    y = layers.Dense(32)(inp)\n    z = layers.add([inp, y])\n    out = layers.Dense(1)(z)\n"
              "    model = keras.Model(inp, out)\n    model.compile(optimizer=keras.optimizers.Adam(lr=0.1), loss='mse')\n"
              "    return model\n\nm = build()\nm.fit_generator(iter([]), 10, 1)\n")
    errors = _errors(source)
    assert [(d.line, d.code) for d in errors] == [(7, "KC103"), (10, "KC303"), (14, "KC306")]
    assert errors[0].stops_script and not any(d.stops_script for d in errors[1:])


def test_a_return_that_raises_returns_unknown():
    # `return add([x, y])` raised: the function's value is unknown, not None (no "outputs must be
    # KerasTensors" cascade), and the model built on it still has Keras's checks on its methods.
    source = ("import keras\nfrom keras import layers\n\ndef block(x):\n    y = layers.Dense(32)(x)\n"
              "    return layers.add([x, y])\n\ninp = keras.Input((64,))\nmodel = keras.Model(inp, block(inp))\n"
              "model.tag = 'v1'\nprint(model.tag, model.layers)\nmodel.save_weights('w.h5')\nmodel.summery()\n")
    assert [(d.line, d.code) for d in _errors(source)] == [(6, "KC103"), (12, "KC308"), (13, "KC301")]


def test_a_try_that_catches_the_error_still_runs_its_handler():
    source = ("import keras\nfrom keras import layers\n\ndef block(x):\n    try:\n"
              "        return layers.add([x, layers.Dense(32)(x)])\n    except ValueError:\n        return x\n\n"
              "inp = keras.Input((64,))\nmodel = keras.Model(inp, layers.Dense(2)(block(inp)))\nmodel.summary()\n")
    assert _errors(source) == []
    result = analyze_source(source, "t.py").result
    assert [s.model is not None for s in result.summaries] == [True]


_LAMBDA = ("from keras import backend as K\nfrom keras.layers import Input, Lambda\n"
           "def dist(v):\n    a, b = v\n    return K.sqrt(K.sum(K.square(a - b), axis=1, keepdims=True))\n"
           "x = Input(shape=(4,))\ny = Input(shape=(4,))\n")


def test_removed_backend_function_in_a_lambda_raises_at_the_lambda_call():
    """Keras traces a Lambda without ``output_shape`` inside a bare ``except:`` and raises
    NotImplementedError at the call: that is where the script stops, not in the function."""
    source = _LAMBDA + "d = Lambda(dist)([x, y])\nprint(d.shape)\n"
    stop = _stop(source)
    assert (stop.line, stop.code) == (8, "KC302") and "NotImplementedError" in stop.message
    assert "`keras.backend` has no `square`, `sum`, `sqrt` (line 5)" in stop.message
    assert {d.line for d in _errors(source)} == {5, 8}  # the removed names, each with its fix, and the call


def test_lambda_with_output_shape_is_not_traced_at_its_call():
    source = _LAMBDA + "d = Lambda(dist, output_shape=(1,))([x, y])\n"
    assert 8 not in {d.line for d in _errors(source)}


def test_lambda_on_an_input_an_earlier_error_left_unknown_still_reports_its_function():
    """The input is unknown (line 8 raises), but the removed names are read whatever the data."""
    source = _LAMBDA + "z = Reshape((7,))(y)\nd = Lambda(dist)([x, z])\n"
    source = source.replace("import Input, Lambda", "import Input, Lambda, Reshape")
    errors = {(d.line, d.code) for d in _errors(source)}
    assert {(8, "KC102"), (9, "KC302"), (5, "KC302")} == errors
    assert _stop(source).line == 8


_CALL_ON_DATA = ("import numpy as np\nimport keras\nfrom keras import backend as K\n"
                 "class Project(keras.layers.Layer):\n    def build(self, input_shape):\n"
                 "        self.w = self.add_weight(shape=(input_shape[-1], 2))\n"
                 "    def call(self, x):\n        return K.dot(x, self.w)\n"
                 "    def compute_output_shape(self, input_shape):\n        return (input_shape[0], 2)\n"
                 "m = keras.Sequential([keras.Input(shape=(3,)), Project()])\nm.compile(loss='mse')\n")


def test_user_layer_call_untraced_at_build_runs_on_the_data():
    """With compute_output_shape, Keras builds the model without calling call(); fit runs it, and the
    removed K.dot raises there (at the line in call)."""
    source = _CALL_ON_DATA + "m.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0)\n"
    errors = _errors(source)
    assert [(d.line, d.code, d.stops_script) for d in errors] == [(8, "KC302", True)]
    assert "'dot'" in errors[0].message


def test_user_layer_call_untraced_and_never_run_is_not_reported():
    assert _errors(_CALL_ON_DATA) == []


@pytest.mark.parametrize("path,twin", [("keras.engine.topology.Layer", "keras.Layer"),
                                       ("keras.layers.core.Dense", "keras.layers.Dense")])
def test_removed_module_path_maps_to_its_keras3_object(path, twin):
    from kerascheck.migration import keras3_path

    assert keras3_path(path) == twin


def test_keras1_merge_layer_outside_the_sequential_pattern_gets_no_fix():
    """Merge called on tensors (not Sequential branches added to a Sequential): reported, no fix."""
    from kerascheck.fix import fix_source

    source = ("from keras.layers import Input, Dense, Merge\nfrom keras.models import Model\n"
              "a = Input(shape=(4,))\nb = Input(shape=(4,))\nc = Merge(mode='concat')([a, b])\n")
    assert [(d.line, d.code) for d in _errors(source)] == [(1, "KC302")]
    assert not fix_source(source, "t.py", unsafe=True).changed


def test_user_layer_called_on_an_unknown_input_is_not_probed_as_a_lambda():
    source = ("import keras\nclass Twice(keras.layers.Layer):\n    def call(self, x):\n        return x * 2\n"
              "x = keras.Input(shape=(4,))\ny = keras.layers.Reshape((3,))(x)\nz = Twice()([x, y])\n")
    assert [(d.line, d.code) for d in _errors(source)] == [(6, "KC102")]
