"""The interceptor preset and its reach table (minimum time of flight to every ground range and
altitude), so that feasibility for thousands of threat points is a table look-up.

The flyout (``interceptors.flyout``): a fan of thrust-vector pitch programs from a fixed launcher,
each turning the thrust from an initial to a final elevation during the burn within a
lateral-acceleration limit; then booster separation and the kill vehicle's coast with its own
ballistic coefficient. A point (ground range g, altitude h) is reachable at time t if some fan
member passes there at t with

- the kill vehicle separated, t <= ``max_flyout_time_s`` (endurance), speed >=
  ``min_intercept_speed_m_s`` and dynamic pressure <= ``max_dynamic_pressure_pa`` (seeker
  window), h <= ``kv_max_altitude_km`` (design ceiling);
- the airframe never having flown above ``max_flight_dynamic_pressure_pa`` and never having
  touched the ground before t.

The kill vehicle's divert then widens each reachable point by the end-game displacement
``kv_divert_delta_v_m_s * kv_endgame_s / 2`` (the whole divert spent at constant thrust over the
end game), where the dynamic-pressure and ceiling limits still hold.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from thaadsim.core import _jit
from thaadsim.core import atmosphere as atm
from thaadsim.errors import ThaadsimError
from thaadsim.interceptors.flyout import flyout, flyout_fan
from thaadsim.presets import build, load

__all__ = ["Interceptor", "ReachTable", "flyout_fan", "get_interceptor", "list_interceptors",
           "reach_table"]


@dataclasses.dataclass(frozen=True)
class Interceptor:
    """Interceptor parameters: booster, kill vehicle and the engagement constraints.

    Attributes
    ----------
    name : str
        Preset name.
    launch_mass_kg : float
        Launch mass (kg).
    propellant_kg : float
        Propellant mass (kg), burnt at a constant rate.
    isp_sl_s, isp_vac_s : float
        Specific impulse at sea level and in vacuum (s).
    burn_time_s : float
        Burn time (s).
    diameter_m : float
        Body diameter (m); sets the drag reference area.
    length_m : float
        Length (m); the canister the interceptor must clear before it can steer.
    kill_vehicle_kg : float
        Kill-vehicle mass (kg): what flies on after separation.
    max_flyout_time_s : float
        Longest time of flight to an intercept (s): kill-vehicle endurance.
    max_dynamic_pressure_pa : float
        Highest dynamic pressure at intercept (Pa), the seeker-window limit: sets the lowest
        intercept altitude near the launcher; the kill vehicle separates once below it.
    min_intercept_speed_m_s : float
        Lowest speed at intercept (m/s), for the hit-to-kill end game.
    kv_max_altitude_km : float
        Design ceiling of the kill vehicle (km); default 1000 (no limit).
    min_intercept_altitude_km : float
        Design floor: the lowest intercept altitude the system is stated to engage at (km);
        default 0 (no floor beyond the kinematic ones). Lower-tier presets state theirs.
    launcher_elevation_deg : float
        Elevation of the launcher (deg); default 60. The interceptor leaves the canister along
        it, then pitches over by thrust vectoring (the envelope barely depends on it).
    min_launch_elevation_deg, max_launch_elevation_deg : float
        Span of the initial and final thrust elevations of the flyout fan (deg); defaults 0
        and 89.
    max_lateral_accel_g : float
        Largest lateral acceleration thrust vectoring may give during the burn (g0); default 25.
    max_flight_dynamic_pressure_pa : float
        Highest dynamic pressure the airframe may fly through (Pa); default 1e6. Sets how low
        and flat a flyout may go, hence the floor of the envelope at long range.
    kv_diameter_m : float
        Reference diameter of the kill vehicle after separation (m); default 0.34.
    kv_divert_delta_v_m_s : float
        Kill vehicle's divert velocity budget (m/s); default 300.
    kv_endgame_s : float
        Duration of the end game over which the divert is spent (s); default 5.
    description, notes : str
        Free text.
    sources : tuple of str
        Where the numbers come from.
    """
    name: str
    launch_mass_kg: float
    propellant_kg: float
    isp_sl_s: float
    isp_vac_s: float
    burn_time_s: float
    diameter_m: float
    length_m: float
    kill_vehicle_kg: float
    max_flyout_time_s: float
    max_dynamic_pressure_pa: float
    min_intercept_speed_m_s: float
    kv_max_altitude_km: float = 1000.0
    min_intercept_altitude_km: float = 0.0
    launcher_elevation_deg: float = 60.0
    min_launch_elevation_deg: float = 0.0
    max_launch_elevation_deg: float = 89.0
    max_lateral_accel_g: float = 25.0
    max_flight_dynamic_pressure_pa: float = 1.0e6
    kv_diameter_m: float = 0.34
    kv_divert_delta_v_m_s: float = 300.0
    kv_endgame_s: float = 5.0
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""

    def to_dict(self) -> dict:
        """The preset's parameters (kg, s, m, Pa, m/s, km, deg) and sources."""
        d = dataclasses.asdict(self)
        d["sources"] = list(self.sources)
        return d

    def replace(self, **kw) -> Interceptor:
        """A copy with fields changed.

        Parameters
        ----------
        **kw
            Field names and new values (units as the fields).

        Returns
        -------
        Interceptor
            The modified copy.
        """
        return dataclasses.replace(self, **kw)


def list_interceptors() -> list[Interceptor]:
    """Every interceptor preset and user entry.

    Returns
    -------
    list of Interceptor
        In file order, presets first.
    """
    return [get_interceptor(k) for k in load("interceptors.toml")["interceptor"]]


def get_interceptor(name: str = "thaad") -> Interceptor:
    """An interceptor preset (or user entry) by name.

    Parameters
    ----------
    name : str, optional
        Name, case and surrounding blanks ignored; default ``"thaad"``.

    Returns
    -------
    Interceptor
        The interceptor.

    Raises
    ------
    ThaadsimError
        An unknown name (the error lists the known ones).
    """
    ic = build(Interceptor, load("interceptors.toml")["interceptor"], "interceptor", name,
                 positive=("launch_mass_kg", "propellant_kg", "isp_sl_s", "isp_vac_s",
                           "burn_time_s", "diameter_m", "length_m", "kill_vehicle_kg",
                           "max_flyout_time_s", "max_dynamic_pressure_pa",
                           "min_intercept_speed_m_s", "kv_max_altitude_km", "kv_diameter_m",
                           "max_lateral_accel_g", "max_flight_dynamic_pressure_pa"),
                 bounds={"launcher_elevation_deg": (0.0, 90.0),
                         "min_launch_elevation_deg": (0.0, 90.0),
                         "max_launch_elevation_deg": (0.0, 90.0),
                         "max_flyout_time_s": (1.0, 3600.0), "burn_time_s": (0.1, 600.0),
                         "max_lateral_accel_g": (0.1, 200.0),
                         "kv_divert_delta_v_m_s": (0.0, 10_000.0),
                         "kv_endgame_s": (0.0, 600.0),
                         "min_intercept_altitude_km": (0.0, 1000.0),
                         "isp_sl_s": (1.0, 1000.0), "isp_vac_s": (1.0, 1000.0)})
    if not ic.min_intercept_altitude_km < ic.kv_max_altitude_km:
        raise ThaadsimError("--interceptor-file", f"[interceptor.{ic.name}] "
                                                  "min_intercept_altitude_km must be below "
                                                  "kv_max_altitude_km", ic.name)
    if not ic.propellant_kg + ic.kill_vehicle_kg < ic.launch_mass_kg:
        raise ThaadsimError("--interceptor-file", f"[interceptor.{ic.name}] propellant_kg + "
                                                  "kill_vehicle_kg must be less than "
                                                  "launch_mass_kg", ic.name)
    return ic


@dataclasses.dataclass(frozen=True, repr=False)
class ReachTable:
    """Minimum interceptor time of flight on a (ground range, altitude) grid.

    Attributes
    ----------
    interceptor : Interceptor
        The interceptor.
    g_step_m, h_step_m : float
        Cell size in ground range and altitude (m).
    tof_s : ndarray, shape (n_g, n_h)
        Minimum time of flight to each cell (s); inf where out of reach.
    speed_m_s : ndarray, shape (n_g, n_h)
        Interceptor speed recorded in each reachable cell (m/s); 0 elsewhere.
    kinematic_ceiling_km : float
        Highest altitude the kinematics alone reach within the table (km), before the
        kill vehicle's design ceiling.
    """

    interceptor: Interceptor
    g_step_m: float
    h_step_m: float
    tof_s: np.ndarray
    speed_m_s: np.ndarray
    kinematic_ceiling_km: float = float("nan")

    def __repr__(self) -> str:
        e = self.to_dict()
        return (f"<ReachTable {self.interceptor.name}: {e['max_ground_range_km']:.0f} km range, "
                f"{e['min_altitude_km']:.0f}-{e['max_altitude_km']:.0f} km altitude>")

    def to_dict(self) -> dict:
        """The engagement envelope.

        Returns
        -------
        dict
            ``max_ground_range_km``, ``max_altitude_km`` and ``min_altitude_km`` (km),
            ``kinematic_ceiling_km`` (the ceiling the kinematics alone would give, km) and
            ``max_flyout_time_s`` (s).
        """
        ok = np.isfinite(self.tof_s)
        gi, hi = np.nonzero(ok)
        return {"max_ground_range_km": float(gi.max() * self.g_step_m / 1e3),
                "max_altitude_km": float(hi.max() * self.h_step_m / 1e3),
                "min_altitude_km": float(hi.min() * self.h_step_m / 1e3),
                "kinematic_ceiling_km": self.kinematic_ceiling_km,
                "max_flyout_time_s": self.interceptor.max_flyout_time_s}

    def min_intercept_altitude_km(self, ground_km) -> np.ndarray:
        """Lowest altitude the interceptor can intercept at, by ground range (the floor).

        Parameters
        ----------
        ground_km : array_like
            Ground range from the launchers (km); read at the nearest cell.

        Returns
        -------
        ndarray
            Altitude (km), of the input's shape; NaN where nothing is in reach.
        """
        return self._altitude_bound(ground_km, lowest=True)

    def max_intercept_altitude_km(self, ground_km) -> np.ndarray:
        """Highest altitude the interceptor can intercept at, by ground range.

        Parameters
        ----------
        ground_km : array_like
            Ground range from the launchers (km); read at the nearest cell.

        Returns
        -------
        ndarray
            Altitude (km), of the input's shape; NaN where nothing is in reach.
        """
        return self._altitude_bound(ground_km, lowest=False)

    def _altitude_bound(self, ground_km, lowest: bool) -> np.ndarray:
        ok = np.isfinite(self.tof_s)
        idx = np.arange(ok.shape[1], dtype=float) * self.h_step_m / 1e3
        col = np.where(ok, idx, np.inf if lowest else -np.inf)
        bound = col.min(axis=1) if lowest else col.max(axis=1)
        bound = np.where(np.isfinite(bound), bound, np.nan)
        gi = np.rint(np.asarray(ground_km, float) * 1e3 / self.g_step_m).astype(np.int64)
        inside = (gi >= 0) & (gi < ok.shape[0])
        out = np.full(np.shape(gi), np.nan)
        out[inside] = bound[gi[inside]]
        return out

    def altitude_window(self, step_km: float = 10.0) -> list[dict]:
        """The intercept altitude window by ground range: the envelope's floor and ceiling.

        Parameters
        ----------
        step_km : float, optional
            Ground-range spacing of the rows (km); default 10.

        Returns
        -------
        list of dict
            One row per ground range from 0 to the envelope's edge: ``ground_range_km``,
            ``min_altitude_km`` and ``max_altitude_km`` (km; None where nothing is in reach) and
            ``min_tof_s`` (the shortest time of flight to any altitude at that range, s).
        """
        edge = self.to_dict()["max_ground_range_km"]
        rows = []
        for gk in np.arange(0.0, edge + 1e-9, step_km):
            lo = float(self.min_intercept_altitude_km(gk))
            hi = float(self.max_intercept_altitude_km(gk))
            gi = int(round(gk * 1e3 / self.g_step_m))
            tmin = float(self.tof_s[gi].min())
            rows.append({"ground_range_km": float(gk),
                         "min_altitude_km": None if math.isnan(lo) else lo,
                         "max_altitude_km": None if math.isnan(hi) else hi,
                         "min_tof_s": tmin if math.isfinite(tmin) else None})
        return rows

    def tof(self, ground_m, alt_m) -> np.ndarray:
        """Time of flight to points (nearest cell).

        Parameters
        ----------
        ground_m : array_like
            Ground range from the launchers (m).
        alt_m : array_like
            Altitude (m); broadcast with ``ground_m``.

        Returns
        -------
        ndarray
            Time of flight (s); inf outside the envelope or the table.
        """
        gi = np.rint(np.asarray(ground_m, float) / self.g_step_m).astype(np.int64)
        hi = np.rint(np.asarray(alt_m, float) / self.h_step_m).astype(np.int64)
        ok = (gi >= 0) & (gi < self.tof_s.shape[0]) & (hi >= 0) & (hi < self.tof_s.shape[1])
        out = np.full(np.shape(gi), np.inf)
        out[ok] = self.tof_s[gi[ok], hi[ok]]
        return out


def _admissible(ic: Interceptor, f) -> np.ndarray:
    """Fan samples where an intercept is allowed, shape (n, nt)."""
    airframe = np.maximum.accumulate(f.q, axis=1) <= ic.max_flight_dynamic_pressure_pa
    aloft = np.minimum.accumulate(f.h, axis=1) >= -1.0
    return (f.separated & airframe & aloft & (f.v >= ic.min_intercept_speed_m_s)
            & (f.q <= ic.max_dynamic_pressure_pa) & (f.t <= ic.max_flyout_time_s)
            & (f.h >= 0) & (f.g >= 0))


def _fill_holes(tof: np.ndarray, spd: np.ndarray):
    """Fill single-cell gaps between fan members with the neighbours' minimum time."""
    from scipy.ndimage import maximum_filter, minimum_filter

    nb = minimum_filter(tof, size=3, mode="constant", cval=np.inf)
    holes = ~np.isfinite(tof) & np.isfinite(nb)
    # only inside the envelope: a hole must have reachable cells on both sides in altitude
    up = np.isfinite(np.roll(nb, 1, axis=1)) & np.isfinite(np.roll(nb, -1, axis=1))
    fill = holes & up
    return np.where(fill, nb, tof), np.where(fill, maximum_filter(spd, size=3), spd)


def _divert(ic: Interceptor, tof: np.ndarray, spd: np.ndarray, step_m: float):
    """Widen every reachable cell by the kill vehicle's end-game divert displacement.

    The whole divert budget spent at constant thrust over the end game moves the intercept
    point by d = dv * t_endgame / 2 off the coast trajectory; a cell within d of a reachable
    cell is reachable at the same time and speed if its dynamic pressure and the design
    ceiling allow it.
    """
    r = 0.5 * ic.kv_divert_delta_v_m_s * ic.kv_endgame_s / step_m  # cells
    k = int(math.floor(r))
    if k < 1:
        return tof, spd
    ng, nh = tof.shape
    rho = atm.density(np.arange(nh) * step_m)
    top = int(math.floor(ic.kv_max_altitude_km * 1e3 / step_m + 1e-9))
    out_t, out_v = tof.copy(), spd.copy()
    for di in range(-k, k + 1):
        for dj in range(-k, k + 1):
            if (di == 0 and dj == 0) or di * di + dj * dj > r * r:
                continue
            src_t = np.full_like(tof, np.inf)
            src_v = np.zeros_like(spd)
            gs, gd = slice(max(-di, 0), ng - max(di, 0)), slice(max(di, 0), ng - max(-di, 0))
            hs, hd = slice(max(-dj, 0), nh - max(dj, 0)), slice(max(dj, 0), nh - max(-dj, 0))
            src_t[gd, hd] = tof[gs, hs]
            src_v[gd, hd] = spd[gs, hs]
            q = 0.5 * rho[None, :] * src_v**2
            better = (src_t < out_t) & (q <= ic.max_dynamic_pressure_pa)
            better[:, top + 1:] = False
            out_t = np.where(better, src_t, out_t)
            out_v = np.where(better, src_v, out_v)
    return out_t, out_v


_ANY_Q_PA = 1.0e6  # the flyout does not depend on the airframe's q limit: one fan serves all
FAN_HORIZON_S = 120.0  # fans are flown at least this long (the endurance's declared high value)


@lru_cache(maxsize=4)
def _fan(ic: Interceptor, n_fan: int, n_initial: int):
    """The flyout fan of ``reach_table``, the running maximum of its dynamic pressure and the
    samples admissible whatever the limits (cached: the airframe limit, the intercept speed, the
    endurance up to ``FAN_HORIZON_S``, the ceiling and the divert only mask or widen the fan, so
    uncertainty samples of them share one fan, ~1 s; the seeker-window pressure sets the kill
    vehicle's separation and so the flight itself).

    Returns
    -------
    f : Flyout
        The fan (fixed-step RK4: the same samples whatever the horizon).
    q_run : ndarray of float
        Highest dynamic pressure flown so far, per sample (Pa).
    aloft : ndarray of bool
        Separated, never below the ground so far, above ground, at a non-negative range.
    """
    span = np.linspace(ic.min_launch_elevation_deg, ic.max_launch_elevation_deg, n_fan)
    first = np.linspace(ic.min_launch_elevation_deg, ic.max_launch_elevation_deg, n_initial)
    f = flyout(ic, np.tile(span, first.size), np.repeat(first, span.size))
    q_run = np.maximum.accumulate(f.q, axis=1)
    aloft = (f.separated & (np.minimum.accumulate(f.h, axis=1) >= -1.0) & (f.h >= 0)
             & (f.g >= 0))
    for a in (q_run, aloft):
        a.flags.writeable = False
    return f, q_run, aloft


@lru_cache(maxsize=8)
def reach_table(ic: Interceptor, g_max_km: float = 300.0, h_max_km: float = 250.0,
                step_km: float = 1.0, n_fan: int = 91, n_initial: int = 10) -> ReachTable:
    """The reach table of an interceptor (cached per arguments).

    The fan spans ``n_initial`` initial by ``n_fan`` final thrust elevations, each over
    [``min_launch_elevation_deg``, ``max_launch_elevation_deg``]. A point is reachable at time t
    if some member passes there at t with the kill vehicle separated, t <=
    ``max_flyout_time_s``, speed >= ``min_intercept_speed_m_s``, dynamic pressure <=
    ``max_dynamic_pressure_pa`` and altitude <= ``kv_max_altitude_km``, after a flight that
    never exceeded ``max_flight_dynamic_pressure_pa`` nor touched the ground; single-cell gaps
    between fan members are filled from their neighbours, then the kill vehicle's divert
    widens the reachable set (see the module docstring).

    Parameters
    ----------
    ic : Interceptor
        The interceptor.
    g_max_km : float, optional
        Largest ground range of the table (km); default 300.
    h_max_km : float, optional
        Largest altitude of the table (km); default 250.
    step_km : float, optional
        Cell size (km); default 1.
    n_fan : int, optional
        Final thrust elevations in the fan; default 91 (1 deg apart for the THAAD preset).
    n_initial : int, optional
        Initial thrust elevations in the fan; default 10 (about 10 deg apart).

    Returns
    -------
    ReachTable
        The table (also kept on disk beside the compiled kernels, keyed by the interceptor,
        the arguments and the sources that compute it).
    """
    name = table_name(ic, g_max_km, h_max_km, step_km, n_fan, n_initial) if _is_preset(ic) \
        else None
    saved = None if name is None else _jit.load_named(name)
    if saved is not None:  # this interceptor's table from an earlier run (fans cost ~1 s each)
        return ReachTable(ic, float(saved["step"]), float(saved["step"]), saved["tof"],
                          saved["spd"], float(saved["kin_ceiling"]))
    table = _reach_table(ic, g_max_km, h_max_km, step_km, n_fan, n_initial)
    if name is not None:
        _jit.save_named(name, table_arrays(table))
    return table


def table_arrays(table: ReachTable) -> dict[str, np.ndarray]:
    """What is kept of a reach table (``reach_table`` rebuilds it from these)."""
    return {"tof": table.tof_s, "spd": table.speed_m_s, "step": np.asarray(table.g_step_m),
            "kin_ceiling": np.asarray(table.kinematic_ceiling_km)}


def table_name(ic: Interceptor, *args) -> str:
    """The name under which ``reach_table(ic, *args)`` is kept (``core._jit.array_name``): its
    inputs and the sources that compute it."""
    return _jit.array_name("reach", repr((ic, *args)),
                           (Path(__file__), Path(__file__).with_name("flyout.py")))


def _is_preset(ic: Interceptor) -> bool:
    """Whether ``ic`` is a preset (or user entry) as loaded, not a variant of one."""
    try:
        return get_interceptor(ic.name) == ic
    except ThaadsimError:
        return False


def _reach_table(ic: Interceptor, g_max_km: float, h_max_km: float, step_km: float,
                 n_fan: int, n_initial: int) -> ReachTable:
    key = ic.replace(max_flight_dynamic_pressure_pa=_ANY_Q_PA, min_intercept_speed_m_s=0.0,
                     kv_max_altitude_km=0.0, min_intercept_altitude_km=0.0,
                     kv_divert_delta_v_m_s=0.0,
                     max_flyout_time_s=max(ic.max_flyout_time_s, FAN_HORIZON_S))
    f, q_run, aloft = _fan(key, n_fan, n_initial)
    step = step_km * 1e3
    ng = int(round(g_max_km / step_km)) + 1
    nh = int(round(h_max_km / step_km)) + 1
    tof = np.full((ng, nh), np.inf)
    spd = np.zeros((ng, nh))
    tt = np.broadcast_to(f.t, f.g.shape)
    ok = (aloft & (q_run <= ic.max_flight_dynamic_pressure_pa)  # = _admissible(ic, f)
          & (f.v >= ic.min_intercept_speed_m_s) & (f.q <= ic.max_dynamic_pressure_pa)
          & (f.t <= ic.max_flyout_time_s))
    gi = np.rint(f.g[ok] / step).astype(np.int64)
    hi = np.rint(f.h[ok] / step).astype(np.int64)
    inside = (gi < ng) & (hi < nh)
    gi, hi, tv, vv = gi[inside], hi[inside], tt[ok][inside], f.v[ok][inside]
    kin_ceiling = float(hi.max() * step_km) if hi.size else float("nan")
    design = hi <= ic.kv_max_altitude_km / step_km + 1e-9
    gi, hi, tv, vv = gi[design], hi[design], tv[design], vv[design]
    order = np.argsort(-tv, kind="stable")  # slowest first: the fastest sample writes last
    gi, hi, tv, vv = gi[order], hi[order], tv[order], vv[order]
    tof[gi, hi] = tv
    spd[gi, hi] = vv
    tof, spd = _fill_holes(tof, spd)
    tof, spd = _divert(ic, tof, spd, step)
    if ic.min_intercept_altitude_km > 0:  # the stated design floor (lower-tier presets)
        floor = int(math.ceil(ic.min_intercept_altitude_km / step_km - 1e-9))
        tof[:, :floor] = np.inf
        spd[:, :floor] = 0.0
    if not np.isfinite(tof).any():
        raise ThaadsimError("interceptor", f"{ic.name} reaches no intercept point within its "
                                           "constraints (speed, dynamic pressure, endurance, "
                                           "ceiling)", ic.name)
    return ReachTable(ic, step, step, tof, spd, kin_ceiling)
