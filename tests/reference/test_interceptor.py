"""THAAD interceptor preset: the envelope that the flyout kinematics and constraints produce
against the public figures (USCC 2016: 200 km range, 150 km ceiling; Xinhua: 40-150 km)."""

import numpy as np

from thaadsim.interceptors import get_interceptor, reach_table
from thaadsim.interceptors.reach import flyout_fan


def test_burnout_speed_is_the_public_2p8_km_s():
    ic = get_interceptor()
    t, g, h, v, q = flyout_fan(ic, [85.0])
    vb = float(np.interp(ic.burn_time_s, t, v[0]))
    assert abs(vb - 2800.0) < 150.0, f"burnout speed expected ~2,800 m/s, got {vb:.0f}"


def test_reach_reproduces_200km_range_uscc_2016():
    env = reach_table(get_interceptor()).envelope
    assert abs(env["max_ground_range_km"] - 200.0) <= 10.0, env


def test_floor_40km_from_dynamic_pressure_xinhua():
    env = reach_table(get_interceptor()).envelope
    assert abs(env["min_altitude_km"] - 40.0) <= 3.0, env


def test_ceiling_150km_and_kinematic_ceiling_above_it():
    """The kinematics alone would reach higher; the published ceiling binds (KV design limit)."""
    env = reach_table(get_interceptor()).envelope
    assert env["max_altitude_km"] == 150.0, env
    assert env["kinematic_ceiling_km"] > 150.0, env


def test_time_of_flight_grows_with_distance():
    rt = reach_table(get_interceptor())
    t = rt.tof(np.array([50e3, 100e3, 150e3]), np.array([80e3, 80e3, 80e3]))
    assert np.all(np.isfinite(t)) and np.all(np.diff(t) > 0), t
    assert np.isinf(rt.tof(260e3, 80e3)) and np.isinf(rt.tof(50e3, 20e3))
