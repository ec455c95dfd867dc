"""Where the analysis finds the user's own modules (kerascheck/frontend/loader.py): the script's
folder, the package roots above it, and the project's root marked by a build file, whose packages a
script in a subfolder imports once the project is installed for development."""

from __future__ import annotations

from pathlib import Path

from kerascheck.analysis import analyze_file

PACKAGE = '''
import keras
from keras import layers


def block(units):
    return keras.Sequential([layers.Dense(units, activation="relu"), layers.Dense(units)])
'''

SCRIPT = '''
import keras
from mylib.blocks import block

inputs = keras.Input(shape=(8,))
model = keras.Model(inputs, block(4)(inputs))
model.summary()
'''


def _project(tmp_path: Path, marker: str | None) -> Path:
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "__init__.py").write_text("")
    (tmp_path / "mylib" / "blocks.py").write_text(PACKAGE)
    (tmp_path / "examples").mkdir()
    script = tmp_path / "examples" / "train.py"
    script.write_text(SCRIPT)
    if marker:
        (tmp_path / marker).write_text("")
    return script


def _summary(script: Path):
    result = analyze_file(script).result
    assert result is not None and len(result.summaries) == 1
    return result.summaries[0]


def test_a_package_at_the_project_root_is_found_from_a_script_in_a_subfolder(tmp_path):
    summary = _summary(_project(tmp_path, "pyproject.toml"))
    assert summary.snapshot is not None, summary.reason
    text = summary.snapshot.render()
    assert "sequential (Sequential)" in text and "Total params: 56 (224.00 B)" in text  # 8*4+4 + 4*4+4


def test_setup_py_marks_a_project_root_too(tmp_path):
    assert _summary(_project(tmp_path, "setup.py")).snapshot is not None


def test_without_a_build_file_the_package_is_not_importable(tmp_path):
    summary = _summary(_project(tmp_path, None))
    assert summary.snapshot is None and summary.reason
