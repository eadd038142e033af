"""Vacuum, non-rotating, spherical Earth, point-mass gravity: the integrator against the Kepler
ellipse (Bate, Mueller & White, Fundamentals of Astrodynamics, ch. 6)."""

import numpy as np
import pytest

from tests.conftest import kepler_from_surface
from thaadsim.core import earth as E
from thaadsim.threats import fly_ballistic

SPEEDS = [1000.0, 3000.0, 5000.0, 7000.0, 7500.0]
ANGLES = [10.0, 30.0, 45.0, 60.0, 80.0]


def _launch(v, gamma_deg):
    g = np.radians(gamma_deg)
    r0 = np.array([[E.A_M, 0.0, 0.0]])
    # up = +x, due north = +z at (0, 0)
    v0 = np.array([[v * np.sin(g), 0.0, v * np.cos(g)]])
    return r0, v0


@pytest.mark.parametrize("v", SPEEDS)
@pytest.mark.parametrize("gamma_deg", ANGLES)
def test_kepler_ellipse_range_apogee_time(v, gamma_deg):
    psi, ra, tof = kepler_from_surface(v, np.radians(gamma_deg))
    if psi >= np.pi:
        pytest.skip("no impact: beyond half a great circle")
    r0, v0 = _launch(v, gamma_deg)
    b = fly_ballistic(r0, v0, rotating=False, j2=False, ellipsoid=False, drag=False, rtol=1e-11,
                      t_max_s=1e6)
    imp = b.summary[0, [2, 3, 4]]
    psi_sim = np.arctan2(np.linalg.norm(np.cross(r0[0], imp)), r0[0] @ imp)
    rng, rng_sim = psi * E.A_M, psi_sim * E.A_M
    apo, apo_sim = ra - E.A_M, b.col("apogee_alt")[0]
    t_sim = b.col("t_impact")[0]
    assert abs(rng_sim - rng) <= 5e-4 * rng, f"range: Kepler {rng:.1f} m, got {rng_sim:.1f} m"
    assert abs(apo_sim - apo) <= 5e-4 * apo, f"apogee: Kepler {apo:.1f} m, got {apo_sim:.1f} m"
    assert abs(t_sim - tof) <= 5e-4 * tof, f"time of flight: Kepler {tof:.3f} s, got {t_sim:.3f} s"


@pytest.mark.parametrize("v,gamma_deg", [(3000.0, 45.0), (7000.0, 30.0)])
def test_specific_energy_conserved_1e8(v, gamma_deg):
    r0, v0 = _launch(v, gamma_deg)
    b = fly_ballistic(r0, v0, rotating=False, j2=False, ellipsoid=False, drag=False, rtol=1e-10,
                      history_dt_s=5.0)
    h = b.hist[0, : b.nhist[0]]
    r = np.linalg.norm(h[:, 1:4], axis=1)
    vv = np.linalg.norm(h[:, 4:7], axis=1)
    en = 0.5 * vv**2 - E.MU_M3_S2 / r
    drift = np.max(np.abs(en / en[0] - 1.0))
    assert drift < 1e-8, f"specific energy drift {drift:.2e}, expected < 1e-8"
