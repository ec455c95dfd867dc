"""The analysis worker: ``python -m kerascheck.lsp.worker``, started by the language server.

Analyses run here, in a process of their own, so that one the interpreter cannot finish in time
(or a crash deep in a parser) costs the server nothing: the server gives each analysis a
deadline and kills and restarts this process when it passes. Messages are pickled dicts with an
8-byte length prefix, one request and one reply at a time:

- ``analyze`` {uri, path, source, codes, overlay}: lint exactly as ``kerascheck check`` does,
  reply {diagnostics, elapsed}; the analysis is kept for ``facts``
- ``facts`` {uri}: hover and inlay-hint data of that analysis (``facts.Facts``)
- ``overlay`` {updates}: unsaved buffers of other open files, path -> text (None: closed); the
  interpreter's sibling-module loader reads them before the files on disk
- ``forget`` {uri}, ``stats`` {}: drop a closed document; the process's memory

Everything it prints goes to stderr: stdout is the channel.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO

HEADER = struct.Struct(">Q")


def write_message(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def read_message(stream: BinaryIO) -> Any | None:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def rss_bytes() -> int | None:
    """Resident memory of this process (Linux /proc; else the peak from getrusage)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except Exception:  # pragma: no cover
        return None


def lint_document(source: str, path: str, codes: set[str], overlay: dict[str, str] | None = None):
    """``lint.run`` (what ``kerascheck check`` runs), keeping the analysis for hover."""
    from ..lint import run

    result = run(source, path, codes, overlay)
    return result.diagnostics, result.analysis


class Worker:
    def __init__(self) -> None:
        self.overlay: dict[str, str] = {}
        self.last: dict[str, Any] = {}  # uri -> FileAnalysis of its latest analysis

    def handle(self, message: dict) -> dict:
        op = message.get("op")
        try:
            handler = getattr(self, f"op_{op}")
        except AttributeError:
            return {"ok": False, "error": f"unknown request {op!r}"}
        try:
            reply = handler(message)
            reply.setdefault("ok", True)
            return reply
        except Exception:
            return {"ok": False, "error": traceback.format_exc()}

    def op_analyze(self, message: dict) -> dict:
        uri = message["uri"]
        self.last.pop(uri, None)
        start = time.perf_counter()
        overlay = {p: t for p, t in self.overlay.items() if p != message["path"]}
        diagnostics, analysis = lint_document(message["source"], message["path"], set(message["codes"]), overlay)
        self.last[uri] = analysis
        return {"diagnostics": diagnostics, "elapsed": time.perf_counter() - start,
                "parsed": analysis.result is not None}

    def op_facts(self, message: dict) -> dict:
        from .facts import compute_facts

        analysis = self.last.get(message["uri"])
        if analysis is None or analysis.result is None:
            return {"facts": None}
        start = time.perf_counter()
        facts = compute_facts(analysis.result)
        return {"facts": facts, "elapsed": time.perf_counter() - start}

    def op_overlay(self, message: dict) -> dict:
        for path, text in message["updates"].items():
            if text is None:
                self.overlay.pop(path, None)
            else:
                self.overlay[path] = text
        return {}

    def op_forget(self, message: dict) -> dict:
        self.last.pop(message["uri"], None)
        gc.collect()
        return {}

    def op_stats(self, message: dict) -> dict:
        gc.collect()
        return {"rss": rss_bytes(), "pid": os.getpid(), "documents": len(self.last), "overlay": len(self.overlay)}

    def op_ping(self, message: dict) -> dict:
        return {}


def main() -> None:
    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the channel
    worker = Worker()
    # Warm up: import the analysis and run the rules once, before the first real request.
    try:
        from ..diagnostics import SYNTAX_CODE
        from ..rules import RULES

        lint_document("import keras\nx = keras.layers.Dense(2)(keras.Input(shape=(1,)))\n", "warmup.py",
                      set(RULES) | {SYNTAX_CODE})
    except Exception:
        traceback.print_exc()
    while True:
        message = read_message(channel_in)
        if message is None:
            return
        write_message(channel_out, worker.handle(message))


if __name__ == "__main__":
    main()
