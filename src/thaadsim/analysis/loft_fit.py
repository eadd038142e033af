"""The fitting steps of ``analysis.loft2range``: batched fits of a missile family to a lofted
test, and the band over its members (the reach solves are in ``analysis.loft_reach``).

A *member* of the family is the template with its burn times scaled by ``s`` (thrust by 1/s, the
propellant unchanged) whose payload and final thrust elevation are fitted so that the flight
(due east from the site on the non-rotating WGS84 Earth, J2, atmosphere, full boost model)
reproduces the test's apogee and ground range. Members are fitted together: one kernel call per
Newton iteration for the whole family.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.threats.missile import Missile
from thaadsim.threats.trajectory import Launch, _take, fly

FIT_REL_TOL = 2e-5  # a fit stops when apogee and range are both matched to this (relative)
FD_STEP = 1e-3  # finite-difference step on (ln payload, elevation in deg)
MAX_ITER = 40  # Newton iterations per fit
STEP_MAX = np.array([0.5, 8.0])  # largest Newton step: ln payload (-), elevation (deg); the
# gravity-turn elevation moves several degrees per 5 % of burn time
MIN_LIFTOFF_TW = 1.1  # lift-off thrust/weight below which a burn-time scale is refused
GLOBAL_RANGE_KM = 19_900.0  # within 100 km of the antipode: every point on Earth is in reach


@dataclasses.dataclass(frozen=True, eq=False)
class Member:
    """One fitted member of the family (compared by identity: it holds an array).

    Attributes
    ----------
    scale : float
        Factor on every stage's burn time (-).
    missile : Missile
        The template with that burn-time scale and the fitted payload.
    x : ndarray, shape (2,)
        Fit parameters: ln(payload / template payload) (-) and final thrust elevation (deg).
    record : dict
        Headline numbers of the fitted test flight (``TrajectoryBatch.to_dict``; km, s, km/s).
    """

    scale: float
    missile: Missile
    x: np.ndarray
    record: dict

    @property
    def theta_deg(self) -> float:
        """Fitted final thrust elevation of the test flight (deg)."""
        return float(self.x[1])

    @property
    def flight_time_s(self) -> float:
        """Flight time of the fitted test flight (s)."""
        return float(self.record["flight_time_s"])


def is_global(rec: dict) -> bool:
    """Orbit, or so much energy that the best impact is the antipode (half a great circle)."""
    return rec["status"] == "orbit" or (rec["range_km"] or 0.0) >= GLOBAL_RANGE_KM


def max_liftoff_scale(tmpl: Missile, payload_kg: float) -> float:
    """Longest burn-time scale at which the missile still lifts off with thrust/weight >= 1.1.

    Parameters
    ----------
    tmpl : Missile
        The template.
    payload_kg : float
        Mass after burnout (kg).

    Returns
    -------
    float
        Sea-level thrust of the first stage over launch weight, divided by ``MIN_LIFTOFF_TW``
        (-); at least 1 (the template's own burn is always allowed).
    """
    s0 = tmpl.stages[0]
    m0 = tmpl.launch_mass_kg - tmpl.rv_mass_kg + payload_kg
    tw = s0.propellant_kg / s0.burn_time_s * s0.isp_sl_s / m0  # (mdot g0 Isp) / (m0 g0)
    return max(tw / MIN_LIFTOFF_TW, 1.0)


def _missiles(tmpl: Missile, scales, X) -> list[Missile]:
    return [tmpl.scaled(rv_mass_kg=tmpl.rv_mass_kg * math.exp(float(x[0])),
                        burn_time_scale=float(s)) for s, x in zip(scales, X, strict=True)]


def _residuals(tmpl: Missile, scales, X: np.ndarray, A: float, R: float, site: Launch):
    """Relative misfit of apogee and range, shape (n, 2) (NaN where the flight does not impact),
    and the flown batch."""
    b = fly(_missiles(tmpl, scales, X), site.lat_deg, site.lon_deg, 90.0, X[:, 1],
            alt_m=site.alt_m, rotating=False)
    res = np.stack([b.col("apogee_alt") / A - 1.0, b.range_m / R - 1.0], axis=1)
    res[~b.impacted] = np.nan
    return res, b


def start_point(tmpl: Missile, A: float, R: float, site: Launch) -> np.ndarray:
    """Starting (ln payload ratio, elevation) for the template's own burn: the best point of a
    coarse grid (12 payloads from 0.15 to 4 times the template's, 24 elevations 20-89.9 deg).

    Parameters
    ----------
    tmpl : Missile
        The template.
    A, R : float
        Apogee altitude and ground range of the test (m).
    site : Launch
        Launch site (flown due east, non-rotating Earth).

    Returns
    -------
    ndarray, shape (2,)
        The grid point with the smallest squared misfit; NaN when no grid flight impacts.
    """
    grid = np.array([[a, b] for a in np.log(np.geomspace(0.15, 4.0, 12))
                     for b in np.linspace(20.0, 89.9, 24)])
    res, _ = _residuals(tmpl, np.ones(len(grid)), grid, A, R, site)
    cost = np.sum(res**2, axis=1)
    if not np.isfinite(cost).any():
        return np.full(2, np.nan)
    return grid[int(np.nanargmin(cost))].copy()


def fit_members(tmpl: Missile, scales, X0: np.ndarray, A: float, R: float,
                site: Launch) -> list[Member | None]:
    """Fit payload and elevation of each burn-time scale to the test's apogee and range.

    Damped Gauss-Newton on (ln payload ratio, elevation) with forward differences, every member
    in the same batch; a step that does not lower the squared misfit is halved (down to 1/256).

    Parameters
    ----------
    tmpl : Missile
        The template.
    scales : sequence of float
        Burn-time scales (-), one member each.
    X0 : ndarray, shape (n, 2)
        Starting points.
    A, R : float
        Apogee altitude and ground range of the test (m).
    site : Launch
        Launch site (flown due east, non-rotating Earth).

    Returns
    -------
    list of Member or None
        Per scale, the fitted member, or None where apogee and range could not both be matched
        to ``FIT_REL_TOL``.
    """
    scales = np.asarray(scales, float)
    n = len(scales)
    x = np.array(X0, float).reshape(n, 2)
    best_x, best_cost = x.copy(), np.full(n, np.inf)
    dx, lam = np.zeros((n, 2)), np.ones(n)
    active = np.all(np.isfinite(x), axis=1)
    out: list[Member | None] = [None] * n
    h = FD_STEP
    for _ in range(MAX_ITER):
        idx = np.flatnonzero(active)
        if not idx.size:
            break
        pts = np.concatenate([[x[i], x[i] + [h, 0.0], x[i] + [0.0, h]] for i in idx])
        res, b = _residuals(tmpl, np.repeat(scales[idx], 3), pts, A, R, site)
        for k, i in enumerate(idx):
            r0 = res[3 * k]
            cost = float(np.sum(r0**2)) if np.all(np.isfinite(r0)) else np.inf
            if cost < best_cost[i]:
                best_x[i], best_cost[i] = x[i], cost
                if np.max(np.abs(r0)) < FIT_REL_TOL:
                    m = _missiles(tmpl, [scales[i]], [x[i]])[0]
                    out[i] = Member(float(scales[i]), m, x[i].copy(), _take(b, 3 * k).to_dict(0))
                    active[i] = False
                    continue
                jac = ((res[3 * k + 1:3 * k + 3] - r0) / h).T
                if not np.all(np.isfinite(jac)):
                    active[i] = False
                    continue
                dx[i] = np.clip(np.linalg.lstsq(jac, -r0, rcond=None)[0], -STEP_MAX, STEP_MAX)
                lam[i] = 1.0
            else:
                lam[i] *= 0.5
                if lam[i] < 1.0 / 256 or not np.isfinite(best_cost[i]):
                    active[i] = False
                    continue
            x[i] = best_x[i] + lam[i] * dx[i]
            x[i, 1] = min(x[i, 1], 89.95)  # keep the loft below vertical
    return out


def _warm(known: list[Member], scales) -> np.ndarray:
    """Starting points for new scales: (ln payload ratio, elevation) interpolated, or linearly
    extrapolated, in the scale from the members already fitted."""
    ks = np.array([m.scale for m in known])
    kx = np.array([m.x for m in known])
    order = np.argsort(ks)
    ks, kx = ks[order], kx[order]
    s = np.asarray(scales, float)
    if len(ks) == 1:
        return np.repeat(kx, len(s), axis=0)
    out = np.empty((len(s), 2))
    for c in range(2):
        slope = np.polyfit(ks, kx[:, c], 1)[0]
        out[:, c] = np.interp(s, ks, kx[:, c])
        out[:, c] += np.where(s < ks[0], slope * (s - ks[0]), 0.0)
        out[:, c] += np.where(s > ks[-1], slope * (s - ks[-1]), 0.0)
    out[:, 1] = np.minimum(out[:, 1], 89.9)
    return out


def _time_window(known: list[Member], t_s: float, tol_s: float) -> tuple[float, float] | None:
    """Burn-time scales (low, high) between which the fitted flight time, piecewise linear in
    the scale between the members fitted so far, lies within ``tol_s`` of ``t_s``."""
    known = sorted(known, key=lambda m: m.scale)
    s_k = np.array([m.scale for m in known])
    t_k = np.array([m.flight_time_s for m in known])
    s_d = np.linspace(s_k[0], s_k[-1], 4001)
    inside = np.abs(np.interp(s_d, s_k, t_k) - t_s) <= tol_s
    if not inside.any():
        return None
    return float(s_d[inside][0]), float(s_d[inside][-1])


def burn_family(tmpl: Missile, A: float, R: float, site: Launch, *, spread: float,
                min_scale: float, flight_time_s: float | None = None,
                tol_s: float | None = None) -> tuple[dict[str, Member], tuple | None]:
    """The template fitted with its own burn (the central member) and the members that span
    the band: the burn-time spread and, with a flight time, the burn times whose fitted flight
    lasts the reported time within its tolerance.

    Parameters
    ----------
    tmpl : Missile
        The template.
    A, R : float
        Apogee altitude and ground range of the test (m).
    site : Launch
        Launch site (flown due east, non-rotating Earth).
    spread : float
        Relative spread of the burn times (-): members at scales 1 - spread and 1 + spread.
    min_scale : float
        Shortest burn-time scale considered (-); the longest is ``max_liftoff_scale``.
    flight_time_s, tol_s : float, optional
        Reported flight time and its tolerance (s).

    Returns
    -------
    members : dict of str to Member
        ``central`` (scale 1; absent when the template cannot be fitted), ``burn_time_low``,
        ``burn_time_high``, ``flight_time_low``, ``flight_time_high`` (each absent when not
        asked for or not fitted).
    window : tuple of float or None
        Burn-time scales (low, high) between which the fitted flight time lies within the
        tolerance of the reported one (piecewise-linear in the scale between fitted members,
        over ``min_scale``-``max_liftoff_scale``); None without a flight time or when no scale
        there matches it.
    """
    x0 = start_point(tmpl, A, R, site)
    central = fit_members(tmpl, [1.0], x0[None, :], A, R, site)[0]
    if central is None:
        return {}, None
    out = {"central": central}
    s_max = max_liftoff_scale(tmpl, central.missile.rv_mass_kg)
    roles = {"burn_time_low": max(1.0 - spread, min_scale),
             "burn_time_high": min(1.0 + spread, s_max)}
    roles = {k: s for k, s in roles.items() if abs(s - 1.0) > 1e-9}
    # continuation: halfway members first, then the ends warm-started from the line through them
    # (the kick elevation moves several degrees per 5 % of burn)
    mids = [1.0 + 0.5 * (s - 1.0) for s in roles.values()]
    steps = [central] + [m for m in fit_members(tmpl, mids, _warm([central], mids), A, R, site)
                         if m]
    fitted = fit_members(tmpl, list(roles.values()), _warm(steps, list(roles.values())),
                         A, R, site)
    out.update({k: m for k, m in zip(roles, fitted, strict=True) if m is not None})
    if flight_time_s is None or tol_s is None:
        return out, None
    known = list(out.values()) + steps[1:]
    grid = [s for s in np.geomspace(min_scale, s_max, 7)
            if min(abs(s - m.scale) for m in known) > 0.02]
    known += [m for m in fit_members(tmpl, grid, _warm(known, grid), A, R, site) if m]
    window = _time_window(known, flight_time_s, tol_s)
    if window is None:
        return out, None
    for it in range(3):  # fit the window's edges; refit once or twice where they moved
        edges = fit_members(tmpl, list(window), _warm(known, window), A, R, site)
        known += [m for m in edges if m]
        for k, m in zip(("flight_time_low", "flight_time_high"), edges, strict=True):
            if m is not None:
                out[k] = m
        new = _time_window(known, flight_time_s, tol_s)
        if new is None or it == 2 or max(abs(new[0] - window[0]),
                                         abs(new[1] - window[1])) < 1e-3:
            break
        window = new
    return out, window


def member_row(role: str, m: Member, max_range: dict) -> dict:
    """A member of the band as reported: role, burn-time scale (-), payload (kg), fitted flight
    time (s), elevation (deg), maximum range (km; None at global reach), ``reaches_orbit``."""
    g = is_global(max_range)
    return {"role": role, "burn_time_scale": m.scale,
            "fitted_payload_kg": float(m.missile.rv_mass_kg), "flight_time_s": m.flight_time_s,
            "theta_deg": m.theta_deg, "max_range_km": None if g else max_range["range_km"],
            "reaches_orbit": g}


def range_key(m: dict) -> float:
    """A member row's maximum range (km), inf at global reach (for ordering)."""
    return math.inf if m["reaches_orbit"] else float(m["max_range_km"])


def band_summary(members: list[dict], spread: float) -> dict:
    """The band over the members (``member_row``; the first is the central one).

    Parameters
    ----------
    members : list of dict
        Rows of ``member_row``, central first; roles ``burn_time_*``, ``flight_time_*`` and
        ``pitch_program_*``.
    spread : float
        Relative spread of the burn times (-), reported back.

    Returns
    -------
    dict
        ``max_range_km`` [low, high] (km; None at global reach), ``reaches_orbit`` [low, high],
        ``dominant_input`` (``"burn_time"``, ``"flight_time"`` or ``"pitch_program"``: the
        input whose members lie furthest from the central range), ``by_input_km`` (per input
        its [low, high], or None),
        ``burn_time_scale`` (-) and ``fitted_payload_kg`` (kg) [low, high] over the members,
        ``burn_time_spread`` (-) and the ``members``.
    """
    rc = range_key(members[0])
    by: dict = {}
    ext = {}
    for inp in ("burn_time", "flight_time", "pitch_program"):
        rs = [range_key(m) for m in members if m["role"].startswith(inp)]
        by[inp] = ([None if math.isinf(x) else x for x in (min(rs), max(rs))] if rs else None)
        ext[inp] = max((0.0 if r == rc else abs(r - rc) for r in rs), default=-1.0)
    lo, hi = min(members, key=range_key), max(members, key=range_key)
    return {"max_range_km": [lo["max_range_km"], hi["max_range_km"]],
            "reaches_orbit": [lo["reaches_orbit"], hi["reaches_orbit"]],
            "dominant_input": max(ext, key=lambda k: ext[k]),
            "by_input_km": by,
            "burn_time_scale": [min(m["burn_time_scale"] for m in members),
                                max(m["burn_time_scale"] for m in members)],
            "fitted_payload_kg": [min(m["fitted_payload_kg"] for m in members),
                                  max(m["fitted_payload_kg"] for m in members)],
            "burn_time_spread": spread, "members": members}
