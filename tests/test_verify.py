"""``kerascheck verify`` end to end: real TensorFlow in the worker process.

Tests that need TensorFlow skip when the test interpreter cannot find it; run them with the
verify extra installed (e.g. ``/work/tfenv/bin/python -m pytest tests/test_verify.py``). The
command runs in this process (click's runner), so a test can patch the static engine; Keras
itself only ever runs in the worker.
"""

from __future__ import annotations

import importlib.util
import json
import stat
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerascheck.analysis import analyze_source
from kerascheck.cli import main
from kerascheck.verify.compare import compare

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(str(p) for p in (ROOT / "fixtures" / "seeds").glob("*.py"))
BUG = str(ROOT / "fixtures" / "bugs" / "002_input_shape_int.py")
RESHAPE = str(ROOT / "fixtures" / "bugs" / "002_reshape_wrong_size.py")  # seed 002's shared-Embedding bug
needs_tf = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                              reason="needs TensorFlow (pip install 'kerascheck[verify]')")

SMALL = textwrap.dedent("""\
    import keras
    inputs = keras.Input(shape=(8,))
    x = keras.layers.Dense(4, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    model.summary()
""")

TRAINS = textwrap.dedent("""\
    import no_such_plotting_package as nspp
    import keras
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784) / 255.0
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.summary()
    history = model.fit(x_train, y_train, epochs=3)
    for epoch in range(3):
        model.fit(x_train, y_train)
    print(model.evaluate(x_train, y_train))
""")

DEPENDS = textwrap.dedent("""\
    import numpy as np
    import keras
    X = np.load("features.npy")
    model = keras.Sequential([keras.layers.Dense(4, input_shape=X.shape[1:])])
    model.summary()
    other = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    other.summary()
""")

LOOPS_FOREVER = textwrap.dedent("""\
    import keras
    inputs = keras.Input(shape=(3,))
    while True:
        layer = keras.layers.Dense(2)
""")


def verify(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, ["verify", *args], env={"COLUMNS": None, **(env or {})})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def write(tmp_path: Path, name: str, source: str) -> str:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return str(path)


def statuses(output: str) -> list[str]:
    return [line.split(": ", 1)[1].split(" ")[0] for line in output.splitlines() if ": " in line
            and line.split(": ", 1)[1].split(" ")[0] in ("CONFIRMED", "MISMATCH", "UNPREDICTED", "UNVERIFIED")]


# -- without TensorFlow ----------------------------------------------------------------------------------
def test_python_without_tensorflow_says_how_to_install(tmp_path):
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')  # -S: no site-packages, so no TensorFlow
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    result = verify("--python", str(fake), write(tmp_path, "m.py", SMALL))
    assert result.exit_code == 2
    assert "pip install '.[verify]'" in result.output


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is not None, reason="TensorFlow is installed here")
def test_no_tensorflow_anywhere_exits_2_with_the_hint(tmp_path):
    result = verify(write(tmp_path, "m.py", SMALL), env={"KERASCHECK_PYTHON": None})
    assert result.exit_code == 2
    assert "pip install '.[verify]'" in result.output


def fake_reply(cells_shape: str, blocked_before: bool = False) -> dict:
    events = [{"event": "blocked", "line": 2, "end_line": 2, "name": "X", "why": "it needs X, defined by skipped line 1",
               "import": False}] if blocked_before else []
    cells = [["input_layer (InputLayer)", "(None, 8)", "0", "-"], ["dense (Dense)", cells_shape, "36", "input_layer[0][0]"]]
    events.append({"event": "summary", "line": 5, "model": "functional", "text": "...", "cells": cells})
    return {"events": events, "error": None, "models": []}


def test_compare_names_the_layer_and_both_shapes():
    result = analyze_source(SMALL, "m.py").result
    [outcome] = compare(result, fake_reply("(None, 5)"), all_models=False)
    assert outcome.status == "MISMATCH" and outcome.line == 5 and outcome.subject == "functional"
    assert "dense (Dense): output shape predicted (None, 4), actual (None, 5)" in outcome.diff


def test_a_mismatch_after_a_statement_that_needed_skipped_data_is_unverified():
    result = analyze_source(SMALL, "m.py").result
    [outcome] = compare(result, fake_reply("(None, 5)", blocked_before=True), all_models=False)
    assert outcome.status == "UNVERIFIED"
    assert "line 2 could not run" in outcome.note


# -- with TensorFlow -------------------------------------------------------------------------------------
@needs_tf
def test_every_seed_fixture_is_confirmed():
    result = verify("--output-format", "json", *SEEDS)
    report = json.loads(result.output)
    outcomes = [(f["path"], o["line"], o["status"], o["subject"]) for f in report["files"] for o in f["outcomes"]]
    assert len(report["files"]) == len(SEEDS) and len(outcomes) >= 30
    assert [o for o in outcomes if o[2] != "CONFIRMED"] == []
    assert report["timing"]["worker_starts"] == 1  # one worker, TensorFlow imported once
    assert result.exit_code == 0


@needs_tf
def test_every_feature_and_bug_fixture_is_confirmed():
    """CI's verify run: the feature fixtures and the seeds' bugs, every prediction confirmed by Keras."""
    root = Path(__file__).resolve().parent.parent / "fixtures"
    files = sorted(str(p) for p in (root / "features").glob("*.py") if p.name != DATA_DEPENDENT.name)
    files += [str(root / "features" / "multifile" / "main.py")]
    files += sorted(str(p) for p in (root / "bugs").glob("*.py"))
    result = verify("--output-format", "json", *files)
    report = json.loads(result.output)
    outcomes = [(f["path"], o["line"], o["status"], o["subject"]) for f in report["files"] for o in f["outcomes"]]
    assert len(report["files"]) == len(files) and len(outcomes) >= 100
    assert [o for o in outcomes if o[2] != "CONFIRMED"] == []
    assert result.exit_code == 0


DATA_DEPENDENT = Path(__file__).resolve().parent.parent / "fixtures" / "features" / "data_dependent.py"


@needs_tf
def test_data_dependent_sizes_are_confirmed_once_given_their_values():
    """With the data loaded (--with-data) and the symbols bound to the data's sizes, Keras agrees."""
    from test_goldens import dims_of

    dims = [f"--dim={name}={value}" for name, value in dims_of(DATA_DEPENDENT).items()]
    result = verify("--with-data", *dims, str(DATA_DEPENDENT))
    assert statuses(result.output) == ["CONFIRMED"] * 4, result.output
    # Left symbolic, the predictions hold for some values: unverified, never a mismatch.
    result = verify("--with-data", str(DATA_DEPENDENT))
    assert statuses(result.output) == ["UNVERIFIED"] * 4, result.output
    assert "give their values with --dim" in result.output
    # Without the data, the models cannot be built: unverified too.
    assert set(statuses(verify(*dims, str(DATA_DEPENDENT)).output)) == {"UNVERIFIED"}


@needs_tf
def test_a_wrong_prediction_is_a_mismatch_with_a_per_layer_diff(tmp_path, monkeypatch):
    from kerascheck.shapes.core import Dense

    monkeypatch.setattr(Dense, "compute_output_shape", lambda self, shape: tuple(shape[:-1]) + (self.arg("units") + 1,))
    path = write(tmp_path, "m.py", SMALL)
    result = verify(path)
    assert result.exit_code == 1
    assert f"{path}:5: MISMATCH functional" in result.output
    assert "    dense (Dense): output shape predicted (None, 5), actual (None, 4)" in result.output
    assert "    dense_1 (Dense): params predicted 12, actual 10" in result.output


@needs_tf
def test_predicted_error_confirmed_and_an_unpredicted_one_reported(monkeypatch):
    result = verify(BUG, RESHAPE)
    assert f"{BUG}:18: CONFIRMED ValueError: Cannot convert '16' to a shape." in result.output
    assert f"{RESHAPE}:12: CONFIRMED ValueError: The total size of the tensor must be unchanged." in result.output
    assert result.exit_code == 0

    import kerascheck.verify.session as command

    analyze = command.analyze_file

    def forget_the_error(path, shown, **options):
        analysis = analyze(path, shown, **options)
        analysis.result.error = None
        return analysis

    monkeypatch.setattr(command, "analyze_file", forget_the_error)
    result = verify(BUG)
    assert f"{BUG}:18: UNPREDICTED ValueError: Cannot convert '16' to a shape." in result.output
    assert result.exit_code == 1


@needs_tf
def test_training_on_data_that_does_not_exist_is_skipped_and_reported(tmp_path):
    path = write(tmp_path, "train.py", TRAINS)
    result = verify(path)
    assert f"{path}:1: could not run: module 'no_such_plotting_package' is not installed in" in result.output
    assert f"{path}:3: skipped (data loading: keras.datasets.mnist.load_data())" in result.output
    assert f"{path}:8: skipped (training/evaluation: model.fit())" in result.output
    assert f"{path}:9: skipped (training/evaluation: whole body: model.fit())" in result.output
    assert f"{path}:11: skipped (training/evaluation: model.evaluate())" in result.output
    assert f"{path}:7: CONFIRMED sequential" in result.output
    assert result.exit_code == 0


@needs_tf
def test_a_model_that_needs_skipped_data_says_so(tmp_path):
    path = write(tmp_path, "depends.py", DEPENDS)
    result = verify(path)
    assert (f"{path}:4: could not run: it needs X, defined by skipped line 3 (data loading: np.load())"
            in result.output)
    assert f"{path}:5: UNVERIFIED summary() (Keras did not get here; not predicted:" in result.output
    # Keras could not create line 4's model, so the next one takes its name: not a mismatch of the engine
    assert f"{path}:7: UNVERIFIED sequential (line 4 could not run: it needs X" in result.output
    assert "    model name: predicted 'sequential_1', actual 'sequential'" in result.output
    assert result.exit_code == 0


@needs_tf
def test_every_file_starts_from_a_fresh_keras(tmp_path):
    """Automatic names restart and global settings a script changed are back to their defaults."""
    changes = write(tmp_path, "changes.py", "import keras\nkeras.config.set_floatx('float16')\n"
                                            "keras.config.set_image_data_format('channels_first')\n" + SMALL)
    first, second = write(tmp_path, "a.py", SMALL), write(tmp_path, "b.py", SMALL)
    result = verify("--output-format", "json", "--all-models", first, changes, second, first)
    files = json.loads(result.stdout)["files"]
    assert [[o["status"], o["subject"]] for o in files[0]["outcomes"]] == [["CONFIRMED", "functional"]]
    assert files[2]["outcomes"] == files[3]["outcomes"] == files[0]["outcomes"]


@needs_tf
def test_device_gpu_fails_clearly_without_a_gpu(tmp_path):
    result = verify("--device", "gpu", write(tmp_path, "m.py", SMALL))
    if result.exit_code == 0:
        pytest.skip("this machine has a GPU")
    assert result.exit_code == 2
    assert "--device gpu: TensorFlow" in result.output and "sees no GPU" in result.output


@needs_tf
def test_device_auto_falls_back_to_cpu_and_says_so(tmp_path):
    result = verify("--device", "auto", "--output-format", "json", write(tmp_path, "m.py", SMALL))
    report = json.loads(result.stdout)
    if report["gpus"]:
        pytest.skip("this machine has a GPU")
    assert report["device"] == "cpu" and report["status"] == 0
    assert "running on CPU: TensorFlow sees no GPU" in result.stderr


@needs_tf
def test_a_file_that_times_out_is_reported_and_the_run_goes_on(tmp_path):
    slow, small = write(tmp_path, "slow.py", LOOPS_FOREVER), write(tmp_path, "m.py", SMALL)
    result = verify("--timeout", "4", "--output-format", "json", slow, small)
    report = json.loads(result.stdout)
    assert "timed out after 4 s" in report["files"][0]["failure"]
    assert [o["status"] for o in report["files"][1]["outcomes"]] == ["CONFIRMED"]
    assert report["timing"]["worker_starts"] == 2 and report["status"] == 2
    assert result.exit_code == 2


@needs_tf
def test_the_worker_gets_a_clean_environment(tmp_path):
    """COLUMNS would change Keras's table width; the worker never sees it, nor a terminal."""
    result = verify(write(tmp_path, "m.py", SMALL), env={"COLUMNS": "200"})
    assert statuses(result.output) == ["CONFIRMED"]
