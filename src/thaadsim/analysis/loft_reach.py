"""The reach steps of ``analysis.loft2range``: batched maximum-range solves of fitted missiles on
the non-rotating Earth, and on the rotating Earth along impact bearings from a site.

Every member (and every bearing) is refined in the same batch, one kernel call per round of
the elevation grid (as ``threats.solve.solve_max_range`` does for one missile).
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.analysis.loft_fit import GLOBAL_RANGE_KM, is_global
from thaadsim.threats.missile import Missile
from thaadsim.threats.trajectory import GEOD, Launch, TrajectoryBatch, fly


def max_range_many(missiles: list[Missile], site: Launch, azimuth_deg, *, rotating: bool,
                   lo_deg=2.0, hi_deg=89.9, n_grid: int = 21,
                   rounds: int = 3) -> tuple[np.ndarray, TrajectoryBatch]:
    """Final thrust elevation of maximum range for each (missile, azimuth), all in one batch per
    round of grid refinement, with a parabolic last step (as ``threats.solve.solve_max_range``).

    Parameters
    ----------
    missiles : list of Missile
        One per member.
    site : Launch
        Launch site.
    azimuth_deg : array_like
        Launch azimuth per member (deg).
    rotating : bool
        Earth rotation on or off.
    lo_deg, hi_deg : array_like, optional
        Elevation bracket per member (deg); default 2-89.9.
    n_grid : int, optional
        Elevations per member and round; default 21.
    rounds : int, optional
        Rounds of refinement, each to two grid steps around the best; default 3.

    Returns
    -------
    theta_deg : ndarray, shape (n,)
        Elevations (deg).
    batch : TrajectoryBatch
        The flights at those elevations (one per member).
    """
    n = len(missiles)
    az = np.broadcast_to(np.asarray(azimuth_deg, float), (n,))
    lo = np.broadcast_to(np.asarray(lo_deg, float), (n,)).copy()
    hi = np.broadcast_to(np.asarray(hi_deg, float), (n,)).copy()
    u = np.linspace(0.0, 1.0, n_grid)
    ms = [m for m in missiles for _ in range(n_grid)]
    rows = np.arange(n)
    for _ in range(rounds):
        ths = lo[:, None] + (hi - lo)[:, None] * u[None, :]
        b = fly(ms, site.lat_deg, site.lon_deg, np.repeat(az, n_grid), ths.ravel(),
                alt_m=site.alt_m, rotating=rotating)
        rng = np.where(b.impacted, b.range_m, -1.0).reshape(n, n_grid)
        rng = np.where(np.isfinite(rng), rng, -1.0)
        j = np.argmax(rng, axis=1)
        step = (hi - lo) / (n_grid - 1)
        lo = ths[rows, np.maximum(j - 1, 0)]
        hi = ths[rows, np.minimum(j + 1, n_grid - 1)]
    th = ths[rows, j]
    # parabolic vertex on the last bracket
    inner = (j > 0) & (j < n_grid - 1)
    jj = np.clip(j, 1, n_grid - 2)
    y0, y1, y2 = (rng[rows, jj - 1], rng[rows, jj], rng[rows, jj + 1])
    den = y0 - 2 * y1 + y2
    ok = inner & (den < 0) & (np.minimum(np.minimum(y0, y1), y2) > 0)
    th = np.where(ok, th + 0.5 * step * (y0 - y2) / np.where(ok, den, -1.0), th)
    return th, fly(list(missiles), site.lat_deg, site.lon_deg, az, th, alt_m=site.alt_m,
                   rotating=rotating)


def reach_along_bearings(missiles: list[Missile], site: Launch, bearings_deg
                         ) -> tuple[np.ndarray, TrajectoryBatch]:
    """Maximum range on the rotating Earth along great-circle bearings from the site.

    The Earth turns under a flight, so its impact lands off the launch azimuth (5-9 deg for an
    ICBM from Korea). For each (missile, bearing) the launch azimuth is corrected until the
    maximum-range impact lies on that bearing: a full solve on the bearing, then two corrected
    solves within 3 deg of the elevation found (the offset depends little on the elevation).

    Parameters
    ----------
    missiles : list of Missile
        One per member.
    site : Launch
        Launch site.
    bearings_deg : array_like
        Great-circle azimuth from the site to the impact point, one per member (deg, clockwise
        from north).

    Returns
    -------
    launch_azimuth_deg : ndarray, shape (n,)
        Launch azimuths (deg).
    batch : TrajectoryBatch
        The maximum-range flights (one per member); their impact points lie within ~0.1 deg of
        the bearings (members with global reach keep the bearing as launch azimuth).
    """
    brg = np.asarray(bearings_deg, float) % 360.0
    n = len(missiles)
    az = brg.copy()
    th, b = max_range_many(missiles, site, az, rotating=True)
    summary = b.summary.copy()
    # members short of global reach: turn the launch azimuth by the impact's offset, re-solve
    ok = np.flatnonzero(b.impacted & (b.range_m < GLOBAL_RANGE_KM * 1e3))
    for _ in range(2):
        if not ok.size:
            break
        lat, lon = b.impact_lat_lon_deg
        got, _, _ = GEOD.inv(np.full(len(ok), site.lon_deg), np.full(len(ok), site.lat_deg),
                             lon[ok], lat[ok])
        az[ok] -= (np.asarray(got) - brg[ok] + 180.0) % 360.0 - 180.0
        th[ok], sub = max_range_many([missiles[i] for i in ok], site, az[ok], rotating=True,
                                     lo_deg=np.maximum(th[ok] - 3, 1.0),
                                     hi_deg=np.minimum(th[ok] + 3, 85.0), n_grid=13, rounds=2)
        summary[ok] = sub.summary
        b = TrajectoryBatch(summary.copy(), np.full(n, site.lat_deg), np.full(n, site.lon_deg))
    return az % 360.0, b


def rotating_reach(site: Launch, central: Missile, bearings_deg, target=None,
                   ends: tuple[Missile, Missile] | None = None):
    """Reach on the rotating Earth along each bearing (central fit) and toward a target (central
    fit and the band's two ends), all in one batch (``reach_along_bearings``).

    Parameters
    ----------
    site : Launch
        Launch site.
    central : Missile
        The central fitted missile.
    bearings_deg : sequence of float
        Impact bearings of the table (deg).
    target : tuple, optional
        (lat deg, lon deg, bearing deg, distance km) of the point to reach.
    ends : tuple of Missile, optional
        The band's low and high members (needed with ``target``).

    Returns
    -------
    rows : list of dict
        Per bearing: ``bearing_deg``, ``launch_azimuth_deg`` (deg), ``max_range_km`` (km; None
        at global reach), ``reaches_orbit``.
    toward : dict or None
        With a target: its point, bearing (deg) and distance (km), the launch azimuth (deg), the
        central reach ``max_range_km`` and its band ``max_range_band_km`` (km; None at global
        reach), ``reaches_orbit``, ``within_reach`` and ``within_reach_band`` [low, high].
    """
    brg = [float(x) for x in bearings_deg]
    n = len(brg)
    ms = [central] * n
    if target is not None and ends is not None:
        ms += [central, *ends]
        brg += [target[2]] * 3
    if not ms:
        return [], None
    az, b = reach_along_bearings(ms, site, brg)
    recs = [b.to_dict(i) for i in range(len(ms))]
    reach = [None if is_global(r) else r["range_km"] for r in recs]
    rows = [{"bearing_deg": brg[i] % 360.0, "launch_azimuth_deg": float(az[i]),
             "max_range_km": reach[i], "reaches_orbit": is_global(recs[i])} for i in range(n)]
    if len(ms) == n or target is None:
        return rows, None
    within = {i: reach[i] is None or reach[i] >= target[3] for i in range(n, n + 3)}
    key = [math.inf if x is None else float(x) for x in reach]
    lo_hi = sorted((n + 1, n + 2), key=key.__getitem__)
    return rows, {"lat_deg": target[0], "lon_deg": target[1], "bearing_deg": target[2],
                  "distance_km": target[3], "launch_azimuth_deg": float(az[n]),
                  "max_range_km": reach[n], "reaches_orbit": is_global(recs[n]),
                  "max_range_band_km": [reach[i] for i in lo_hi], "within_reach": within[n],
                  "within_reach_band": [within[i] for i in lo_hi]}
