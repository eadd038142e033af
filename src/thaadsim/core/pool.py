"""The thread pool the batched kernels run on: chunks of independent items, GIL released.

Every batched kernel of thaadsim (trajectories, detection, the footprint, the watch) is a
compiled function over the items ``i0`` to ``i1 - 1`` that releases the GIL (``nogil=True``);
``run_chunks`` splits the items into chunks and runs them on a pool of as many threads as
``NUMBA_NUM_THREADS`` (default: the number of cores). Each item writes only its own outputs, so
results do not depend on the number of threads or on the chunking.

Threads rather than numba's ``prange``: a ``parallel=True`` kernel costs seconds more to compile
(numba's parallel passes run over its whole body), and a process that has started numba's
threading layer cannot safely fork a worker. The pool is not inherited across ``fork``: a child
makes its own on first use.

Stdlib, numpy and numba only: ``core`` imports nothing from the rest of thaadsim.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numba as nb
import numpy as np

_NB_CONFIG: Any = nb.config  # its settings are set via globals(): invisible to mypy
_pool: dict[int, ThreadPoolExecutor] = {}  # threads -> pool, made on first use
_lock = threading.Lock()
_override: list[int] = []  # ``threads(n)`` in effect (innermost last)


def n_threads() -> int:
    """Threads of a batch: ``threads(n)`` if in effect, else ``NUMBA_NUM_THREADS``."""
    if _override:
        return _override[-1]
    return max(1, int(_NB_CONFIG.NUMBA_NUM_THREADS))


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the batches inside the ``with`` block on ``n`` threads (tests: same results whatever
    the number of threads)."""
    if not (isinstance(n, int) and n >= 1):
        raise ValueError(f"threads: must be a positive integer, got {n!r}")
    _override.append(n)
    try:
        yield
    finally:
        _override.pop()


def _executor(n: int) -> ThreadPoolExecutor:
    with _lock:
        if n not in _pool:
            _pool[n] = ThreadPoolExecutor(n, thread_name_prefix="thaadsim-kernel")
        return _pool[n]


def _forget_pools() -> None:
    """In a forked child: the parent's pool threads do not exist here."""
    global _lock
    _pool.clear()
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_pools)


def run_chunks(kernel: Callable[..., Any], n: int, *args: Any, chunks_per_thread: int = 4) -> None:
    """Run ``kernel(i0, i1, *args)`` over items 0 to ``n - 1`` in chunks on the pool.

    Parameters
    ----------
    kernel : callable
        A compiled kernel (``nogil=True``) that processes items ``i0`` to ``i1 - 1``.
    n : int
        Number of items.
    *args
        The kernel's further arguments.
    chunks_per_thread : int, optional
        Chunks per thread, for load balance when items differ in cost; default 4.
    """
    nt = n_threads()
    if nt == 1 or n < 2:
        kernel(0, n, *args)
        return
    nchunks = min(n, nt * chunks_per_thread)
    edges = np.linspace(0, n, nchunks + 1).astype(np.int64)
    ex = _executor(nt)
    futures = [ex.submit(kernel, int(edges[k]), int(edges[k + 1]), *args)
               for k in range(nchunks)]
    for f in futures:
        f.result()
