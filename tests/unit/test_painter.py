"""The demo's worker (report.demo._Painter): results come back whoever computed them, errors are
raised to the caller, a job not yet sent is run here, and without a worker everything runs here."""

import os
import time

import pytest

from thaadsim.report.demo import _Painter


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _fail(text: str) -> None:
    raise ValueError(text)


def test_results_come_back_and_waiting_jobs_are_run_here():
    p = _Painter()
    try:
        assert p.pool is not None, "the worker did not start"
        # IN_FLIGHT jobs go to the worker, the rest wait here
        handles = [p.submit(_pid_after, 0.3) for _ in range(p.IN_FLIGHT + 2)]
        last = handles[-1]()  # not sent yet: run here
        assert last == os.getpid(), f"a waiting job ran in process {last}, not here"
        pids = [h() for h in handles]
        assert pids[0] != os.getpid(), "the first job should have run in the worker"
    finally:
        p.close()


def test_an_error_is_raised_to_the_caller_in_the_worker_or_here():
    p = _Painter()
    try:
        first = p.submit(_fail, "in the worker")
        waiting = [p.submit(_fail, f"here {i}") for i in range(p.IN_FLIGHT + 1)]
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
