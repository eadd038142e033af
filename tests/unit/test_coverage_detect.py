"""Coverage outputs and detection timelines."""

import json

import numpy as np
import pytest

from thaadsim.analysis.coverage import coverage, coverage_grid
from thaadsim.cli import main
from thaadsim.sensors import get_radar, get_site
from thaadsim.sensors.detect import detection_timeline
from thaadsim.threats import fly, get_missile


def test_grid_agrees_with_polygon_area():
    radar, site = get_radar("tpy2-terminal"), get_site("seongju")
    res = coverage(radar, site, [100.0], 0.01, countries=False)
    lat, lon = np.meshgrid(np.linspace(28, 46, 500), np.linspace(118, 138, 500), indexing="ij")
    mask = coverage_grid(radar, site, [100.0], 0.01, lat, lon)[0]
    cell = (np.radians(18 / 499) * 6371.0) * (np.radians(20 / 499) * 6371.0
                                              * np.cos(np.radians(lat)))
    area = float(np.sum(cell[mask]))
    assert abs(area - res.layers[0]["area_km2"]) < 0.02 * res.layers[0]["area_km2"], (
        f"grid area {area:.0f} km2 vs polygon {res.layers[0]['area_km2']:.0f} km2")


def test_detection_timeline_reasons():
    m = get_missile("nodong")
    # toward Seongju from Pyongyang (seen), away from it to the north-west (sector) and a far
    # launch on the far side of the Earth (horizon)
    b = fly(m, [39.0, 39.0, -36.0], [125.7, 125.7, -52.0], [145.0, 300.0, 90.0], 65.0,
            history_dt_s=1.0)
    tl = detection_timeline(get_radar("tpy2-terminal"), get_site("seongju"), b, 0.01)
    assert np.isfinite(tl.first_detection_time_s[0])
    assert tl.track_time_s[0] >= tl.first_detection_time_s[0]
    assert tl.track_time_s[0] - tl.first_detection_time_s[0] <= 4.0  # 3 of 5 at 1 s looks
    assert tl.not_seen_because[2] == "horizon"
    assert tl.first_detection_alt_km[0] > 0


def test_coverage_cli_json(capsys):
    code = main(["coverage", "--radar", "tpy2-terminal", "--site", "seongju", "--altitude-km",
                 "10,100,300", "--rcs-m2", "0.01", "--format", "json"])
    d = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [la["altitude_km"] for la in d["layers"]] == [10, 100, 300]
    for la in d["layers"]:
        for k in ["max_ground_range_km", "max_slant_range_km", "area_km2", "limited_by"]:
            assert k in la
        assert {"CHN", "KOR", "PRK"} <= set(la["countries"])


def test_coverage_cli_geojson_and_map(capsys, tmp_path):
    png = tmp_path / "m.png"
    code = main(["coverage", "--site", "36.0,128.0,500", "--altitude-km", "100", "--format",
                 "geojson", "--map", str(png)])
    d = json.loads(capsys.readouterr().out)
    assert code == 0 and d["type"] == "FeatureCollection" and png.stat().st_size > 10_000


@pytest.mark.parametrize("args,needle", [
    (["--radar", "nope"], "radar"),
    (["--site", "atlantis"], "site"),
    (["--rcs-m2", "0"], "rcs"),
    (["--rcs-m2", "-1"], "rcs"),
    (["--altitude-km", "-1"], "altitude"),
    (["--altitude-km", "6000"], "altitude"),
    (["--altitude-km", "a,b"], "altitude"),
    (["--min-elevation-deg", "95"], "elevation"),
    (["--min-elevation-deg", "-6"], "elevation"),
])
def test_coverage_bad_input(capsys, args, needle):
    code = main(["coverage", *args])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and needle in err.lower(), err


def test_track_cli_scud_b_at_seoul_is_tracked_from_seongju(capsys):
    code = main(["track", "--missile", "scud-b", "--from", "38.58,126.1", "--to", "37.57,126.98",
                 "--format", "json"])
    d = json.loads(capsys.readouterr().out)
    assert code == 0 and d["track_time_s"] >= d["first_detection_time_s"] > 0
    assert d["not_seen_because"] is None


def test_track_cli_bad_n_of_m(capsys):
    code = main(["track", "--missile", "scud-b", "--from", "38.58,126.1", "--to", "37.57,126.98",
                 "--n-of-m", "5,3"])
    err = capsys.readouterr().err
    assert code == 2 and "n-of-m" in err
