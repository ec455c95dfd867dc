"""Record golden outputs by running fixtures under real TensorFlow / Keras.

Usage (needs the ``verify`` extra: tensorflow-cpu 2.21, keras 3.15):

    python scripts/record.py fixtures/seeds/000_sequential.py ...   # or no argument: every fixture

For ``fixtures/**/NAME.py`` it writes, next to it:

* ``NAME.summary.txt``: everything ``model.summary()`` printed, in execution order, exactly as
  Keras prints it when stdout is not a terminal (``COLUMNS`` unset: 76 columns);
* ``NAME.all-models.txt``: ``summary()`` of every model the script created itself, in creation
  order, as they stand when the script ends;
* ``NAME.recording.json``: versions, the names of the summarised models and the exception the
  script raised, if any (type, message, line).

Each fixture runs in a fresh process, so Keras's automatic names start from zero as in a fresh
run of the script. Goldens are never edited by hand: change the fixture and record again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# Runs inside the child process: patch summary(), track user-created models, run the fixture.
CHILD = r"""
import io, json, os, runpy, sys, traceback
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras
from keras.src.models.model import Model

path, out_prefix = sys.argv[1], sys.argv[2]
summaries, names, created = [], [], []
original_summary = Model.summary
from keras.src.models.functional import Functional
from keras.src.models.sequential import Sequential
keras_dirs = (os.path.dirname(keras.__file__), os.path.dirname(os.path.dirname(keras.__file__)) + os.sep + "keras")

def summary(self, *args, **kwargs):
    if "print_fn" in kwargs:
        return original_summary(self, *args, **kwargs)
    chunks = []
    original_summary(self, *args, print_fn=chunks.append, **kwargs)
    summaries.append("".join(chunks))
    names.append(self.name)

def user_caused():
    # True when the script itself (directly or through a Keras function such as from_config)
    # creates the model, False for the hidden Functional a Sequential builds for itself.
    frame = sys._getframe(2)
    if frame.f_code.co_name == "__new__":  # a super().__new__ chain: the outermost call decides
        return False
    if frame.f_code.co_filename.endswith(os.path.join("models", "sequential.py")):
        return False
    while frame is not None:
        if os.path.abspath(frame.f_code.co_filename) == os.path.abspath(path):
            return True
        frame = frame.f_back
    return False

def tracking(original):
    def new(cls, *args, **kwargs):
        obj = original(cls, *args, **kwargs)
        if user_caused() and all(m is not obj for m in created):
            created.append(obj)
        return obj
    return staticmethod(new)

Model.summary = summary
for klass in (Model, Functional, Sequential):
    klass.__new__ = tracking(klass.__new__)
error = None
sys.argv = [path]
try:
    runpy.run_path(path, run_name="__main__")
except BaseException as exc:
    tb = traceback.extract_tb(exc.__traceback__)
    line = next((f.lineno for f in reversed(tb) if os.path.abspath(f.filename) == os.path.abspath(path)), None)
    error = {"type": type(exc).__name__, "message": str(exc), "line": line}

all_models = []
for m in created:
    chunks = []
    try:
        original_summary(m, print_fn=chunks.append)
    except Exception as exc:
        chunks = [f"<summary raised {type(exc).__name__}: {exc}>\n"]
    all_models.append("".join(chunks))

with open(out_prefix + ".summary.txt", "w", encoding="utf-8") as f:
    f.write("".join(summaries))
with open(out_prefix + ".all-models.txt", "w", encoding="utf-8") as f:
    f.write("".join(all_models))
import tensorflow as tf
meta = {
    "keras": keras.__version__,
    "tensorflow": tf.__version__,
    "summaries": names,
    "models": [m.name for m in created],
    "error": error,
}
with open(out_prefix + ".recording.json", "w", encoding="utf-8") as f:
    json.dump(meta, f, indent=2, ensure_ascii=False)
    f.write("\n")
"""


def fixtures(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(p for p in FIXTURES.rglob("*.py") if not p.name.startswith("_"))


def record(path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE")}
    prefix = str(path.with_suffix(""))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), prefix],
        cwd=path.parent, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600,
    )
    if proc.returncode != 0:
        return f"FAILED ({proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}"
    meta = json.loads(Path(prefix + ".recording.json").read_text())
    err = meta["error"]
    return f"{len(meta['summaries'])} summaries" + (f", raised {err['type']} at line {err['line']}" if err else "")


def main() -> int:
    for path in fixtures(sys.argv[1:]):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}: {record(path)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
