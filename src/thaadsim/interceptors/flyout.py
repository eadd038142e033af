"""Interceptor flyout: a fan of thrust-vector pitch programs, booster separation and the kill
vehicle's coast, integrated together (RK4, vectorised over the fan).

Model (planar flight over a spherical Earth of mean radius, point-mass gravity, U.S. Standard
Atmosphere 1976, the boost-phase Cd(Mach) table):

1. **Launcher.** The interceptor leaves its canister along the launcher's elevation; it cannot
   steer until its tail clears the canister (length ``length_m``, constant acceleration from
   rest: about 0.3 s).
2. **Pitch program (thrust vector control).** Each fan member commands a thrust elevation above
   the local horizontal that turns linearly in time from an initial to a final value over the
   burn (the initial one is reached by a pitch-over right after the canister, the final one at
   burnout). The thrust may point off the velocity only as far as the lateral-acceleration
   limit allows: T sin(alpha) / m <= ``max_lateral_accel_g`` (thrust vectoring only; the
   airframe's aerodynamic lift is not modelled). A fan of (initial, final) pairs spans steep
   climbs, early pitch-overs and late turns; the reach table keeps, for every point, the fastest
   member that obeys the limits.
3. **Separation.** After burnout the booster and kill vehicle coast together until the dynamic
   pressure has fallen to the seeker-window limit ``max_dynamic_pressure_pa`` (at burnout if it
   already has); then the kill vehicle (``kill_vehicle_kg``, reference diameter
   ``kv_diameter_m``, the same Cd(Mach) table) continues alone with its own, lower, ballistic
   coefficient. Only a separated kill vehicle can intercept.

The airframe limits (``max_flight_dynamic_pressure_pa``) and the intercept constraints are
applied by ``reach.reach_table``; this module only flies the fan.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np

from thaadsim.core import atmosphere as atm
from thaadsim.core import earth as E
from thaadsim.core.aero import SLENDER_CD_TABLE as CD_TABLE
from thaadsim.core.aero import SLENDER_MACH_TABLE as MACH_TABLE
from thaadsim.core.constants import G0_M_S2, P_SEA_LEVEL_PA

if TYPE_CHECKING:
    from thaadsim.interceptors.reach import Interceptor

G0 = G0_M_S2


@dataclasses.dataclass(frozen=True)
class Flyout:
    """A fan of flyouts sampled every ``dt``.

    Attributes
    ----------
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
    separated : ndarray of bool, shape (n, nt)
        Whether the kill vehicle flies alone (after separation).
    initial_deg, final_deg : ndarray, shape (n,)
        Initial and final thrust elevation of each member (deg).
    """

    t: np.ndarray
    g: np.ndarray
    h: np.ndarray
    v: np.ndarray
    q: np.ndarray
    separated: np.ndarray
    initial_deg: np.ndarray
    final_deg: np.ndarray


def canister_exit_s(ic: Interceptor) -> float:
    """Time for the interceptor's tail to clear its canister (s).

    Constant sea-level thrust from rest along the launcher, against gravity's component along
    it: t = sqrt(2 L / a), L the interceptor's length.

    Parameters
    ----------
    ic : Interceptor
        The interceptor.

    Returns
    -------
    float
        Time (s); about 0.3 s for the THAAD preset.
    """
    thrust = ic.propellant_kg / ic.burn_time_s * G0 * ic.isp_sl_s
    a = thrust / ic.launch_mass_kg - G0 * math.sin(math.radians(ic.launcher_elevation_deg))
    return math.sqrt(2.0 * ic.length_m / max(a, 1e-3))


def kv_ballistic_coefficient(ic: Interceptor, mach: float = 8.0) -> float:
    """The kill vehicle's ballistic coefficient m / (Cd A) after separation (kg/m^2).

    Parameters
    ----------
    ic : Interceptor
        The interceptor.
    mach : float, optional
        Mach number at which Cd is read from the boost-phase table; default 8.

    Returns
    -------
    float
        Ballistic coefficient (kg/m^2); about 2,100 kg/m^2 for the THAAD preset at Mach 8.
    """
    cd = float(np.interp(mach, MACH_TABLE, CD_TABLE))
    return ic.kill_vehicle_kg / (cd * math.pi * ic.kv_diameter_m**2 / 4)


def flyout(ic: Interceptor, final_deg, initial_deg=None, dt: float = 0.1) -> Flyout:
    """Integrate a fan of flyouts (RK4, vectorised over the fan).

    Parameters
    ----------
    ic : Interceptor
        The interceptor.
    final_deg : array_like, shape (n,)
        Thrust elevation at burnout above the local horizontal (deg).
    initial_deg : array_like, shape (n,), optional
        Thrust elevation right after the canister (deg); default the launcher's elevation (no
        pitch-over: the thrust turns from the launcher's line to ``final_deg``).
    dt : float, optional
        Integration step (s); default 0.1.

    Returns
    -------
    Flyout
        Time histories of every member.
    """
    el1 = np.radians(np.atleast_1d(np.asarray(final_deg, float)))
    el0_launcher = math.radians(ic.launcher_elevation_deg)
    el0 = (np.full(el1.shape, el0_launcher) if initial_deg is None
           else np.radians(np.broadcast_to(np.asarray(initial_deg, float), el1.shape)))
    n = el1.size
    R = E.R_MEAN_M
    mdot = ic.propellant_kg / ic.burn_time_s
    area_stack = math.pi * ic.diameter_m**2 / 4
    area_kv = math.pi * ic.kv_diameter_m**2 / 4
    m_burnout = ic.launch_mass_kg - ic.propellant_kg
    a_lat = ic.max_lateral_accel_g * G0
    t_exit = canister_exit_s(ic)
    nt = int(math.ceil(ic.max_flyout_time_s / dt)) + 1
    # state: x, y (y up at the launcher, Earth centre at (0, -R)), vx, vy
    s = np.zeros((n, 4))
    s[:, 2] = math.cos(el0_launcher)
    s[:, 3] = math.sin(el0_launcher)
    sep = np.zeros(n, dtype=bool)
    rail = (math.cos(el0_launcher), math.sin(el0_launcher))

    def deriv(t, s):
        x, y, vx, vy = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
        ry = y + R
        r = np.hypot(x, ry)
        v = np.hypot(vx, vy)
        _, p, rho, c = atm.state_arrays(np.maximum(r - R, 0.0))
        ex, ey = vx / v, vy / v  # along the velocity
        if t < ic.burn_time_s:
            m = ic.launch_mass_kg - mdot * t
            area = area_stack
            thrust = mdot * G0 * (ic.isp_vac_s - (ic.isp_vac_s - ic.isp_sl_s) * p / P_SEA_LEVEL_PA)
            sa = np.zeros(n)
            if t >= t_exit:
                ux, uy = x / r, ry / r  # local up; local horizontal downrange is (uy, -ux)
                gamma = np.arctan2(ex * ux + ey * uy, ex * uy - ey * ux)
                theta = el0 + (el1 - el0) * (t / ic.burn_time_s)
                lim = np.minimum(a_lat * m / thrust, 1.0)
                sa = np.clip(np.sin(theta - gamma), -lim, lim)
            ca = np.sqrt(1.0 - sa * sa)
            fx = thrust * (ca * ex - sa * ey)  # velocity turned by alpha towards up
            fy = thrust * (ca * ey + sa * ex)
        else:
            m = np.where(sep, ic.kill_vehicle_kg, m_burnout)
            area = np.where(sep, area_kv, area_stack)
            fx = fy = np.zeros(n)
        cd = np.interp(v / c, MACH_TABLE, CD_TABLE)
        drag = 0.5 * rho * v * v * cd * area
        ax = (fx - drag * ex) / m - E.MU_M3_S2 * x / r**3
        ay = (fy - drag * ey) / m - E.MU_M3_S2 * ry / r**3
        if t < t_exit:  # the canister carries the lateral load: motion along the launcher only
            along = ax * rail[0] + ay * rail[1]
            ax, ay = along * rail[0], along * rail[1]
        return np.stack([vx, vy, ax, ay], axis=1)

    t_arr = np.arange(nt) * dt
    out = np.empty((nt, n, 4))
    seps = np.zeros((nt, n), dtype=bool)
    out[0] = s
    for k in range(nt - 1):
        t = t_arr[k]
        k1 = deriv(t, s)
        k2 = deriv(t + dt / 2, s + dt / 2 * k1)
        k3 = deriv(t + dt / 2, s + dt / 2 * k2)
        k4 = deriv(t + dt, s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out[k + 1] = s
        if t + dt >= ic.burn_time_s - 1e-9:  # separation, checked once per step
            h_now = np.hypot(s[:, 0], s[:, 1] + R) - R
            q_now = 0.5 * atm.density(np.maximum(h_now, 0.0)) * (s[:, 2]**2 + s[:, 3]**2)
            sep |= q_now <= ic.max_dynamic_pressure_pa
        seps[k + 1] = sep
    x, y, vx, vy = (out[..., i].T for i in range(4))
    r = np.hypot(x, y + R)
    h = r - R
    v = np.hypot(vx, vy)
    q = 0.5 * atm.density(np.maximum(h, 0.0)) * v * v
    return Flyout(t_arr, R * np.arctan2(x, y + R), h, v, q, seps.T, np.degrees(el0),
                  np.degrees(el1))


def flyout_fan(ic: Interceptor, elevations_deg, dt: float = 0.1, initial_deg=None):
    """Integrate a fan of flyouts, one per final thrust elevation (the tuple form of ``flyout``).

    Parameters
    ----------
    ic : Interceptor
        The interceptor.
    elevations_deg : array_like, shape (n,)
        Final thrust elevations above the local horizontal (deg).
    dt : float, optional
        Integration step (s); default 0.1.
    initial_deg : array_like, shape (n,), optional
        Initial thrust elevations (deg); default the launcher's.

    Returns
    -------
    t : ndarray, shape (nt,)
        Time since launch (s), up to ``max_flyout_time_s``.
    g, h, v, q : ndarray, shape (n, nt)
        Ground range (m), altitude (m), speed (m/s) and dynamic pressure (Pa).
    """
    f = flyout(ic, elevations_deg, initial_deg, dt)
    return f.t, f.g, f.h, f.v, f.q
