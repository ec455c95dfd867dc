"""The command line as users run it: a real subprocess, exit codes, stdout/stderr."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEAN = "import keras\nx = keras.Input(shape=(3,))\ny = keras.layers.Dense(2)(x)\nm = keras.Model(x, y)\nm.summary()\n"
# Each mentions keras: files that never do are skipped by the byte scan, without parsing.
BROKEN = ["import keras\ny = (1, 2\nz = 3\n", "import keras\ndef f(:\n    pass\n", "import keras\nx = 1 +\n",
          "import keras\nif True:\n  x = 1\n    y = 2\n"]


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**{k: v for k, v in os.environ.items() if k != "COLUMNS"}, **(env or {})}
    return subprocess.run([sys.executable, "-m", "kerascheck.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def python_syntax_error(source: str) -> tuple[int, int]:
    with pytest.raises(SyntaxError) as info:
        ast.parse(source)
    return info.value.lineno, info.value.offset


@pytest.mark.parametrize("source", BROKEN)
def test_syntax_error_reported_at_python_position_and_other_files_checked(tmp_path, source):
    (tmp_path / "a_broken.py").write_text(source)
    (tmp_path / "b_clean.py").write_text(CLEAN)
    (tmp_path / "c_raises.py").write_text("import keras\nkeras.Input(shape=16)\n")
    proc = run("check", str(tmp_path))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    line, col = python_syntax_error(source)
    assert lines[0].startswith(f"{tmp_path / 'a_broken.py'}:{line}:{col}: KC000 ")
    # the run went on: the third file's Keras error is reported too, the clean file is silent
    assert any(l.startswith(f"{tmp_path / 'c_raises.py'}:2:1: ") for l in lines)
    assert not any("b_clean.py" in l for l in lines)


def test_files_without_keras_are_skipped_unparsed(tmp_path):
    (tmp_path / "plain.py").write_text("def f(:\n")
    assert run("check", str(tmp_path)).returncode == 0


def test_cache_reuses_results_and_follows_content(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import keras\nx = keras.Input(shape=16)\n")
    first = run("check", str(path), cwd=tmp_path)
    assert first.returncode == 1 and (tmp_path / ".kerascheck_cache").is_dir()
    assert run("check", str(path), cwd=tmp_path).stdout == first.stdout
    path.write_text(CLEAN)
    assert run("check", str(path), cwd=tmp_path).returncode == 0


def test_parallel_run_equals_serial_run(tmp_path):
    for i in range(6):
        (tmp_path / f"m{i}.py").write_text(f"import keras\nx = keras.Input(shape=({i}))\n")
    serial = run("check", "--no-cache", "-j", "1", str(tmp_path))
    parallel = run("check", "--no-cache", "-j", "3", str(tmp_path))
    assert serial.stdout == parallel.stdout and serial.stdout.count("KC109") == 6


def test_check_clean_exits_zero(tmp_path):
    (tmp_path / "m.py").write_text(CLEAN)
    proc = run("check", str(tmp_path))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "All checks passed!\n", "")


def test_check_missing_path_is_usage_error(tmp_path):
    assert run("check", str(tmp_path / "nope.py")).returncode == 2


def test_non_utf8_and_unreadable_input_get_diagnostics(tmp_path):
    (tmp_path / "latin.py").write_bytes(b"import keras\nx = '\xe9'\n")
    proc = run("check", str(tmp_path))
    assert proc.returncode == 1
    assert f"{tmp_path / 'latin.py'}:2:1: KC000 file is not valid UTF-8" in proc.stdout


def test_summary_prints_only_tables_on_stdout(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(CLEAN + "print('hello')\nimport mylib\nmylib.build_model().summary()\n")
    proc = run("summary", str(path))
    assert proc.returncode == 0
    assert proc.stdout.startswith('Model: "functional"\n')
    assert proc.stdout.count("Model:") == 1 and "hello" not in proc.stdout
    assert "summary() not predicted" in proc.stderr and ":8:1:" in proc.stderr


def test_summary_width_follows_columns_and_line_length(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(CLEAN)
    widths = lambda out: {len(l) for l in out.splitlines()[1:-3]}
    assert widths(run("summary", str(path)).stdout) == {76}
    assert widths(run("summary", str(path), env={"COLUMNS": "60"}).stdout) == {56}
    assert widths(run("summary", "--line-length", "70", str(path)).stdout) == {70}


def test_check_cache_notices_a_changed_sibling_module(tmp_path, monkeypatch):
    """A cached result is reused only while the modules the file imports are unchanged."""
    (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\n")
    (tmp_path / "blocks.py").write_text("UNITS = 4\n")
    (tmp_path / "model.py").write_text(
        "import keras\nfrom blocks import UNITS\n"
        "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(UNITS, activation='softmax')])\n")
    from click.testing import CliRunner

    from kerascheck.cli import main

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["check", "model.py"]).exit_code == 0
    (tmp_path / "blocks.py").write_text("UNITS = 1  # one unit\n")  # softmax over one unit: KC601
    result = runner.invoke(main, ["check", "model.py"])
    assert "KC601" in result.output and result.exit_code == 1
    assert (tmp_path / ".kerascheck_cache").is_dir()
