"""Siting: the search's shortcuts are exact, its constraints hold, and it beats Seongju."""

import math

import numpy as np
import pytest

from thaadsim import api, geo
from thaadsim.analysis.footprint import footprints
from thaadsim.analysis.siting import Exclusion, site_search

TS = api.get_threat_set("nk-default")


def test_two_batteries_combine_exactly_from_their_per_threat_masks():
    """A cell is defended by A+B iff, for every threat reaching it, A or B has an opportunity:
    the pair search's mask arithmetic must equal the kernel run on the pair (10 km grid)."""
    a, b = api.battery("37.2,127.0"), api.battery("35.5,128.8")
    ra, rb, rab = footprints([[a], [b], [a, b]], TS, 10.0)
    combined = ~(ra.undefended_by & rb.undefended_by).any(axis=0)
    diff = int(np.sum(combined != rab.defended))
    assert diff == 0, f"{diff} cells differ between mask arithmetic and the kernel"


def test_descent_only_never_defends_more():
    """Restricting intercepts to after apogee can only remove opportunities."""
    bats = [[api.battery("seongju")], [api.battery("38.0,127.1")]]
    anyp = footprints(bats, TS, 10.0)
    desc = footprints(bats, TS, 10.0, descent_only=True)
    for x, y in zip(anyp, desc, strict=True):
        extra = int(np.sum(y.defended & ~x.defended))
        assert extra == 0, f"{x.label}: {extra} cells defended only in descent-only mode"


@pytest.fixture(scope="module")
def one():
    return site_search(api.battery("seongju"), TS, batteries=1, candidate_km=50.0,
                       grid_km=20.0, final_grid_km=20.0, samples=0)


def test_best_site_defends_at_least_as_many_people_as_seongju(one):
    d = one.to_dict()
    best, seongju = d["best"]["defended_population"], d["seongju"]["defended_population"]
    assert best >= seongju, f"best {best:,} < Seongju {seongju:,} people"
    assert d["improvement"]["defended_population"] == (
        d["best"]["defended_population"] - d["seongju"]["defended_population"])
    assert "not modelled" in d["caveat"]


def test_exclusion_zone_is_respected(one):
    best = one.to_dict()["best_sites"][0]
    zone = Exclusion(best["lat_deg"], best["lon_deg"], 80.0)
    r = site_search(api.battery("seongju"), TS, batteries=1, candidate_km=50.0, grid_km=20.0,
                    final_grid_km=20.0, samples=0, exclusions=[zone])
    s = r.to_dict()["best_sites"][0]
    d_km = float(geo.gc_distance_m(math.radians(s["lat_deg"]), math.radians(s["lon_deg"]),
                                   math.radians(zone.lat_deg), math.radians(zone.lon_deg))) / 1e3
    assert d_km > 80.0, f"best site {d_km:.0f} km from the excluded centre (radius 80 km)"


def test_cli_refuses_bad_input_and_too_much_work():
    import subprocess
    import sys

    for args, opt in ((["--batteries", "3"], "--batteries"),
                      (["--objective", "votes"], "--objective"),
                      (["--exclude", "37,127"], "--exclude"),
                      (["--max-seconds", "2"], "--candidate-km")):
        r = subprocess.run([sys.executable, "-m", "thaadsim", "siting", *args],
                           capture_output=True, text=True)
        assert r.returncode == 2, f"{args}: exit {r.returncode}"
        assert r.stderr.strip().count("\n") == 0 and opt in r.stderr, r.stderr
