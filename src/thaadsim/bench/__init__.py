"""Benchmarks (``thaadsim bench ...`` and ``make bench``): ratios against baselines measured in
the same run, never wall-clock assertions."""

from __future__ import annotations

import resource
import time

import numpy as np

from thaadsim.bench.baselines import solve_ivp_baseline
from thaadsim.threats import get_missile
from thaadsim.threats.trajectory import fly


def _nodong_batch(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    lat = 39.0 + rng.uniform(-0.5, 0.5, n)
    lon = 125.7 + rng.uniform(-0.5, 0.5, n)
    az = rng.uniform(120.0, 200.0, n)
    th = rng.uniform(60.0, 85.0, n)  # kick elevations: ~800 km to lofted (max range near 70)
    return lat, lon, az, th


def bench_trajectories(n: int = 20_000, baseline_n: int = 20, seed: int = 0) -> dict:
    """Trajectories per second of the batched kernel against scipy's ``solve_ivp``.

    ``n`` random Nodong trajectories in one batch, against ``baseline_n`` of them integrated
    one at a time with the same physics (``bench.baselines``); both after compilation.

    Parameters
    ----------
    n : int, optional
        Batch size; default 20,000.
    baseline_n : int, optional
        Trajectories integrated by the baseline; default 20.
    seed : int, optional
        Seed of the random launch points and guidance.

    Returns
    -------
    dict
        Timings (s), rates (1/s), the speedup, the largest flight-time difference from the
        baseline (s) and the peak resident memory (MB).
    """
    m = get_missile("nodong")
    fly(m, 39.0, 125.7, 180.0, 30.0)  # compile / load the cache outside the timing
    lat, lon, az, th = _nodong_batch(n, seed)
    t0 = time.perf_counter()
    b = fly(m, lat, lon, az, th)
    dt = time.perf_counter() - t0
    ok = float(np.mean(b.impacted))
    solve_ivp_baseline(lat[:1], lon[:1], az[:1], th[:1])  # load the kernels it calls, untimed
    t0 = time.perf_counter()
    k = baseline_n
    tb = solve_ivp_baseline(lat[:k], lon[:k], az[:k], th[:k])
    dtb = time.perf_counter() - t0
    # same physics, same trajectories: flight times must agree
    diff = float(np.nanmax(np.abs(tb - b.col("t_impact")[:baseline_n])))
    rate = n / dt
    brate = baseline_n / dtb
    return {
        "n": n,
        "seconds": round(dt, 3),
        "trajectories_per_s": round(rate, 1),
        "impacted_fraction": ok,
        "mean_steps": round(float(np.mean(b.col("steps"))), 1),
        "baseline": {"method": "scipy solve_ivp RK45, one trajectory at a time, same physics",
                     "n": baseline_n, "seconds": round(dtb, 3),
                     "trajectories_per_s": round(brate, 2),
                     "max_flight_time_difference_s": round(diff, 4)},
        "speedup": round(rate / brate, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def bench_memory(n: int = 100_000, seed: int = 1) -> dict:
    """Peak resident memory of a summary-mode batch of n trajectories (run in a fresh process).

    Parameters
    ----------
    n : int, optional
        Batch size; default 100,000.
    seed : int, optional
        Seed of the random launch points and guidance.

    Returns
    -------
    dict
        Time (s) and resident memory before and at peak (MB).
    """
    m = get_missile("nodong")
    lat, lon, az, th = _nodong_batch(n, seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    b = fly(m, lat, lon, az, th)
    return {"n": n, "seconds": round(time.perf_counter() - t0, 2),
            "impacted_fraction": float(np.mean(b.impacted)),
            "rss_before_mb": round(before, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def bench_radar(n_traj: int = 10_000, grid: int = 500) -> dict:
    """Coverage raster and detection timelines, against the polygon coverage analysis.

    Parameters
    ----------
    n_traj : int, optional
        Trajectories for the detection timelines; default 10,000.
    grid : int, optional
        Side of the lat/lon raster (cells); default 500.

    Returns
    -------
    dict
        Timings (s), covered cells and the detected fraction.
    """
    from thaadsim.analysis.coverage import coverage, coverage_grid
    from thaadsim.sensors import get_radar, get_site
    from thaadsim.sensors.detect import detection_timeline

    radar, site = get_radar("tpy2-terminal"), get_site("seongju")
    alts = [10.0, 100.0, 300.0, 600.0]
    lat, lon = np.meshgrid(np.linspace(25, 50, grid), np.linspace(110, 145, grid), indexing="ij")
    coverage_grid(radar, site, alts, 0.01, lat[:2, :2], lon[:2, :2])
    t0 = time.perf_counter()
    mask = coverage_grid(radar, site, alts, 0.01, lat, lon)
    t_grid = time.perf_counter() - t0
    t0 = time.perf_counter()
    coverage(radar, site, alts, 0.01)
    t_poly = time.perf_counter() - t0
    lat0, lon0, az, th = _nodong_batch(n_traj, 3)
    b = fly(get_missile("nodong"), lat0, lon0, az, th, history_dt_s=1.0)
    detection_timeline(radar, site, b, 0.01)
    t0 = time.perf_counter()
    tl = detection_timeline(radar, site, b, 0.01)
    t_det = time.perf_counter() - t0
    return {"coverage_grid": {"altitudes": len(alts), "grid": [grid, grid],
                              "seconds": round(t_grid, 4), "covered_cells": int(mask.sum())},
            "coverage_polygons_with_countries_seconds": round(t_poly, 3),
            "detection_timelines": {"n": n_traj, "seconds": round(t_det, 4),
                                    "detected_fraction": float(np.mean(
                                        np.isfinite(tl.first_detection_time_s)))}}


def bench_engage(trials: int = 100_000, seed: int = 1) -> dict:
    """A 20-missile raid: kinematics once, then the vectorized Monte Carlo.

    The example scenario plus four repeats; the baseline draws the same outcomes trial by trial
    (timed on a sample, extrapolated).

    Parameters
    ----------
    trials : int, optional
        Monte Carlo trials; default 100,000.
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    dict
        Timings (s), expected leakers and the speedup.
    """
    from thaadsim.engagement.montecarlo import run_monte_carlo
    from thaadsim.engagement.raid import fight, prepare
    from thaadsim.io.scenario import example_path, load_scenario

    sc = load_scenario(example_path())
    extra = [t.model_copy(update={"id": t.id + "b", "launch_time_s": t.launch_time_s + 90})
             for t in sc.threat[:4]]
    sc = sc.model_copy(update={"threat": list(sc.threat) + extra})
    t0 = time.perf_counter()
    k = prepare(sc)
    t_kin_first = time.perf_counter() - t0  # shape tables flown, kernels loaded
    t0 = time.perf_counter()
    k = prepare(sc)
    t_kin = time.perf_counter() - t0  # warm: the tables cached, as in a sweep or a server
    fight(k, 100, seed)
    t0 = time.perf_counter()
    res, ex_ = fight(k, trials, seed)
    t_mc = time.perf_counter() - t0
    # baseline: one trial at a time (the loop a first implementation would write)
    nb = max(trials // 100, 10)
    t0 = time.perf_counter()
    for s in range(nb):
        run_monte_carlo(ex_["plan"], len(sc.threat), ex_["opportunities"],
                        [b.inventory for b in k.batteries], k.doctrine, 1, s)
    t_base = (time.perf_counter() - t0) / nb * trials
    return {"threats": len(sc.threat), "trials": trials, "kinematics_seconds": round(t_kin, 2),
            "kinematics_first_call_seconds": round(t_kin_first, 2),
            "monte_carlo_seconds": round(t_mc, 3),
            "expected_leakers": round(res.expected_leakers, 4),
            "baseline": {"method": "same plan, one trial per call", "trials_timed": nb,
                         "seconds_extrapolated": round(t_base, 2)},
            "speedup": round(t_base / t_mc, 1)}


def bench_footprint(grid_km: float = 5.0, baseline_pairs: int = 6) -> dict:
    """The default footprint against aiming and integrating every (threat, aim point) pair.

    nk-default, Seongju, ``grid_km`` grid, timed warm (trajectory families cached, kernels
    compiled: as a server or a sweep runs it) and on the first call (families flown); a
    comparison of three configurations in one pass; the baseline is timed on a sample of pairs
    with the rotating-Earth engine and extrapolated.

    Parameters
    ----------
    grid_km : float, optional
        Grid spacing (km); default 5.
    baseline_pairs : int, optional
        Pairs timed for the baseline; default 6.

    Returns
    -------
    dict
        Timings (s), sizes, the defended fraction, the speedup (warm) and the peak resident
        memory (MB).
    """
    from thaadsim.analysis import footprint as fp
    from thaadsim.analysis.families import family_of
    from thaadsim.engagement.fire_control import battery_at
    from thaadsim.threats import Launch, aim
    from thaadsim.threats.solve import _aim_full
    from thaadsim.threats.threat_set import get_threat_set

    ts = get_threat_set("nk-default")
    bat = [battery_at("seongju")]
    fp.footprint(bat, ts, 50.0)  # compile / load the kernels outside the timing
    family_of.cache_clear()  # as a new process: families read from disk (or flown)
    t0 = time.perf_counter()
    r = fp.footprint(bat, ts, grid_km)
    t_first = time.perf_counter() - t0  # reads the trajectory families (or flies them)
    t0 = time.perf_counter()
    r = fp.footprint(bat, ts, grid_km)
    t_fp = time.perf_counter() - t0  # warm: families cached, as in a server or a sweep
    configs = [bat, [], [battery_at("pyeongtaek")]]
    t0 = time.perf_counter()
    fp.footprints(configs, ts, grid_km)
    t_cmp = time.perf_counter() - t0
    n_pairs = r.lat.size * len(ts.missiles) * len(ts.launch_areas)
    rng = np.random.default_rng(0)
    idx = rng.choice(r.lat.size, baseline_pairs, replace=False)
    _, la, lo = ts.launch_areas[0]

    def per_pair(solve) -> tuple[float, int]:
        t0 = time.perf_counter()
        done = 0
        for i in idx:
            try:
                solve(get_missile("nodong"), Launch(la, lo), float(r.lat[i]), float(r.lon[i]))
            except Exception:  # noqa: BLE001 (a point out of reach still cost its solve)
                pass
            done += 1
        return (time.perf_counter() - t0) / done, done

    # the baseline as first measured: the full aimed solve of every pair (reach check,
    # iso-range family on the rotating Earth, Newton); and, for comparison, the aim of today
    # (warm-started from the shape table)
    t_pair, done = per_pair(_aim_full)
    t_warm, _ = per_pair(aim)
    return {"grid_km": grid_km, "aim_points": int(r.lat.size), "threat_pairs": n_pairs,
            "seconds": round(t_fp, 3),
            "seconds_first_call": round(t_first, 2),
            "comparison_of_3_seconds": round(t_cmp, 3),
            "comparison_over_one": round(t_cmp / t_fp, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "defended_fraction_of_south_korea": r.to_dict()["defended_fraction_of_south_korea"],
            "baseline": {"method": "aim (full solve) + integrate each (threat, aim point) pair",
                         "pairs_timed": done, "seconds_per_pair": round(t_pair, 3),
                         "seconds_extrapolated": round(t_pair * n_pairs, 0)},
            "speedup": round(t_pair * n_pairs / t_fp, 1),
            "warm_started_aim_per_pair_seconds": round(t_warm, 4),
            "speedup_over_warm_started_aim": round(t_warm * n_pairs / t_fp, 1)}


def bench_uncertainty(samples: int = 16, grid_km: float = 10.0) -> dict:
    """Samples per second of the footprint uncertainty (Seongju, nk-default): in this process,
    then on a Dask LocalCluster of 1 and of 2 worker processes (cluster start-up included);
    the results must be identical.

    Parameters
    ----------
    samples : int, optional
        Samples per run; default 16.
    grid_km : float, optional
        Grid spacing (km); default 10.

    Returns
    -------
    dict
        Seconds and samples per second per run, the 2-over-1-worker scaling, the overhead of
        one worker against the in-process loop, and whether the results agree.
    """
    from thaadsim.analysis.uncertainty import footprint_uncertainty
    from thaadsim.engagement.fire_control import battery_at
    from thaadsim.threats.threat_set import get_threat_set

    bat, ts = battery_at("seongju"), get_threat_set("nk-default")
    footprint_uncertainty(bat, ts, grid_km, 2, 0)  # families, kernels and reach tables warm
    out: dict = {"samples": samples, "grid_km": grid_km}
    ref = None
    runs: tuple[tuple[str, str | None, int], ...] = (
        ("in_process", None, 1), ("local_1_worker", "local", 1), ("local_2_workers", "local", 2))
    for label, scheduler, workers in runs:
        t0 = time.perf_counter()
        r = footprint_uncertainty(bat, ts, grid_km, samples, 1, scheduler=scheduler,
                                  workers=workers).to_dict()
        dt = time.perf_counter() - t0
        out[label] = {"seconds": round(dt, 2), "samples_per_s": round(samples / dt, 2)}
        if ref is None:
            ref = r
        else:
            out[f"{label}_equals_in_process"] = r == ref
    out["scaling_2_over_1_worker"] = round(out["local_1_worker"]["seconds"]
                                           / out["local_2_workers"]["seconds"], 2)
    out["overhead_1_worker_over_in_process"] = round(out["local_1_worker"]["seconds"]
                                                     / out["in_process"]["seconds"], 2)
    return out
