"""The lint path must never import TensorFlow, Keras or NumPy (it must install and run without them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import sys
from click.testing import CliRunner
from kerascheck.cli import main
runner = CliRunner()
for args in (["check", "fixtures"], ["summary", *sys.argv[1:]], ["summary", "--all-models", *sys.argv[1:]]):
    result = runner.invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
loaded = sorted(m for m in ("tensorflow", "keras", "tf_keras", "numpy", "rich") if m in sys.modules)
print(",".join(loaded))
"""


def test_check_and_summary_import_no_ml_library(tmp_path):
    fixtures = sorted(str(p) for p in (ROOT / "fixtures" / "seeds").glob("*.py"))
    nbformat = pytest.importorskip("nbformat")
    notebook = tmp_path / "seed.ipynb"  # a notebook goes the same way
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "%matplotlib inline\n" + Path(fixtures[0]).read_text(encoding="utf-8"))]), str(notebook))
    fixtures.append(str(notebook))
    proc = subprocess.run([sys.executable, "-c", PROBE, *fixtures], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
