"""WGS84 geodetic <-> ECEF against PROJ (pyproj)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from thaadsim.core import earth as E

TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


@settings(max_examples=200, deadline=None)
@given(st.floats(-89.999, 89.999), st.floats(-180, 180), st.floats(-1000, 10_000_000))
def test_geodetic_to_ecef_and_back_match_pyproj_to_1mm(lat, lon, h):
    x, y, z = TO_ECEF.transform(lon, lat, h)
    ours = E.geodetic_to_ecef(np.radians(lat), np.radians(lon), h)
    assert np.max(np.abs(ours - [x, y, z])) < 1e-3, f"ECEF: pyproj {(x, y, z)}, ours {ours}"
    la, lo, hh = E.ecef_to_geodetic(np.array([x, y, z]))
    assert abs(hh - h) < 1e-3, f"height: expected {h} m, got {float(hh)} m"
    assert abs(np.degrees(la) - lat) * 111e3 < 1e-3, f"lat: expected {lat}, got {np.degrees(la)}"


def test_batch_shapes():
    lat = np.zeros((5, 2))
    xyz = E.geodetic_to_ecef(lat, lat, 0.0)
    assert xyz.shape == (5, 2, 3)
    la, lo, h = E.ecef_to_geodetic(xyz)
    assert la.shape == lo.shape == h.shape == (5, 2)


def test_fast_altitude_of_the_integrator_matches_the_refined_solution():
    """core.earth.geodetic_alt_lat_fast (the integrator's altitude) against the refined
    Bowring solution, random points from -10 km to 10,000 km: altitude within 1e-7 m, latitude
    within 2e-8 rad (as its docstring states, with margin)."""
    import numpy as np

    from thaadsim.core.earth import (
        A_M,
        F,
        geodetic_alt_lat,
        geodetic_alt_lat_fast,
        geodetic_to_ecef,
    )

    rng = np.random.default_rng(0)
    n = 5000
    lat = rng.uniform(-1.57, 1.57, n)
    lon = rng.uniform(-3.1, 3.1, n)
    h = rng.uniform(-10e3, 10e6, n)
    xyz = geodetic_to_ecef(lat, lon, h)
    p = np.hypot(xyz[:, 0], xyz[:, 1])
    worst_h = worst_l = 0.0
    for i in range(n):
        h1, l1 = geodetic_alt_lat_fast(p[i], xyz[i, 2], A_M, F)
        h0, l0 = geodetic_alt_lat(p[i], xyz[i, 2], A_M, F)
        worst_h = max(worst_h, abs(h1 - h0))
        worst_l = max(worst_l, abs(l1 - l0))
    assert worst_h < 1e-7 and worst_l < 2e-8, (worst_h, worst_l)
