"""Where batch chunks run: here, a local process pool, a dask cluster, or any ``concurrent.futures`` executor.

:func:`ordered` keeps a bounded window of futures and hands results back in submission order,
so the rows of a batch are the same, in the same order, whichever executor ran them.
"""

from __future__ import annotations

import multiprocessing as mp
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


@contextmanager
def local(workers: int) -> Iterator[Executor | None]:
    """None (run here) for one worker, else a pool of ``workers`` spawned processes."""
    if workers <= 1:
        yield None
        return
    # spawn, not fork: safe with threads, the same behaviour on every OS
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"))
    try:
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
