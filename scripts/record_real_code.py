"""Record the truth of the real-code corpus: run each script under TensorFlow 2.21 / Keras 3.15.1.

Usage (needs the ``verify`` extra, and the public repositories' git mirrors: see
``benchmarks/real_code/corpus.py``; matplotlib, pandas, scikit-learn and pillow installed in the
same Python make more scripts run as far as their authors meant):

    python scripts/record_real_code.py                 # every manifest entry without a recording
    python scripts/record_real_code.py --all           # record every entry again
    python scripts/record_real_code.py --only ID ...   # these entries (ids or substrings)
    python scripts/record_real_code.py -j 2            # two scripts at once

Each script is materialised in a fresh temporary folder (a notebook as the script of its code
cells) and run in its own process, forked from a server that imported TensorFlow once
(``benchmarks/real_code/recording_child.py``: datasets, training, saving, downloads and plotting
stubbed, offline), with a timeout (120 s). The result goes to
``benchmarks/real_code/truth/<id>.json``:

* ``status``: ``ok`` (ran to its end), ``raised`` (``error``: type, message, line),
  ``timeout``, or ``crashed``; ``category`` sorts a ``raised`` into ``needs-data`` (a file,
  directory or download it could not have), ``needs-package`` (a module not installed),
  ``keras2`` (an import or attribute Keras 3 removed) or ``error`` (anything else);
* ``summaries``: every ``Model.summary()`` call, in order: the script line and the printed text
  (76 columns: COLUMNS unset, stdout not a terminal);
* ``stubbed``: what the stubs stood in for.

Recordings are our own output and are committed; the scripts never are.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "real_code"))

import corpus  # noqa: E402

CHILD = ROOT / "benchmarks" / "real_code" / "recording_child.py"
KERAS2 = ("keras.layers.merge", "keras.layers.core", "keras.layers.convolutional", "keras.engine",
          "keras.layers.advanced_activations", "keras.layers.normalization", "keras.wrappers",
          "keras.legacy", "keras.preprocessing.text", "fit_generator", "predict_generator",
          "evaluate_generator", "keras.layers.recurrent", "keras.layers.embeddings", "keras.utils.np_utils",
          "keras.utils.vis_utils", "keras.optimizers.legacy", "keras.layers.pooling", "keras.layers.local",
          "keras.layers.noise", "keras.layers.wrappers", "keras.utils.data_utils", "keras.applications.imagenet_utils",
          "tensorflow.keras.layers.experimental", "keras.layers.experimental", "argument `lr`", "'lr'",
          "cannot import name", "has no attribute 'get_session'", "get_output_at", "input_shape")


def categorise(record: dict) -> str:
    if record["status"] != "raised":
        return record["status"]
    error = record.get("error") or {}
    kind, message = error.get("type", ""), error.get("message", "")
    if kind in ("NetworkDisabled", "URLError", "HTTPError", "ConnectionError", "gaierror", "ProxyError",
                "MaxRetryError", "SSLError") or kind in ("FileNotFoundError", "NotFoundError", "IsADirectoryError") \
            or "kc-offline-downloads" in message or "No such file or directory" in message \
            or "No file or directory found" in message or "Could not find directory" in message \
            or "File not found" in message or "Unable to synchronously open file" in message:
        return "needs-data"
    if kind == "ModuleNotFoundError" and message.startswith("No module named '"):
        if message.split("'")[1].split(".")[0] not in ("keras", "tensorflow", "tf_keras"):
            return "needs-package"
    if kind in ("ImportError", "ModuleNotFoundError", "AttributeError", "TypeError", "ValueError") \
            and any(marker in message for marker in KERAS2):
        return "keras2"
    if kind == "EOFError":
        return "needs-input"
    return "error"


def child_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE", "PYTHONPATH")}
    env.update({"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1", "MPLBACKEND": "Agg",
                "PYTHONHASHSEED": "0", "KERAS_BACKEND": "tensorflow", "http_proxy": "http://127.0.0.1:9",
                "https_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
                "HTTPS_PROXY": "http://127.0.0.1:9",
                "HOME": str(home)})  # ~/.keras/keras.json of this machine must not change the run
    return env


class Server:
    """A ``recording_child.py --serve`` process: TensorFlow imported once, one fork per script."""

    def __init__(self):
        self.home = tempfile.TemporaryDirectory(prefix="kc-record-home-")
        self.proc = subprocess.Popen([sys.executable, str(CHILD), "--serve"], env=child_env(Path(self.home.name)),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1)
        ready = self.proc.stdout.readline()
        if not ready:
            raise RuntimeError("the recording server did not start (is TensorFlow installed in this Python?)")

    def run(self, script: Path, out: Path, timeout: float, root: Path | None = None) -> dict:
        request = {"script": str(script), "out": str(out), "timeout": timeout, "root": str(root) if root else None}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError("the recording server died")
        return json.loads(reply)

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001
            self.proc.kill()
        self.home.cleanup()


def record(entry: corpus.Entry, timeout: float, server: Server) -> dict:
    with tempfile.TemporaryDirectory(prefix="kc-corpus-") as tmp:
        script = corpus.materialise(entry, Path(tmp) / "src")
        if script is None:
            return {"status": "skipped", "reason": entry.skipped}
        out = Path(tmp) / "out.json"
        reply = server.run(script, out, timeout, Path(tmp) / "src")
        try:
            result = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result = {"summaries": []}
        if reply["status"] == "timeout":
            result["status"] = "timeout"
            result["timeout_seconds"] = timeout
        elif reply["status"] == "crashed" or result.get("status") in (None, "running"):
            result["status"] = "crashed"
            result["crash"] = f"the process running the script ended abruptly (wait status {reply.get('exit')})"
        result["wall_seconds"] = reply.get("seconds")
    result["category"] = categorise(result)
    ordered = {"id": entry.id, "repo": entry.repo, "commit": entry.commit, "path": entry.path, "kind": entry.kind,
               "status": result.pop("status"), "category": result.pop("category")}
    ordered.update(result)
    return ordered


def describe(rec: dict) -> str:
    err = rec.get("error") or {}
    tail = f" {err.get('type')} at line {err.get('line')}" if rec["status"] == "raised" else ""
    return f"{rec['status']}/{rec['category']}{tail}, {len(rec.get('summaries', []))} summaries, {rec.get('wall_seconds')} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, help="ids (or substrings of ids) to record")
    parser.add_argument("--all", action="store_true", help="record entries that already have a recording too")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--recategorise", action="store_true",
                        help="only sort the existing recordings' statuses again (after a change to categorise())")
    args = parser.parse_args(argv)
    if args.recategorise:
        for path in sorted(corpus.TRUTH.glob("*.json")):
            rec = json.loads(path.read_text(encoding="utf-8"))
            rec["category"] = categorise(rec)
            path.write_text(json.dumps(rec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return 0
    entries = corpus.load_manifest()
    if args.only:
        entries = [e for e in entries if any(o == e.id or o in e.id for o in args.only)]
    elif not args.all:
        entries = [e for e in entries if not corpus.truth_path(e).exists()]
    corpus.TRUTH.mkdir(parents=True, exist_ok=True)
    print(f"recording {len(entries)} scripts", flush=True)

    import queue
    import threading

    servers: queue.Queue = queue.Queue()
    started: list[Server] = []
    lock = threading.Lock()

    def one(entry):
        try:
            server = servers.get_nowait()
        except queue.Empty:
            server = Server()
            with lock:
                started.append(server)
        try:
            rec = record(entry, args.timeout, server)
        except RuntimeError:  # the server died: a new one for the next script
            server.close()
            raise
        servers.put(server)
        if rec["status"] != "skipped":
            corpus.truth_path(entry).write_text(json.dumps(rec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return entry, rec

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for entry, rec in pool.map(one, entries):
                shown = f"skipped: {rec['reason']}" if rec["status"] == "skipped" else describe(rec)
                print(f"{entry.id}: {shown}", flush=True)
    finally:
        for server in started:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
