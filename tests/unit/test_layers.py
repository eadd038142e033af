"""Layered defence (issue 14): SYSTEM@SITE batteries and preset configurations, the per-layer
footprint (combined = the existing footprint, cell for cell), the layered fire plan and its
closed form against the Monte Carlo, scenario files with systems, and bad input (exit 2, one
line naming the option, the rule and the value)."""

import json

import numpy as np
import pytest

from thaadsim.analysis import footprint as fp
from thaadsim.cli import main
from thaadsim.engagement.fire_control import (
    Doctrine,
    battery_at,
    parse_configuration,
    system_battery,
)
from thaadsim.engagement.montecarlo import (
    Plan,
    analytic_leak_layered,
    plan_layered,
    plan_shots,
    run_monte_carlo,
)
from thaadsim.engagement.systems import TIERS, get_configuration, list_systems
from thaadsim.threats.threat_set import get_threat_set

GRID_KM = 25.0  # coarse: these tests check identities, not numbers


# -- systems and configuration text ---------------------------------------------------------

def test_every_system_builds_a_battery_with_its_tier_and_sources():
    names = {s.name for s in list_systems()}
    assert {"thaad", "pac3-mse", "pac2-gemt", "km-sam2", "l-sam"} <= names
    for s in list_systems():
        assert s.tier in TIERS and s.sources, f"{s.name}: tier {s.tier}, sources {s.sources}"
        b = system_battery(s.name, "36.5,127.5")
        assert b.tier == s.tier and b.system == s.name
        assert b.reach.to_dict()["max_ground_range_km"] > 0


def test_thaad_shorthands_give_the_same_battery():
    assert parse_configuration("seongju")[1] == [battery_at("seongju")]
    assert parse_configuration("thaad@seongju")[1] == [battery_at("seongju")]
    assert parse_configuration("withdrawn") == ("withdrawn", [])
    label, bats = parse_configuration("seongju+pac3-mse@37.55,126.99")
    assert label == "seongju+pac3-mse@37.55,126.99"
    assert [b.tier for b in bats] == ["upper", "lower"]
    assert bats[1].name == "pac3-mse@37.5500,126.9900"
    assert bats[1].interceptor.name == "pac-3-mse" and bats[1].radar.name == "mpq-65"


def test_preset_configurations_expand_and_withdrawn_is_deployed_without_thaad():
    _, dep = parse_configuration("rok-deployed")
    _, wd = parse_configuration("rok-withdrawn")
    assert [b.system for b in dep].count("thaad") == 1
    assert [b for b in dep if b.system != "thaad"] == wd
    assert all(not b.site.defaults_applied for b in dep), "presets state their assumptions"
    assert get_configuration("rok-planned").batteries[1].startswith("l-sam@")


@pytest.mark.parametrize("text, option, needle", [
    ("foo@seongju", "--battery", "must name a known system before '@'"),
    ("pac3-mse@", "--battery", "must write each battery as SYSTEM@SITE"),
    ("@seongju", "--battery", "must write each battery as SYSTEM@SITE"),
    ("pac3-mse@seongju@x", "--battery", "must write each battery as SYSTEM@SITE"),
    ("pac3-mse@nowhere", "--battery", "must be a site preset"),
    ("pac3-mse@95,127", "--battery latitude", "must be a number in [-90, 90]"),
    ("seongju+", "--battery", "must be a site preset"),
    ("+".join(["seongju"] * 9), "--battery", "must join at most 8 sites"),
    ("rok-deployed+rok-deployed", "--battery", "at most 16 batteries"),
])
def test_bad_battery_text_exits_2_with_one_line(capsys, text, option, needle):
    assert main(["layers", "--battery", text, "--grid-km", "50"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"{option}:" in err[0] and needle in err[0] and "Got" in err[0], err[0]


def test_withdrawal_options_are_named_in_errors(capsys):
    assert main(["withdrawal", "--deployed", "nope@seongju", "--grid-km", "50"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--deployed:" in err and "nope@seongju" in err
    assert main(["withdrawal", "--grid-km", "0.1"]) == 2
    assert "--grid-km" in capsys.readouterr().err


# -- the layered footprint ------------------------------------------------------------------

@pytest.fixture(scope="module")
def layered():
    ts = get_threat_set("nk-default")
    cfgs = [parse_configuration(t)[1] for t in ("seongju", "rok-deployed", "rok-withdrawn")]
    lay = fp.layered_footprints(cfgs, ts, GRID_KM, ["seongju", "rok-deployed", "rok-withdrawn"])
    plain = fp.footprints(cfgs, ts, GRID_KM)
    return ts, cfgs, lay, plain


def test_combined_is_the_footprint_of_all_batteries_cell_for_cell(layered):
    _, cfgs, lay, plain = layered
    for lf, p in zip(lay, plain, strict=True):
        assert np.array_equal(lf.combined.defended, p.defended), lf.label
        assert np.array_equal(lf.combined.undefended_by, p.undefended_by), lf.label
        # across layers the order and kill assessment are checked: never more than the sum
        assert not np.any(lf.combined.defended_sls & ~p.defended_sls), lf.label
    # one layer only (THAAD alone, the lower tier alone): shoot-look-shoot as footprint's
    for k in (0, 2):
        assert np.array_equal(lay[k].combined.defended_sls, plain[k].defended_sls)


def test_each_layer_is_the_footprint_of_its_batteries_alone(layered):
    ts, cfgs, lay, _ = layered
    dep = lay[1]
    for tier in TIERS:
        alone = fp.footprints([[b for b in cfgs[1] if b.tier == tier]], ts, GRID_KM)[0]
        assert np.array_equal(dep.layers[tier].defended, alone.defended), tier
        assert np.array_equal(dep.layers[tier].defended_sls, alone.defended_sls), tier
    # defended by a layer implies defended combined, and so for shoot-look-shoot
    for tier in TIERS:
        assert not np.any(dep.layers[tier].defended & ~dep.combined.defended)
        assert not np.any(dep.layers[tier].defended_sls & ~dep.combined.defended_sls)
    # an upper-tier shot then a lower-tier shot at the leaker: shoot-look-shoot across layers
    both = dep.layers["upper"].defended & dep.layers["lower"].defended
    gained = dep.combined.defended_sls & ~dep.layers["upper"].defended_sls \
        & ~dep.layers["lower"].defended_sls
    assert gained.any() or not both.any(), "the layers together give shoot-look-shoot somewhere"


def test_withdrawn_lower_layer_equals_deployed_lower_layer(layered):
    _, _, lay, _ = layered
    assert np.array_equal(lay[1].layers["lower"].defended, lay[2].combined.defended)
    assert not lay[2].layers["upper"].defended.any()


def test_a_battery_in_two_configurations_counts_for_both():
    ts = get_threat_set("nk-default")
    a, b = battery_at("seongju"), battery_at("pyeongtaek")
    together = fp.footprints([[a], [a, b], [a, a]], ts, GRID_KM)
    alone = [fp.footprints([c], ts, GRID_KM)[0] for c in ([a], [a, b], [a, a])]
    for x, y in zip(together, alone, strict=True):
        assert np.array_equal(x.defended_sls, y.defended_sls)
        assert np.array_equal(x.defended, y.defended)


def test_city_rows_name_the_layer_and_the_threats_it_engages(layered):
    _, _, lay, _ = layered
    d = lay[1].to_dict()
    assert set(d) >= {"configuration", "combined", "layers", "key_cities", "statements"}
    seoul = d["key_cities"]["Seoul"]
    assert set(seoul) >= {"layers_defending", "defended_by_layer", "engaged_by_layer",
                          "defence", "limiting_threats"}
    assert set(seoul["defended_by_layer"]) == set(TIERS)
    json.dumps(d)  # JSON-ready


# -- engage: layered plan, closed form beside the Monte Carlo --------------------------------

def _windows(n_steps=60):
    t = np.arange(n_steps, dtype=float)[None, :]
    feas = np.ones((1, n_steps), dtype=bool)
    return t, feas, t - 5.0


def test_layered_plan_upper_first_then_lower_after_kill_assessment():
    t, feas, launch = _windows()
    d = Doctrine(mode="sls", salvo=1, max_shots=2, kill_assessment_s=10.0, layered=True)
    feas_low = feas.copy()
    plan = plan_layered(t, [(feas, launch, np.array([0])), (feas_low, launch, np.array([1]))],
                        np.zeros(1), d, [4, 4])
    assert plan.battery.tolist() == [0, 0, 1, 1]
    assert plan.shot_index.tolist() == [0, 1, 2, 3], "lower-tier shots fly only at survivors"
    assert np.all(np.diff(plan.intercept_s) >= 10.0)
    assert plan.launch_s[2] >= plan.intercept_s[1] + 10.0
    # one layer: the plan of plan_shots
    one = plan_layered(t, [(feas, launch, np.array([0]))], np.zeros(1), d, [4])
    ref = plan_shots(t, feas, launch, np.array([0]), np.zeros(1), d, [4])
    for f in ("threat", "battery", "shot_index", "launch_s", "intercept_s"):
        assert np.array_equal(getattr(one, f), getattr(ref, f)), f


def test_layered_closed_form_wilkening_two_layers():
    d = Doctrine(salvo=1, p_track=1.0)
    # two independent layers of 80 %: 1 - 0.2 * 0.2 = 96 % (Wilkening 1999)
    assert analytic_leak_layered([(1, 0.8), (1, 0.8)], d) == pytest.approx(0.04)
    d2 = Doctrine(salvo=2, p_track=0.9)
    want = 1 - 0.9 * (1 - 0.2 ** 4 * 0.3 ** 2)
    assert analytic_leak_layered([(2, 0.8), (1, 0.7)], d2) == pytest.approx(want)
    assert analytic_leak_layered([], d2) == 1.0


@pytest.mark.parametrize("p_track", [1.0, 0.9])
def test_monte_carlo_matches_the_layered_closed_form(p_track):
    d = Doctrine(mode="sls", salvo=1, sspk=0.8, p_track=p_track, layered=True)
    # threat 0: two upper shots then one lower; threat 1: one lower shot only
    plan = Plan(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]), np.array([0, 1, 2, 0]),
                np.array([0.0, 20.0, 40.0, 5.0]), np.array([10.0, 30.0, 50.0, 15.0]))
    r = run_monte_carlo(plan, 2, np.array([3, 1]), [50, 50], d, 100_000, 3,
                        sspk_by_battery=[0.8, 0.6])
    want = [1 - p_track * (1 - 0.2 * 0.2 * 0.4), 1 - p_track * 0.6]
    for j in range(2):
        assert r.p_leak_analytic[j] == pytest.approx(want[j])
        lo, hi = r.p_leak_ci95[j]
        assert lo - 0.002 <= want[j] <= hi + 0.002, (j, r.p_leak[j], want[j])
    # lower-tier interceptors fly only at survivors of the upper tier
    assert r.interceptors_used_by_battery_mean[1] == pytest.approx(
        1 + (1 - p_track * (1 - 0.04)), abs=0.01)


def test_inventory_that_can_bind_withholds_the_layered_closed_form():
    d = Doctrine(mode="sls", salvo=2, layered=True)
    plan = Plan(np.array([0, 0]), np.array([0, 1]), np.array([0, 1]), np.array([0.0, 20.0]),
                np.array([10.0, 30.0]))
    r = run_monte_carlo(plan, 1, np.array([2]), [2, 1], d, 1000, 1, sspk_by_battery=[0.8, 0.7])
    assert r.p_leak_analytic == [None]


# -- scenario files with systems -------------------------------------------------------------

SCEN = """
name = "mixed"
[[battery]]
name = "thaad"
site = "seongju"
system = "thaad"
[[battery]]
name = "patriot"
site = "35.87,128.62"
system = "{system}"
sspk = 0.7
{extra}
[doctrine]
layered = true
detection = "deterministic"
[[threat]]
id = "N1"
missile = "nodong"
launch = {{ lat_deg = 39.0, lon_deg = 125.7 }}
aim = {{ lat_deg = 35.87, lon_deg = 128.6 }}
"""


def test_scenario_systems_supply_defaults_and_tables_override(tmp_path):
    from thaadsim.engagement.raid import build_batteries
    from thaadsim.io.scenario import load_scenario

    p = tmp_path / "s.toml"
    p.write_text(SCEN.format(system="pac3-mse", extra="launchers = 4"))
    sc = load_scenario(p)
    b = build_batteries(sc)
    assert b[1].tier == "lower" and b[1].interceptor.name == "pac-3-mse"
    assert b[1].launchers == 4 and b[1].interceptors_per_launcher == 12
    assert b[1].sspk == 0.7 and b[0].sspk is None
    assert sc.doctrine.layered


def test_scenario_unknown_system_is_one_line(capsys, tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(SCEN.format(system="sm-9", extra=""))
    assert main(["engage", str(p), "--trials", "10"]) == 2
    err = capsys.readouterr().err
    assert "battery[1].system" in err and "sm-9" in err


def test_layered_engage_end_to_end_matches_its_closed_form(capsys, tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(SCEN.format(system="pac3-mse", extra=""))
    assert main(["engage", str(p), "--trials", "40000", "--seed", "2", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    t = d["threats"][0]
    assert t["battery"] == "thaad" and t["lower_tier_battery"] == "patriot"
    assert t["shots_planned"] >= 3, "two THAAD shots, then a Patriot shot at the leaker"
    lo, hi = t["p_leak_ci95"]
    assert lo - 0.003 <= t["p_leak_analytic"] <= hi + 0.003
    assert {b["tier"] for b in d["batteries"]} == {"upper", "lower"}
    assert main(["engage", str(p), "--trials", "200"]) == 0
    assert "lower_tier_battery" in capsys.readouterr().out.splitlines()[0]


# -- commands --------------------------------------------------------------------------------

def test_systems_command_lists_envelopes(capsys):
    assert main(["systems", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["systems"]
    by = {r["system"]: r for r in rows}
    assert by["thaad"]["max_ground_range_km"] == pytest.approx(200, abs=3)
    assert by["pac3-mse"]["tier"] == "lower" and by["l-sam"]["tier"] == "upper"


def test_withdrawal_json_has_the_cases_and_the_losses(capsys):
    assert main(["withdrawal", "--grid-km", "25", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [c["case"] for c in d["cases"]] == ["thaad-alone", "deployed", "withdrawn"]
    assert set(d["withdrawal"]) >= {"cities_losing_defence", "population_losing_upper_tier"}
    assert set(d["statements"]) == {"thaad-alone", "deployed", "withdrawn"}
    assert main(["withdrawal", "--grid-km", "25", "--format", "csv"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "case" in head and "defence" in head


def test_footprint_scenario_round_trip_keeps_systems(tmp_path):
    from thaadsim.api import load_footprint_scenario
    from thaadsim.io.scenario import footprint_scenario_toml

    _, bats = parse_configuration("thaad@seongju+pac3-mse@37.55,126.99+km-sam2@36.7,127.5")
    p = tmp_path / "f.toml"
    p.write_text(footprint_scenario_toml(bats, "nk-default", 10.0))
    back = load_footprint_scenario(p).batteries
    assert [(b.system, b.tier, b.interceptor.name, b.radar.name, b.inventory) for b in back] == \
        [(b.system, b.tier, b.interceptor.name, b.radar.name, b.inventory) for b in bats]
