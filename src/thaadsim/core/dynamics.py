"""Equations of motion of a missile (numba): thrust from up to three stages with the pitch
program, J2 gravity, drag on the air-relative velocity with Cd(Mach) during the boost and the
reentry vehicle's ballistic coefficient after it, and lift for quasi-ballistic reentry vehicles.

Pitch program (as flown missiles and standard analyses do): a vertical rise to ``t_vertical``,
a pitch-over ("kick") in which the thrust elevation falls linearly from 90 deg to
``theta_final`` at ``t_pitch_end``, at fixed azimuth from local north, then a gravity turn
through all stages: thrust along the Earth-relative velocity (zero angle of attack), so the
trajectory's shape is set by the kick and gravity does the turning without steering losses.
The alternative ``programmed`` program (``hold`` = 1) is the simpler one of earlier analyses:
the elevation falls linearly over the whole first-stage burn (``t_pitch_end`` = its end) and is
held there; upper stages fly the gravity turn. It steers against gravity, so it loses range; the
two bracket the unknown programs of real missiles (``analysis.loft2range`` uses both).

Lift (quasi-ballistic vehicles such as the KN-23): after burnout, below ``pullup_alt`` on the
way down, the vehicle pulls up in the vertical plane (bank 0): the lift-to-drag ratio is
``lift_to_drag`` while it descends (or flies level) and falls linearly to 0 at a climb of
``_PULLUP_BAND_RAD`` (so a shallow climb below ``pullup_alt`` carries some lift too): a smooth
pull-up into a near-level glide, held while the dynamic pressure allows.

``deriv`` is the right-hand side the integrator (``core.integrate``) steps; it is public so
that the benchmark can integrate the same physics with scipy. Layouts and units: see
``core.integrate``.

References: [US76] U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.core._jit import njit
from thaadsim.core.atmosphere import G0, state
from thaadsim.core.constants import P_SEA_LEVEL_PA
from thaadsim.core.earth import geodetic_alt_lat_fast, gravity_j2

# Input columns (layouts above): one row of stages, guid, earth
_STAGE_M_PROP, _STAGE_M_DRY, _STAGE_ISP_SL, _STAGE_ISP_VAC, _STAGE_T_BURN, _STAGE_AREA = range(6)
(_GUID_T_VERTICAL, _GUID_THETA_FINAL, _GUID_AZIMUTH, _GUID_T_CUTOFF, _GUID_T_PITCH_END,
 _GUID_LIFT_TO_DRAG, _GUID_PULLUP_ALT, _GUID_HOLD) = range(8)
NGUID = 8
_EARTH_A, _EARTH_F, _EARTH_MU, _EARTH_RE_J2, _EARTH_J2, _EARTH_OMEGA = range(6)

# Physics
_P_SL_PA = P_SEA_LEVEL_PA  # sea-level pressure [US76], for the isp blend
_ATMOSPHERE_TOP_M = 1.0e6  # top of [US76] (core/atmosphere.py covers 0-1000 km): no drag above
_PULLUP_BAND_RAD = 0.0873  # assumption: 5 deg, the flight-path band over which lift is
# commanded from zero to its maximum (a proportional pull-up that keeps the equations smooth)
_SOUND_SPEED_DEFAULT_M_S = 340.0  # assumption: sea-level value, rounded; only read after the
# atmosphere has set the actual value (drag needs q > 0, which only the atmosphere branch sets)


@njit(cache=True)
def _mass_thrust_area(t, stages, nst, m_rv, t_cut):
    """Mass (kg), thrust mass flow (kg/s), isp_sl, isp_vac, stage area at time t."""
    if nst == 0 or t >= t_cut:
        return m_rv, 0.0, 0.0, 0.0, 0.0
    t0 = 0.0
    for k in range(nst):
        tb = stages[k, _STAGE_T_BURN]
        if t < t0 + tb:
            frac = (t - t0) / tb
            m = m_rv + stages[k, _STAGE_M_DRY] + stages[k, _STAGE_M_PROP] * (1.0 - frac)
            for j in range(k + 1, nst):
                m += stages[j, _STAGE_M_PROP] + stages[j, _STAGE_M_DRY]
            return (m, stages[k, _STAGE_M_PROP] / tb, stages[k, _STAGE_ISP_SL],
                    stages[k, _STAGE_ISP_VAC], stages[k, _STAGE_AREA])
        t0 += tb
    return m_rv, 0.0, 0.0, 0.0, 0.0


@njit(cache=True)
def _cd(mach, mach_tab, cd_tab):
    """Drag coefficient at ``mach``: the monotone cubic (C1) through the table, held constant
    outside it. ``cd_tab`` holds the m values then their m slopes (``core.aero.CD_TABLE``)."""
    n = mach_tab.shape[0]
    if mach <= mach_tab[0]:
        return cd_tab[0]
    if mach >= mach_tab[n - 1]:
        return cd_tab[n - 1]
    j = 0
    while mach_tab[j + 1] < mach:
        j += 1
    hx = mach_tab[j + 1] - mach_tab[j]
    s = (mach - mach_tab[j]) / hx
    s2 = s * s
    s3 = s2 * s
    return ((2 * s3 - 3 * s2 + 1) * cd_tab[j] + (s3 - 2 * s2 + s) * hx * cd_tab[n + j]
            + (-2 * s3 + 3 * s2) * cd_tab[j + 1] + (s3 - s2) * hx * cd_tab[n + j + 1])


@njit(cache=True)
def deriv(t, y, dy, stages, nst, m_rv, beta, guid, mach_tab, cd_tab, earth, drag):
    """Equations of motion: dy/dt for one vehicle in the inertial frame.

    Parameters
    ----------
    t : float
        Time since launch, s.
    y : ndarray, shape (6,)
        State: position x, y, z (m) and velocity vx, vy, vz (m/s) in the inertial frame that
        coincides with ECEF at t = 0.
    dy : ndarray, shape (6,)
        Output, overwritten: velocity (m/s) and acceleration (m/s^2).
    stages : ndarray, shape (3, 6)
        Per stage: m_prop kg, m_dry kg, isp_sl s, isp_vac s, t_burn s, area m^2.
    nst : int
        Number of stages in ``stages`` (0: unpowered body).
    m_rv : float
        Reentry-vehicle mass, kg.
    beta : float
        Ballistic coefficient m / (Cd A) after burnout, kg/m^2; 0 disables coast drag.
    guid : ndarray, shape (NGUID,)
        t_vertical s, theta_final rad, azimuth rad, t_cutoff s, t_pitch_end s, lift_to_drag
        (-; 0: ballistic), pullup_alt m, hold (1: the programmed pitch holds its elevation in
        the first stage; 0: gravity turn after the kick).
    mach_tab : ndarray, shape (m,)
        Mach numbers (-) of the boost-phase drag table.
    cd_tab : ndarray, shape (2 m,)
        Drag coefficients (-) at those Mach numbers, then their slopes (``core.aero.CD_TABLE``).
    earth : ndarray, shape (6,)
        a m, f (-), mu m^3/s^2, re_j2 m, j2 (-), omega rad/s (see ``earth_params``).
    drag : int
        Nonzero: atmospheric drag and ambient pressure (isp blend); 0: vacuum.

    Returns
    -------
    alt : float
        Geodetic altitude, m.
    q : float
        Dynamic pressure on the air-relative velocity, Pa (0 without drag or above 1000 km).
    """
    a, f, mu = earth[_EARTH_A], earth[_EARTH_F], earth[_EARTH_MU]
    rej2, j2, om = earth[_EARTH_RE_J2], earth[_EARTH_J2], earth[_EARTH_OMEGA]
    x, yy, z = y[0], y[1], y[2]
    vx, vy, vz = y[3], y[4], y[5]
    gx, gy, gz = gravity_j2(x, yy, z, mu, rej2, j2)
    p = math.sqrt(x * x + yy * yy)
    alt, lat = geodetic_alt_lat_fast(p, z, a, f)
    # Earth-relative (air) velocity
    wx = vx + om * yy
    wy = vy - om * x
    wz = vz
    vrel = math.sqrt(wx * wx + wy * wy + wz * wz)
    ax, ay, az = gx, gy, gz
    m, mdot, isp_sl, isp_vac, area = _mass_thrust_area(t, stages, nst, m_rv,
                                                       guid[_GUID_T_CUTOFF])
    q = 0.0
    rho = 0.0
    pa = 0.0
    csnd = _SOUND_SPEED_DEFAULT_M_S
    if drag != 0 and alt < _ATMOSPHERE_TOP_M:
        _, pa, rho, csnd = state(alt)
        q = 0.5 * rho * vrel * vrel
    if mdot > 0.0:
        isp = isp_vac - (isp_vac - isp_sl) * pa / _P_SL_PA
        thrust = mdot * G0 * isp
        t_v, t_pe, th_f = guid[_GUID_T_VERTICAL], guid[_GUID_T_PITCH_END], guid[_GUID_THETA_FINAL]
        hold = guid[_GUID_HOLD] != 0.0 and t < stages[0, _STAGE_T_BURN]
        if t >= t_pe and vrel > 0.0 and not hold:
            # gravity turn: thrust along the Earth-relative velocity
            dx = wx / vrel
            dyy = wy / vrel
            dz = wz / vrel
        else:
            if t < t_v:
                th = 0.5 * math.pi
            else:
                th = 0.5 * math.pi - (0.5 * math.pi - th_f) * min(1.0, (t - t_v) / (t_pe - t_v))
            lon = math.atan2(yy, x)
            sl, cl = math.sin(lat), math.cos(lat)
            so, co = math.sin(lon), math.cos(lon)
            saz, caz = math.sin(guid[_GUID_AZIMUTH]), math.cos(guid[_GUID_AZIMUTH])
            st, ct = math.sin(th), math.cos(th)
            # up, north, east in the inertial axes at the current position
            ux, uy, uz = cl * co, cl * so, sl
            nx, ny, nz = -sl * co, -sl * so, cl
            ex, ey = -so, co
            dx = st * ux + ct * (caz * nx + saz * ex)
            dyy = st * uy + ct * (caz * ny + saz * ey)
            dz = st * uz + ct * caz * nz
        k = thrust / m
        ax += k * dx
        ay += k * dyy
        az += k * dz
        if q > 0.0 and vrel > 0.0:
            kd = q * _cd(vrel / csnd, mach_tab, cd_tab) * area / (m * vrel)
            ax -= kd * wx
            ay -= kd * wy
            az -= kd * wz
    elif q > 0.0 and vrel > 0.0 and beta > 0.0:
        kd = q / (beta * vrel)
        ax -= kd * wx
        ay -= kd * wy
        az -= kd * wz
        ld = guid[_GUID_LIFT_TO_DRAG]
        if ld > 0.0 and alt < guid[_GUID_PULLUP_ALT]:
            # unit up at the position (geocentric radial: the lift plane is the vertical plane)
            r = math.sqrt(x * x + yy * yy + z * z)
            rx, ry, rz = x / r, yy / r, z / r
            vr = wx * rx + wy * ry + wz * rz  # radial air speed
            gam = math.asin(max(-1.0, min(1.0, vr / vrel)))
            u = min(1.0, max(0.0, 1.0 - gam / _PULLUP_BAND_RAD))
            if u > 0.0:
                # lift direction: radial component of up normal to the velocity
                lx = rx - vr * wx / (vrel * vrel)
                ly = ry - vr * wy / (vrel * vrel)
                lz = rz - vr * wz / (vrel * vrel)
                ln = math.sqrt(lx * lx + ly * ly + lz * lz)
                if ln > 0.0:
                    kl = u * ld * q / beta / ln
                    ax += kl * lx
                    ay += kl * ly
                    az += kl * lz
    dy[0] = vx
    dy[1] = vy
    dy[2] = vz
    dy[3] = ax
    dy[4] = ay
    dy[5] = az
    return alt, q


@njit(cache=True)
def alt_of(y, earth):
    """Geodetic altitude of a position.

    Parameters
    ----------
    y : ndarray, shape (>= 3,)
        Position x, y, z in m, ECEF or the inertial frame of ``deriv`` (the altitude depends only
        on the distance from the polar axis and on z); further entries (velocity) are ignored.
    earth : ndarray, shape (6,)
        As in ``deriv``; only a (m) and f (-) are used.

    Returns
    -------
    float
        Altitude above the ellipsoid, m.
    """
    return geodetic_alt_lat_fast(math.sqrt(y[0] * y[0] + y[1] * y[1]), y[2], earth[_EARTH_A],
                                 earth[_EARTH_F])[0]


def earth_params(rotating: bool = True, j2: bool = True, ellipsoid: bool = True) -> np.ndarray:
    """The ``earth`` vector of ``deriv`` and ``fly_kernel``: WGS84 by default.

    Each effect can be switched off; with ``ellipsoid=False`` the Earth is a sphere of the WGS84
    equatorial radius.

    Parameters
    ----------
    rotating : bool, optional
        Earth rotation at ``OMEGA_RAD_S`` (rad/s); False: a non-rotating Earth.
    j2 : bool, optional
        The J2 term of gravity; False: point-mass gravity.
    ellipsoid : bool, optional
        WGS84 flattening for altitudes; False: a sphere.

    Returns
    -------
    ndarray, shape (6,)
        a (m), f (-), mu (m^3/s^2), re_j2 (m), j2 (-), omega (rad/s).

    References
    ----------
    NIMA TR8350.2 (WGS84); EGM96 J2 (constants in ``core.earth``).
    """
    from thaadsim.core import earth as e

    return np.array([e.A_M, e.F if ellipsoid else 0.0, e.MU_M3_S2, e.A_M,
                     e.J2 if j2 else 0.0, e.OMEGA_RAD_S if rotating else 0.0])
