"""Published claims about THAAD and the Seongju deployment, checked with the default presets.
Each test names its source; tolerances are in physical units.

- USCC (2016), 2016 Annual Report to Congress: interceptor range ~200 km, ceiling ~150 km,
  burnout ~2.8 km/s; the forward-based mode "covers most of the eastern half of China".
- Xinhua (2016): intercepts between 40 and 150 km altitude.
- ROK Ministry of National Defense (Jul 2016): the beam is kept 5 deg above the horizon, so
  aircraft over China are not seen.
- CIA World Factbook, "Korea, South": 99,720 km2 in all (96,920 km2 land).
"""

import numpy as np
import pytest

from thaadsim.analysis.coverage import coverage
from thaadsim.analysis.footprint import footprint
from thaadsim.analysis.grid import south_korea_grid
from thaadsim.interceptors import get_interceptor, reach_table
from thaadsim.interceptors.reach import flyout_fan
from thaadsim.sensors import get_radar, get_site
from thaadsim.threats.threat_set import get_threat_set

# The shipped Natural Earth polygon is simplified; 3 % covers the source spread and that.
SOUTH_KOREA_KM2 = 100_000.0


def test_burnout_speed_is_the_public_2p8_km_s():
    ic = get_interceptor()
    t, g, h, v, q = flyout_fan(ic, [85.0])
    vb = float(np.interp(ic.burn_time_s, t, v[0]))
    assert abs(vb - 2800.0) < 150.0, f"burnout speed expected ~2,800 m/s, got {vb:.0f}"


def test_reach_reproduces_200km_range_uscc_2016():
    env = reach_table(get_interceptor()).to_dict()
    assert abs(env["max_ground_range_km"] - 200.0) <= 10.0, env


def test_floor_40km_from_dynamic_pressure_xinhua():
    env = reach_table(get_interceptor()).to_dict()
    assert abs(env["min_altitude_km"] - 40.0) <= 3.0, env


def test_kinematic_ceiling_lies_above_the_150km_ceiling_uscc_2016():
    """USCC (2016): ceiling ~150 km. The flyout alone would coast higher (~240 km), so the
    published ceiling is a kill-vehicle design limit, not kinematics; the envelope reports both."""
    env = reach_table(get_interceptor()).to_dict()
    assert env["kinematic_ceiling_km"] > 150.0, env
    assert env["max_altitude_km"] <= env["kinematic_ceiling_km"], env


def test_seongju_terminal_cannot_see_aircraft_over_china():
    """ROK MND (2016): with the 5 deg floor, a 10 km-altitude target is seen only near the radar."""
    res = coverage(get_radar("tpy2-terminal"), get_site("seongju"), [10.0], 1.0)
    layer = res.layers[0]
    assert layer["limited_by"] == "elevation"
    assert layer["countries"]["CHN"]["area_km2"] == 0.0
    assert layer["max_ground_range_km"] < 120


def test_forward_mode_sees_deep_into_china_at_ballistic_altitudes():
    """USCC (2016): forward-based mode 'covers most of the eastern half of China'."""
    res = coverage(get_radar("tpy2-forward"), get_site("seongju"), [300.0], 0.01)
    chn = res.layers[0]["countries"]["CHN"]
    assert chn["area_km2"] > 1e6 and chn["max_depth_km"] > 500


@pytest.mark.parametrize("grid_km", [1.0, 5.0, 10.0, 25.0, 50.0])
def test_south_korea_area_is_right_at_every_accepted_grid(grid_km):
    """grid 500 km used to report 250,000 km2; the cells now weigh their land area."""
    g = south_korea_grid(grid_km)
    total = float(g.cell_area_km2.sum())
    kor = float(g.kor.area) / 1e6
    assert abs(total - kor) < 1e-6 * kor, f"cells add up to {total:.1f} km2, polygon {kor:.1f}"
    assert abs(total - SOUTH_KOREA_KM2) < 0.03 * SOUTH_KOREA_KM2, \
        f"South Korea {total:,.0f} km2 at {grid_km} km, expected ~{SOUTH_KOREA_KM2:,.0f} +- 3 %"


def test_footprint_summary_area_at_coarse_grid_is_south_koreas():
    s = footprint([], get_threat_set("nk-default"), 50.0).to_dict()
    assert abs(s["south_korea_area_km2"] - SOUTH_KOREA_KM2) < 0.03 * SOUTH_KOREA_KM2, s
    assert s["defended_fraction_of_south_korea"] == 0.0
