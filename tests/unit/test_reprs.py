"""Short, stable reprs of every result object (pinned, as skyfield's test_strs_and_reprs.py does):
what a notebook user sees first. A repr must stay one line of at most ~160 characters, name the
configuration and give the headline numbers with units."""

import pytest

import thaadsim as t
from thaadsim.interceptors import get_interceptor, reach_table

SCENARIO = """
[[battery]]
name = "seongju"
[[threat]]
id = "t1"
missile = "scud-b"
launch = {lat_deg = 38.9, lon_deg = 125.7}
aim = {lat_deg = 37.2, lon_deg = 127.5}
"""

EXPECTED = {
    "fly": "<Flight scud-b (minimum-energy): range 293.7 km, apogee 76.5 km, flight 307.3 s>",
    "batch": "<TrajectoryBatch 1 trajectory: impact, range 293.7 km, apogee 76.5 km, flight "
             "307.3 s; history 311 samples>",
    "coverage": "<CoverageResult tpy2-terminal at seongju, RCS 0.01 m2, altitudes [10, 100] km; "
                "China up to 9,291 km2>",
    "footprint": "<FootprintResult seongju vs nk-default (50 km grid): 53.8 % of South Korea "
                 "(52,985 km2), 17.2 M people in cities; Seoul no, Busan yes, Daegu yes>",
    "compare": "<Comparison vs seongju: seongju 53.8 %, withdrawn 0.0 %>",
    "reach": "<ReachTable thaad: 200 km range, 39-150 km altitude>",
    "track": "<TrackResult scud-b seen by tpy2-terminal at 37.3000,127.0000 (RCS 0.01 m2): firm "
             "track at 64 s>",
    "loft": "<LoftResult 770 km apogee / 3700 km range: irbm (hwasong-12), payload 1,041 kg, max "
            "range 3,707 km [3,705-3,712]>",
    "uncertainty": "<FootprintUncertainty seongju vs nk-default: 53.8 % (p05-p95 45.3-63.7 %), "
                   "4 samples, seed 1>",
    "parameter": "<Parameter radar_range_km: 600 km in [600, 800] (uniform), "
                 "radar.calibration_range_km>",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    sc = tmp_path_factory.mktemp("s") / "s.toml"
    sc.write_text(SCENARIO)
    f = t.fly("scud-b", "39,125.7", azimuth_deg=150)
    fp = t.footprint("seongju", "nk-default", 50)
    return {
        "fly": f, "batch": f.batch,
        "coverage": t.coverage("tpy2-terminal", "seongju", [10, 100]),
        "footprint": fp,
        "compare": t.compare(fp, t.footprint("withdrawn", "nk-default", 50)),
        "reach": reach_table(get_interceptor()),
        "track": t.track("scud-b", "38.9,125.7", "37.2,127.5", site="37.3,127.0"),
        "loft": t.loft2range(770, 3700, 1140),
        "engage": t.engage(sc, trials=1000, seed=1),
        "aim": t.aim("scud-b", "38.9,125.7", "37.2,127.5"),
        "uncertainty": t.footprint_uncertainty("seongju", "nk-default", grid_km=50, samples=4,
                                               seed=1, parameters=t.list_parameters(fast=True)),
        "parameter": t.list_parameters()[0],
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_repr_pinned(results, name):
    assert repr(results[name]) == EXPECTED[name], f"expected {EXPECTED[name]!r}, got " \
                                                  f"{results[name]!r}"


@pytest.mark.parametrize("name", ["engage", "aim"])
def test_repr_short_one_line(results, name):
    r = repr(results[name])
    assert r.startswith("<") and r.endswith(">") and "\n" not in r and len(r) <= 200, r


def test_every_result_has_to_dict_and_the_tabular_ones_a_dataframe(results):
    for name, obj in results.items():
        assert isinstance(obj.to_dict(), dict), name
    for name in ("fly", "batch", "coverage", "footprint", "compare", "track", "engage"):
        df = results[name].to_dataframe()
        assert len(df) > 0 and len(df.columns) >= 3, (name, df.shape)
    assert results["footprint"].to_geojson()["type"] == "FeatureCollection"
    assert results["coverage"].to_geojson()["type"] == "FeatureCollection"
    hist = results["fly"].to_dataframe()
    assert {"t_s", "lat_deg", "lon_deg", "alt_km"} <= set(hist.columns)
    assert abs(hist["alt_km"].max() - 76.5) < 0.5, hist["alt_km"].max()


def test_package_reexports_the_api():
    from thaadsim import api

    assert sorted(t.__all__) == sorted(api.__all__), "thaadsim.__all__ != thaadsim.api.__all__"
    for name in api.__all__:
        assert getattr(t, name) is getattr(api, name), name
