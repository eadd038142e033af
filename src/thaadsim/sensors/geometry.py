"""Geometry of a target at altitude h seen from a radar, with tropospheric refraction.

Two refraction models, chosen per radar (``Radar.refraction``, one of ``REFRACTION_MODELS``):

``"4/3"``: an effective Earth of radius a = k R (k = 4/3; Skolnik, Introduction to Radar Systems,
3rd ed., sec. 8.2; Doerry, SAND2013-9485) on which rays are straight. With radar height hr,
target height h and central angle theta = g / a (g = ground range):
  slant range   R^2 = (a+hr)^2 + (a+h)^2 - 2 (a+hr)(a+h) cos theta
  elevation     sin E = ((a+h) cos theta - (a+hr)) / R        (E is measured at the radar)
  horizon       theta <= acos(a/(a+hr)) + acos(a/(a+h))
k = 4/3 stands for the refractivity gradient of the lowest kilometre (-39 N/km; ITU-R P.453)
and is meant for terrestrial paths (ITU-R P.834); applied to a target at 100-300 km it keeps
bending the ray through the vacuum above the atmosphere.

``"crpl"`` (the default): the 4/3 closed forms for targets at or below
``FOUR_THIRDS_CEILING_M`` (aircraft), and above it rays traced through the CRPL exponential
reference atmosphere N(h) = Ns exp(-h / H), Ns = 313 N-units (Bean & Thayer 1959; Bean &
Dutton 1966, ch. 3), over the sea-level sphere of radius R:
  Snell's law   n(r) r cos(theta) = c along a ray           (theta: local elevation)
  central angle phi = int c / (r sqrt(n^2 r^2 - c^2)) dr     (r = R + altitude)
Above ``ATMOSPHERE_TOP_M`` the ray is straight, which gives the geometric line of sight plus the
ray's total bending tau(E) (E: apparent elevation at the radar, c = n(hr)(R+hr) cos E):
  phi(E, h) = acos(c / (R+h)) - E + tau(E)
(at n = 1 the k = 1 formula acos((R+hr) cos E / (R+h)) - E). The beam floor and ceiling are
apparent elevations: the ground range at the floor is R phi(floor, h). The radio horizon is
the ray that grazes the sea-level sphere, phi_g(hr) + phi_g(h). The slant range is the straight
chord (k = 1); the excess path length (below ~0.1 km) is neglected.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core.constants import K_EFFECTIVE_EARTH

R_EARTH_M = E.R_MEAN_M
REFRACTION_MODELS = ("crpl", "4/3")
"""``crpl``: 4/3 up to ``FOUR_THIRDS_CEILING_M``, ray trace above; ``4/3``: 4/3 everywhere."""

FOUR_THIRDS_CEILING_M = 11_000.0
"""Highest target altitude (m) at which the ``crpl`` model uses the 4/3 closed forms: the
tropopause of the U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562). There the ray trace and the
4/3 model differ by -0.5 % (horizon) and -0.7 % (5 deg floor) at Seongju; above they part (-2 %
at 20 km, -9 % at 300 km); below, the 4/3 horizon is up to 2 % shorter (its -39 N/km gradient
against the CRPL profile's -45 N/km at the surface), within the spread of real gradients
(tests/analytic/test_refraction.py)."""

CRPL_NS = 313.0
"""Surface refractivity of the CRPL Exponential Reference Atmosphere (N-units): Bean & Thayer,
"CRPL Exponential Reference Atmosphere", NBS Monograph 4, 1959; Bean & Dutton, Radio
Meteorology, NBS Monograph 92, 1966, ch. 3. Taken at sea level, the surface of the model's
smooth Earth (assumption)."""

ATMOSPHERE_TOP_M = 80_000.0
"""Altitude (m) above which rays are taken as straight (assumption): there N = 0.003 N-units;
the bending left is 2e-8 rad, 5 mm of ground range (checked against a 200 km top)."""

UNSEEN_RAD = 4.0
"""A central angle (rad) beyond any on the sphere: a constraint that does not bind."""


def crpl_scale_height_m(ns: float = CRPL_NS) -> float:
    """Scale height of the CRPL exponential reference atmosphere for a surface refractivity.

    Parameters
    ----------
    ns : float, optional
        Surface refractivity (N-units); default 313.

    Returns
    -------
    float
        H = 1 / c_e (m), c_e = ln(Ns / (Ns + dN)) per km, dN = -7.32 exp(0.005577 Ns) N/km
        (the refractivity drop in the first km): 6.95 km for Ns = 313.

    References
    ----------
    Bean & Thayer, NBS Monograph 4, 1959; Bean & Dutton, Radio Meteorology, 1966, ch. 3.
    """
    dn = -7.32 * math.exp(0.005577 * ns)
    return 1e3 / math.log(ns / (ns + dn))


@dataclasses.dataclass(frozen=True)
class Atmosphere:
    """Exponential radio refractivity profile N(h) = ns exp(-h / scale_height_m).

    Attributes
    ----------
    ns : float
        Refractivity at sea level (N-units; n = 1 + N 1e-6).
    scale_height_m : float
        Scale height (m).
    """

    ns: float
    scale_height_m: float

    def n_minus_1(self, alt_m):
        """n - 1 (-) at altitudes ``alt_m`` (m) above sea level; broadcasts."""
        return self.ns * 1e-6 * np.exp(-np.asarray(alt_m, float) / self.scale_height_m)


CRPL = Atmosphere(CRPL_NS, crpl_scale_height_m(CRPL_NS))
"""The CRPL Exponential Reference Atmosphere, Ns = 313 N-units, H = 6.95 km."""


def effective_radius_m(k: float = K_EFFECTIVE_EARTH) -> float:
    """Effective Earth radius for refraction: k times the mean Earth radius.

    Parameters
    ----------
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    float
        Radius (m).

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2.
    """
    return k * R_EARTH_M


def slant_range_elevation(ground_m, target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Slant range and elevation of a target at a ground range and altitude; broadcasts.

    Parameters
    ----------
    ground_m : array_like
        Ground range along the effective Earth (m).
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    range_m : ndarray
        Slant range (m).
    elevation_rad : ndarray
        Elevation at the radar (rad).

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2 (formulas in the module docstring).
    """
    a = effective_radius_m(k)
    th = np.asarray(ground_m, float) / a
    rr = a + radar_alt_m
    rt = a + np.asarray(target_alt_m, float)
    rng = np.sqrt(np.maximum(rr**2 + rt**2 - 2 * rr * rt * np.cos(th), 0.0))
    safe = np.where(rng > 0, rng, 1.0)
    sin_e = np.where(rng > 0, (rt**2 - rr**2 - rng**2) / (2 * rr * safe), 1.0)
    return rng, np.arcsin(np.clip(sin_e, -1, 1))


def horizon_angle(target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Largest central angle with line of sight over the effective Earth.

    Parameters
    ----------
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    ndarray or float
        acos(a / (a + h_r)) + acos(a / (a + h)) (rad), a the effective radius.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2.
    """
    a = effective_radius_m(k)
    return (np.arccos(a / (a + radar_alt_m)) + np.arccos(a / (a + np.asarray(target_alt_m,
                                                                                float))))


def ground_range_at_elevation(elev_rad, target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Ground range at which a target at this altitude is seen at a given elevation.

    Parameters
    ----------
    elev_rad : float or array_like
        Elevation at the radar (rad).
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    ndarray
        Ground range along the effective Earth (m); 0 where the target is below that elevation
        even overhead, NaN where the geometry has no solution.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2.
    """
    a = effective_radius_m(k)
    rr = a + radar_alt_m
    rt = a + np.asarray(target_alt_m, float)
    c = rr * np.cos(elev_rad) / rt
    th = np.arccos(np.clip(c, -1, 1)) - elev_rad
    return np.where((c <= 1) & (th >= 0), th * a, np.where(c > 1, np.nan, 0.0))


def ground_range_at_slant(slant_m, target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Ground range at which the slant range to a target at this altitude equals ``slant_m``.

    Parameters
    ----------
    slant_m : array_like
        Slant range (m).
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    ndarray
        Ground range along the effective Earth (m); NaN where the slant range is never reached
        (shorter than the altitude difference).

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2 (law of cosines on the effective
    Earth).
    """
    a = effective_radius_m(k)
    rr = a + radar_alt_m
    rt = a + np.asarray(target_alt_m, float)
    c = (rr**2 + rt**2 - np.asarray(slant_m, float) ** 2) / (2 * rr * rt)
    return np.where(c > 1, np.nan, np.arccos(np.clip(c, -1, 1)) * a)


# -- ray trace through an exponential atmosphere ---------------------------------------------

def _panel_nodes(n_panels: int = 5, n_per: int = 12, ratio: float = 0.15):
    """Gauss-Legendre nodes and weights on [0, 1], panels graded geometrically toward 0 (where
    a ray launched near the horizon turns); 60 nodes integrate the ray to < 1 mm of ground
    range (checked against adaptive quadrature for 0-89 deg and 11-3,000 km)."""
    x, w = np.polynomial.legendre.leggauss(n_per)
    b = np.concatenate([[0.0], ratio ** np.arange(n_panels - 1, -1, -1.0)])
    xs = [lo + (hi - lo) * (x + 1) / 2 for lo, hi in zip(b[:-1], b[1:], strict=True)]
    ws = [(hi - lo) / 2 * w for lo, hi in zip(b[:-1], b[1:], strict=True)]
    return np.concatenate(xs), np.concatenate(ws)


_T_NODES, _T_WEIGHTS = _panel_nodes()


def _arc(atm: Atmosphere, c, r_lo, s_lo, r_hi):
    """Central angle (rad) along a ray of invariant ``c`` = n r cos(theta) from radius ``r_lo``
    (where n r - c = ``s_lo`` >= 0) outward to ``r_hi``; broadcasts.

    With r = r_lo + t^2 the integrand c / (r sqrt(n^2 r^2 - c^2)) dr stays finite where the
    ray is horizontal (s_lo = 0); n r - c is formed without cancellation. Straight above
    ``ATMOSPHERE_TOP_M``: acos(c / r) there.
    """
    c, r_lo, s_lo, r_hi = np.broadcast_arrays(*(np.asarray(v, float) for v in (c, r_lo, s_lo,
                                                                                r_hi)))
    r_top = R_EARTH_M + ATMOSPHERE_TOP_M
    span = np.sqrt(np.maximum(np.minimum(r_hi, r_top) - r_lo, 0.0))
    t = span[..., None] * _T_NODES
    dr = t * t
    r = r_lo[..., None] + dr
    nm1 = atm.n_minus_1(r - R_EARTH_M)
    nm1_lo = atm.n_minus_1(r_lo - R_EARTH_M)[..., None]
    diff = (s_lo[..., None] + dr + nm1 * dr
            + r_lo[..., None] * nm1_lo * np.expm1(-dr / atm.scale_height_m))
    f = 2 * t * c[..., None] / (r * np.sqrt(np.maximum(diff, 1e-300)
                                             * ((1 + nm1) * r + c[..., None])))
    out = span * np.sum(_T_WEIGHTS * f, axis=-1)
    beyond = np.maximum(r_hi, r_top)
    return out + np.where(r_hi > r_top, np.arccos(np.clip(c / beyond, -1, 1))
                          - np.arccos(np.clip(c / r_top, -1, 1)), 0.0)


def _perigee_r(atm: Atmosphere, c):
    """Radius (m) where a ray of invariant ``c`` is horizontal: n(r) r = c (Newton; n r grows
    with r in the reference atmosphere, no ducting)."""
    r = np.full(np.shape(c), R_EARTH_M)
    for _ in range(8):
        nm1 = atm.n_minus_1(r - R_EARTH_M)
        r = r - (r * (1 + nm1) - c) / (1 + nm1 * (1 - r / atm.scale_height_m))
    return r


def grazing_elevation_rad(radar_alt_m, atm: Atmosphere = CRPL):
    """Apparent elevation at the radar of the ray that grazes the sea-level sphere.

    Parameters
    ----------
    radar_alt_m : array_like
        Antenna altitude (m).
    atm : Atmosphere, optional
        Refractivity profile; default CRPL.

    Returns
    -------
    ndarray
        E_g <= 0 (rad): cos E_g = n(0) R / (n(hr) (R + hr)); a lower ray meets the ground.

    References
    ----------
    Bean & Dutton, Radio Meteorology, 1966, ch. 3 (Snell's law for a spherical atmosphere).
    """
    hr = np.asarray(radar_alt_m, float)
    c0 = (1 + atm.n_minus_1(0.0)) * R_EARTH_M
    return -np.arccos(np.minimum(c0 / ((1 + atm.n_minus_1(hr)) * (R_EARTH_M + hr)), 1.0))


def ray_ground_range(elev_rad, target_alt_m, radar_alt_m, atm: Atmosphere = CRPL):
    """Ground range at which the ray leaving the radar at an apparent elevation reaches an
    altitude (ray trace; broadcasts).

    Parameters
    ----------
    elev_rad : array_like
        Apparent elevation at the radar (rad).
    target_alt_m : array_like
        Target altitude (m), at or above the radar.
    radar_alt_m : float
        Antenna altitude (m).
    atm : Atmosphere, optional
        Refractivity profile; default CRPL.

    Returns
    -------
    ndarray
        Ground range along the sea-level sphere (m), R phi; NaN where the ray meets the ground
        first (below the grazing ray) or the target is below the radar. A ray below the
        horizontal dips to its perigee and rises again.

    References
    ----------
    Bean & Dutton, Radio Meteorology, 1966, ch. 3 (phi = int c dr / (r sqrt(n^2 r^2 - c^2))).
    """
    e, h = np.broadcast_arrays(np.asarray(elev_rad, float), np.asarray(target_alt_m, float))
    r0 = R_EARTH_M + radar_alt_m
    n0 = 1 + atm.n_minus_1(radar_alt_m)
    c = n0 * r0 * np.cos(e)
    rising = _arc(atm, c, r0, 2 * n0 * r0 * np.sin(e / 2) ** 2, R_EARTH_M + h)
    dips = (e < 0) & (e >= grazing_elevation_rad(radar_alt_m, atm))
    if np.any(dips):
        cd = np.where(dips, c, (1 + atm.n_minus_1(0.0)) * R_EARTH_M)
        rp = _perigee_r(atm, cd)
        dipping = _arc(atm, cd, rp, 0.0, r0) + _arc(atm, cd, rp, 0.0, R_EARTH_M + h)
        rising = np.where(dips, dipping, rising)
    ok = (h >= radar_alt_m) & ((e >= 0) | dips)
    return np.where(ok, rising * R_EARTH_M, np.nan)


def radio_horizon_ground_range(target_alt_m, radar_alt_m, atm: Atmosphere = CRPL):
    """Longest ground range with a refracted line of sight: the ray grazing the sea-level sphere.

    Parameters
    ----------
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    atm : Atmosphere, optional
        Refractivity profile; default CRPL.

    Returns
    -------
    ndarray
        R (phi_g(hr) + phi_g(h)) (m), phi_g the central angle from the grazing point; at n = 1,
        R (acos(R / (R + hr)) + acos(R / (R + h))).

    References
    ----------
    Bean & Dutton, Radio Meteorology, 1966, ch. 3.
    """
    h = np.asarray(target_alt_m, float)
    c0 = (1 + atm.n_minus_1(0.0)) * R_EARTH_M
    return (_arc(atm, c0, R_EARTH_M, 0.0, R_EARTH_M + radar_alt_m)
            + _arc(atm, c0, R_EARTH_M, 0.0, R_EARTH_M + h)) * R_EARTH_M


def total_bending_rad(elev_rad, radar_alt_m, atm: Atmosphere = CRPL):
    """Total bending of a ray through the whole atmosphere (the refraction of a source at infinity).

    Parameters
    ----------
    elev_rad : array_like
        Apparent elevation at the radar (rad), at or above the grazing ray.
    radar_alt_m : float
        Antenna altitude (m).
    atm : Atmosphere, optional
        Refractivity profile; default CRPL.

    Returns
    -------
    ndarray
        tau = E - (theta_top - phi_top) (rad): the turn of the ray between the radar and the top
        of the atmosphere, where its local elevation is theta_top at central angle phi_top.

    References
    ----------
    Bean & Dutton, Radio Meteorology, 1966, ch. 3; ITU-R P.834-9, eq. (9) (an approximation of
    it for the ITU-R P.453 reference atmosphere).
    """
    e = np.asarray(elev_rad, float)
    r_top = R_EARTH_M + ATMOSPHERE_TOP_M
    c = (1 + atm.n_minus_1(radar_alt_m)) * (R_EARTH_M + radar_alt_m) * np.cos(e)
    phi_top = ray_ground_range(e, ATMOSPHERE_TOP_M, radar_alt_m, atm) / R_EARTH_M
    theta_top = np.arccos(np.clip(c / ((1 + atm.n_minus_1(ATMOSPHERE_TOP_M)) * r_top), -1, 1))
    return e - (theta_top - phi_top)


def apparent_elevation_rad(ground_m, target_alt_m, radar_alt_m, atm: Atmosphere = CRPL,
                           n_elev: int = 721):
    """Apparent elevation at the radar of a target (ray trace, inverted by interpolation).

    Parameters
    ----------
    ground_m : array_like
        Ground range along the sea-level sphere (m).
    target_alt_m : array_like
        Target altitude (m), above the radar.
    radar_alt_m : float
        Antenna altitude (m).
    atm : Atmosphere, optional
        Refractivity profile; default CRPL.
    n_elev : int, optional
        Rays traced per altitude, from the grazing ray to the zenith; default 721.

    Returns
    -------
    ndarray
        Elevation (rad) of the ray through the target; NaN beyond the radio horizon.
    """
    g, h = np.broadcast_arrays(np.asarray(ground_m, float), np.asarray(target_alt_m, float))
    out = np.full(g.shape, np.nan)
    e_g = float(grazing_elevation_rad(radar_alt_m, atm))
    elev = e_g + (math.pi / 2 - e_g) * np.linspace(0.0, 1.0, n_elev) ** 1.5
    # above the atmosphere every ray continues straight from where it leaves it
    r_top = R_EARTH_M + ATMOSPHERE_TOP_M
    c = (1 + atm.n_minus_1(radar_alt_m)) * (R_EARTH_M + radar_alt_m) * np.cos(elev)
    g_top = ray_ground_range(elev, ATMOSPHERE_TOP_M, radar_alt_m, atm)
    for hu in np.unique(h):
        sel = h == hu
        if hu > ATMOSPHERE_TOP_M:
            gr = g_top + R_EARTH_M * (np.arccos(c / (R_EARTH_M + hu)) - np.arccos(c / r_top))
        else:
            gr = ray_ground_range(elev, hu, radar_alt_m, atm)
        out[sel] = np.interp(g[sel], gr[::-1], elev[::-1], right=np.nan)  # gr decreasing
    return out


# -- the model in use -----------------------------------------------------------------------

def model_at(refraction: str, target_alt_m):
    """Refraction model used for targets at these altitudes.

    Parameters
    ----------
    refraction : str
        The radar's choice, one of ``REFRACTION_MODELS``.
    target_alt_m : array_like
        Target altitude (m).

    Returns
    -------
    ndarray of str
        ``"4/3"`` (effective Earth) or ``"crpl"`` (ray trace) per altitude.
    """
    h = np.asarray(target_alt_m, float)
    traced = (refraction == "crpl") & (h > FOUR_THIRDS_CEILING_M)
    return np.where(traced, "crpl", "4/3")
