"""Run the analysis where the stack is deep enough for any file Python itself accepts.

libcst's native parser and the interpreter's recursive evaluation both follow the nesting of the
source: a deeply nested expression or a long chain of calls is thousands of frames deep. On the
main thread (8 MB of stack) that ends in a RecursionError or a crash; one worker thread with a
large stack and a matching recursion limit takes any file up to the size limit. The stack is
reserved, not committed, and the thread is started once per process (starting a thread with such a
stack costs milliseconds, which every save in the editor would pay).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")

STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 200_000
SHALLOW_RECURSION_LIMIT = 20_000  # in place: Python frames cost no C stack (3.11), a shallow file no deep C recursion

_lock = threading.Lock()
_jobs: "queue.Queue[tuple[Callable[[], Any], dict, threading.Event]]" = queue.Queue()
_worker: threading.Thread | None = None
_local = threading.local()
_serial = threading.RLock()  # one analysis at a time, in place or on the worker


def _after_fork_in_child() -> None:
    """A forked child (check -j's worker pool) has no copy of the deep-stack thread, and the lock or
    queue may have been held by it at the fork: start afresh."""
    global _lock, _jobs, _worker, _serial
    _lock, _jobs, _worker, _serial = threading.Lock(), queue.Queue(), None, threading.RLock()
    _local.inside = False


os.register_at_fork(after_in_child=_after_fork_in_child)


def _serve() -> None:
    _local.inside = True
    while True:
        fn, outcome, done = _jobs.get()
        try:
            with _serial:
                outcome["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()


def _start() -> None:
    global _worker
    with _lock:
        if _worker is not None and _worker.is_alive():
            return
        if sys.getrecursionlimit() < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        previous = threading.stack_size(STACK_BYTES)  # applies to threads started while it is set
        try:
            _worker = threading.Thread(target=_serve, name="kerascheck-analysis", daemon=True)
            _worker.start()
        finally:
            threading.stack_size(previous)


def with_enough_stack(fn: Callable[[], T], shallow: bool) -> T:
    """``fn()`` where the stack is deep enough: in place for a ``shallow`` source (far from every
    nesting limit: the calling thread's stack is plenty, and a hand-off to the worker thread costs a
    few percent of a small file's analysis), else on the deep-stack thread. Either way one at a time."""
    if not shallow or getattr(_local, "inside", False):
        return with_deep_stack(fn)
    if sys.getrecursionlimit() < SHALLOW_RECURSION_LIMIT:
        sys.setrecursionlimit(SHALLOW_RECURSION_LIMIT)
    with _serial:
        return fn()


def with_deep_stack(fn: Callable[[], T]) -> T:
    """``fn()`` on the deep-stack thread; its exception, if any, is raised here. Calls from several
    threads are served one at a time; a call from the deep-stack thread itself runs in place."""
    if getattr(_local, "inside", False):
        return fn()
    _start()
    outcome: dict[str, Any] = {}
    done = threading.Event()
    _jobs.put((fn, outcome, done))
    done.wait()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
