"""Interceptor flyout and the reach table (minimum time of flight to every ground range and
altitude), so that feasibility for thousands of threat points is a table look-up.

Flyout model: planar flight over a spherical Earth (radius R_MEAN), point-mass gravity, US 1976
drag with the boost-phase Cd(Mach) table. The launcher fires at a fixed elevation; during the burn
the thrust elevation turns linearly from the launcher's to a final elevation (the fan parameter,
from nearly horizontal to nearly vertical), then the interceptor coasts; a fan of final
elevations covers the envelope. A point (ground range g, altitude
h) is reachable at time t if some fan member passes there at t <= max_flyout_time_s with speed >=
min_intercept_speed_m_s and dynamic pressure <= max_dynamic_pressure_pa. The interceptor is
assumed to be able to steer to any member of the fan (the kill vehicle's end-game divert is not
modelled).
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

import numpy as np

from thaadsim.core import atmosphere as atm
from thaadsim.core import earth as E
from thaadsim.core.aero import CD_TABLE, MACH_TABLE
from thaadsim.core.constants import G0_M_S2, P_SEA_LEVEL_PA
from thaadsim.errors import ThaadsimError
from thaadsim.presets import build, load

G0 = G0_M_S2


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
        Length (m); descriptive only.
    kill_vehicle_kg : float
        Kill-vehicle mass (kg); descriptive only (the flyout keeps the burnt-out booster).
    max_flyout_time_s : float
        Longest time of flight to an intercept (s): kill-vehicle endurance.
    max_dynamic_pressure_pa : float
        Highest dynamic pressure at intercept (Pa): sets the lowest intercept altitude.
    min_intercept_speed_m_s : float
        Lowest speed at intercept (m/s), for the hit-to-kill end game.
    kv_max_altitude_km : float
        Design ceiling of the kill vehicle (km); default 1000 (no limit).
    launcher_elevation_deg : float
        Elevation of the launcher rail (deg); default 60.
    min_launch_elevation_deg, max_launch_elevation_deg : float
        Range of the final thrust elevations of the flyout fan (deg); defaults 0 and 89.
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
    launcher_elevation_deg: float = 60.0
    min_launch_elevation_deg: float = 0.0
    max_launch_elevation_deg: float = 89.0
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
                           "min_intercept_speed_m_s", "kv_max_altitude_km"),
                 bounds={"launcher_elevation_deg": (0.0, 90.0),
                         "min_launch_elevation_deg": (0.0, 90.0),
                         "max_launch_elevation_deg": (0.0, 90.0),
                         "max_flyout_time_s": (1.0, 3600.0), "burn_time_s": (0.1, 600.0)})
    if not ic.propellant_kg + ic.kill_vehicle_kg < ic.launch_mass_kg:
        raise ThaadsimError("--interceptor-file", f"[interceptor.{ic.name}] propellant_kg + "
                                                  "kill_vehicle_kg must be less than "
                                                  "launch_mass_kg", ic.name)
    return ic


def flyout_fan(ic: Interceptor, elevations_deg, dt: float = 0.1):
    """Integrate a fan of flyouts, one per final thrust elevation (RK4, vectorized).

    Planar flight over a spherical Earth (mean radius) with point-mass gravity and U.S. Standard
    Atmosphere 1976 drag with the boost-phase Cd(Mach) table. During the burn the thrust
    elevation turns linearly from the launcher's to the final elevation; then the interceptor
    coasts.

    Parameters
    ----------
    ic : Interceptor
        The interceptor.
    elevations_deg : array_like, shape (n,)
        Final thrust elevations above the local horizontal (deg).
    dt : float, optional
        Integration step (s); default 0.1.

    Returns
    -------
    t : ndarray, shape (nt,)
        Time since launch (s), up to ``max_flyout_time_s``.
    g : ndarray, shape (n, nt)
        Ground range from the launcher (m).
    h : ndarray, shape (n, nt)
        Altitude (m).
    v : ndarray, shape (n, nt)
        Speed (m/s).
    q : ndarray, shape (n, nt)
        Dynamic pressure (Pa).
    """
    el = np.radians(np.asarray(elevations_deg, float))
    el0 = math.radians(ic.launcher_elevation_deg)
    n = el.size
    R = E.R_MEAN_M
    mdot = ic.propellant_kg / ic.burn_time_s
    area = math.pi * ic.diameter_m**2 / 4
    nt = int(math.ceil(ic.max_flyout_time_s / dt)) + 1
    # state: x, y (y up at the launcher, Earth centre at (0, -R)), vx, vy
    s = np.zeros((n, 4))
    s[:, 2] = 1.0 * math.cos(el0)
    s[:, 3] = 1.0 * math.sin(el0)

    def deriv(t, s):
        x, y, vx, vy = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
        ry = y + R
        r = np.hypot(x, ry)
        h = r - R
        v = np.hypot(vx, vy)
        _, p, rho, c = atm.state_arrays(np.maximum(h, 0.0))
        burning = t < ic.burn_time_s
        m = ic.launch_mass_kg - mdot * min(t, ic.burn_time_s)
        thrust = np.where(burning, mdot * G0 * (ic.isp_vac_s - (ic.isp_vac_s - ic.isp_sl_s)
                                                * p / P_SEA_LEVEL_PA), 0.0)
        cd = np.interp(v / c, MACH_TABLE, CD_TABLE)
        drag = 0.5 * rho * v * v * cd * area
        # thrust elevation above the local horizontal, turned into the plane's axes
        th = el0 + (el - el0) * min(t / ic.burn_time_s, 1.0)
        ux, uy = x / r, ry / r  # local up
        hx, hy = uy, -ux  # local horizontal, downrange
        tx = np.cos(th) * hx + np.sin(th) * ux
        ty = np.cos(th) * hy + np.sin(th) * uy
        ax = (thrust * tx - drag * vx / v) / m - E.MU_M3_S2 * x / r**3
        ay = (thrust * ty - drag * vy / v) / m - E.MU_M3_S2 * ry / r**3
        return np.stack([vx, vy, ax, ay], axis=1)

    t_arr = np.arange(nt) * dt
    out = np.empty((nt, n, 4))
    out[0] = s
    for k in range(nt - 1):
        t = t_arr[k]
        k1 = deriv(t, s)
        k2 = deriv(t + dt / 2, s + dt / 2 * k1)
        k3 = deriv(t + dt / 2, s + dt / 2 * k2)
        k4 = deriv(t + dt, s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out[k + 1] = s
    x, y, vx, vy = (out[..., i].T for i in range(4))
    r = np.hypot(x, y + R)
    h = r - R
    g = R * np.arctan2(x, y + R)
    v = np.hypot(vx, vy)
    q = 0.5 * atm.density(np.maximum(h, 0.0)) * v * v
    return t_arr, g, h, v, q


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


@lru_cache(maxsize=8)
def reach_table(ic: Interceptor, g_max_km: float = 300.0, h_max_km: float = 250.0,
                step_km: float = 1.0, n_fan: int = 721) -> ReachTable:
    """The reach table of an interceptor (cached per arguments).

    A point is reachable at time t if some member of the flyout fan passes there at
    t <= ``max_flyout_time_s`` with speed >= ``min_intercept_speed_m_s``, dynamic pressure
    <= ``max_dynamic_pressure_pa`` and altitude <= ``kv_max_altitude_km``; single-cell gaps
    between fan members are filled from their neighbours.

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
        Flyouts in the fan of final thrust elevations; default 721.

    Returns
    -------
    ReachTable
        The table.
    """
    els = np.linspace(ic.min_launch_elevation_deg, ic.max_launch_elevation_deg, n_fan)
    t, g, h, v, q = flyout_fan(ic, els)
    step = step_km * 1e3
    ng = int(round(g_max_km / step_km)) + 1
    nh = int(round(h_max_km / step_km)) + 1
    tof = np.full((ng, nh), np.inf)
    spd = np.zeros((ng, nh))
    tt = np.broadcast_to(t, g.shape)
    ok = ((v >= ic.min_intercept_speed_m_s) & (q <= ic.max_dynamic_pressure_pa)
          & (tt <= ic.max_flyout_time_s) & (h >= 0) & (g >= 0))
    gi = np.rint(g[ok] / step).astype(np.int64)
    hi = np.rint(h[ok] / step).astype(np.int64)
    inside = (gi < ng) & (hi < nh)
    gi, hi, tv, vv = gi[inside], hi[inside], tt[ok][inside], v[ok][inside]
    kin_ceiling = float(hi.max() * step_km) if hi.size else float("nan")
    design = hi <= ic.kv_max_altitude_km / step_km
    gi, hi, tv, vv = gi[design], hi[design], tv[design], vv[design]
    np.minimum.at(tof, (gi, hi), tv)
    spd[gi, hi] = vv
    # fill single-cell gaps between fan members with the neighbours' minimum
    from scipy.ndimage import minimum_filter

    nb = minimum_filter(tof, size=3, mode="constant", cval=np.inf)
    holes = ~np.isfinite(tof) & np.isfinite(nb)
    # only inside the envelope: a hole must have reachable cells on both sides in altitude
    up = np.isfinite(np.roll(nb, 1, axis=1)) & np.isfinite(np.roll(nb, -1, axis=1))
    tof = np.where(holes & up, nb, tof)
    if not np.isfinite(tof).any():
        raise ThaadsimError("interceptor", f"{ic.name} reaches no intercept point within its "
                                           "constraints (speed, dynamic pressure, endurance, "
                                           "ceiling)", ic.name)
    return ReachTable(ic, step, step, tof, spd, kin_ceiling)
