"""Aerodynamic tables shared by the missile and interceptor models."""

import numpy as np

# Generic slender-body drag coefficient vs Mach for the boost (V-2 / Scud class wind-tunnel
# data as summarised in Sutton & Biblarz, Rocket Propulsion Elements, 9th ed., Fig. 4-2, and
# Fleeman, Tactical Missile Design, 2nd ed.): subsonic ~0.2, transonic peak ~0.45, ~0.2 at
# high Mach.
MACH_TABLE = np.array([0.0, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0])
CD_TABLE = np.array([0.20, 0.22, 0.40, 0.45, 0.42, 0.36, 0.29, 0.24, 0.21, 0.20])
