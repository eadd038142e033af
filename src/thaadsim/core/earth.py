"""WGS84 Earth: constants, geodetic <-> ECEF, local frames, J2 gravity, great circles.

Shapes: scalar or array inputs broadcast; positions are ``(..., 3)`` in metres.
All kernels here are numba-compiled so they can be called from other kernels, and they work on
numpy arrays too (``geodetic_to_ecef`` and ``ecef_to_geodetic`` are vectorized wrappers).

Frames: ECEF is Earth-centred, Earth-fixed. The trajectory integrator works in the inertial
frame that coincides with ECEF at launch (t = 0) and in which the Earth turns at ``OMEGA`` about
+z; J2 gravity and geodetic altitude depend only on (sqrt(x^2+y^2), z), so they are the same in
both frames.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.core._jit import njit

# WGS84 (NIMA TR8350.2) and EGM96 J2
A_M = 6378137.0
F = 1.0 / 298.257223563
B_M = A_M * (1.0 - F)
E2 = F * (2.0 - F)
EP2 = E2 / (1.0 - E2)
MU_M3_S2 = 3.986004418e14
J2 = 1.08262668e-3
OMEGA_RAD_S = 7.292115e-5
R_MEAN_M = 6371008.8  # IUGG mean radius, for spherical-Earth conventions


@njit(cache=True, fastmath=False)
def geodetic_alt_lat(p: float, z: float, a: float, f: float) -> tuple[float, float]:
    """Geodetic altitude and latitude from the distance to the polar axis and z.

    Bowring's (1976) closed form with one refinement; error below 1 mm for altitudes from -10 km
    to 10,000 km on WGS84. For a sphere (f = 0) it is exact. numba-compiled; callable from
    kernels.

    Parameters
    ----------
    p : float
        Distance from the polar axis, sqrt(x^2 + y^2) (m).
    z : float
        Coordinate along the polar axis (m).
    a : float
        Equatorial radius of the ellipsoid (m).
    f : float
        Flattening of the ellipsoid (-); 0 for a sphere.

    Returns
    -------
    h : float
        Altitude above the ellipsoid (m).
    lat : float
        Geodetic latitude (rad).

    References
    ----------
    B. R. Bowring, "Transformation from spatial to geographical coordinates", Survey Review
    23:181 (1976).
    """
    if f == 0.0:
        r = math.sqrt(p * p + z * z)
        return r - a, math.atan2(z, p)
    b = a * (1.0 - f)
    e2 = f * (2.0 - f)
    ep2 = e2 / (1.0 - e2)
    beta = math.atan2(a * z, b * p)
    for it in range(2):
        sb = math.sin(beta)
        cb = math.cos(beta)
        lat = math.atan2(z + ep2 * b * sb * sb * sb, p - e2 * a * cb * cb * cb)
        if it == 0:  # the refinement's parametric latitude (not needed after the last pass)
            beta = math.atan2((1.0 - f) * math.sin(lat), math.cos(lat))
    sl = math.sin(lat)
    n = a / math.sqrt(1.0 - e2 * sl * sl)
    cl = math.cos(lat)
    if abs(cl) > 1e-3:
        h = p / cl - n
    else:
        h = z / sl - n * (1.0 - e2)
    return h, lat


@njit(cache=True)
def geodetic_alt_lat_fast(p: float, z: float, a: float, f: float) -> tuple[float, float]:
    """``geodetic_alt_lat`` for the integrator's right-hand side: one pass of Bowring's formula
    without trigonometry, and the altitude from h = p cos(lat) + z sin(lat) - a sqrt(1 - e^2
    sin^2(lat)), which is stationary in the latitude's error: altitude within 1e-8 m and latitude
    within 1e-8 rad of the refined solution for -10 km to 10,000 km on WGS84
    (tests/reference/test_geodesy.py), at about a fifteenth of its cost.

    Parameters
    ----------
    p, z, a, f : float
        As for ``geodetic_alt_lat``.

    Returns
    -------
    h : float
        Altitude above the ellipsoid (m).
    lat : float
        Geodetic latitude (rad).
    """
    if f == 0.0:
        r = math.sqrt(p * p + z * z)
        return r - a, math.atan2(z, p)
    b = a * (1.0 - f)
    e2 = f * (2.0 - f)
    ep2 = e2 / (1.0 - e2)
    u = a * z
    v = b * p
    rr = math.sqrt(u * u + v * v)
    sb, cb = u / rr, v / rr  # parametric latitude, tan(beta) = a z / (b p)
    num = z + ep2 * b * sb * sb * sb
    den = p - e2 * a * cb * cb * cb
    rn = math.sqrt(num * num + den * den)
    sl, cl = num / rn, den / rn
    return p * cl + z * sl - a * math.sqrt(1.0 - e2 * sl * sl), math.atan2(num, den)


@njit(cache=True)
def _ecef_to_geodetic_arr(xyz, a, f, out):
    for i in range(xyz.shape[0]):
        x = xyz[i, 0]
        y = xyz[i, 1]
        z = xyz[i, 2]
        h, lat = geodetic_alt_lat(math.sqrt(x * x + y * y), z, a, f)
        out[i, 0] = lat
        out[i, 1] = math.atan2(y, x)
        out[i, 2] = h


def ecef_to_geodetic(xyz_m, a_m: float = A_M, f: float = F):
    """Geodetic coordinates of ECEF positions.

    Parameters
    ----------
    xyz_m : array_like, shape (..., 3)
        ECEF positions (m).
    a_m : float, optional
        Equatorial radius (m); default WGS84 ``A_M``.
    f : float, optional
        Flattening (-); default WGS84 ``F``.

    Returns
    -------
    lat_rad, lon_rad, alt_m : ndarray, shape (...)
        Geodetic latitude (rad), longitude (rad, in (-pi, pi]) and altitude above the
        ellipsoid (m).

    Notes
    -----
    Bowring (1976) with one refinement, see ``geodetic_alt_lat``.
    """
    xyz = np.ascontiguousarray(np.asarray(xyz_m, dtype=float))
    flat = xyz.reshape(-1, 3)
    if not flat.flags.writeable:  # one kernel signature (a read-only array is another type)
        flat = flat.copy()
    out = np.empty_like(flat)
    _ecef_to_geodetic_arr(flat, a_m, f, out)
    shp = xyz.shape[:-1]
    return out[:, 0].reshape(shp), out[:, 1].reshape(shp), out[:, 2].reshape(shp)


def geodetic_to_ecef(lat_rad, lon_rad, alt_m, a_m: float = A_M, f: float = F):
    """ECEF positions of geodetic coordinates.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Geodetic latitude and longitude (rad); broadcast together with ``alt_m``.
    alt_m : array_like
        Altitude above the ellipsoid (m).
    a_m : float, optional
        Equatorial radius (m); default WGS84 ``A_M``.
    f : float, optional
        Flattening (-); default WGS84 ``F``.

    Returns
    -------
    ndarray, shape (..., 3)
        ECEF positions (m), the leading shape that of the broadcast inputs.

    References
    ----------
    NIMA TR8350.2, Department of Defense World Geodetic System 1984, 3rd ed.
    """
    lat, lon, h = np.broadcast_arrays(np.asarray(lat_rad, float), np.asarray(lon_rad, float),
                                      np.asarray(alt_m, float))
    e2 = f * (2.0 - f)
    sl = np.sin(lat)
    n = a_m / np.sqrt(1.0 - e2 * sl * sl)
    cl = np.cos(lat)
    return np.stack([(n + h) * cl * np.cos(lon), (n + h) * cl * np.sin(lon),
                     (n * (1.0 - e2) + h) * sl], axis=-1)


def enu_basis(lat_rad, lon_rad):
    """Local east, north and up unit vectors in ECEF axes.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Geodetic latitude and longitude (rad), same shape ``(...)``.

    Returns
    -------
    east, north, up : ndarray, shape (..., 3)
        Unit vectors (-) in ECEF axes.
    """
    lat = np.asarray(lat_rad, float)
    lon = np.asarray(lon_rad, float)
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    east = np.stack([-so, co, np.zeros_like(so)], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return east, north, up


@njit(cache=True)
def gravity_j2(x: float, y: float, z: float, mu: float, re: float, j2: float):
    """Gravitational acceleration with the J2 zonal term.

    numba-compiled; callable from kernels. Valid in ECEF and in the launch-fixed inertial frame
    alike (z along the spin axis in both).

    Parameters
    ----------
    x, y, z : float
        Position (m), z along the spin axis.
    mu : float
        Gravitational parameter (m^3/s^2).
    re : float
        Reference radius of the J2 coefficient (m).
    j2 : float
        Second zonal harmonic (-); 0 gives point-mass gravity.

    Returns
    -------
    gx, gy, gz : float
        Acceleration (m/s^2).

    Notes
    -----
    Point mass plus the J2 term of the geopotential; constants WGS84 / EGM96 (module constants).
    """
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    k = -mu / (r2 * r)
    if j2 == 0.0:
        return k * x, k * y, k * z
    zr2 = z * z / r2
    c = 1.5 * j2 * re * re / r2
    fxy = 1.0 + c * (1.0 - 5.0 * zr2)
    fz = 1.0 + c * (3.0 - 5.0 * zr2)
    return k * x * fxy, k * y * fxy, k * z * fz
