"""The demo's worker (report.demo._Painter): results come back whoever computed them, errors are
raised to the caller, a figure not yet sent is drawn here, a submitted computation goes to the
worker ahead of the waiting figures, and without a worker everything runs here."""

import functools
import os
import time

import pytest

from thaadsim.report.demo import _Painter


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _fail(text: str) -> None:
    raise ValueError(text)


def _held(p, fn, *args):
    """A figure-like job (held here until the worker has room) and its result."""
    return functools.partial(p._result, p._add(functools.partial(fn, *args)))


def test_results_come_back_and_waiting_jobs_are_run_here():
    p = _Painter()
    try:
        assert p.pool is not None, "the worker did not start"
        # IN_FLIGHT jobs go to the worker, the rest wait here
        handles = [_held(p, _pid_after, 0.3) for _ in range(p.IN_FLIGHT + 2)]
        last = handles[-1]()  # not sent yet: run here
        assert last == os.getpid(), f"a waiting job ran in process {last}, not here"
        pids = [h() for h in handles]
        assert pids[0] != os.getpid(), "the first job should have run in the worker"
    finally:
        p.close()


def test_a_submitted_computation_goes_to_the_worker_ahead_of_waiting_figures():
    p = _Painter()
    try:
        assert p.pool is not None, "the worker did not start"
        figures = [_held(p, _pid_after, 0.2) for _ in range(p.IN_FLIGHT + 3)]
        h = p.submit(_pid_after, 0.0)
        # waiting, this process draws the waiting figures (newest first): a computation held
        # with them would be drawn here first
        pid = h()
        assert pid != os.getpid(), "a submitted computation ran here, not in the worker"
        for f in figures:
            f()
    finally:
        p.close()


def test_an_error_is_raised_to_the_caller_in_the_worker_or_here():
    p = _Painter()
    try:
        first = _held(p, _fail, "in the worker")
        waiting = [_held(p, _fail, f"here {i}") for i in range(p.IN_FLIGHT + 1)]
        with pytest.raises(ValueError, match="here"):
            waiting[-1]()
        with pytest.raises(ValueError, match="in the worker"):
            first()
    finally:
        p.close()


def test_without_a_worker_everything_runs_here(monkeypatch):
    monkeypatch.setattr("thaadsim.report.demo._threads_started", lambda: True)
    p = _Painter()
    assert p.pool is None
    h = p.submit(_pid_after, 0.0)
    assert h() == os.getpid()
    p.warm(int)  # no worker: nothing
    p.close()
