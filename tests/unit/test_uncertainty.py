"""Footprint uncertainty (first step of the uncertainty issue): the declared parameters carry
their reasons and sources, the bands contain the central value and are not degenerate, a
parameter with no range changes nothing, and the same seed gives the same output."""

import dataclasses
import json

import numpy as np
import pytest

from thaadsim.analysis import uncertainty as U
from thaadsim.cli import main
from thaadsim.engagement.fire_control import battery_at
from thaadsim.threats.threat_set import get_threat_set

GRID_KM = 25.0  # coarse: each sample is one footprint and, at most, one reach table


def test_every_parameter_has_a_reason_sources_and_its_preset_as_central():
    ps = U.list_parameters()
    assert len(ps) >= 5
    for p in ps:
        assert p.why and p.sources, p.name
        assert p.low <= p.central <= p.high and p.low < p.high, p
    bat = battery_at("seongju")
    central = {p.name: p.central for p in ps}
    b = U.battery_variant(bat, ps, central, 0.0)
    assert b.rcs_m2 == bat.rcs_m2 and b.reaction_time_s == bat.reaction_time_s
    assert b.site.lat_deg == bat.site.lat_deg and b.site.min_elevation_deg == 5.0
    assert b.radar.detection_range_m(0.01) == pytest.approx(bat.radar.detection_range_m(0.01))


@pytest.fixture(scope="module")
def run():
    return U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"), GRID_KM,
                                   samples=8, seed=4)


def test_band_contains_the_central_value_and_is_not_degenerate(run):
    d = run.to_dict()["defended_fraction_of_south_korea"]
    assert d["p05"] <= d["central"] <= d["p95"], d
    assert d["p95"] - d["p05"] > 0.02, f"band of {d['p95'] - d['p05']:.3f}: degenerate"
    assert np.all((run.cell_probability >= 0) & (run.cell_probability <= 1))


def test_parameters_without_range_leave_the_answer_unchanged(monkeypatch):
    fixed = [dataclasses.replace(p, low=p.central, high=p.central) for p in U.list_parameters()]
    monkeypatch.setattr(U, "list_parameters", lambda: fixed)
    r = U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"), GRID_KM,
                                samples=3, seed=1)
    c = r.central.to_dict()["defended_fraction_of_south_korea"]
    assert np.all(r.fraction == c), (r.fraction, c)


def test_same_seed_same_output(run):
    again = U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"),
                                    GRID_KM, samples=8, seed=4)
    assert again.to_dict() == run.to_dict()


def test_cli_json_keys(capsys):
    code = main(["uncertainty", "footprint", "--battery", "seongju", "--threat-set",
                 "nk-default", "--samples", "4", "--seed", "1", "--grid-km", "25", "--format",
                 "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    band = out["defended_fraction_of_south_korea"]
    assert set(band) == {"central", "p05", "p50", "p95"}, band
    assert len(out["records"]) == 4 and "Seoul" in out["probability_defended"]
