"""The THAAD engagement envelope follows from the flyout kinematics and stated limits, and its
floor (the lowest intercept altitude by ground range) is a documented output.

- USCC (2016), 2016 Annual Report to Congress: range ~200 km, ceiling ~150 km.
- Xinhua (2016): intercepts between 40 and 150 km altitude.
- The previous flyout model (a fixed 85 deg launcher and one linear turn over the burn, the
  booster kept after burnout) gave a floor of 52 km at 100 km and 67 km at 150 km ground range
  (the physics issue, part 4).
- The table of the floor in src/thaadsim/data/interceptors.toml (rendered into
  docs/parameters.md) must be what the code computes.
"""

import re
from importlib import resources

import numpy as np
import pytest

from thaadsim.interceptors import get_interceptor, reach_table

PREVIOUS_FLOOR_KM = {100.0: 52.0, 150.0: 67.0}  # fixed 85 deg launcher (issue, part 4)


@pytest.fixture(scope="module")
def ic():
    return get_interceptor()


@pytest.fixture(scope="module")
def rt(ic):
    return reach_table(ic)


def test_range_follows_from_the_endurance_uscc_2016(ic, rt):
    """200 km is where the kill vehicle's endurance runs out: more endurance, more range."""
    rng = rt.to_dict()["max_ground_range_km"]
    assert abs(rng - 200.0) <= 10.0, f"range expected 200 +- 10 km, got {rng:.0f} km"
    longer = reach_table(ic.replace(max_flyout_time_s=130.0)).to_dict()["max_ground_range_km"]
    assert longer >= rng + 20.0, f"130 s endurance: expected >= {rng + 20:.0f} km, got {longer}"


def test_altitudes_40_to_150km_from_the_limits_xinhua(rt):
    env = rt.to_dict()
    assert abs(env["min_altitude_km"] - 40.0) <= 3.0, \
        f"floor expected 40 +- 3 km, got {env['min_altitude_km']:.0f} km"
    assert env["max_altitude_km"] == 150.0, \
        f"ceiling expected 150 km (design limit), got {env['max_altitude_km']:.0f} km"
    assert env["kinematic_ceiling_km"] > 200.0, \
        f"kinematic ceiling expected > 200 km (150 km is a design limit), got " \
        f"{env['kinematic_ceiling_km']:.0f} km"


def test_floor_is_monotone_beyond_its_lowest_point(rt):
    g = np.arange(0.0, 196.0, 1.0)
    floor = rt.min_intercept_altitude_km(g)
    assert np.all(np.isfinite(floor)), "every ground range up to 195 km should be in reach"
    k = int(np.argmin(floor))
    assert g[k] <= 100.0, f"lowest point of the floor expected within 100 km, got {g[k]:.0f} km"
    run_max = np.maximum.accumulate(floor[k:])
    dips = run_max - floor[k:]
    assert dips.max() <= 1.0, \
        f"floor beyond {g[k]:.0f} km expected non-decreasing within one 1 km cell, dips by " \
        f"{dips.max():.0f} km at {g[k + int(np.argmax(dips))]:.0f} km"
    assert floor[150] > floor[100] > floor[k], (floor[k], floor[100], floor[150])


def test_shaped_flyout_reaches_lower_than_the_fixed_85deg_launcher(rt):
    for gk, before in PREVIOUS_FLOOR_KM.items():
        now = float(rt.min_intercept_altitude_km(gk))
        assert now <= before - 3.0, \
            f"floor at {gk:.0f} km: expected below {before - 3:.0f} km (was {before:.0f}), " \
            f"got {now:.0f} km"


def test_launcher_elevation_no_longer_sets_the_floor(ic, rt):
    """The issue: 'a headline answer must not rest on an unsourced number' (the 85 deg)."""
    other = reach_table(ic.replace(launcher_elevation_deg=60.0))
    for gk in (50.0, 100.0, 150.0):
        a = float(rt.min_intercept_altitude_km(gk))
        b = float(other.min_intercept_altitude_km(gk))
        assert abs(a - b) <= 2.0, \
            f"floor at {gk:.0f} km: 85 deg launcher {a:.0f} km, 60 deg {b:.0f} km; expected " \
            "within 2 km"


def test_airframe_limit_is_bracketed_by_the_public_figures(ic):
    """interceptors.toml: below ~0.74 MPa the range falls under 190 km; above ~1.5 MPa the
    floor falls under the published 40 +- 3 km."""
    low = reach_table(ic.replace(max_flight_dynamic_pressure_pa=0.70e6)).to_dict()
    high = reach_table(ic.replace(max_flight_dynamic_pressure_pa=1.8e6)).to_dict()
    assert low["max_ground_range_km"] < 190.0, \
        f"0.70 MPa: range expected < 190 km, got {low['max_ground_range_km']:.0f} km"
    assert high["min_altitude_km"] < 37.0, \
        f"1.8 MPa: floor expected < 37 km, got {high['min_altitude_km']:.0f} km"


def test_documented_floor_table_is_what_the_code_computes(rt):
    text = resources.files("thaadsim.data").joinpath("interceptors.toml").read_text()
    rows = {}
    for key in ("ground range", "min altitude", "max altitude"):
        m = re.search(rf"^#\s+{key}((?:\s+\d+)+)\s*$", text, re.M)
        assert m, f"interceptors.toml should document '{key}' by ground range"
        rows[key] = [float(x) for x in m.group(1).split()]
    window = {r["ground_range_km"]: r for r in rt.altitude_window(25.0)}
    assert len(rows["ground range"]) >= 6, rows
    for gk, lo, hi in zip(rows["ground range"], rows["min altitude"], rows["max altitude"],
                          strict=True):
        got = window[gk]
        ok = abs(got["min_altitude_km"] - lo) <= 1.0 and abs(got["max_altitude_km"] - hi) <= 1.0
        assert ok, \
            f"{gk:.0f} km: documented {lo:.0f}-{hi:.0f} km, computed " \
            f"{got['min_altitude_km']:.0f}-{got['max_altitude_km']:.0f} km"


def test_envelope_plot(rt, tmp_path):
    from thaadsim.viz.envelope import envelope_profile

    path = tmp_path / "envelope.png"
    drawn = envelope_profile(rt, path)
    assert path.stat().st_size > 10_000, f"expected a PNG > 10 kB, got {path.stat().st_size} B"
    k = int(np.searchsorted(drawn["ground_range_km"], 100.0))
    assert drawn["min_altitude_km"][k] == float(rt.min_intercept_altitude_km(100.0))
