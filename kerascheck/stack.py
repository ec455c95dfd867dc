"""Run the analysis where the stack is deep enough for any file Python itself accepts.

libcst's native parser and the interpreter's recursive evaluation both follow the nesting of the
source: a long ``a + a + ... + a`` chain or a deeply nested call is thousands of frames deep. On the
main thread (8 MB of stack) that ends in a RecursionError or a crash; a worker thread with a large
stack and a matching recursion limit takes any file up to the size limit. The stack is reserved,
not committed: a shallow file uses no more memory than before.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")

STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 200_000
_lock = threading.Lock()


def with_deep_stack(fn: Callable[[], T]) -> T:
    """``fn()`` on a thread with a large stack; its exception, if any, is raised here."""
    if getattr(_local, "inside", False):
        return fn()
    outcome: dict[str, Any] = {}

    def run() -> None:
        _local.inside = True
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    with _lock:  # the stack size applies to threads started while it is set
        previous = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=run, name="kerascheck-analysis")
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


_local = threading.local()
