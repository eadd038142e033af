"""The public argument over the Seongju battery, checked with the default presets:
ROK MND (Jul 2016): protects 'one-half to two-thirds of South Korea'; China Daily / Korea Times:
Seoul not covered; Daegu and Busan covered."""

import json

import pytest

from thaadsim.analysis.footprint import footprint
from thaadsim.cli import main
from thaadsim.engagement.fire_control import battery_at
from thaadsim.threats.threat_set import get_threat_set


@pytest.fixture(scope="module")
def seongju():
    return footprint([battery_at("seongju")], get_threat_set("nk-default"), 5.0).to_dict()


def test_seoul_outside_daegu_busan_inside(seongju):
    kc = seongju["key_cities"]
    assert kc["Seoul"] is False, "Seoul should lie outside the Seongju footprint"
    assert kc["Daegu"] is True and kc["Busan"] is True, kc


def test_defended_fraction_between_half_and_two_thirds_mnd_2016(seongju):
    f = seongju["defended_fraction_of_south_korea"]
    assert 0.5 <= f <= 2 / 3, f"MND: one-half to two-thirds; got {f:.3f}"
    assert seongju["defended_fraction_sls"] < f


def test_withdrawn_defends_nothing():
    r = footprint([], get_threat_set("nk-default"), 10.0).to_dict()
    assert r["area_km2"] == 0 and r["defended_population"] == 0


def test_newer_threats_shrink_the_footprint(seongju):
    r = footprint([battery_at("seongju")], get_threat_set("nk-2019"), 5.0).to_dict()
    assert r["defended_fraction_of_south_korea"] < seongju["defended_fraction_of_south_korea"]


def test_footprint_geojson_properties(capsys):
    code = main(["footprint", "--battery", "seongju", "--threat-set", "nk-default", "--grid-km",
                 "10", "--format", "geojson"])
    d = json.loads(capsys.readouterr().out)
    assert code == 0 and d["type"] == "FeatureCollection"
    for props in [d["properties"]] + [f["properties"] for f in d["features"]]:
        for k in ("defended_fraction_of_south_korea", "area_km2", "defended_population"):
            assert k in props, k


@pytest.mark.parametrize("args,needle", [
    (["--battery", "atlantis"], "battery"),
    (["--threat-set", "nk-1950"], "threat-set"),
    (["--grid-km", "0"], "grid-km"),
    (["--grid-km", "-5"], "grid-km"),
    (["--grid-km", "0.1"], "grid-km"),
    (["--grid-km", "300"], "grid-km"),
    (["--grid-km", "500"], "grid-km"),
    (["--grid-km", "1e6"], "grid-km"),
    (["--grid-km", "1e-300"], "grid-km"),
    (["--compare", "mars"], "--compare"),
])
def test_footprint_bad_input(capsys, args, needle):
    code = main(["footprint", *args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and needle in err.lower(), err
