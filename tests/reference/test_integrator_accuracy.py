"""The integrator's step control (reentry at REENTRY_RTOL_FACTOR x rtol, boost steps up to
_H_MAX_POWERED_S) keeps impacts where a much tighter integration puts them: the bench's random
Nodong trajectories at the default tolerance against rtol 1e-11 land within 10 m and 10 ms."""

import numpy as np

from thaadsim.bench import _nodong_batch
from thaadsim.threats import fly, get_missile
from thaadsim.threats.trajectory import GEOD


def test_default_tolerance_lands_within_10_m_of_a_tight_integration():
    m = get_missile("nodong")
    lat, lon, az, th = _nodong_batch(200, 3)
    b = fly(m, lat, lon, az, th)
    ref = fly(m, lat, lon, az, th, rtol=1e-11)
    la, lo = b.impact_lat_lon_deg
    la0, lo0 = ref.impact_lat_lon_deg
    _, _, miss = GEOD.inv(lo, la, lo0, la0)
    dt = np.abs(b.col("t_impact") - ref.col("t_impact"))
    assert np.max(miss) < 10.0, f"largest impact shift {np.max(miss):.2f} m (allowed 10 m)"
    assert np.max(dt) < 0.01, f"largest flight-time shift {np.max(dt) * 1e3:.2f} ms (allowed 10)"


def test_lifting_and_intercontinental_flights_keep_the_tight_tolerance():
    """The looser reentry tolerance applies to ballistic descents below 100 km only: the KN-23's
    lifting glide and a Hwasong-15 flight land within 5 m of rtol 1e-12."""
    import thaadsim as t

    s = t.aim("kn-23", "39.15,127.45", "36.03,128.18", apogee_km=50)
    cases = [(get_missile("kn-23"), 39.15, 127.45, s.azimuth_deg, s.theta_deg, s.t_cut_s),
             (get_missile("hwasong-15"), 39.0, 125.7, 45.0, 60.0, np.inf)]
    for m, la0, lo0, az, th, tc in cases:
        b = fly(m, la0, lo0, az, th, tc)
        ref = fly(m, la0, lo0, az, th, tc, rtol=1e-12)
        la, lo = b.impact_lat_lon_deg
        la1, lo1 = ref.impact_lat_lon_deg
        _, _, miss = GEOD.inv(lo, la, lo1, la1)
        assert miss[0] < 5.0, f"{m.name}: impact {miss[0]:.2f} m from rtol 1e-12 (allowed 5 m)"
