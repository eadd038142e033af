"""``thaadsim watch`` (issue 14): geometric invariants of which flights a radar observes, the
marginal analysis, agreement with the detection kernel of ``track``, the threat-set targets, the
outputs and bad input (exit 2, one line naming the option)."""

import json
import math

import numpy as np
import pytest
from pyproj import Geod

import thaadsim as t
from thaadsim.analysis.watch import fly_set
from thaadsim.cli import main
from thaadsim.core import earth as E
from thaadsim.errors import ThaadsimError
from thaadsim.presets import add_user_entries, clear_user_files
from thaadsim.sensors.detect import detection_timeline
from thaadsim.sensors.radar import get_radar
from thaadsim.sensors.site import get_site
from thaadsim.threats.threat_set import ThreatSet, get_threat_set

GEOD = Geod(ellps="WGS84")
REQUIRED = ("flight", "missile", "launch_area", "target", "seen", "track_s", "first_detection_s",
            "phase_at_first_detection", "firm_track_s", "leave_s", "min_range_km", "limited_by",
            "others_track_s", "marginal_track_s", "seen_only_from_site", "status",
            "enter_fov_s", "leave_fov_s", "looks_excluded", "looks_excluded_in_reach")


@pytest.fixture(scope="module")
def flights():
    return fly_set(get_threat_set("cn-icbm"))


@pytest.fixture(scope="module")
def fwd():
    return t.watch("cn-icbm", "seongju", "tpy2-forward")


def _recs(res):
    return {r["flight"]: r for r in res.records()}


# ---- the flights --------------------------------------------------------------------------------

def test_every_flight_of_the_set_is_reported_none_dropped(flights):
    ts = get_threat_set("cn-icbm")
    n = len(ts.missiles) * len(ts.launch_areas) * len(ts.targets)
    assert len(flights.labels) == n == 168, f"expected 3 x 7 x 8 = 168 flights, got {n}"
    assert set(flights.status) <= {"ok", "out_of_range", "no_solution"}
    assert int((flights.flown >= 0).sum()) == flights.status.count("ok")


def test_beyond_reach_is_out_of_range_and_flown_flights_land_on_target(flights):
    st = dict(zip((lab["flight"] for lab in flights.labels), flights.status, strict=True))
    # DF-31AG: 11,200 km published; Xinyang -> New York is 12,060 km
    key = "df-31ag Xinyang, Henan (reported DF-41 brigade, illustrative) -> New York, NY"
    assert st[key] == "out_of_range", f"{key}: expected out_of_range, got {st[key]}"
    # a flown flight impacts within 1 km of its target (aimed to 200 m)
    b = flights.batch
    lat, lon = b.impact_lat_lon_deg
    for i, lab in enumerate(flights.labels):
        k = flights.flown[i]
        if k < 0:
            continue
        _, _, miss = GEOD.inv(lon[k], lat[k], lab["aim"]["lon_deg"], lab["aim"]["lat_deg"])
        assert miss < 1000.0, f"{lab['flight']}: impact {miss:.0f} m from the target"


# ---- geometric invariants -----------------------------------------------------------------------

def _max_excess_over_four_thirds_horizon(flights, site):
    """Per flown flight: max over samples of (4/3-Earth horizon angle - central angle) (rad);
    negative means below that horizon at every sample. The 4/3 Earth bends rays more than the
    CRPL trace above 11 km, so this horizon is farther than the kernel's."""
    b = flights.batch
    lat, lon, alt = E.ecef_to_geodetic(b.hist[:, :, 1:4])
    r = E.R_MEAN_M
    a = 4.0 / 3.0 * r
    hr = site.antenna_height_m
    lat0, lon0 = math.radians(site.lat_deg), math.radians(site.lon_deg)
    c = (np.sin(lat) * math.sin(lat0) + np.cos(lat) * math.cos(lat0) * np.cos(lon - lon0))
    psi = np.arccos(np.clip(c, -1, 1))
    hor = (np.arccos(a / (a + hr)) + np.arccos(a / (a + np.maximum(alt, 0.0)))) * a / r
    ex = hor - psi
    valid = np.arange(b.hist.shape[1])[None, :] < b.nhist[:, None]
    return np.where(valid, ex, -np.inf).max(axis=1)


@pytest.mark.parametrize("site", ["seongju", "shariki", "kyogamisaki"])
def test_a_flight_that_never_rises_above_the_horizon_is_never_seen(flights, site):
    res = t.watch("cn-icbm", site, "tpy2-forward", obj="booster", compare=None)
    ex = _max_excess_over_four_thirds_horizon(flights, get_site(site))
    recs = res.records()
    hidden = [r for i, r in enumerate(recs) if flights.flown[i] >= 0
              and ex[flights.flown[i]] < 0]
    assert len(hidden) >= 10, f"{site}: expected flights below the horizon, found {len(hidden)}"
    bad = [r["flight"] for r in hidden if r["seen"] or r["first_detection_s"] is not None
           or r["enter_fov_s"] is not None]
    assert not bad, f"{site}: below the 4/3-Earth horizon at every sample yet seen: {bad[:3]}"
    for r in hidden:
        ex_all, ex_near = r["looks_excluded"], r["looks_excluded_in_reach"]
        assert ex_all["horizon"] == sum(ex_all.values()), (
            f"{r['flight']}: every look should be hidden by the horizon, got {ex_all}")
        want = "horizon" if sum(ex_near.values()) else res.view.out_of_reach_limit
        assert r["limited_by"] == want, f"{r['flight']}: limited_by {r['limited_by']}, {want=}"
    assert any(r["seen"] for r in recs), f"{site}: no flight seen at all (a vacuous test)"


@pytest.mark.parametrize("obj", ["rv", "booster"])
def test_terminal_mode_never_sees_more_than_forward_mode(obj):
    """Same face, sector and beam floor; a shorter detection and instrumented range."""
    fw = _recs(t.watch(radar="tpy2-forward", obj=obj, compare=None))
    te = _recs(t.watch(radar="tpy2-terminal", obj=obj, compare=None))
    for k, r in te.items():
        assert r["track_s"] <= fw[k]["track_s"], (
            f"{k}: terminal {r['track_s']} s in track > forward {fw[k]['track_s']} s")
        if r["seen"]:
            assert fw[k]["seen"], f"{k}: seen in terminal mode, not in forward mode"
    assert sum(r["track_s"] for r in fw.values()) > sum(r["track_s"] for r in te.values())


def test_the_1500km_preset_never_sees_more_than_the_2000km_preset():
    nas = _recs(t.watch(radar="tpy2-forward-nas", compare=None))
    fw = _recs(t.watch(radar="tpy2-forward", compare=None))
    for k, r in nas.items():
        assert r["track_s"] <= fw[k]["track_s"], f"{k}: NAS {r['track_s']} > USCC {fw[k]}"


def test_a_larger_rcs_never_sees_less():
    rv = _recs(t.watch(obj="rv", compare=None))
    bo = _recs(t.watch(obj="booster", compare=None))
    for k, r in rv.items():
        assert bo[k]["track_s"] >= r["track_s"], f"{k}: booster {bo[k]['track_s']} < rv"


def test_a_flight_entirely_behind_the_face_is_not_seen(flights):
    """Seongju turned to face south-east (135 deg): flights whose every sample lies more than
    62 deg (60 deg half-width + 2 deg for geodesic vs local azimuth) off that boresight are not
    seen, with the largest radar footprint (booster RCS)."""
    site = get_site("seongju").with_beam(boresight_az_deg=135.0)
    res = t.watch("cn-icbm", site, "tpy2-forward", obj="booster", compare=None)
    b = flights.batch
    lat, lon, _ = E.ecef_to_geodetic(b.hist[:, :, 1:4])
    recs = res.records()
    behind = []
    for i, r in enumerate(recs):
        k = flights.flown[i]
        if k < 0:
            continue
        n = int(b.nhist[k])
        az, _, _ = GEOD.inv(np.full(n, site.lon_deg), np.full(n, site.lat_deg),
                            np.degrees(lon[k, :n]), np.degrees(lat[k, :n]))
        off = np.abs((az - 135.0 + 180.0) % 360.0 - 180.0)
        if off.min() > 62.0:
            behind.append(r)
    assert len(behind) >= 20, f"expected flights behind the face, found {len(behind)}"
    seen = [r["flight"] for r in behind if r["seen"] or r["first_detection_s"] is not None]
    assert not seen, f"behind the face yet seen: {seen[:3]}"
    # and with the face turned back (315 deg) some of the same flights are seen
    back = _recs(t.watch(obj="booster", compare=None))
    assert any(back[r["flight"]]["seen"] for r in behind), "no flight seen facing 315 deg"


# ---- agreement with the detection kernel of `track` ---------------------------------------------

def test_times_agree_with_the_track_kernel(flights):
    radar, site = get_radar("tpy2-forward"), get_site("seongju")
    res = t.watch(radar=radar, site=site, compare=None)
    tl = detection_timeline(radar, site, flights.batch, 0.01)
    n_checked = 0
    for i, r in enumerate(res.records()):
        k = flights.flown[i]
        if k < 0:
            continue
        want_first = tl.first_detection_time_s[k]
        want_track = tl.track_time_s[k]
        if np.isnan(want_track):
            assert not r["seen"] and r["track_s"] == 0, f"{r['flight']}: track kernel: never"
            continue
        assert r["first_detection_s"] == pytest.approx(want_first), r["flight"]
        assert r["firm_track_s"] == pytest.approx(want_track), r["flight"]
        # one segment of firm track: [firm, last detection], counted in looks of 1 s
        if r["leave_s"] == pytest.approx(tl.last_detection_time_s[k]):
            assert r["track_s"] == pytest.approx(tl.time_in_track_s[k] + 1.0), r["flight"]
            n_checked += 1
    assert n_checked >= 20, f"only {n_checked} flights compared"


# ---- the marginal analysis ----------------------------------------------------------------------

def test_marginal_track_time_bounds(fwd):
    recs = fwd.records()
    for r in recs:
        byr = r["track_s_by_radar"]
        assert 0 <= r["marginal_track_s"] <= r["track_s"], r["flight"]
        assert r["others_track_s"] >= max(byr.values(), default=0.0), r["flight"]
        assert r["others_track_s"] <= sum(byr.values()), r["flight"]
        if r["seen_only_from_site"]:
            assert r["others_track_s"] == 0 and r["marginal_track_s"] == r["track_s"] > 0
        # the union (others + what only the site holds) covers the site's own track time
        union = r["others_track_s"] + r["marginal_track_s"]
        assert r["track_s"] <= union <= r["track_s"] + r["others_track_s"], r["flight"]
    s = fwd.summary(recs)
    assert s["marginal_track_s"] == sum(r["marginal_track_s"] for r in recs)
    assert s["flights_seen_only_from_site"] == sum(r["seen_only_from_site"] for r in recs)


def test_a_radar_adds_nothing_to_itself():
    res = t.watch(site="shariki", radar="tpy2-forward", compare="shariki")
    s = res.summary()
    assert s["track_s"] > 0, "Shariki sees nothing: a vacuous test"
    assert s["marginal_track_s"] == 0 and s["flights_seen_only_from_site"] == 0, s


def test_without_comparison_the_marginal_time_is_the_track_time():
    s = t.watch(compare="none").summary()
    assert s["compare_sites"] is None and s["marginal_track_s"] == s["track_s"] > 0


def test_compare_takes_site_objects_and_names_alike():
    by_name = t.watch(compare="shariki,kyogamisaki").summary()
    by_site = t.watch(compare=[get_site("shariki"), "kyogamisaki"]).summary()
    assert by_site == by_name
    turned = t.watch(compare=[get_site("shariki").with_beam(boresight_az_deg=235.0),
                              get_site("kyogamisaki").with_beam(boresight_az_deg=266.0)])
    assert turned.summary()["others_track_s"] != by_name["others_track_s"]


def test_compare_radar_defaults_to_the_forward_mode_for_the_japan_radars():
    assert t.watch(radar="tpy2-terminal").summary()["compare_radar"] == "tpy2-forward"
    assert t.watch(radar="tpy2-forward-nas").summary()["compare_radar"] == "tpy2-forward-nas"
    assert t.watch(radar="tpy2-terminal", compare_radar="tpy2-terminal").summary()[
        "compare_radar"] == "tpy2-terminal"


def test_limited_by_names_the_beam_floor_for_a_flight_below_it(fwd):
    """DF-41 from Tonghua (660 km from Seongju) to Washington climbs north away from Seongju
    below the 5 deg beam floor while within 2,000 km (checked against the floor lowered to 0):
    the limit is the beam floor, not the horizon on the far side of the Earth."""
    key = "df-41 Northeast China near Tonghua, Jilin (illustrative) -> Washington, DC"
    r = _recs(fwd)[key]
    assert not r["seen"] and r["limited_by"] == "elevation", r
    low = _recs(t.watch(site=get_site("seongju").with_beam(min_elevation_deg=0.0),
                        compare=None))[key]
    assert low["seen"], "with a 0 deg floor the flight should be in firm track"


def test_phase_at_first_detection_follows_burnout(fwd):
    for r in fwd.records():
        if r["first_detection_s"] is None:
            assert r["phase_at_first_detection"] is None
            continue
        boost = r["first_detection_s"] <= r["burnout_s"]
        assert (r["phase_at_first_detection"] == "boost") == boost, r


# ---- threat-set targets -------------------------------------------------------------------------

def test_threat_sets_with_targets_load_and_user_files_extend_them():
    ts = get_threat_set("cn-icbm")
    assert len(ts.targets) == 8 and ts.to_dict()["targets"][0]["name"] == "Washington, DC"
    assert "targets" not in get_threat_set("nk-default").to_dict()
    try:
        add_user_entries("threat_sets.toml", {"set": {"mine": {
            "missiles": ["df-26"], "sources": ["test"],
            "launch_area": [{"name": "a", "lat_deg": 34.6, "lon_deg": 112.4}],
            "target": [{"name": "Guam", "lat_deg": 13.58, "lon_deg": 144.93}]}}},
            "test", "--threat-set-file")
        assert get_threat_set("mine").targets == (("Guam", 13.58, 144.93),)
        add_user_entries("threat_sets.toml", {"set": {"bad": {
            "missiles": ["df-26"], "sources": ["test"],
            "launch_area": [{"name": "a", "lat_deg": 34.6, "lon_deg": 112.4}],
            "target": [{"name": "x", "lat_deg": 95.0, "lon_deg": 0.0}]}}},
            "test", "--threat-set-file")
        with pytest.raises(ThaadsimError, match="lat_deg"):
            get_threat_set("bad")
    finally:
        clear_user_files()


def test_a_set_without_targets_is_refused():
    with pytest.raises(ThaadsimError, match="targets"):
        t.watch("nk-default")


def test_a_threat_set_object_works_and_is_cached_by_content():
    ts = ThreatSet("guam", ("df-26",), (("Luoyang", 34.62, 112.45),), {}, "", (),
                   (("Guam", 13.58, 144.93),))
    a = fly_set(ts)
    assert fly_set(get_threat_set("cn-irbm-guam")) is not a  # another launch-area name
    assert fly_set(ts) is a


# ---- outputs ------------------------------------------------------------------------------------

def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_one_record_per_flight_with_the_required_keys(capsys):
    code, out, err = run(capsys, "watch", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert len(d["flights"]) == 168
    for r in d["flights"]:
        missing = [k for k in REQUIRED if k not in r]
        assert not missing, f"{r['flight']}: missing {missing}"
        assert isinstance(r["seen"], bool) and r["track_s"] >= 0
        if not r["seen"]:
            assert r["track_s"] == 0
    assert d["summary"]["flights_seen"] == sum(r["seen"] for r in d["flights"])
    assert d["metadata"]["public_estimates_only"] is True


def test_csv_and_table(capsys):
    code, out, err = run(capsys, "watch", "--format", "csv", "--radar", "tpy2-terminal")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 169 and "marginal_track_s" in lines[0]
    code, out, err = run(capsys, "watch")
    assert code == 0, err
    assert "Summary" in out and "marginal_track_s" in out and "Assumptions" in out


def test_geojson_has_flights_observed_segments_and_radars(capsys):
    code, out, err = run(capsys, "watch", "--format", "geojson")
    assert code == 0, err
    g = json.loads(out)
    kinds = {}
    for f in g["features"]:
        kinds.setdefault(f["properties"]["kind"], []).append(f)
    assert len(kinds["radar"]) == 3
    n_flown = int((fly_set(get_threat_set("cn-icbm")).flown >= 0).sum())
    assert len(kinds["flight"]) == n_flown == 153, f"{len(kinds['flight'])} flight features"
    seen = sum(f["properties"]["seen"] for f in kinds["flight"])
    site_obs = [f for f in kinds["observed"] if f["properties"]["radar"].startswith("seongju")]
    assert len(site_obs) == seen, f"{len(site_obs)} Seongju segments for {seen} flights seen"
    assert kinds["observed"], "no observed segment"
    for f in kinds["flight"] + kinds["observed"]:
        geom = f["geometry"]
        lines = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
        for ln in lines:
            lons = [p[0] for p in ln]
            assert all(-180.0 <= x <= 180.0 for x in lons)
            assert max(abs(a - b) for a, b in zip(lons, lons[1:], strict=False)) < 90.0, (
                "a line jumps across the antimeridian")


def test_plots_and_kml(tmp_path, capsys):
    m, ta, k = tmp_path / "m.png", tmp_path / "ta.png", tmp_path / "w.kml"
    code, out, err = run(capsys, "watch", "--plot", m, "--plot-time-altitude", ta, "--kml", k,
                         "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert (d["plot"], d["plot_time_altitude"], d["kml"]) == (str(m), str(ta), str(k)), (
        f"the JSON should name the files written: {[d.get(x) for x in ('plot', 'kml')]}")
    assert m.stat().st_size > 20_000 and ta.stat().st_size > 20_000
    text = k.read_text()
    assert text.count("<LineString") > 153 and "firm track: seongju (tpy2-forward)" in text


def test_repr_states_the_headline(fwd):
    r = repr(fwd)
    assert "cn-icbm" in r and "marginal" in r and "seongju" in r


# ---- bad input: exit 2, one line naming the option, the rule and the value ----------------------

@pytest.mark.parametrize("args,needles", [
    (["--site", "atlantis"], ["--site", "atlantis"]),
    (["--radar", "tpy3"], ["--radar", "tpy3"]),
    (["--threat-set", "cn-nope"], ["--threat-set", "cn-nope"]),
    (["--threat-set", "nk-default"], ["--threat-set", "targets", "nk-default"]),
    (["--object", "tank"], ["--object", "rv, booster", "tank"]),
    (["--rcs", "-1"], ["--rcs-m2", "-1"]),
    (["--rcs-m2", "nan"], ["--rcs-m2", "nan"]),
    (["--compare", "shariki,nowhere"], ["--compare", "nowhere"]),
    (["--compare", "shariki,,kyogamisaki"], ["--compare", "empty"]),
    (["--compare-radar", "x-band"], ["--compare-radar", "x-band"]),
    (["--n-of-m", "5,3"], ["--n-of-m", "5,3"]),
    (["--min-elevation-deg", "95"], ["--min-elevation-deg", "95"]),
    (["--plot", "map.txt"], ["--plot", "map.txt"]),
    (["--kml", "w.png"], ["--kml", ".kml"]),
    (["--format", "html"], ["--format", "html"]),
])
def test_bad_input_exits_2_with_one_line(capsys, args, needles):
    code, _, err = run(capsys, "watch", *args)
    lines = err.strip().splitlines()
    assert code == 2, f"expected exit 2, got {code}; stderr {err!r}"
    assert len(lines) == 1, f"expected one stderr line, got {lines}"
    assert "Traceback" not in err and "internal error" not in err, err
    for n in needles:
        assert n in lines[0], f"expected {n!r} in {lines[0]!r}"


def test_bench_watch_reports_positive_rates():
    from thaadsim.bench.watch import bench_watch

    b = bench_watch("cn-irbm-guam", repeats=1)
    assert b["flights"] == 1 and b["flights_in_reach"] == 1, b
    for k in ("solve_flights_per_s", "shipped_guidance_flights_per_s",
              "observe_flight_radars_per_s", "default_call_s"):
        assert b[k] > 0, (k, b)
    assert b["shipped_equals_solver"], f"the shipped guidance flies other flights: {b}"
