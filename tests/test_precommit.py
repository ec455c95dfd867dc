"""The pre-commit hook as users run it: the real ``pre-commit`` tool against this repository.

``pre-commit try-repo ROOT kerascheck`` installs this checkout (its HEAD commit plus uncommitted
changes) into pre-commit's own virtualenv, as ``.pre-commit-hooks.yaml`` describes, then runs the
hook on the files given. Installing needs the package index (pip inside pre-commit's env); when
that environment cannot be set up (offline), the test is skipped, not failed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUGGY = "import keras\n\nx = keras.Input(shape=(16))\n"
CLEAN = "import keras\n\nx = keras.Input(shape=(16,))\ny = keras.layers.Dense(4)(x)\nmodel = keras.Model(x, y)\n"

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None or shutil.which("git") is None,
                                reason="needs pre-commit (the test extra) and git")


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    if git("rev-parse", "--show-toplevel", cwd=ROOT).returncode != 0:
        pytest.skip("this checkout is not a git repository (try-repo needs one)")
    repo = tmp_path_factory.mktemp("project")
    assert git("init", "-q", cwd=repo).returncode == 0
    (repo / "buggy.py").write_text(BUGGY)
    (repo / "clean.py").write_text(CLEAN)
    git("add", "buggy.py", "clean.py", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")  # both runs share one installed environment


def try_repo(project: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "PRE_COMMIT_COLOR": "never"}
    env.pop("COLUMNS", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kerascheck", "--files", *files],
                              cwd=project, env=env, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        pytest.skip("pre-commit could not set up the hook environment in time")
    output = proc.stdout + proc.stderr
    # 3 is pre-commit's "unexpected error" (e.g. pip could not reach the index); 1 is a failing hook.
    if proc.returncode not in (0, 1) or "An unexpected error has occurred" in output:
        pytest.skip(f"pre-commit could not set up the hook environment (offline?): {output[-600:]}")
    return proc


def test_hook_fails_with_the_diagnostic_on_a_buggy_file(project, home):
    proc = try_repo(project, home, "buggy.py")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "kerascheck" in output and "Failed" in output, output
    assert "buggy.py:3:5: KC109 Keras raises ValueError: Cannot convert '16' to a shape." in output, output


def test_hook_passes_on_a_clean_file(project, home):
    proc = try_repo(project, home, "clean.py")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Passed" in output, output
    assert "KC" not in proc.stdout.split("kerascheck", 1)[-1], output


def test_hook_honours_exclude_of_the_project(tmp_path_factory, home):
    """pre-commit names each file; the hook's --force-exclude makes ``exclude`` apply to them."""
    if git("rev-parse", "--show-toplevel", cwd=ROOT).returncode != 0:
        pytest.skip("this checkout is not a git repository (try-repo needs one)")
    repo = tmp_path_factory.mktemp("project-with-exclude")
    assert git("init", "-q", cwd=repo).returncode == 0
    (repo / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["legacy/"]\n')
    (repo / "legacy").mkdir()
    (repo / "legacy" / "old.py").write_text(BUGGY)
    (repo / "new.py").write_text(BUGGY)
    git("add", "pyproject.toml", "legacy/old.py", "new.py", cwd=repo)
    proc = try_repo(repo, home, "legacy/old.py")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "KC109" not in output and "Passed" in output, output
    proc = try_repo(repo, home, "legacy/old.py", "new.py")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "new.py:3:5: KC109" in output and "old.py" not in output.split("Failed", 1)[-1], output
