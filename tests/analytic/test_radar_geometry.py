"""Radar geometry against closed forms (Skolnik, Introduction to Radar Systems, 3rd ed., 8.2).

The 4/3 closed forms are checked with the radar's refraction set to ``"4/3"`` (the default
``"crpl"`` traces rays above 11 km: tests/analytic/test_refraction.py)."""

import math

import numpy as np
import pytest

from thaadsim.analysis.coverage import limits
from thaadsim.sensors import get_radar
from thaadsim.sensors.geometry import effective_radius_m, slant_range_elevation
from thaadsim.sensors.site import Site

SITE = Site("test", 36.0, 128.0, height_m=680.0, mast_height_m=10.0, boresight_az_deg=0.0)


@pytest.mark.parametrize("alt_km", [1.0, 10.0, 30.0])
def test_horizon_range_is_sum_of_horizon_distances_skolnik(alt_km):
    # power reaches beyond the horizon at these altitudes
    radar = get_radar("tpy2-forward").replace(refraction="4/3")
    lim = limits(radar, SITE, alt_km * 1e3, 10.0, min_elevation_deg=-5.0)
    a = effective_radius_m(4 / 3)
    hr = SITE.antenna_height_m
    expected = math.sqrt(2 * a * hr) + math.sqrt(2 * a * alt_km * 1e3)
    assert lim.limited_by == "horizon"
    assert abs(lim.g_max_m - expected) < 0.01 * expected, (
        f"horizon range expected {expected / 1e3:.1f} km, got {lim.g_max_m / 1e3:.1f} km")


@pytest.mark.parametrize("alt_km,elev_deg", [(10.0, 5.0), (100.0, 5.0), (50.0, 10.0)])
def test_elevation_limited_range_matches_radar_height_formula(alt_km, elev_deg):
    """h = R sin E + R^2 / (2 a) (Skolnik eq. 8.6) solved for R, vs the geometry's answer."""
    radar = get_radar("tpy2-forward").replace(refraction="4/3")
    lim = limits(radar, SITE, alt_km * 1e3, 10.0, min_elevation_deg=elev_deg)
    assert lim.limited_by == "elevation"
    a = effective_radius_m(4 / 3)
    h = alt_km * 1e3 - SITE.antenna_height_m
    s = math.sin(math.radians(elev_deg))
    r_expected = -a * s + math.sqrt((a * s) ** 2 + 2 * a * h)
    assert abs(lim.max_slant_m - r_expected) < 0.01 * r_expected, (
        f"slant range at {elev_deg} deg expected {r_expected / 1e3:.1f} km, "
        f"got {lim.max_slant_m / 1e3:.1f} km")
    _, el = slant_range_elevation(lim.g_max_m, alt_km * 1e3, SITE.antenna_height_m)
    assert abs(np.degrees(el) - elev_deg) < 1e-6


def test_power_limited_slant_range_scales_with_rcs_to_quarter_power():
    radar = get_radar("tpy2-terminal")
    r1 = limits(radar, SITE, 300e3, 0.01, 5.0)
    r16 = limits(radar, SITE, 300e3, 0.01 / 16, 5.0)
    assert r1.limited_by == r16.limited_by == "power"
    assert abs(r1.max_slant_m / r16.max_slant_m - 2.0) < 0.01 * 2.0, (
        f"slant range ratio for 16x RCS expected 2.0, got {r1.max_slant_m / r16.max_slant_m:.4f}")


def test_calibration_form_converts_to_range_equation():
    from thaadsim.sensors.radar import Radar

    r = Radar.from_calibration("custom", 800.0, 0.1)
    assert abs(r.detection_range_m(0.1) / 1e3 - 800.0) < 0.1
    assert abs(r.detection_range_m(1.6) / r.detection_range_m(0.1) - 2.0) < 1e-9
    assert abs(r.snr_db(800e3, 0.1) - r.snr_threshold_db) < 1e-9
