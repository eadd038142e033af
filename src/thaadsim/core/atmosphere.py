"""US Standard Atmosphere 1976, 0-1000 km geometric altitude, vectorized and numba-callable.

Below 86 km: the seven layers of the standard in geopotential altitude with their lapse rates
(NOAA-S/T 76-1562, Table 4), evaluated in closed form. Above 86 km: temperature in the closed form
of the standard; pressure and density by log-linear interpolation in a 1-km table of the
standard (``_us1976_upper``), whose species integration has no closed form. Above 1000 km
density is extrapolated with the last scale height (negligible for any trajectory here).
Below 0 km the lowest layer is extended.

Speed of sound above 86 km is sqrt(1.4 R T) with the sea-level molar mass: the standard leaves it
undefined there, and it only enters the boost-phase drag (Mach), which happens below 86 km.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.core import _us1976_upper as _up
from thaadsim.core._jit import njit
from thaadsim.core.constants import G0_M_S2, P_SEA_LEVEL_PA

G0 = G0_M_S2
R_AIR = 287.05287  # J/(kg K), R*/M0 of the standard
GAMMA = 1.4
R0_GEOPOT_M = 6356766.0

_HB = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0])
_LB = np.array([-0.0065, 0.0, 0.001, 0.0028, 0.0, -0.0028, -0.002])
_TB = np.empty(7)
_PB = np.empty(7)
_TB[0], _PB[0] = 288.15, P_SEA_LEVEL_PA
for _i in range(1, 7):
    _dh = _HB[_i] - _HB[_i - 1]
    _TB[_i] = _TB[_i - 1] + _LB[_i - 1] * _dh
    if _LB[_i - 1] == 0.0:
        _PB[_i] = _PB[_i - 1] * math.exp(-G0 * _dh / (R_AIR * _TB[_i - 1]))
    else:
        _PB[_i] = _PB[_i - 1] * (_TB[_i] / _TB[_i - 1]) ** (-G0 / (R_AIR * _LB[_i - 1]))

_UP_T = np.ascontiguousarray(_up.T_K)
_UP_LNP = np.ascontiguousarray(_up.LN_P_PA)
_UP_LNR = np.ascontiguousarray(_up.LN_RHO_KG_M3)
_UP_Z0 = _up.Z0_M
_UP_DZ = _up.DZ_M
_UP_N = _up.N


@njit(cache=True)
def upper_temperature(z_m: float) -> float:
    """Kinetic temperature above 86 km in the closed form of the standard.

    Isothermal to 91 km, elliptical to 110 km, linear to 120 km, then an exponential approach to
    1000 K. numba-compiled.

    Parameters
    ----------
    z_m : float
        Geometric altitude (m), 86 km or more.

    Returns
    -------
    float
        Kinetic temperature (K).

    References
    ----------
    U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562, eqs. 25-31.
    """
    zk = z_m / 1000.0
    if zk < 91.0:
        return 186.8673
    if zk < 110.0:
        x = (zk - 91.0) / -19.9429
        return 263.1905 - 76.3232 * math.sqrt(max(0.0, 1.0 - x * x))
    if zk < 120.0:
        return 240.0 + 12.0 * (zk - 110.0)
    xi = (zk - 120.0) * (6356.766 + 120.0) / (6356.766 + zk)
    return 1000.0 - (1000.0 - 360.0) * math.exp(-0.01875 * xi)


@njit(cache=True)
def state(z_m: float) -> tuple[float, float, float, float]:
    """Atmospheric state at one geometric altitude.

    Below 86 km: the seven layers of the standard in geopotential altitude, in closed form (the
    lowest layer is extended below 0 km). Above: the closed-form temperature and log-linear
    interpolation of pressure and density in the 1-km table of the standard. numba-compiled;
    callable from kernels.

    Parameters
    ----------
    z_m : float
        Geometric altitude (m).

    Returns
    -------
    t : float
        Temperature (K).
    p : float
        Pressure (Pa).
    rho : float
        Mass density (kg/m^3).
    c : float
        Speed of sound (m/s): sqrt(1.4 R T) with the sea-level molar mass (also above 86 km,
        where the standard leaves it undefined).

    References
    ----------
    U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562, Table 4 (layers).
    """
    if z_m < 86000.0:
        h = R0_GEOPOT_M * z_m / (R0_GEOPOT_M + z_m)
        i = 0
        while i < 6 and h >= _HB[i + 1]:
            i += 1
        lb = _LB[i]
        tb = _TB[i]
        dh = h - _HB[i]
        if lb == 0.0:
            t = tb
            p = _PB[i] * math.exp(-G0 * dh / (R_AIR * tb))
        else:
            t = tb + lb * dh
            p = _PB[i] * (t / tb) ** (-G0 / (R_AIR * lb))
        rho = p / (R_AIR * t)
        return t, p, rho, math.sqrt(GAMMA * R_AIR * t)
    u = (z_m - _UP_Z0) / _UP_DZ
    j = int(u)
    if j >= _UP_N - 1:
        j = _UP_N - 2
    w = u - j
    t = upper_temperature(z_m)
    p = math.exp(_UP_LNP[j] + w * (_UP_LNP[j + 1] - _UP_LNP[j]))
    rho = math.exp(_UP_LNR[j] + w * (_UP_LNR[j + 1] - _UP_LNR[j]))
    return t, p, rho, math.sqrt(GAMMA * R_AIR * t)


@njit(cache=True)
def _state_arr(z, out):
    for i in range(z.shape[0]):
        t, p, r, c = state(z[i])
        out[i, 0] = t
        out[i, 1] = p
        out[i, 2] = r
        out[i, 3] = c


def _check(z_m):
    z = np.asarray(z_m, dtype=float)
    if np.any(~np.isfinite(z)):
        raise ValueError("altitude_m must be finite")
    return z


def _vec(z_m, col):
    z = _check(z_m)
    flat = np.ascontiguousarray(z.reshape(-1))
    out = np.empty((flat.size, 4))
    _state_arr(flat, out)
    return out[:, col].reshape(z.shape)


def state_arrays(altitude_m):
    """Atmospheric state at many altitudes in one pass.

    Parameters
    ----------
    altitude_m : array_like
        Geometric altitudes (m), any shape; finite.

    Returns
    -------
    t, p, rho, c : ndarray
        Temperature (K), pressure (Pa), mass density (kg/m^3) and speed of sound (m/s), each of
        the input's shape.

    Raises
    ------
    ValueError
        A non-finite altitude.

    References
    ----------
    U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562 (see ``state``).
    """
    z = _check(altitude_m)
    flat = np.ascontiguousarray(z.reshape(-1))
    out = np.empty((flat.size, 4))
    _state_arr(flat, out)
    return tuple(out[:, k].reshape(z.shape) for k in range(4))


def temperature(altitude_m):
    """Kinetic temperature of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m : array_like
        Geometric altitudes (m), any shape; finite.

    Returns
    -------
    ndarray
        Temperature (K), of the input's shape.

    Raises
    ------
    ValueError
        A non-finite altitude.
    """
    return _vec(altitude_m, 0)


def pressure(altitude_m):
    """Pressure of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m : array_like
        Geometric altitudes (m), any shape; finite.

    Returns
    -------
    ndarray
        Pressure (Pa), of the input's shape.

    Raises
    ------
    ValueError
        A non-finite altitude.
    """
    return _vec(altitude_m, 1)


def density(altitude_m):
    """Mass density of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m : array_like
        Geometric altitudes (m), any shape; finite.

    Returns
    -------
    ndarray
        Mass density (kg/m^3), of the input's shape.

    Raises
    ------
    ValueError
        A non-finite altitude.
    """
    return _vec(altitude_m, 2)


def speed_of_sound(altitude_m):
    """Speed of sound in the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m : array_like
        Geometric altitudes (m), any shape; finite.

    Returns
    -------
    ndarray
        Speed of sound (m/s), of the input's shape; sqrt(1.4 R T) with the sea-level molar mass
        above 86 km too (an assumption: the standard leaves it undefined there).

    Raises
    ------
    ValueError
        A non-finite altitude.
    """
    return _vec(altitude_m, 3)
