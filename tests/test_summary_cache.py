"""``summary``'s cache (issue 7): a hit replays the output byte for byte, without importing libcst,
and an entry is dropped when the script or a module it imports changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kerascheck.config import rule_codes
from kerascheck.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ("import keras\nfrom blocks import UNITS\nx = keras.Input(shape=(3,))\n"
          "m = keras.Model(x, keras.layers.Dense(UNITS)(x))\nm.summary()\nimport sys\nif sys.argv[1:]:\n    pass\n")

# Runs the CLI in-process, then reports whether libcst was imported.
PROBE = r"""
import sys
from kerascheck.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("LIBCST" if "libcst" in sys.modules else "NO-LIBCST", code, file=sys.stderr)
"""


def summary(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "KERASCHECK_DEBUG")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", PROBE, "summary", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def status(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.splitlines()[-1]


def test_rule_codes_from_file_names_are_the_rules():
    assert rule_codes() == set(RULES)


def test_hit_replays_output_without_libcst_and_follows_imported_modules(tmp_path):
    (tmp_path / "blocks.py").write_text("UNITS = 4\n")
    (tmp_path / "m.py").write_text(SCRIPT)
    first = summary(tmp_path, "m.py")
    assert status(first) == "LIBCST 0" and "(None, 4)" in first.stdout and "unresolved" not in first.stderr
    first = summary(tmp_path, "--show-unresolved", "m.py")
    assert status(first) == "LIBCST 0" and "m.py:7:1: unresolved" in first.stderr
    second = summary(tmp_path, "--show-unresolved", "m.py")
    assert (second.stdout, second.stderr) == (first.stdout, first.stderr.replace("LIBCST", "NO-LIBCST"))
    uncached = summary(tmp_path, "--no-cache", "--show-unresolved", "m.py")
    assert (uncached.stdout, uncached.stderr) == (first.stdout, first.stderr)
    # Another option is another entry.
    assert status(summary(tmp_path, "--line-length", "60", "m.py")) == "LIBCST 0"
    (tmp_path / "blocks.py").write_text("UNITS = 5  # changed\n")
    changed = summary(tmp_path, "m.py")
    assert status(changed) == "LIBCST 0" and "(None, 5)" in changed.stdout


def test_a_new_sibling_module_invalidates_the_entry(tmp_path):
    (tmp_path / "m.py").write_text("import keras\nimport blocks\nx = keras.Input(shape=(3,))\n"
                                   "keras.Model(x, keras.layers.Dense(4)(x)).summary()\n")
    assert status(summary(tmp_path, "m.py")) == "LIBCST 0"
    assert status(summary(tmp_path, "m.py")) == "NO-LIBCST 0"
    (tmp_path / "blocks.py").write_text("UNITS = 6\n")  # was looked for and missing: the entry depends on it
    assert status(summary(tmp_path, "m.py")) == "LIBCST 0"
