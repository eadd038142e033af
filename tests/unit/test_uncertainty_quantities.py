"""Uncertainty and sensitivity of coverage, engage and loft2range: the physics moves the right
way, a parameter without range changes nothing, the JSON has the band keys."""

import json
import subprocess
import sys

import pytest

from thaadsim import api
from thaadsim.analysis import uncertainty as U
from thaadsim.io.scenario import example_path
from thaadsim.sensors import get_radar, get_site

RAID = api.load_scenario(example_path())


def _oat(quantity, ev, output):
    return {r["parameter"]: r for r in U.one_at_a_time(quantity, ev, output)}


def test_engage_fewer_leakers_with_better_kill_and_track_probabilities():
    rows = _oat("engage", U.engage_evaluator(RAID, 2000, 1), "expected_leakers")
    for name in ("sspk", "p_track"):
        r = rows[name]
        assert r["at_high"] < r["at_low"], \
            f"{name}: leakers {r['at_low']:.2f} at {r['low']} vs {r['at_high']:.2f} at {r['high']}"


def test_coverage_a_lower_beam_floor_sees_more_of_china():
    ev = U.coverage_evaluator(get_site("seongju"), {"fwd": get_radar("tpy2-forward")}, [300.0])
    r = _oat("coverage", ev, "fwd.300km.area_km2")["beam_floor_deg"]
    assert r["at_low"] > r["at_high"], \
        f"3 deg floor {r['at_low']:,.0f} km2 should exceed 7 deg floor {r['at_high']:,.0f} km2"


def test_loft2range_a_higher_reported_apogee_gives_a_longer_range():
    ev = U.loft2range_evaluator(2802.0, 933.0, 2220.0, missile_class="icbm")
    r = _oat("loft2range", ev, "max_range_km")["test_apogee_error_pct"]
    assert r["at_high"] > r["at_low"] + 100, \
        f"apogee -3 %: {r['at_low']:,.0f} km, +3 %: {r['at_high']:,.0f} km"


def test_parameters_without_range_leave_every_sample_at_the_central_value(monkeypatch):
    collapsed = [U.Parameter(p.name, p.applies_to, p.central, p.central, p.central,
                             "uniform", p.unit, p.why, p.sources) for p in U.list_parameters()]
    monkeypatch.setattr(U, "list_parameters", lambda: collapsed)
    sw = U.sweep("engage", U.engage_evaluator(RAID, 1000, 1), 4, 3, {})
    c = sw.central["expected_leakers"]
    assert all(v == c for v in sw.outputs["expected_leakers"]), \
        f"central {c}, samples {sw.outputs['expected_leakers']}"


def test_each_parameter_enters_only_the_quantities_that_use_it():
    names = {q: {p.name for p in U.parameters_for(q)} for q in U.APPLIES_TO}
    assert "sspk" in names["engage"] and "sspk" not in names["footprint"]
    assert "forward_radar_range_km" in names["coverage"]
    assert names["loft2range"] == {"test_apogee_error_pct", "test_range_error_pct",
                                   "test_flight_time_pct"}
    every = set().union(*names.values())
    unused = {p.name for p in U.list_parameters()} - every
    assert not unused, f"declared parameters no quantity uses: {unused}"


@pytest.mark.parametrize("args, key", [
    (["coverage", "--samples", "4", "--altitudes", "300"], "tpy2-forward.300km.area_km2"),
    (["engage", str(example_path()), "--samples", "4", "--trials", "500"], "expected_leakers"),
    (["loft2range", "--apogee-km", "2802", "--range-km", "933", "--class", "icbm",
      "--samples", "4"], "max_range_km"),
])
def test_cli_json_has_central_and_percentiles(args, key):
    r = subprocess.run([sys.executable, "-m", "thaadsim", "uncertainty", *args, "--format",
                        "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d[key]) == {"central", "p05", "p50", "p95"}
    assert d[key]["p05"] <= d[key]["p50"] <= d[key]["p95"]
    assert len(d["records"]) == 4


def test_probability_map_averages_to_the_mean_defended_share():
    """sum over cells of P(defended) x land area / total area = the samples' mean defended
    fraction (each sample's fraction is the area-weighted mean of its defended cells)."""
    import numpy as np

    from thaadsim.engagement.fire_control import battery_at

    u = U.footprint_uncertainty(battery_at("seongju"), api.get_threat_set("nk-default"), 25.0,
                                samples=6, seed=2)
    gj = u.to_geojson()
    p = np.array([f["properties"]["probability_defended"] for f in gj["features"]])
    assert len(p) == u.central.lat.size and p.min() >= 0 and p.max() <= 1
    area = u.central.cell_area_km2
    mean_share = float(np.sum(p * area) / np.sum(area))
    assert mean_share == pytest.approx(float(np.mean(u.fraction)), abs=1e-9), \
        f"map {mean_share:.6f} vs samples {np.mean(u.fraction):.6f}"


def test_threat_parameters_at_their_central_values_change_nothing():
    ts = api.get_threat_set("nk-default")
    ps = [p for p in U.parameters_for("footprint") if p.applies_to.startswith(U.THREAT_PREFIXES)]
    assert {p.applies_to for p in ps} >= {"missile.isp_scale", "missile.payload_scale",
                                          "missile.beta_scale", "threat.launch_offset_km"}
    ts2, ms = U.threat_variant(ts, ps, {p.name: p.central for p in ps}, 0.3)
    assert ts2.launch_areas == ts.launch_areas
    assert all(ms[n] == api.get_missile(n) for n in ts.missiles)


def test_a_heavier_payload_shortens_the_reach_and_the_launch_areas_move_by_the_offset():
    import math

    from thaadsim import geo
    from thaadsim.analysis.families import family_of

    ts = api.get_threat_set("nk-default")
    ps = [p for p in U.parameters_for("footprint") if p.applies_to.startswith(U.THREAT_PREFIXES)]
    vals = {p.name: p.central for p in ps}
    heavy = dict(vals, missile_payload_scale=1.2, launch_offset_km=25.0)
    ts2, ms = U.threat_variant(ts, ps, heavy, 0.25)  # due east
    r0 = family_of(api.get_missile("nodong")).max_range_m / 1e3
    r1 = family_of(ms["nodong"]).max_range_m / 1e3
    assert r1 < r0 - 20, f"Nodong with 20 % more payload reaches {r1:.0f} km vs {r0:.0f} km"
    for (_, la, lo), (_, la2, lo2) in zip(ts.launch_areas, ts2.launch_areas, strict=True):
        d = float(geo.gc_distance_m(math.radians(la), math.radians(lo), math.radians(la2),
                                    math.radians(lo2))) / 1e3
        assert abs(d - 25.0) < 0.1, f"moved {d:.2f} km, expected 25 km"
        assert lo2 > lo


def test_cli_parameters_option_selects_and_refuses_unknown_names():
    r = subprocess.run([sys.executable, "-m", "thaadsim", "uncertainty", "footprint",
                        "--parameters", "sspk", "--scheduler", "none", "--samples", "2"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--parameters" in r.stderr and "sspk" in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "thaadsim", "uncertainty", "footprint",
                        "--parameters", "beam_floor_deg", "--scheduler", "none", "--samples",
                        "4", "--grid-km", "25", "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [p["name"] for p in d["parameters"]] == ["beam_floor_deg"]
