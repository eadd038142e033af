"""THAAD interceptor preset: the envelope that the flyout kinematics and constraints produce
against the public figures (USCC 2016: 200 km range, 150 km ceiling; Xinhua: 40-150 km)."""

import numpy as np

from thaadsim.interceptors import get_interceptor, reach_table


def test_time_of_flight_grows_with_distance():
    rt = reach_table(get_interceptor())
    t = rt.tof(np.array([50e3, 100e3, 150e3]), np.array([80e3, 80e3, 80e3]))
    assert np.all(np.isfinite(t)) and np.all(np.diff(t) > 0), t
    assert np.isinf(rt.tof(260e3, 80e3)) and np.isinf(rt.tof(50e3, 20e3))
