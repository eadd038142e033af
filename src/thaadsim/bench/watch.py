"""Speed of ``thaadsim watch`` on the default set (cn-icbm against Seongju and the Japan radars):
flights aimed and flown per second (the solve, without any cache: by the solver, and from the
shipped guidance as a first run does), radar passes (flights x
radars observed per second, one kernel pass per radar), and the wall time of the call the demo
report makes (both modes, warm: the flight set cached in the process)."""

from __future__ import annotations

import time

import numpy as np

from thaadsim import api
from thaadsim.analysis import watch as W
from thaadsim.threats.threat_set import get_threat_set


def bench_watch(threat_set: str = "cn-icbm", repeats: int = 3) -> dict:
    """Flights/s of the flight solve and of detection, and the warm time of the default call.

    Parameters
    ----------
    threat_set : str, optional
        A set with targets; default ``"cn-icbm"``.
    repeats : int, optional
        Repetitions of the warm calls (the best is kept); default 3.

    Returns
    -------
    dict
        ``flights``, ``flights_in_reach``; ``solve_s`` and ``solve_flights_per_s`` (aim and fly
        every flight, no cache, by the solver: ``aim_many`` then ``aim``; the first call in a
        process also pays for the missiles' shape tables); ``shipped_guidance_s`` and
        ``shipped_guidance_flights_per_s`` (the same flights from the shipped guidance, checked
        and flown, as a first run does; ``shipped_equals_solver``: the same statuses and
        histories); ``observe_flight_radars_per_s`` (flights x radars through the detection
        kernel, warm); ``default_call_s`` (``api.watch`` in both modes, forward and terminal,
        against Shariki and Kyogamisaki, with records and summary, warm) and
        ``cached_load_s`` (the flight set read from the on-disk cache).
    """
    ts = get_threat_set(threat_set)
    key = W._key(ts)
    t0 = time.perf_counter()
    labels, jobs = W._jobs(key, ts)
    fs = W._fly(ts, labels, jobs, *W.solve_guidance(labels, jobs))  # the solver, no cache
    solve = time.perf_counter() - t0
    t0 = time.perf_counter()
    shipped = W._fly_set(key, ts)  # as a first run: the shipped guidance, bypassing the caches
    from_file = time.perf_counter() - t0
    same = shipped.status == fs.status and (
        shipped.hist is None if fs.hist is None
        else shipped.hist is not None and bool(np.array_equal(shipped.hist, fs.hist)))
    n = len(fs.labels)
    name = W._disk_name(key)
    W._save(name, fs)
    t0 = time.perf_counter()
    loaded = W._load(name, ts)
    load = time.perf_counter() - t0 if loaded is not None else float("nan")
    api.watch(ts)  # warm: kernels compiled, the set cached in the process

    def best(f) -> float:
        ts_ = []
        for _ in range(max(int(repeats), 1)):
            t1 = time.perf_counter()
            f()
            ts_.append(time.perf_counter() - t1)
        return min(ts_)

    radar, site = api.get_radar("tpy2-forward"), api.get_site("seongju")
    obs = best(lambda: W.observe(radar, site, fs, 0.01))

    def default_call():
        for mode in ("tpy2-forward", "tpy2-terminal"):
            r = api.watch(ts, "seongju", mode)
            r.summary(r.records())

    call = best(default_call)
    n_flown = int((fs.flown >= 0).sum())
    return {"threat_set": threat_set, "flights": n, "flights_in_reach": n_flown,
            "solve_s": solve, "solve_flights_per_s": n / solve,
            "shipped_guidance_s": from_file, "shipped_guidance_flights_per_s": n / from_file,
            "shipped_equals_solver": same,
            "observe_s": obs, "observe_flight_radars_per_s": n_flown / obs,
            "default_call_s": call, "cached_load_s": load}
