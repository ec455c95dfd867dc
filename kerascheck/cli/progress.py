"""A progress line on stderr for long ``check`` runs on a terminal: ``Checked 120/770 files``.

Silent for the first ``delay`` seconds (a short run prints nothing extra), never on a stream that
is not a terminal (CI logs, pipes), and erased when the run ends.
"""

from __future__ import annotations

import time
from typing import IO, Callable


class Progress:
    def __init__(self, stream: IO, delay: float = 2.0, clock: Callable[[], float] = time.monotonic,
                 enabled: bool | None = None):
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self.start = clock()
        self.last = 0.0
        self.width = 0
        if enabled is None:
            try:
                enabled = stream.isatty()
            except (AttributeError, ValueError):
                enabled = False
        self.enabled = enabled

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < self.delay or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        text = f"Checked {done}/{total} files ({now - self.start:.0f} s)"
        self.width = max(self.width, len(text))
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()

    def finish(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
