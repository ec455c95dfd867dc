"""The analysis worker as the server sees it: requests with a deadline, restart on timeout or crash.

One worker process serves every document, one request at a time (an ``asyncio.Lock``); the
server's event loop never runs an analysis itself, so it keeps answering while one runs. The
deadline counts from the moment the worker has the request. When it passes, the worker is
killed (by its own pid: only the process this engine started) and a new one is started for
the next request; its overlay of unsaved buffers is sent again.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Callable

from .worker import HEADER

STARTUP_TIMEOUT = 120.0  # a cold start imports libcst and every rule; a busy machine may be slow


class WorkerTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


class Engine:
    def __init__(self, on_error: Callable[[str], None] | None = None) -> None:
        self.on_error = on_error or (lambda message: None)
        self.proc: asyncio.subprocess.Process | None = None
        self.lock = asyncio.Lock()
        self.sent: dict[str, Any] = {}  # overlay path -> version the current worker has
        self.starts = 0
        self.timeouts = 0
        self.crashes = 0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.returncode is None else None

    async def start(self) -> None:
        async with self.lock:
            await self._ensure()

    async def _ensure(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            return
        if self.proc is not None:  # it died between requests
            self.crashes += 1
            self.on_error(f"the analysis worker stopped (exit code {self.proc.returncode}); starting a new one")
        env = dict(os.environ)
        # The worker imports this very kerascheck, installed or not.
        package_root = str(Path(__file__).resolve().parent.parent.parent)
        env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kerascheck.lsp.worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env)
        self.starts += 1
        self.sent = {}
        try:
            await self._exchange({"op": "ping"}, STARTUP_TIMEOUT)
        except WorkerTimeout:
            raise WorkerDied("the analysis worker did not start") from None

    async def _read(self) -> Any:
        assert self.proc is not None and self.proc.stdout is not None
        header = await self.proc.stdout.readexactly(HEADER.size)
        (size,) = HEADER.unpack(header)
        return pickle.loads(await self.proc.stdout.readexactly(size))

    async def _exchange(self, message: dict, timeout: float | None) -> dict:
        assert self.proc is not None and self.proc.stdin is not None
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(HEADER.pack(len(data)) + data)
            await self.proc.stdin.drain()
            return await asyncio.wait_for(self._read(), timeout)
        except asyncio.TimeoutError:
            self.timeouts += 1
            await self.kill()
            raise WorkerTimeout() from None
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError, pickle.UnpicklingError, EOFError) as exc:
            self.crashes += 1
            code = self.proc.returncode if self.proc is not None else None
            await self.kill()
            raise WorkerDied(f"the analysis worker stopped (exit code {code}): {type(exc).__name__}") from None

    async def request(self, message: dict, timeout: float | None = None, overlay: dict[str, tuple] | None = None) -> dict:
        """Send one request (first the overlay changes, when given) and wait for its reply."""
        async with self.lock:
            await self._ensure()
            if overlay is not None:
                updates = {p: text for p, (version, text) in overlay.items() if self.sent.get(p) != version}
                updates.update({p: None for p in self.sent if p not in overlay})
                if updates:
                    await self._exchange({"op": "overlay", "updates": updates}, STARTUP_TIMEOUT)
                    self.sent = {p: version for p, (version, _) in overlay.items()}
            return await self._exchange(message, timeout)

    async def kill(self) -> None:
        proc, self.proc = self.proc, None
        self.sent = {}
        if proc is None or proc.returncode is not None:
            return
        try:
            proc.kill()
        except ProcessLookupError:
            return
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except asyncio.TimeoutError:  # pragma: no cover
            pass

    async def stop(self) -> None:
        """Close the channel (the worker exits at end of input); kill it if it does not."""
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            await asyncio.wait_for(proc.wait(), 2)
        except (asyncio.TimeoutError, OSError):
            await self.kill()
        self.proc = None
