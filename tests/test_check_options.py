"""``kerascheck check`` as a ruff user expects it (issue 18): strict selectors and configuration,
file selection, the closing line, colour, progress, output files and the CI formats.

Through click's runner (``invoke``) for speed, and through a real subprocess where the terminal or
the process's own streams matter."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from kerascheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHAPE_INT = "import keras\nx = keras.Input(shape=(16))\n"  # KC109, fixable (safe)
LR = "import keras\nopt = keras.optimizers.SGD(lr=0.1)\n"  # KC303, fixable (safe)
RESHAPE = "import keras\nx = keras.Input(shape=(4,))\ny = keras.layers.Reshape((3,))(x)\n"  # KC102, no fix
CLEAN = "import keras\nx = keras.Input(shape=(3,))\ny = keras.layers.Dense(2)(x)\nm = keras.Model(x, y)\n"


def invoke(*args: str, cwd: Path, input: str | None = None, env: dict | None = None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "--no-cache", *args], input=input,
                                  env={"NO_COLOR": None, "FORCE_COLOR": None, **(env or {})})
    finally:
        os.chdir(old)


def run(*args: str, cwd: Path, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}, **(env or {})}
    return subprocess.run([sys.executable, "-m", "kerascheck.cli", "check", "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text(SHAPE_INT)
    (tmp_path / "b.py").write_text(LR)
    (tmp_path / "c.py").write_text(RESHAPE)
    return tmp_path


# -- selectors and configuration --------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--select", "--extend-select", "--ignore"])
def test_unknown_selector_on_the_command_line_is_exit_2(project, option):
    result = invoke(option, "XYZ", ".", cwd=project)
    assert result.exit_code == 2
    assert f"{option}: unknown rule selector `XYZ`" in result.stderr
    assert "KC109" not in result.stdout  # nothing was checked


@pytest.mark.parametrize("selector", ["KC", "KC1", "KC10", "KC109", "kc109", "ALL", "KC000"])
def test_known_selectors_and_prefixes_are_accepted(project, selector):
    assert invoke("--select", selector, ".", cwd=project).exit_code in (0, 1)


@pytest.mark.parametrize("key,value", [("ignore", '["KC99"]'), ("select", '["KC1", "XYZ"]'),
                                       ("extend-select", '["KC9"]'),
                                       ("per-file-ignores", '{ "tests/*" = ["KC99"] }')])
def test_unknown_code_in_pyproject_is_exit_2_naming_file_and_key(project, key, value):
    (project / "pyproject.toml").write_text(f"[tool.kerascheck]\n{key} = {value}\n")
    result = invoke(".", cwd=project)
    assert result.exit_code == 2, result.output
    assert str(project / "pyproject.toml") in result.stderr and key in result.stderr
    assert "unknown rule selector" in result.stderr
    assert "KC109" not in result.stdout


def test_unknown_key_and_wrong_type_are_exit_2(project):
    (project / "pyproject.toml").write_text("[tool.kerascheck]\nignroe = ['KC109']\n")
    result = invoke(".", cwd=project)
    assert result.exit_code == 2 and "unknown key ignroe" in result.stderr
    (project / "pyproject.toml").write_text("[tool.kerascheck]\nforce-exclude = 'yes'\n")
    result = invoke(".", cwd=project)
    assert result.exit_code == 2 and "force-exclude must be true or false" in result.stderr


def test_invalid_toml_is_exit_2_not_skipped(project):
    """A broken pyproject.toml is not passed over for a parent folder's configuration."""
    (project / "pyproject.toml").write_text("[tool.kerascheck]\nignore = ['KC1']\n")  # would hide every error
    sub = project / "pkg"
    sub.mkdir()
    (sub / "m.py").write_text(SHAPE_INT)
    (sub / "pyproject.toml").write_text("[tool.kerascheck\nselect = [\n")
    for result in (invoke(str(sub), cwd=project), invoke("m.py", cwd=sub)):
        assert result.exit_code == 2, result.output
        assert f"{sub / 'pyproject.toml'}: not valid TOML" in result.stderr and "line 1" in result.stderr
    proc = subprocess.run([sys.executable, "-m", "kerascheck.cli", "summary", "m.py"], cwd=sub, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr and "Traceback" not in proc.stderr


def test_configuration_errors_are_never_a_traceback(project):
    (project / "pyproject.toml").write_text("[tool.kerascheck]\nignore = ['KC99']\n")
    proc = run(cwd=project)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("kerascheck: error: ")


# -- file selection ---------------------------------------------------------------------------------
def test_exclude_applies_to_explicit_files_only_with_force_exclude(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["legacy/", "*_old.py"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "m.py").write_text(SHAPE_INT)
    (tmp_path / "model_old.py").write_text(SHAPE_INT)
    explicit = ("legacy/m.py", "model_old.py")
    assert invoke(*explicit, cwd=tmp_path).exit_code == 1  # named files are checked, as ruff does
    result = invoke("--force-exclude", *explicit, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "no Python files found" in result.stderr
    assert invoke(".", cwd=tmp_path).exit_code == 0  # a walk always honours exclude
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["legacy/"]\nforce-exclude = true\n')
    assert invoke("legacy/m.py", cwd=tmp_path).exit_code == 0
    assert invoke("--no-force-exclude", "legacy/m.py", cwd=tmp_path).exit_code == 1


def test_no_path_checks_the_current_directory(project):
    proc = run(cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert [line.split(":")[0] for line in proc.stdout.splitlines()[:3]] == ["a.py", "b.py", "c.py"]


def test_empty_directory_and_no_python_files_say_so(tmp_path):
    proc = run(cwd=tmp_path)
    assert proc.returncode == 0 and "kerascheck: warning: no Python files found under ." in proc.stderr
    (tmp_path / "notes.txt").write_text("keras")
    proc = run(str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0 and f"no Python files found under {tmp_path}" in proc.stderr
    assert "warning" not in run("-q", cwd=tmp_path).stderr


def test_pep263_coding_declaration_is_honoured(tmp_path):
    latin = "# -*- coding: latin-1 -*-\nimport keras\nname = 'café'\nx = keras.Input(shape=(16))\n"
    (tmp_path / "m.py").write_bytes(latin.encode("latin-1"))
    proc = run("m.py", cwd=tmp_path)
    assert "KC000" not in proc.stdout
    assert proc.stdout.startswith("m.py:4:5: KC109"), proc.stdout
    proc = run("--fix", "m.py", cwd=tmp_path)  # written back in its own encoding
    assert (tmp_path / "m.py").read_bytes() == latin.replace("(16)", "(16,)").encode("latin-1"), proc.stderr
    (tmp_path / "bad.py").write_bytes(b"# coding: no-such-codec\nimport keras\n")
    assert "bad.py:1:1: KC000 invalid encoding declaration: unknown encoding: no-such-codec" in run(cwd=tmp_path).stdout


# -- output -----------------------------------------------------------------------------------------
def test_closing_line_counts_and_fixable(project):
    result = invoke(".", cwd=project)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "Found 3 errors (2 fixable with --fix)."
    assert invoke("a.py", cwd=project).stdout.splitlines()[-1] == "Found 1 error (1 fixable with --fix)."
    assert invoke("c.py", cwd=project).stdout.splitlines()[-1] == "Found 1 error."
    (project / "d.py").write_text(CLEAN)
    assert invoke("d.py", cwd=project).stdout == "All checks passed!\n"
    result = invoke("--fix", ".", cwd=project)
    assert result.stdout.splitlines()[-1] == "Found 3 errors (2 fixed, 1 remaining)."


def test_colour_on_a_terminal_and_its_environment_switches(project):
    plain = run("a.py", cwd=project)
    assert "\x1b[" not in plain.stdout  # a pipe: no colour
    forced = run("a.py", cwd=project, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout and "KC109" in forced.stdout
    assert "\x1b[" not in run("a.py", cwd=project, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    # a real terminal on stdout
    leader, follower = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "kerascheck.cli", "check", "--no-cache", "a.py"], cwd=project,
                          stdout=follower, stderr=subprocess.PIPE, timeout=120,
                          env={k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")})
    os.close(follower)
    output = os.read(leader, 65536).decode()
    os.close(leader)
    assert proc.returncode == 1 and "\x1b[" in output and "KC109" in output


def test_progress_on_a_terminal_for_a_long_run(tmp_path):
    """A run over two seconds shows `Checked n/N files` on a terminal's stderr, and erases it."""
    # Enough files that the run lasts well over the two seconds on a fast idle machine too.
    for i in range(60):
        shutil.copy(ROOT / "benchmarks" / "model_300.py", tmp_path / f"m{i:02}.py")
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.Popen([sys.executable, "-m", "kerascheck.cli", "check", "--no-cache", "-j", "1", "."],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    stdout, _ = proc.communicate(timeout=600)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    stderr = b"".join(chunks).decode()
    assert "Checked " in stderr and "/60 files" in stderr, stderr
    assert stderr.endswith("\r"), "the progress line is erased at the end"
    assert b"Checked" not in stdout


def test_progress_is_silent_for_short_runs_and_off_a_terminal():
    from kerascheck.cli.progress import Progress

    class Stream:
        def __init__(self, tty):
            self.text, self.tty = "", tty

        def isatty(self):
            return self.tty

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    now = [0.0]
    terminal = Stream(True)
    progress = Progress(terminal, clock=lambda: now[0])
    progress(1, 10)
    assert terminal.text == ""  # under two seconds: nothing
    now[0] = 2.5
    progress(2, 10)
    assert terminal.text == "\rChecked 2/10 files (2 s)"
    progress.finish()
    assert terminal.text.endswith("\r" + " " * len("Checked 2/10 files (2 s)") + "\r")
    piped = Stream(False)
    progress = Progress(piped, clock=lambda: now[0])
    now[0] = 10.0
    progress(5, 10)
    assert piped.text == ""


def test_exit_zero_quiet_and_output_file(project):
    result = invoke("--exit-zero", ".", cwd=project)
    assert result.exit_code == 0 and "KC109" in result.stdout
    result = invoke("-q", ".", cwd=project)
    assert result.exit_code == 1 and "Found" not in result.stdout and result.stdout.count("\n") == 3
    result = invoke("-o", "report.txt", ".", cwd=project)
    assert result.exit_code == 1 and result.stdout == ""
    written = (project / "report.txt").read_text()
    assert "a.py:2:5: KC109" in written and written.endswith("Found 3 errors (2 fixable with --fix).\n")
    assert "\x1b[" not in written
    result = invoke("-o", "out.json", "--output-format", "json", ".", cwd=project)
    assert [d["code"] for d in json.loads((project / "out.json").read_text())] == ["KC109", "KC303", "KC102"]
    (project / "pyproject.toml").write_text("[tool.kerascheck]\nignore = ['NOPE']\n")
    assert invoke("--exit-zero", ".", cwd=project).exit_code == 2  # an error is still an error


def test_json_marks_fixable_diagnostics(project):
    found = json.loads(invoke("--output-format", "json", ".", cwd=project).stdout)
    assert {d["code"]: d["fix"] for d in found} == {"KC109": "safe", "KC303": "safe", "KC102": None}


def test_statistics_text_and_json(project):
    result = invoke("--statistics", ".", cwd=project)
    assert result.stdout.splitlines()[:3] == ["    1\tKC102\treshape-size", "    1\tKC109\t[*] input-shape-not-tuple",
                                               "    1\tKC303\t[*] removed-argument"]
    result = invoke("--statistics", "--output-format", "json", ".", cwd=project)
    assert json.loads(result.stdout) == [
        {"code": "KC102", "name": "reshape-size", "count": 1, "fixable": False},
        {"code": "KC109", "name": "input-shape-not-tuple", "count": 1, "fixable": True},
        {"code": "KC303", "name": "removed-argument", "count": 1, "fixable": True},
    ]


def test_gitlab_code_quality(project):
    issues = json.loads(invoke("--output-format", "gitlab", ".", cwd=project).stdout)
    assert [i["check_name"] for i in issues] == ["KC109", "KC303", "KC102"]
    first = issues[0]
    assert first["location"] == {"path": "a.py", "positions": {"begin": {"line": 2, "column": 5},
                                                               "end": {"line": 2, "column": 28}}}
    assert first["severity"] == "major" and first["description"].startswith("KC109 Keras raises ValueError")
    assert len({i["fingerprint"] for i in issues}) == 3
    again = json.loads(invoke("--output-format", "gitlab", ".", cwd=project).stdout)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]  # stable across runs


def test_junit(project):
    root = ET.fromstring(invoke("--output-format", "junit", ".", cwd=project).stdout)
    assert root.tag == "testsuites" and root.get("failures") == "3"
    cases = root.findall("testsuite/testcase")
    assert [(c.get("classname"), c.get("name"), c.get("line")) for c in cases] == [
        ("a.py", "org.kerascheck.KC109", "2"), ("b.py", "org.kerascheck.KC303", "2"), ("c.py", "org.kerascheck.KC102", "3")]
    assert cases[0].find("failure").get("message").startswith("Keras raises ValueError: Cannot convert '16'")
    (project / "d.py").write_text(CLEAN)
    clean = ET.fromstring(invoke("--output-format", "junit", "d.py", cwd=project).stdout)
    assert clean.get("failures") == "0" and len(clean.findall("testsuite/testcase")) == 1


def test_fix_and_diff_on_stdin(tmp_path):
    result = invoke("--stdin-filename", "model.py", "--fix", cwd=tmp_path, input=SHAPE_INT + LR.split("\n", 1)[1])
    assert result.stdout == "import keras\nx = keras.Input(shape=(16,))\nopt = keras.optimizers.SGD(learning_rate=0.1)\n"
    assert result.exit_code == 0, result.stderr
    result = invoke("--stdin-filename", "model.py", "--diff", cwd=tmp_path, input=SHAPE_INT)
    assert result.exit_code == 1
    assert "--- model.py\n+++ model.py\n" in result.stdout and "+x = keras.Input(shape=(16,))" in result.stdout
    result = invoke("--stdin-filename", "model.py", "--fix", cwd=tmp_path, input=RESHAPE)
    assert result.exit_code == 1 and result.stdout == RESHAPE and "model.py:3:5: KC102" in result.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["gen/"]\n')
    result = invoke("--force-exclude", "--stdin-filename", "gen/model.py", "--fix", cwd=tmp_path, input=SHAPE_INT)
    assert (result.exit_code, result.stdout) == (0, SHAPE_INT)  # excluded: passed through unchanged


def test_fix_on_stdin_answers_in_the_encoding_the_source_came_in(tmp_path):
    """What --fix writes to a file it writes to stdout: the declared encoding (PEP 263), a UTF-8 BOM
    kept; an excluded file passes through byte for byte."""
    latin = "# -*- coding: latin-1 -*-\nimport keras\nname = 'café'\nx = keras.Input(shape=(16))\n"
    cases = [(latin.encode("latin-1"), latin.replace("(16)", "(16,)").encode("latin-1")),
             (b"\xef\xbb\xbf" + SHAPE_INT.encode(), b"\xef\xbb\xbf" + SHAPE_INT.replace("(16)", "(16,)").encode()),
             (SHAPE_INT.replace("\n", "\r\n").encode(), SHAPE_INT.replace("(16)", "(16,)").replace("\n", "\r\n").encode())]
    for data, fixed in cases:
        proc = subprocess.run([sys.executable, "-m", "kerascheck.cli", "check", "--no-cache", "--fix",
                               "--stdin-filename", "m.py"], cwd=tmp_path, input=data, capture_output=True, timeout=300)
        assert (proc.returncode, proc.stdout) == (0, fixed), proc.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["gen/"]\n')
    proc = subprocess.run([sys.executable, "-m", "kerascheck.cli", "check", "--no-cache", "--fix", "--force-exclude",
                           "--stdin-filename", "gen/m.py"], cwd=tmp_path, input=cases[0][0], capture_output=True,
                          timeout=300)
    assert (proc.returncode, proc.stdout) == (0, cases[0][0])


def test_fix_and_diff_on_stdin_take_a_notebook(tmp_path):
    """--stdin-filename NAME.ipynb: the notebook's JSON in, the fixed JSON out (only the changed cell's
    source rewritten), or the diff cell by cell, as --fix and --diff do for a notebook file."""
    notebook = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A model"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": ["import keras\n", "x = keras.Input(shape=(16))\n"]}]}, indent=1)
    result = invoke("--stdin-filename", "nb.ipynb", "--fix", cwd=tmp_path, input=notebook)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == notebook.replace("shape=(16))", "shape=(16,))")
    result = invoke("--stdin-filename", "nb.ipynb", "--diff", cwd=tmp_path, input=notebook)
    assert result.exit_code == 1 and "--- nb.ipynb:cell 2\n+++ nb.ipynb:cell 2\n" in result.stdout
    assert "+x = keras.Input(shape=(16,))" in result.stdout and "Would fix 1 error." in result.stderr


def test_stdin_without_fix_reports_under_its_name(tmp_path):
    result = invoke("--stdin-filename", "pkg/model.py", cwd=tmp_path, input=SHAPE_INT)
    assert result.exit_code == 1 and result.stdout.startswith("pkg/model.py:2:5: KC109")


def test_stdin_that_does_not_decode_is_kc000_not_a_traceback(tmp_path):
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["check", "--stdin-filename", "m.py"], input=b"import keras\nx = '\xff'\n")
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "m.py:2:1: KC000 file is not valid UTF-8" in result.stdout


def test_unwritable_output_file_is_exit_2(project):
    result = invoke("-o", str(project / "no" / "such" / "dir.txt"), ".", cwd=project)
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_stdin_filename_takes_the_configuration_of_its_project(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text("[tool.kerascheck]\nignore = ['KC109']\n")
    result = invoke("--stdin-filename", "pkg/not_yet_saved.py", cwd=tmp_path, input=SHAPE_INT)
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")
    result = invoke("--stdin-filename", "elsewhere.py", cwd=tmp_path, input=SHAPE_INT)
    assert result.exit_code == 1
