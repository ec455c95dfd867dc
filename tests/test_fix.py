"""``kerascheck check --fix`` / ``--diff`` / ``--unsafe-fixes``: the driver (kerascheck/fix.py) and the command line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from kerascheck.fix import fix_source
from kerascheck.lint import lint_source

# Each rule's fix is shown and checked by its own examples: ``Invalid(..., fixed=...)`` in the rule
# (tests/test_rules.py runs them: the fixed text, idempotence, nothing fixable left, unsafe needs the
# flag). Here: the driver and the command line.


def test_no_fix_for_a_rename_whose_values_changed():
    source = "import keras\ny = keras.layers.MaxPooling2D((2, 2), dim_ordering='tf')\n"
    assert _fixed(source) == source


def test_no_fix_when_a_name_is_not_in_the_twin():
    source = "from keras.layers.core import Dense, Highway\n"
    assert _fixed(source) == source


def _fixed(source: str, unsafe: bool = False) -> str:
    return fix_source(source, "t.py", unsafe=unsafe).fixed


def test_crlf_and_untouched_text_kept():
    before = "import keras\r\n# header\r\nx = keras.Input(shape=16)\r\n"
    assert _fixed(before) == "import keras\r\n# header\r\nx = keras.Input(shape=(16,))\r\n"


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-c", "from kerascheck.cli import main; main()", "check", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_cli_diff_does_not_write(tmp_path: Path):
    file = tmp_path / "m.py"
    before = "import keras\nx = keras.Input(shape=(16))\n"
    file.write_text(before)
    proc = _cli("--diff", str(file))
    assert proc.returncode == 1
    assert "-x = keras.Input(shape=(16))\n+x = keras.Input(shape=(16,))\n" in proc.stdout
    assert file.read_text() == before
    assert "Would fix 1 error." in proc.stderr
    assert _cli("--diff", str(tmp_path / "m.py")).stdout == proc.stdout


def test_cli_fix_writes_and_reports_the_rest(tmp_path: Path):
    file = tmp_path / "m.py"
    file.write_text("import keras\nx = keras.Input(shape=(16))\nopt = keras.optimizers.SGD(lr=0.1)\n")
    proc = _cli("--fix", str(file))
    assert file.read_text() == "import keras\nx = keras.Input(shape=(16,))\nopt = keras.optimizers.SGD(learning_rate=0.1)\n"
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "Found 2 errors (2 fixed, 0 remaining).\n"  # ruff's closing line
    proc = _cli("--diff", str(file))
    assert proc.returncode == 0 and proc.stdout == ""
    assert "Would fix 0 errors." in proc.stderr


# -- the seeds' Keras 2 code through --fix --------------------------------------------------------
BUGS = Path(__file__).resolve().parent.parent / "fixtures" / "bugs"
SEEDS = sorted(BUGS.glob("*.py"))

# What the fixed seeds still do under real Keras 3.15.1: the seeds' own bugs, which are not
# migration issues and have no mechanical fix. (file: (exception line prefix, reason))
STILL_FAILING = {
    "001_conv2d_not_imported.py": ("NameError: name 'Conv2D' is not defined", "the seed never imports Conv2D (KC401)"),
    "003_conv2d_not_imported.py": ("NameError: name 'Conv2D' is not defined", "the seed never imports Conv2D (KC401)"),
    "003_keras_not_imported.py": ("NameError: name 'keras' is not defined", "the seed never imports keras (KC401)"),
    "004_tf_not_imported.py": ("NameError: name 'tf' is not defined", "the seed never imports tensorflow (KC401)"),
    "002_from_config_no_classmethod.py": ("TypeError: CustomDense.from_config() missing 1 required positional",
                                          "from_config is not a classmethod (KC501): a bug in any Keras"),
    "002_reshape_wrong_size.py": ("ValueError", "Reshape target size differs from the input's (KC102): a bug in any Keras"),
}


def _fixable(diagnostics, source):
    from kerascheck.fix import edits_for

    return [d for d in diagnostics if edits_for(d, source, unsafe=True)]


@pytest.fixture(scope="module")
def fixed_seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    results = {}
    for seed in SEEDS:
        source = seed.read_text()
        result = fix_source(source, seed.name, unsafe=True)
        (out / seed.name).write_text(result.fixed)
        results[seed.name] = result
    return out, results


def test_seeds_fixed_have_no_fixable_diagnostic_left(fixed_seeds):
    out, results = fixed_seeds
    assert any(r.changed for r in results.values())
    for name, result in results.items():
        ast.parse(result.fixed)
        remaining = lint_source(result.fixed, name)
        assert not _fixable(remaining, result.fixed), name
        # idempotent on the real files too
        assert fix_source(result.fixed, name, unsafe=True).fixed == result.fixed, name


def _tensorflow() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorflow") is not None


@pytest.mark.skipif(not _tensorflow(), reason="needs TensorFlow (e.g. /work/tfenv/bin/python -m pytest tests/test_fix.py)")
def test_seeds_fixed_run_under_real_keras(fixed_seeds):
    import os
    from concurrent.futures import ThreadPoolExecutor

    out, _ = fixed_seeds
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")

    def run(name):
        proc = subprocess.run([sys.executable, name], cwd=out, capture_output=True, text=True, timeout=600, env=env)
        errors = [line for line in proc.stderr.splitlines() if line and not line[0].isspace()
                  and ("Error" in line.split(":")[0] or "Exception" in line.split(":")[0])]
        return name, proc.returncode, errors[-1] if errors else ""

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        outcomes = list(pool.map(run, [s.name for s in SEEDS]))
    failing = {name: error for name, code, error in outcomes if code != 0}
    assert set(failing) == set(STILL_FAILING), failing
    for name, error in failing.items():
        assert error.startswith(STILL_FAILING[name][0]), (name, error)


# -- property: removed between Keras 2.3.1 and 3.15.1 is flagged, the Keras 3 counterpart is not ----
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kerascheck import catalogue  # noqa: E402

OLD, NEW = "2.3.1", "3.15.1"
REMOVED = catalogue.removed_between(OLD, NEW)
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _codes(source):
    return {d.code for d in lint_source(source, "t.py")}


def _keras3_names(module):
    return sorted(n for n, ref in catalogue.names(NEW, module).items() if ref[0] in "dv" and not n.startswith("_"))


@PROPERTY
@given(st.sampled_from(REMOVED["modules"]), st.data())
def test_removed_module_flagged_and_its_keras3_counterpart_not(module, data):
    assert "KC302" in _codes(f"import {module}\n")
    from kerascheck.rules.kc302_removed_import import MODULE_TWINS

    twin = MODULE_TWINS.get(module)
    if twin is not None:  # the fixed import (a name the old module had, from its Keras 3 twin)
        names = [n for n in catalogue.names(OLD, module) if catalogue.name_in_module(NEW, twin, n)]
        if names:
            name = data.draw(st.sampled_from(sorted(names)))
            before = f"from {module} import {name}\n"
            after = _fixed(before)
            assert after == f"from {twin} import {name}\n"
            assert "KC302" not in _codes(after)
    else:  # its parent still exists in Keras 3 and imports cleanly
        parent = module.rpartition(".")[0]
        while parent and not catalogue.module_exists(NEW, parent):
            parent = parent.rpartition(".")[0]
        assert "KC302" not in _codes(f"import {parent}\n")


@PROPERTY
@given(st.sampled_from(REMOVED["names"]), st.data())
def test_removed_name_flagged_and_a_keras3_name_not(path, data):
    module, _, name = path.rpartition(".")
    assert "KC302" in _codes(f"from {module} import {name}\n")
    present = _keras3_names(module)
    if present:
        other = data.draw(st.sampled_from(present))
        assert "KC302" not in _codes(f"from {module} import {other}\n")


OPTIMIZER_ARGS = [a for a in REMOVED["arguments"] if a[0].startswith("keras.optimizers.")]
# Layer constructors without required arguments (the snippet can call them with the removed one only);
# ``keras.layers.Layer`` itself is the abstract base.
LAYER_ARGS = [a for a in REMOVED["arguments"] if a[0].startswith("keras.layers.") and a[0] != "keras.layers.Layer"
              and not [p for p in catalogue.params(NEW, a[0]) or ["?"] if "=" not in p and not p.startswith("*")]]


@PROPERTY
@given(st.sampled_from(OPTIMIZER_ARGS))
def test_removed_optimizer_argument_flagged_and_keras3_call_not(entry):
    path, arg = entry
    assert "KC303" in _codes(f"import keras\nopt = {path}({arg}=0.5)\n")
    assert not _codes(f"import keras\nopt = {path}(learning_rate=0.5)\n")


@PROPERTY
@given(st.sampled_from(LAYER_ARGS))
def test_removed_layer_argument_flagged_and_keras3_call_not(entry):
    path, arg = entry
    before = f"import keras\nlayer = {path}({arg}=None)\n"
    assert "KC108" in _codes(before)
    assert not _codes(f"import keras\nlayer = {path}()\n")
    renamed = catalogue.legacy_renames(OLD, path).get(arg)
    after = _fixed(before)
    if after != before:  # a legacy rename with the same meaning: the fixed call is clean
        assert after == f"import keras\nlayer = {path}({renamed}=None)\n"
        # the argument is known now (its value, None here, may still be invalid for the new name)
        assert not [d for d in lint_source(after, "t.py") if "Unrecognized keyword" in d.message]


REMOVED_MODEL_METHODS = sorted(m.rpartition(".")[2] for m in REMOVED["members"] if m.startswith("keras.models.Model.")
                               and m.rpartition(".")[2] in ("fit_generator", "evaluate_generator", "predict_generator"))


@PROPERTY
@given(st.sampled_from(REMOVED_MODEL_METHODS))
def test_removed_model_method_flagged_and_fixed_call_not(method):
    before = ("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
              f"m.compile(optimizer='adam', loss='mse')\nm.{method}(iter([]), steps_per_epoch=3)\n")
    if method != "fit_generator":
        before = before.replace("steps_per_epoch", "steps")
    assert "KC306" in _codes(before)
    after = _fixed(before)
    assert f"m.{method.split('_')[0]}(iter([])" in after
    assert "KC306" not in _codes(after)


def test_a_fix_that_fails_is_reported_and_skipped(monkeypatch, tmp_path: Path):
    """A rule's fix that raises is never an internal error: the other fixes apply, the failure is named."""
    from click.testing import CliRunner

    from kerascheck.cli import main
    from kerascheck.rules.kc303_removed_argument import RemovedArgument

    def broken(self, diagnostic, source):
        raise RuntimeError("boom")

    monkeypatch.setattr(RemovedArgument, "fix", broken)
    script = tmp_path / "t.py"
    script.write_text("import keras\nfrom keras.layers.core import Dense\nopt = keras.optimizers.Adam(lr=0.1)\n")
    result = CliRunner().invoke(main, ["check", "--no-cache", "--fix", str(script)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the fix of KC303 failed and was skipped (RuntimeError: boom)" in result.output
    assert "from keras.layers import Dense" in script.read_text()
    assert "internal error" not in result.output


def test_diff_shows_every_fix_of_every_problem_in_one_run(tmp_path: Path):
    from click.testing import CliRunner

    from kerascheck.cli import main

    script = tmp_path / "t.py"
    script.write_text("import numpy as np\nfrom keras.layers import Input, Dense\nfrom keras.models import Model\n"
                      "from keras.optimizers import Adam\ninp = Input(shape=16)\nx = Dense(32, init='uniform')(inp)\n"
                      "m = Model(inp, x)\nm.compile(optimizer=Adam(lr=0.01), loss='mse', metrics='accuracy')\n"
                      "m.fit_generator(iter([]), 10, 2)\nm.save_weights('w.h5')\n")
    result = CliRunner().invoke(main, ["check", "--no-cache", "--diff", "--unsafe-fixes", str(script)])
    for text in ("+inp = Input(shape=(16,))", "kernel_initializer='uniform'", "Adam(learning_rate=0.01)",
                 "metrics=['accuracy']", "+m.fit(iter([]), steps_per_epoch=10, epochs=2)", "'w.weights.h5'"):
        assert text in result.output
