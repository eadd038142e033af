"""Physical and statistical constants: one source for each (every module imports them here).

Earth model constants (WGS84, J2, rotation) live with the geodesy in ``core.earth``."""

G0_M_S2 = 9.80665
"""Standard acceleration of gravity (m/s^2): 3rd CGPM (1901); ISO 80000-3. Converts specific
impulse (s) to exhaust speed and defines the geopotential altitude of the US 1976 atmosphere."""

P_SEA_LEVEL_PA = 101_325.0
"""Sea-level pressure of the U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), Pa; also the
reference of the sea-level specific impulse."""

K_EFFECTIVE_EARTH = 4.0 / 3.0
"""Effective Earth radius factor for tropospheric refraction of radar rays (standard atmosphere
with a refractivity gradient of -39 N-units/km): Skolnik, Introduction to Radar Systems, 3rd ed.,
sec. 8.2; ITU-R P.834."""

Z_95 = 1.959963984540054
"""Two-sided 95 % quantile of the standard normal distribution, Phi^-1(0.975) (the 1.96 of a 95 %
interval): Abramowitz & Stegun, table 26.5."""
