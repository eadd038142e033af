"""Geometry of a target at altitude h seen from a radar over an effective Earth.

Geometry (Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2; Doerry, SAND2013-9485):
refraction is modelled by an effective Earth radius a = k R (k = 4/3 by default); rays are then
straight. With radar height hr, target height h and central angle theta = g / a (g = ground
range):
  slant range   R^2 = (a+hr)^2 + (a+h)^2 - 2 (a+hr)(a+h) cos theta
  elevation     sin E = ((a+h) cos theta - (a+hr)) / R        (E is measured at the radar)
  horizon       theta <= acos(a/(a+hr)) + acos(a/(a+h))
"""

from __future__ import annotations

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core.constants import K_EFFECTIVE_EARTH

R_EARTH_M = E.R_MEAN_M


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
