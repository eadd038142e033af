"""Earth rotation: from the equator, eastward flights go farther than westward ones by what the
surface speed omega*R predicts through the Kepler ellipse in the inertial frame (the launch gets
+-omega*R of horizontal speed, and the ground turns by omega*T under the flight)."""

import numpy as np

from tests.conftest import kepler_from_surface
from thaadsim.core import earth as E
from thaadsim.threats import Launch, fly_ballistic, get_missile, solve_max_range
from thaadsim.threats.trajectory import fly


def _closed_form_range(v, gamma, east: bool):
    vs = E.OMEGA_RAD_S * E.A_M
    vh = v * np.cos(gamma) + (vs if east else -vs)
    vr = v * np.sin(gamma)
    vi = np.hypot(vh, vr)
    gi = np.arctan2(vr, abs(vh))
    psi, _, tof = kepler_from_surface(vi, gi)
    ground = psi - E.OMEGA_RAD_S * tof if east else psi + E.OMEGA_RAD_S * tof
    return ground * E.A_M


def _sim_range(v, gamma, east: bool):
    r0 = np.array([[E.A_M, 0.0, 0.0]])
    s = 1.0 if east else -1.0
    v0 = np.array([[v * np.sin(gamma), s * v * np.cos(gamma), 0.0]])
    b = fly_ballistic(r0, v0, rotating=True, j2=False, ellipsoid=False, drag=False, rtol=1e-11)
    imp = b.summary[0, [2, 3, 4]]
    return np.arctan2(np.linalg.norm(np.cross(r0[0], imp)), r0[0] @ imp) * E.A_M


def test_east_minus_west_matches_surface_speed_closed_form():
    tol_m = 1000.0
    for v, g in [(3000.0, np.radians(40.0)), (5000.0, np.radians(35.0))]:
        expected = _closed_form_range(v, g, True) - _closed_form_range(v, g, False)
        got = _sim_range(v, g, True) - _sim_range(v, g, False)
        assert expected > 0
        assert abs(got - expected) < tol_m, (
            f"v={v} m/s: east-west difference expected {expected / 1e3:.2f} km, "
            f"got {got / 1e3:.2f} km")


def test_nodong_east_farther_than_west_by_closed_form_within_10_percent():
    """Full physics (boost, drag, J2): the gain predicted from the non-rotating burnout state."""
    m = get_missile("nodong")
    th, b0 = solve_max_range(m, Launch(0.0, 0.0), 90.0, rotating=False)
    v, g = b0.col("burnout_speed")[0], b0.col("burnout_fpa")[0]
    expected = _closed_form_range(v, g, True) - _closed_form_range(v, g, False)
    be = fly(m, 0.0, 0.0, 90.0, th, rotating=True)
    bw = fly(m, 0.0, 0.0, 270.0, th, rotating=True)
    got = be.range_m[0] - bw.range_m[0]
    assert got > 0
    assert abs(got - expected) < 0.10 * expected, (
        f"east-west difference expected {expected / 1e3:.1f} km, got {got / 1e3:.1f} km")
