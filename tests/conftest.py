import numpy as np

from thaadsim.core import earth as E


def kepler_from_surface(v, gamma, r=E.A_M, mu=E.MU_M3_S2):
    """Closed-form Kepler ellipse from the surface of a sphere: (range angle, apogee radius,
    time of flight) for speed v (m/s) and flight-path angle gamma (rad)."""
    h = r * v * np.cos(gamma)
    en = 0.5 * v * v - mu / r
    a = -mu / (2 * en)
    p = h * h / mu
    e = np.sqrt(max(0.0, 1 - p / a))
    psi = 2 * (np.pi - np.arccos((p / r - 1) / e))
    ecc_anom = np.arccos((1 - r / a) / e)
    tof = 2 * np.sqrt(a**3 / mu) * (np.pi - (ecc_anom - e * np.sin(ecc_anom)))
    return psi, a * (1 + e), tof
