"""Benchmark of the layered footprint (issue 14): the withdrawal comparison (THAAD alone, THAAD +
the lower tier as deployed, the lower tier alone: one kernel pass, per layer and combined)
against the footprint of THAAD alone, both warm (families cached, kernels compiled, reach
tables built). ``make bench`` calls ``bench_layers``."""

from __future__ import annotations

import time


def bench_layers(grid_km: float = 5.0, threat_set: str = "nk-default", repeats: int = 3) -> dict:
    """Time the layered withdrawal comparison against THAAD alone (warm, best of ``repeats``).

    Parameters
    ----------
    grid_km : float, optional
        Grid spacing (km); default 5.
    threat_set : str, optional
        Threat set; default ``"nk-default"``.
    repeats : int, optional
        Timed repetitions (the best is kept); default 3.

    Returns
    -------
    dict
        ``thaad_alone_s`` (one footprint), ``layered_withdrawal_s`` (three layered footprints,
        20 batteries, 10 distinct, in one pass), ``ratio``, ``first_call_s`` (the comparison
        with the lower tier's reach tables built: a fresh process), ``batteries``, ``grid_km``,
        ``threat_set`` and the headline fractions.
    """
    from thaadsim.analysis import footprint as fp
    from thaadsim.engagement.fire_control import battery_at
    from thaadsim.interceptors.reach import _fan, reach_table
    from thaadsim.threats.threat_set import get_threat_set

    ts = get_threat_set(threat_set)
    bat = [battery_at("seongju")]
    fp.footprint(bat, ts, grid_km)  # kernels, families
    reach_table.cache_clear()
    _fan.cache_clear()
    t0 = time.perf_counter()
    res = fp.withdrawal(ts, grid_km)
    first = time.perf_counter() - t0

    def best(f) -> float:
        out = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            f()
            out = min(out, time.perf_counter() - t0)
        return out

    t_alone = best(lambda: fp.footprint(bat, ts, grid_km))
    t_lay = best(lambda: fp.withdrawal(ts, grid_km))
    rows = {r["case"]: r for r in res.rows()}
    return {"grid_km": grid_km, "threat_set": ts.name,
            "thaad_alone_s": t_alone, "layered_withdrawal_s": t_lay,
            "ratio": t_lay / t_alone, "first_call_s": first,
            "batteries": sum(len(r.combined.batteries) for r in res.results),
            "defended_fraction": {k: v["defended_fraction_of_south_korea"]
                                  for k, v in rows.items()}}


__all__ = ["bench_layers"]
