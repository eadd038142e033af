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
