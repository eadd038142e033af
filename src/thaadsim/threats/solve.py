"""Trajectory shapes: minimum energy, a given apogee, aimed at a point.

Every solver works by flying small batches (grids over the guidance parameters) through the
numba kernel (``threats.trajectory.fly``), so a solve costs a few kernel calls, not thousands of
scalar integrations.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from thaadsim.core import _jit
from thaadsim.core import earth as E
from thaadsim.errors import OutOfReachError, ThaadsimError
from thaadsim.limits import MIN_FLIGHT_KM
from thaadsim.threats.missile import Missile
from thaadsim.threats.trajectory import GEOD, Launch, TrajectoryBatch, _fmt, _take, fly

# The pitch program holds its azimuth from local north at the missile's current position, which
# flips across a pole: a first stage that passes over a pole loops around it (at 90 deg the
# integration never ends). Launches nearer a pole than the longest first-stage ground track
# (~100 km, about 1 deg) are refused with a clear message (assumption; the fix is guidance in a
# fixed plane, left to the boost-model work of the physics issue).
POLE_LIMIT_DEG = 89.0
# Lowest kick elevation searched for lofted and depressed shapes (deg): a kick below the horizon
# during the pitch-over tilts the velocity far enough for a depressed gravity turn (e.g. the
# KN-23's ~50 km apogee); the velocity itself never points below the horizon at low speed
# (trajectories that fly into the ground are impacts and drop out of the search).
THETA_MIN_DEG = -60.0


def climbs_through_boost(b: TrajectoryBatch) -> np.ndarray:
    """Whether each trajectory still climbs at burnout or cutoff (flight-path angle >= 0).

    A missile does not dive under thrust: shape solvers drop the kicks so strong that the gravity
    turn bends the boost over into the ground (they would be sea-skimming trajectories at Mach 4
    in dense air, far outside any missile's structural and heating limits).
    """
    fpa = b.col("burnout_fpa")
    return np.isfinite(fpa) & (fpa >= 0.0)


def check_launch(launch: Launch) -> None:
    """Refuse a launch point nearer a pole than ``POLE_LIMIT_DEG`` allows (see above)."""
    if abs(launch.lat_deg) > POLE_LIMIT_DEG:
        raise ThaadsimError("from", f"must lie at least {90 - POLE_LIMIT_DEG:g} deg from a pole "
                                    "(the pitch program holds its azimuth from local north, "
                                    "which is undefined over the pole)", launch.lat_deg)


def _golden_max(f, lo: float, hi: float, n_grid: int = 25, refine: int = 2) -> float:
    """Maximise a batched function f(x_array) -> y_array on [lo, hi] by grid refinement."""
    for _ in range(refine + 1):
        xs = np.linspace(lo, hi, n_grid)
        ys = f(xs)
        ys = np.where(np.isfinite(ys), ys, -np.inf)
        j = int(np.argmax(ys))
        step = xs[1] - xs[0]
        lo, hi = xs[max(j - 1, 0)], xs[min(j + 1, n_grid - 1)]
        if step < 1e-4:
            break
    # parabolic vertex on the last bracket
    if 0 < j < n_grid - 1 and np.all(np.isfinite(ys[j - 1:j + 2])):
        y0, y1, y2 = ys[j - 1:j + 2]
        den = y0 - 2 * y1 + y2
        if den < 0:
            return float(xs[j] + 0.5 * step * (y0 - y2) / den)
    return float(xs[j])


def solve_max_range(missile: Missile, launch: Launch, azimuth_deg: float, *,
                    t_cut_s: float = np.inf, history_dt_s: float | None = None,
                    **kw) -> tuple[float, TrajectoryBatch]:
    """Final thrust elevation that gives the maximum range at this azimuth, and that trajectory.

    The minimum-energy shape: the kick elevation is found by grid refinement over [2, 89.9] deg
    with a parabolic last step, at the missile's kick duration ``pitch_over_s`` (presets hold the
    duration of the two-parameter optimum, ``max_range_program``).

    Parameters
    ----------
    missile : Missile
        The missile.
    launch : Launch
        Launch point.
    azimuth_deg : float
        Launch azimuth, clockwise from north (deg).
    t_cut_s : float, optional
        Thrust-termination time (s); inf (default) for a full burn.
    history_dt_s : float, optional
        Sampling interval of the returned trajectory (s); None (default): summary only.
    **kw
        Further options of ``threats.trajectory.fly`` (e.g. ``rotating=False``).

    Returns
    -------
    theta_deg : float
        Kick elevation (deg).
    batch : TrajectoryBatch
        The trajectory flown with it (one member).
    """
    check_launch(launch)

    def rng(th):
        b = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, th, t_cut_s,
                alt_m=launch.alt_m, **kw)
        return np.where(b.impacted, b.range_m, -1.0)

    th = _golden_max(rng, 2.0, 89.9, n_grid=27, refine=2)
    best = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, th, t_cut_s,
               alt_m=launch.alt_m, history_dt_s=history_dt_s, **kw)
    return th, best


@dataclasses.dataclass(frozen=True)
class PitchProgram:
    """The pitch program that maximises range: kick elevation and kick duration.

    Attributes
    ----------
    theta_deg : float
        Thrust elevation at the end of the kick (deg).
    pitch_over_s : float
        Duration of the kick after the vertical rise (s).
    range_m : float
        The maximum range it gives (m).
    """

    theta_deg: float
    pitch_over_s: float
    range_m: float


def max_range_program(missile: Missile, launch: Launch, azimuth_deg: float,
                      **kw) -> PitchProgram:
    """The pitch program (kick elevation and kick duration) of maximum range: a batched search.

    A grid of 9 kick durations (2 s to 90 % of the first stage's burn, geometric) by 45 kick
    elevations (2-89.9 deg) flies in one kernel call; two local 9 x 9 grids around the best
    cell refine it (about 570 trajectories in all, three kernel calls).

    Parameters
    ----------
    missile : Missile
        The missile (its own ``pitch_over_s`` is ignored).
    launch : Launch
        Launch point.
    azimuth_deg : float
        Launch azimuth, clockwise from north (deg).
    **kw
        Further options of ``threats.trajectory.fly`` (e.g. ``rotating=False``).

    Returns
    -------
    PitchProgram
        Kick elevation (deg), kick duration (s) and the range (m).
    """
    check_launch(launch)
    hi_po = max(3.0, 0.9 * missile.stages[0].burn_time_s)
    pos = np.geomspace(2.0, hi_po, 9)
    ths = np.linspace(2.0, 89.9, 45)
    dpo, dth = None, None
    for _ in range(3):
        PO, TH = np.meshgrid(pos, ths, indexing="ij")
        b = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, TH.ravel(), np.inf,
                pitch_over_s=PO.ravel(), alt_m=launch.alt_m, **kw)
        r = np.where(b.impacted, b.range_m, -1.0).reshape(PO.shape)
        i, j = np.unravel_index(int(np.argmax(r)), r.shape)
        best = PitchProgram(float(TH[i, j]), float(PO[i, j]), float(r[i, j]))
        dpo = np.log(pos[1] / pos[0]) if dpo is None else dpo / 4.0
        dth = (ths[1] - ths[0]) if dth is None else dth / 4.0
        pos = np.clip(best.pitch_over_s * np.exp(np.linspace(-dpo, dpo, 9)), 0.5, hi_po)
        ths = np.clip(np.linspace(best.theta_deg - dth, best.theta_deg + dth, 9), 0.5, 89.9)
    return best


# The presets' calibration convention (tools/calibrate_missiles.py)
NOMINAL_SITE = Launch(40.0, 125.0)


def nominal_residual(missile: Missile) -> dict:
    """The model's maximum range beside the published nominal one.

    Flown as the presets are calibrated: launched east from 40 N, 125 E on a non-rotating Earth
    at the missile's own pitch program (``solve_max_range``).

    Parameters
    ----------
    missile : Missile
        The missile.

    Returns
    -------
    dict
        ``model_range_km`` (km), ``residual_pct`` (model over published, %, None without a
        published range) and ``calibration`` (what the preset's calibration adjusted).
    """
    _, b = solve_max_range(missile, NOMINAL_SITE, 90.0, rotating=False)
    r = float(b.range_m[0]) / 1e3
    nom = missile.nominal_range_km
    return {"model_range_km": r,
            "residual_pct": 100.0 * (r / nom - 1.0) if math.isfinite(nom) and nom > 0 else None,
            "calibration": missile.calibration or None}


def solve_apogee(missile: Missile, launch: Launch, azimuth_deg: float, apogee_m: float, *,
                 t_cut_s: float = np.inf, history_dt_s: float | None = None,
                 **kw) -> tuple[float, TrajectoryBatch]:
    """Final thrust elevation that puts the apogee at ``apogee_m``, and that trajectory.

    Parameters
    ----------
    missile : Missile
        The missile.
    launch : Launch
        Launch point.
    azimuth_deg : float
        Launch azimuth, clockwise from north (deg).
    apogee_m : float
        Apogee altitude (m).
    t_cut_s : float, optional
        Thrust-termination time (s); inf (default) for a full burn.
    history_dt_s : float, optional
        Sampling interval of the returned trajectory (s); None (default): summary only.
    **kw
        Further options of ``threats.trajectory.fly``.

    Returns
    -------
    theta_deg : float
        Final thrust elevation (deg).
    batch : TrajectoryBatch
        The trajectory flown with it (one member).

    Raises
    ------
    ThaadsimError
        An apogee above the highest the missile reaches (elevations up to 89.9 deg) or below its
        burnout altitude on the flattest trajectory (named ``apogee_km``, value in km).
    """
    check_launch(launch)
    ths = np.concatenate([np.linspace(THETA_MIN_DEG, 80.0, 57), np.linspace(80.5, 89.9, 12)])
    b = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, ths, t_cut_s,
            alt_m=launch.alt_m, **kw)
    apo = np.where(climbs_through_boost(b), b.col("apogee_alt"), np.nan)
    bo_alt = b.col("burnout_alt")
    if apogee_m > np.nanmax(apo):
        raise ThaadsimError("apogee_km", f"must not exceed the highest apogee {missile.name} can "
                                         f"reach ({np.nanmax(apo) / 1e3:.0f} km, vertical launch)",
                            apogee_m / 1e3)
    lowest = float(np.nanmin(np.maximum(apo, bo_alt)))
    if apogee_m < lowest:
        raise ThaadsimError("apogee_km", f"must exceed the burnout altitude of {missile.name} on "
                                         f"its flattest trajectory ({lowest / 1e3:.1f} km)",
                            apogee_m / 1e3)
    th = _invert_monotone(lambda x: fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, x,
                                        t_cut_s, alt_m=launch.alt_m, **kw).col("apogee_alt"),
                          ths, apo, apogee_m)
    best = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, th, t_cut_s,
               alt_m=launch.alt_m, history_dt_s=history_dt_s, **kw)
    return th, best


def _invert_monotone(f, xs, ys, target, iters: int = 6, tol_rel: float = 1e-6) -> float:
    """x with f(x) = target, f increasing, from a table (xs, ys) refined by secant steps."""
    ok = np.isfinite(ys)
    xs, ys = xs[ok], ys[ok]
    order = np.argsort(xs)
    xs, ys = xs[order], ys[order]
    j = int(np.searchsorted(np.maximum.accumulate(ys), target))
    j = min(max(j, 1), len(xs) - 1)
    x0, x1, y0, y1 = xs[j - 1], xs[j], ys[j - 1], ys[j]
    x = x0 + (target - y0) * (x1 - x0) / (y1 - y0) if y1 != y0 else x0
    for _ in range(iters):
        y = float(f(np.array([x]))[0])
        if abs(y - target) <= tol_rel * abs(target):
            break
        if y < target:
            x0, y0 = x, y
        else:
            x1, y1 = x, y
        x = x0 + (target - y0) * (x1 - x0) / (y1 - y0) if y1 != y0 else 0.5 * (x0 + x1)
    return float(x)


def iso_range_family(missile: Missile, launch: Launch, azimuth_deg: float, range_m: float,
                     thetas_deg: np.ndarray, iters: int = 28, **kw):
    """For each final thrust elevation, the thrust cutoff time that lands at ``range_m``.

    Range grows with burn time at fixed elevation, so a bisection runs on all elevations at once
    (one kernel call per iteration).

    Parameters
    ----------
    missile : Missile
        The missile.
    launch : Launch
        Launch point.
    azimuth_deg : float
        Launch azimuth, clockwise from north (deg).
    range_m : float
        Ground range to reach (m).
    thetas_deg : array_like
        Final thrust elevations (deg).
    iters : int, optional
        Bisection steps; default 28.
    **kw
        Further options of ``threats.trajectory.fly``.

    Returns
    -------
    t_cut_s : ndarray
        Cutoff time (s) per elevation; NaN where a full burn falls short.
    apogee_m : ndarray
        Apogee altitude (m) of that trajectory; NaN where infeasible.
    """
    th = np.asarray(thetas_deg, float)
    lo = np.full(th.shape, min(missile.t_vertical_s + 1.0, 0.5 * missile.burn_time_s))
    hi = np.full(th.shape, missile.burn_time_s)
    full = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, th, np.inf,
               alt_m=launch.alt_m, **kw)
    feasible = full.impacted & (full.range_m >= range_m) & climbs_through_boost(full)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        b = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, th, mid, alt_m=launch.alt_m,
                **kw)
        r = np.where(b.impacted, b.range_m, np.inf)
        too_far = r > range_m
        hi = np.where(too_far, mid, hi)
        lo = np.where(too_far, lo, mid)
    tcut = np.where(feasible, 0.5 * (lo + hi), np.nan)
    b = fly(missile, launch.lat_deg, launch.lon_deg, azimuth_deg, th, np.nan_to_num(tcut, nan=0.0),
            alt_m=launch.alt_m, **kw)
    tcut = np.where(climbs_through_boost(b), tcut, np.nan)
    feasible &= np.isfinite(tcut)
    return tcut, np.where(feasible, b.col("apogee_alt"), np.nan)


@lru_cache(maxsize=64)
def shape_table(missile: Missile, apogee_m: float | None = None, step_km: float = 10.0):
    """Guidance by range for one missile and shape, on a non-rotating sphere (cached).

    A grid of 36 kick elevations (41 for a given apogee) by 50 cutoff times flies due east along
    the equator of a non-rotating sphere without J2 (one kernel call); for each range on a
    ``step_km`` grid (from 50 km, or one step if larger, to the longest range) it keeps the
    minimum-energy member
    (shortest burn) or, with ``apogee_m``, the member with that apogee. The trajectory families
    of the footprint are flown from it, and ``aim`` starts from it.

    Parameters
    ----------
    missile : Missile
        The missile (frozen, so the cache holds user variants as well).
    apogee_m : float, optional
        Apogee of every member (m); None (default) for minimum energy.
    step_km : float, optional
        Range spacing (km); default 10.

    Returns
    -------
    tuple of ndarray or None
        Ranges (m), kick elevations (deg) and cutoff times (s), shape (K,) each; None when no
        range can be flown with that shape. Also kept on disk beside the compiled kernels.
    """
    name = table_name(missile, apogee_m, step_km) if is_preset(missile) else None
    z = None if name is None else _jit.load_named(name)
    if z is not None:  # computed by an earlier run (1,800 trajectories: up to seconds)
        return None if z["R"].size == 0 else (z["R"], z["th"], z["tc"])
    out = _shape_table(missile, apogee_m, step_km)
    if name is not None:
        _jit.save_named(name, table_arrays(out))
    return out


def table_arrays(table) -> dict[str, np.ndarray]:
    """What is kept of a shape table (empty arrays for None; ``shape_table`` rebuilds it)."""
    empty = np.zeros(0)
    return dict(zip(("R", "th", "tc"), table or (empty, empty, empty), strict=True))


def table_name(missile: Missile, apogee_m: float | None, step_km: float) -> str:
    """The name under which ``shape_table(missile, apogee_m, step_km)`` is kept
    (``core._jit.array_name``): its inputs and the sources that compute it."""
    return _jit.array_name("shape", repr((missile, apogee_m, step_km)),
                           sorted(Path(__file__).parent.glob("*.py")))


def is_preset(m: Missile) -> bool:
    """Whether ``m`` is a preset (or user entry) as loaded, not a variant of one: only those
    are kept on disk (the uncertainty samples' variants would fill it).

    Parameters
    ----------
    m : Missile
        The missile.

    Returns
    -------
    bool
        True for the missile that ``get_missile(m.name)`` gives.
    """
    from thaadsim.threats.missile import get_missile

    try:
        return get_missile(m.name) == m
    except ThaadsimError:
        return False


def _shape_table(missile: Missile, apogee_m: float | None, step_km: float):
    m = missile
    kw = dict(rotating=False, j2=False, ellipsoid=False)
    if apogee_m is None:
        ths = np.linspace(5.0, 80.0, 36)
    else:  # lofted shapes need kicks near vertical
        ths = np.concatenate([np.linspace(THETA_MIN_DEG, 80.0, 36), np.linspace(82.0, 89.9, 5)])
    tcs = np.linspace(min(m.t_vertical_s + 2.0, 0.4 * m.burn_time_s), m.burn_time_s, 50)
    TH, TC = np.meshgrid(ths, tcs, indexing="ij")
    b = fly(m, 0.0, 0.0, 90.0, TH.ravel(), TC.ravel(), **kw)
    xyz = b.summary[:, 2:5]
    rng = np.arccos(np.clip(xyz[:, 0] / np.linalg.norm(xyz, axis=1), -1, 1)) * E.A_M
    rng = np.where(b.impacted & climbs_through_boost(b), rng, np.nan).reshape(TH.shape)
    apo = b.col("apogee_alt").reshape(TH.shape)
    if not np.isfinite(rng).any():
        return None
    rmax = np.nanmax(rng)
    R = np.arange(max(50e3, step_km * 1e3), rmax, step_km * 1e3)
    tc_of = np.full((ths.size, R.size), np.nan)
    apo_of = np.full((ths.size, R.size), np.nan)
    for i in range(ths.size):
        ok = np.isfinite(rng[i])
        if ok.sum() < 2:
            continue
        r_i = np.maximum.accumulate(rng[i][ok])
        inside = (R >= r_i[0]) & (R <= r_i[-1])
        tc_of[i, inside] = np.interp(R[inside], r_i, tcs[ok])
        apo_of[i, inside] = np.interp(R[inside], r_i, apo[i][ok])
    if apogee_m is None:
        k = np.nanargmin(np.where(np.isfinite(tc_of), tc_of, np.inf), axis=0)
        th_sel = ths[k]
        tc_sel = tc_of[k, np.arange(R.size)]
    else:
        th_sel = np.full(R.size, np.nan)
        tc_sel = np.full(R.size, np.nan)
        for j in range(R.size):
            ok = np.isfinite(apo_of[:, j])
            a = apo_of[ok, j]
            if ok.sum() >= 2 and a.min() <= apogee_m <= a.max():
                order = np.argsort(a)
                th_sel[j] = np.interp(apogee_m, a[order], ths[ok][order])
                tc_sel[j] = np.interp(th_sel[j], ths[ok], tc_of[ok, j])
    keep = np.isfinite(tc_sel)
    if not keep.any():
        return None
    out = (R[keep], th_sel[keep], tc_sel[keep])
    for a in out:  # cached: nobody may change them
        a.flags.writeable = False
    return out


@dataclasses.dataclass(frozen=True, repr=False)
class AimSolution:
    """Guidance that lands on the target, and the flown trajectory.

    Attributes
    ----------
    azimuth_deg : float
        Launch azimuth, clockwise from north (deg).
    theta_deg : float
        Final thrust elevation (deg).
    t_cut_s : float
        Thrust cutoff time (s); inf for a full burn.
    miss_m : float
        Distance from the impact point to the target (m).
    batch : TrajectoryBatch
        The trajectory (one member).
    """

    azimuth_deg: float
    theta_deg: float
    t_cut_s: float
    miss_m: float
    batch: TrajectoryBatch

    def __repr__(self) -> str:
        return (f"<AimSolution azimuth {self.azimuth_deg:.2f} deg, elevation "
                f"{self.theta_deg:.2f} deg, cutoff {self.t_cut_s:.1f} s, miss "
                f"{self.miss_m:.0f} m>")

    def to_dict(self) -> dict:
        """Headline numbers, miss distance and guidance, units in the keys.

        Returns
        -------
        dict
            The keys of ``TrajectoryBatch.to_dict``, ``miss_distance_m`` and ``guidance``
            (``azimuth_deg``, ``final_pitch_deg``, ``thrust_cutoff_s`` or None for a full burn).
        """
        return {**self.batch.to_dict(0), "miss_distance_m": float(self.miss_m),
                "guidance": {"azimuth_deg": float(self.azimuth_deg),
                             "final_pitch_deg": float(self.theta_deg),
                             "thrust_cutoff_s": float(self.t_cut_s)
                             if math.isfinite(self.t_cut_s) else None}}


@dataclasses.dataclass(frozen=True, repr=False)
class Flight:
    """One flown missile: launch point, shape, guidance, trajectory and, when aimed, the target.

    Attributes
    ----------
    missile : Missile
        The missile.
    launch : Launch
        Launch point.
    shape : str
        ``"minimum-energy"`` or ``"apogee"``.
    azimuth_deg : float
        Launch azimuth, clockwise from north (deg).
    theta_deg : float
        Final thrust elevation (deg).
    t_cut_s : float
        Thrust cutoff time (s); inf for a full burn.
    batch : TrajectoryBatch
        The trajectory (one member).
    target : tuple of float or None
        Aim point (lat_deg, lon_deg) when aimed.
    miss_m : float or None
        Miss distance (m) when aimed.
    """

    missile: Missile
    launch: Launch
    shape: str
    azimuth_deg: float
    theta_deg: float
    t_cut_s: float
    batch: TrajectoryBatch
    target: tuple[float, float] | None = None
    miss_m: float | None = None

    def __repr__(self) -> str:
        d = self.batch.to_dict(0)
        aimed = "" if self.miss_m is None else f", miss {self.miss_m:.0f} m"
        return (f"<Flight {self.missile.name} ({self.shape}): range {_fmt(d['range_km'])} km, "
                f"apogee {_fmt(d['apogee_km'])} km, flight {_fmt(d['flight_time_s'])} s"
                f"{aimed}>")

    def to_dict(self) -> dict:
        """Headline numbers, guidance and, when aimed, target and miss distance.

        Returns
        -------
        dict
            ``missile``, ``shape``, ``launch`` (deg), the keys of ``TrajectoryBatch.to_dict``,
            ``guidance`` (deg, s), ``assumptions``; ``aim`` (deg) and ``miss_distance_m`` when
            aimed.
        """
        out = {"missile": self.missile.name, "shape": self.shape,
               "launch": {"lat_deg": self.launch.lat_deg, "lon_deg": self.launch.lon_deg},
               **self.batch.to_dict(0),
               "guidance": {"azimuth_deg": float(self.azimuth_deg),
                            "final_pitch_deg": float(self.theta_deg),
                            "thrust_cutoff_s": float(self.t_cut_s)
                            if math.isfinite(self.t_cut_s) else None},
               "assumptions": "rotating WGS84 Earth, J2 gravity, US 1976 atmosphere; preset is "
                              "a public estimate"}
        if self.target is not None:
            out["aim"] = {"lat_deg": self.target[0], "lon_deg": self.target[1]}
            out["miss_distance_m"] = self.miss_m
        return out

    def to_dataframe(self):
        """The sampled trajectory in geodetic coordinates (``TrajectoryBatch.to_dataframe``).

        Returns
        -------
        pandas.DataFrame
            One row per sample (s, deg, km, km/s).
        """
        return self.batch.to_dataframe()


# Warm starts from the shape table are used up to this fraction of its longest range: beyond,
# Earth rotation and J2 can take the target out of reach (a few per cent), and the full solve
# with its reach check runs instead (assumption)
WARM_RANGE_FRACTION = 0.95
NEWTON_STEPS = 12  # corrections per aim before giving up (the full solve then runs)


def aim_many(jobs, *, tol_m: float = 200.0, **kw) -> list[AimSolution | None]:
    """Aim many missiles at once, warm-started from their shape tables.

    Every job starts from the guidance that ``shape_table`` gives for its distance (non-rotating
    sphere), then all jobs' Newton corrections of azimuth (cross-range) and cutoff time and kick
    elevation (down-range, apogee) advance together: one kernel call per correction for all of
    them, three trajectories per job.

    Parameters
    ----------
    jobs : list of tuple
        ``(missile, launch, target_lat_deg, target_lon_deg, apogee_m)``; ``apogee_m`` None for
        minimum energy.
    tol_m : float, optional
        Largest accepted miss distance (m); default 200.
    **kw
        Further options of ``threats.trajectory.fly``.

    Returns
    -------
    list of AimSolution or None
        Per job the solution (summary only), or None where the warm start does not apply or
        does not converge (``aim`` then runs the full solve).
    """
    n = len(jobs)
    out: list[AimSolution | None] = [None] * n
    state = []
    for i, (m, launch, tlat, tlon, apo) in enumerate(jobs):
        if abs(launch.lat_deg) > POLE_LIMIT_DEG:
            continue
        az0, _, dist = GEOD.inv(launch.lon_deg, launch.lat_deg, tlon, tlat)
        if not dist >= MIN_FLIGHT_KM * 1e3:
            continue
        tab = shape_table(m, apo)
        if tab is None:
            continue
        R, th_s, tc_s = tab
        if not R[0] <= dist <= WARM_RANGE_FRACTION * R[-1]:
            continue
        state.append([i, float(az0), float(np.interp(dist, R, th_s)),
                      float(np.interp(dist, R, tc_s)), float(az0), dist])
    for _ in range(NEWTON_STEPS):
        if not state:
            break
        ms, lat0, lon0, alt0, cand = [], [], [], [], []
        for i, az, th, tc, _, _ in state:
            m, launch = jobs[i][0], jobs[i][1]
            for c in ([az, th, tc], [az, th, tc + 0.01], [az, th + 0.02, tc]):
                ms.append(m)
                lat0.append(launch.lat_deg)
                lon0.append(launch.lon_deg)
                alt0.append(launch.alt_m)
                cand.append(c)
        cand_a = np.array(cand)
        b = fly(ms, lat0, lon0, cand_a[:, 0], cand_a[:, 1], cand_a[:, 2], alt_m=alt0, **kw)
        lat, lon = b.impact_lat_lon_deg
        azi, _, d = GEOD.inv(np.array(lon0), np.array(lat0), np.nan_to_num(lon),
                             np.nan_to_num(lat))
        apo_col = b.col("apogee_alt")
        keep = []
        for k, st in enumerate(state):
            i, az, th, tc, az_t, dist = st
            m, launch, tlat, tlon, apo = jobs[i]
            j = 3 * k
            if not np.all(b.impacted[j:j + 3]):
                continue  # the full solve decides
            _, _, miss = GEOD.inv(lon[j], lat[j], tlon, tlat)
            if miss < tol_m and climbs_through_boost(_take(b, j))[0]:
                out[i] = AimSolution(az, th, tc, float(miss), _take(b, j))
                continue
            az = az + ((az_t - azi[j] + 180.0) % 360.0 - 180.0)
            if apo is None:
                drdt = (d[j + 1] - d[j]) / 0.01
                if not drdt > 0:
                    continue
                tc = float(np.clip(tc + (dist - d[j]) / drdt, 1.0, m.burn_time_s))
            else:
                jac = np.array([[(d[j + 1] - d[j]) / 0.01, (d[j + 2] - d[j]) / 0.02],
                                [(apo_col[j + 1] - apo_col[j]) / 0.01,
                                 (apo_col[j + 2] - apo_col[j]) / 0.02]])
                try:
                    step = np.linalg.solve(jac, [dist - d[j], apo - apo_col[j]])
                except np.linalg.LinAlgError:
                    continue
                tc = float(np.clip(tc + step[0], 1.0, m.burn_time_s))
                th = float(np.clip(th + step[1], THETA_MIN_DEG, 89.9))
            keep.append([i, az, th, tc, az_t, dist])
        state = keep
    return out


def aim(missile: Missile, launch: Launch, target_lat_deg: float, target_lon_deg: float, *,
        apogee_m: float | None = None, tol_m: float = 200.0, history_dt_s: float | None = None,
        **kw) -> AimSolution:
    """Guidance that lands within ``tol_m`` of the target (rotation, J2 and drag included).

    Shape: minimum energy (the elevation that needs the shortest burn for this range) when
    ``apogee_m`` is None, else the lofted or depressed trajectory with that apogee. Starts from
    the missile's shape table (``shape_table``, non-rotating sphere; ``aim_many``) and corrects
    azimuth (cross-range) and cutoff time and elevation (down-range, apogee) by
    finite-difference Newton steps; where that does not apply or converge (targets near the
    edge of reach), from the iso-range family on the great-circle azimuth of the rotating Earth.

    Parameters
    ----------
    missile : Missile
        The missile.
    launch : Launch
        Launch point, at most ``POLE_LIMIT_DEG`` (89 deg) from the equator.
    target_lat_deg, target_lon_deg : float
        Target point (deg), at least 1 km from the launch point.
    apogee_m : float, optional
        Apogee altitude (m); None (default) for minimum energy.
    tol_m : float, optional
        Largest accepted miss distance (m); default 200.
    history_dt_s : float, optional
        Sampling interval of the returned trajectory (s); None (default): summary only.
    **kw
        Further options of ``threats.trajectory.fly``.

    Returns
    -------
    AimSolution
        Guidance, miss distance (m) and the flown trajectory.

    Raises
    ------
    OutOfReachError
        A target beyond the maximum range at this azimuth (a ``ThaadsimError``).
    ThaadsimError
        A launch point too near a pole, a target closer than 1 km, an apogee the missile cannot
        fly at this range, or no convergence within 12 corrections.
    """
    check_launch(launch)
    warm = aim_many([(missile, launch, target_lat_deg, target_lon_deg, apogee_m)], tol_m=tol_m,
                    **kw)[0]
    if warm is not None:
        if history_dt_s:
            return dataclasses.replace(
                warm, batch=fly(missile, launch.lat_deg, launch.lon_deg, warm.azimuth_deg,
                                warm.theta_deg, warm.t_cut_s, alt_m=launch.alt_m,
                                history_dt_s=history_dt_s, **kw))
        return warm
    return _aim_full(missile, launch, target_lat_deg, target_lon_deg, apogee_m=apogee_m,
                     tol_m=tol_m, history_dt_s=history_dt_s, **kw)


def _aim_full(missile: Missile, launch: Launch, target_lat_deg: float, target_lon_deg: float, *,
              apogee_m: float | None = None, tol_m: float = 200.0,
              history_dt_s: float | None = None, **kw) -> AimSolution:
    """``aim`` without the warm start: the reach check, the iso-range family on the rotating
    Earth, then Newton corrections."""
    check_launch(launch)
    az0, _, dist = GEOD.inv(launch.lon_deg, launch.lat_deg, target_lon_deg, target_lat_deg)
    if not dist >= MIN_FLIGHT_KM * 1e3:
        raise ThaadsimError("to", f"must lie at least {MIN_FLIGHT_KM:g} km from the launch point "
                                  f"(it is {dist:.0f} m away)", (target_lat_deg, target_lon_deg))
    th_max, best = solve_max_range(missile, launch, az0, **kw)
    rmax = float(best.range_m[0])
    if not np.isfinite(rmax) or dist > rmax:
        raise OutOfReachError("to", dist / 1e3, rmax / 1e3 if np.isfinite(rmax) else 0.0,
                              missile.name)
    lo_th = THETA_MIN_DEG if apogee_m is not None else max(1.0, th_max - 40.0)
    hi_th = 89.9 if apogee_m is not None else min(89.0, th_max + 45.0)  # lofts kick near vertical
    ths = np.linspace(lo_th, hi_th, 28)
    tcut, apo = iso_range_family(missile, launch, az0, dist, ths, **kw)
    ok = np.isfinite(tcut)
    if apogee_m is None:
        j = int(np.nanargmin(np.where(ok, tcut, np.inf)))
        lo, hi = ths[max(j - 1, 0)], ths[min(j + 1, len(ths) - 1)]
        ths2 = np.linspace(lo, hi, 9)
        tc2, _ = iso_range_family(missile, launch, az0, dist, ths2, **kw)
        j2 = int(np.nanargmin(np.where(np.isfinite(tc2), tc2, np.inf)))
        th = float(ths2[j2])
        tc = float(tc2[j2])
    else:
        if not ok.any() or apogee_m > np.nanmax(apo) or apogee_m < np.nanmin(apo):
            raise ThaadsimError("apogee_km", f"must lie between {np.nanmin(apo) / 1e3:.0f} and "
                                             f"{np.nanmax(apo) / 1e3:.0f} km for a {dist / 1e3:.0f}"
                                             f" km flight of {missile.name}",
                                apogee_m / 1e3)
        th = float(np.interp(apogee_m, apo[ok], ths[ok]))
        tc = float(np.interp(th, ths[ok], tcut[ok]))
    az = float(az0)
    # Newton-like correction of azimuth (cross-range) and burn / elevation (down-range, apogee)
    for _ in range(12):
        cand = np.array([[az, th, tc], [az, th, tc + 0.01], [az, th + 0.02, tc]])
        b = fly(missile, launch.lat_deg, launch.lon_deg, cand[:, 0], cand[:, 1], cand[:, 2],
                alt_m=launch.alt_m, **kw)
        lat, lon = b.impact_lat_lon_deg
        azi, _, d = GEOD.inv(np.full(3, launch.lon_deg), np.full(3, launch.lat_deg), lon, lat)
        _, _, miss = GEOD.inv(lon[0], lat[0], target_lon_deg, target_lat_deg)
        if miss < tol_m:
            sol = _take(b, 0)
            if history_dt_s:
                sol = fly(missile, launch.lat_deg, launch.lon_deg, az, th, tc,
                          alt_m=launch.alt_m, history_dt_s=history_dt_s, **kw)
            return AimSolution(az, th, tc, float(miss), sol)
        az = az + ((az0 - azi[0] + 180.0) % 360.0 - 180.0)
        if apogee_m is None:
            drdt = (d[1] - d[0]) / 0.01
            tc = float(np.clip(tc + (dist - d[0]) / drdt, 1.0, missile.burn_time_s))
        else:
            apo = b.col("apogee_alt")
            jac = np.array([[(d[1] - d[0]) / 0.01, (d[2] - d[0]) / 0.02],
                            [(apo[1] - apo[0]) / 0.01, (apo[2] - apo[0]) / 0.02]])
            step = np.linalg.solve(jac, [dist - d[0], apogee_m - apo[0]])
            tc = float(np.clip(tc + step[0], 1.0, missile.burn_time_s))
            th = float(np.clip(th + step[1], THETA_MIN_DEG, 89.9))
    raise ThaadsimError("to", f"could not be reached within {tol_m:.0f} m (solver did not "
                              f"converge; closest {miss:.0f} m)", (target_lat_deg, target_lon_deg))
