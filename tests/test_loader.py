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


def test_an_imported_modules_main_block_does_not_run(tmp_path):
    """``__name__`` is the module's name in a module the script imports, so its demo under
    ``if __name__ == "__main__":`` is not run (it would consume automatic names)."""
    (tmp_path / "blocks.py").write_text(
        "import keras\n"
        "def head(units):\n    return keras.layers.Dense(units)\n"
        "if __name__ == '__main__':\n    demo = keras.Sequential([keras.Input(shape=(3,)), head(2)])\n")
    script = tmp_path / "train.py"
    script.write_text(
        "import keras\nfrom blocks import head\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), head(2)])\nmodel.summary()\n")
    text = _summary(script).snapshot.render()
    assert 'Model: "sequential"' in text and "dense (Dense)" in text
