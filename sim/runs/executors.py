"""Where batch chunks run: here, a local process pool, a dask cluster, or any ``concurrent.futures`` executor.

:func:`ordered` keeps a bounded window of futures and hands results back in submission order,
so the rows of a batch are the same, in the same order, whichever executor ran them.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from sim.errors import MediateError


class ExecutorError(MediateError):
    """The executor asked for cannot be had (dask missing, scheduler unreachable)."""


def ordered(executor: Executor, calls: Iterable[tuple[Callable, tuple, Any]], inflight: int) -> Iterator[tuple[Any, Any]]:
    """(tag, fn(*args)) for each (fn, args, tag) in ``calls``, in order, at most ``inflight`` pending."""
    pending: deque[tuple[Any, Future]] = deque()
    for fn, args, tag in calls:
        pending.append((tag, executor.submit(fn, *args)))
        if len(pending) >= inflight:
            tag0, fut = pending.popleft()
            yield tag0, fut.result()
    while pending:
        tag0, fut = pending.popleft()
        yield tag0, fut.result()


def start_method() -> str:
    """'fork' where it is safe (Linux, no other thread, no Textual app), else 'spawn'.

    A forked worker starts with the engine already imported: spawn pays an interpreter start
    and a fresh import per worker, which on 2 cores is time taken from the runs. Fork is unsafe
    with threads alive (a lock held by another thread stays held in the child), so any other
    thread, or a Textual app in this process, means spawn.
    """
    if not sys.platform.startswith("linux") or "fork" not in mp.get_all_start_methods():
        return "spawn"
    if threading.active_count() > 1 or "textual" in sys.modules:
        return "spawn"
    return "fork"


def _leave_signals_to_the_parent() -> None:
    """A worker ignores Ctrl-C and SIGTERM (a terminal and a scheduler signal the whole process
    group): the parent keeps the finished rows and shuts the pool down; a worker that died of
    the signal would break the pool, and with it the rows not yet written."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextmanager
def local(workers: int) -> Iterator[Executor | None]:
    """None (run here) for one worker, else a pool of ``workers`` processes (see :func:`start_method`)."""
    if workers <= 1:
        yield None
        return
    method = start_method()
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=_leave_signals_to_the_parent)
    try:
        if method == "fork":
            # The first submit forks every worker: do it now, before the caller starts any
            # thread (a progress bar's refresh), so the children never inherit one.
            pool.submit(int).result()
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C or an error: don't wait for queued chunks
        raise
    pool.shutdown(wait=True)


@contextmanager
def dask(address: str, timeout: float = 5.0) -> Iterator[Executor]:
    """A ``concurrent.futures`` view of the dask.distributed scheduler at ``address``."""
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError("--executor dask needs dask.distributed: pip install 'mediate-sim[dask]'") from None
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExecutorError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    try:
        yield client.get_executor(pure=False)  # every chunk is its own task, never deduplicated
    finally:
        client.close()


def workers_of(executor: Executor | None) -> int:
    """How many chunks to keep in flight: a few per worker, so none waits for work."""
    if executor is None:
        return 1
    n = getattr(executor, "_max_workers", None)
    if n is None:
        client = getattr(executor, "_client", None)
        n = sum(client.nthreads().values()) if client is not None else 4
    return max(1, int(n))
