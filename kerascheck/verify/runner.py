"""Start and talk to the worker process (``worker.py``); this side never imports TensorFlow."""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

WORKER = Path(__file__).with_name("worker.py")
INSTALL_HINT = "install the verify extra: pip install '.[verify]' in a kerascheck clone (see the README's Install)"
STARTUP_TIMEOUT = 300.0  # importing TensorFlow; a cold disk cache can take a minute
# What the script would see of a terminal: Keras's summary width must be the non-terminal default.
HIDDEN_ENV = ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JPY_PARENT_PID")


class WorkerError(Exception):
    """The worker could not start or answer. ``missing``: TensorFlow is not installed there."""

    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.missing = missing


class Timeout(WorkerError):
    pass


def find_python(option: str | None) -> str | None:
    """The Python that runs the worker: ``--python``, else KERASCHECK_PYTHON, else this
    interpreter when it can import TensorFlow (looked up, not imported)."""
    if option:
        return option
    if os.environ.get("KERASCHECK_PYTHON"):
        return os.environ["KERASCHECK_PYTHON"]
    if importlib.util.find_spec("tensorflow") is not None:
        return sys.executable
    return None


class Worker:
    """One worker process serving many files; ``request`` restarts it after a timeout or a crash."""

    def __init__(self, python: str, device: str):
        self.python, self.device = python, device
        self.proc: subprocess.Popen | None = None
        self.info: dict = {}
        self.starts = 0

    def start(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in HIDDEN_ENV}
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        self.stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        try:
            self.proc = subprocess.Popen(
                [self.python, str(WORKER), self.device], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self.stderr, env=env, text=True, encoding="utf-8", bufsize=1,
            )
        except OSError as exc:
            raise WorkerError(f"cannot run {self.python}: {exc.strerror or exc}") from None
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        self.starts += 1
        reply = self._receive(STARTUP_TIMEOUT, "starting TensorFlow")
        if "fatal" in reply:
            self.close()
            raise WorkerError(reply["fatal"], missing=reply.get("missing", False))
        self.info = reply
        return reply

    def request(self, message: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except OSError:
            pass  # the worker died: _receive says why
        try:
            return self._receive(timeout, "running the script")
        except WorkerError:
            self.close()
            raise

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None
            self.stderr.close()

    def _receive(self, timeout: float, doing: str) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise Timeout(f"timed out after {timeout:g} s {doing}") from None
        if line is None:
            self.proc.wait()
            raise WorkerError(f"the worker stopped while {doing} (exit status {self.proc.returncode}){self._tail()}")
        return json.loads(line)

    def _tail(self) -> str:
        self.stderr.seek(0)
        lines = [line for line in self.stderr.read().splitlines() if line.strip()]
        return (": " + lines[-1]) if lines else ""

    @staticmethod
    def _read(stream, lines: queue.Queue) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)
