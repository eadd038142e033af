"""Aerodynamic tables shared by the missile and interceptor models."""

import numpy as np

# Drag coefficient of a ballistic-missile body at zero angle of attack against Mach number: the
# V-2 wind-tunnel curve in Sutton, Rocket Propulsion Elements, 7th ed. (Wiley, 2001),
# Fig. 4-2 (p. 108), read at its breakpoints: 0.15 subsonic, rising through the transonic drag
# rise to 0.40 at Mach 1.2, 0.25 at Mach 1.8, 0.15 at Mach 5 and above (held constant beyond),
# joined by the monotone cubic through those points (the measured curve is smooth).
MACH_TABLE = np.array([0.0, 0.8, 1.2, 1.8, 5.0, 30.0])
CD_VALUES = np.array([0.15, 0.15, 0.40, 0.25, 0.15, 0.15])


def _pchip_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fritsch-Carlson slopes of the monotone piecewise-cubic Hermite interpolant (as
    scipy.interpolate.PchipInterpolator): C1, no overshoot between the table's points."""
    from scipy.interpolate import PchipInterpolator

    return PchipInterpolator(x, y).derivative()(x)


# The kernels' table: the values, then their slopes (core.dynamics._cd evaluates the monotone
# cubic: the measured curve is smooth, and the kinks of a linear reading cost integrator steps)
CD_TABLE = np.concatenate([CD_VALUES, _pchip_slopes(MACH_TABLE, CD_VALUES)])

# Generic slender-body drag coefficient vs Mach used for the interceptor's flyout (V-2 / Scud
# class wind-tunnel data as summarised in Sutton & Biblarz, Rocket Propulsion Elements, 9th ed.,
# Fig. 4-2, and Fleeman, Tactical Missile Design, 2nd ed.): subsonic ~0.2, transonic peak ~0.45,
# ~0.2 at high Mach. The interceptor's envelope is calibrated with it (interceptors/flyout.py);
# the higher values than the V-2 curve stand for the THAAD interceptor's flared skirt
# (assumption).
SLENDER_MACH_TABLE = np.array([0.0, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0])
SLENDER_CD_TABLE = np.array([0.20, 0.22, 0.40, 0.45, 0.42, 0.36, 0.29, 0.24, 0.21, 0.20])
