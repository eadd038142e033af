"""The web map's HTTP API (docs/web-api.md), in process with Starlette's TestClient.

The browser tests (tests/browser) drive the page; these check the contract: the numbers equal
the public API's, bad input is a 400 naming the parameter, the queue answers 503 when full, the
downloads reproduce the view, nothing leaves the machine (Content-Security-Policy).
"""

import asyncio
import threading
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from thaadsim import api  # noqa: E402
from thaadsim.web import views  # noqa: E402
from thaadsim.web.app import Work, create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(warm=False)) as c:
        yield c


def test_footprint_numbers_are_the_public_apis(client):
    r = client.get("/api/footprint?battery=seongju&threat_set=nk-default&grid_km=5")
    assert r.status_code == 200, r.text
    d = r.json()
    ref = api.footprint("seongju", "nk-default", 5.0).to_dict()
    got = d["summary"]["defended_fraction_of_south_korea"]
    assert got == pytest.approx(ref["defended_fraction_of_south_korea"], abs=1e-12), \
        f"web {got} vs api {ref['defended_fraction_of_south_korea']}"
    assert d["summary"]["defended_population"] == ref["defended_population"]
    layers = [f["properties"]["layer"] for f in d["features"]]
    assert layers.count("defended") == 1 and layers.count("defended_sls") == 1
    assert layers.count("battery") == 1
    n_city = layers.count("city")
    assert n_city > 50, f"expected the South Korean cities, got {n_city}"
    seoul = next(f for f in d["features"] if f["properties"].get("name") == "Seoul")
    assert seoul["properties"]["defended"] is False
    assert seoul["properties"]["limiting_threats"], "Seoul is not defended: some threat limits it"
    daegu = next(f for f in d["features"] if f["properties"].get("name") == "Daegu")
    assert daegu["properties"]["defended"] is True and daegu["properties"]["limiting_threats"] == []
    # Seongju against itself: nothing gained or lost
    assert d["baseline"]["cities_gained"] == [] and d["baseline"]["cities_lost"] == []
    assert r.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_moved_battery_changes_the_numbers_and_names_cities_gained(client):
    d = client.get("/api/footprint?battery=37.0,127.0").json()
    b = d["baseline"]
    assert d["summary"]["defended_fraction_of_south_korea"] != b[
        "defended_fraction_of_south_korea"]
    assert "Daejeon" in b["cities_gained"] or "Cheonan" in b["cities_gained"], \
        f"a battery near Pyeongtaek gains the cities north of Seongju; gained {b['cities_gained']}"
    assert d["request"]["battery"] == "37.0,127.0"


def test_withdrawn_defends_nothing(client):
    d = client.get("/api/footprint?battery=withdrawn").json()
    assert d["summary"]["defended_fraction_of_south_korea"] == 0.0
    assert "Daegu" in d["baseline"]["cities_lost"]


@pytest.mark.parametrize("query, parameter", [
    ("grid_km=0.1", "grid_km"),
    ("grid_km=abc", "grid_km"),
    ("grid_km=nan", "grid_km"),
    ("grid_km=1", "grid_km"),  # too much work for the web map
    ("battery=95,0", "battery latitude"),
    ("battery=atlantis", "battery"),
    ("battery=" + "+".join(["seongju"] * 9), "battery"),
    ("threat_set=nk-1999", "threat_set"),
    ("radar=abc", "radar"),
    ("reaction_time_s=-1", "reaction_time_s"),
    ("interceptor_max_q_pa=5", "interceptor_max_q_pa"),
    ("colour=red", "colour"),
])
def test_bad_footprint_parameters_are_400_naming_the_parameter(client, query, parameter):
    r = client.get(f"/api/footprint?{query}")
    assert r.status_code == 400, f"{query}: expected 400, got {r.status_code} {r.text[:200]}"
    e = r.json()["error"]
    assert e["parameter"] == parameter, f"{query}: names {e['parameter']!r}, not {parameter!r}"
    assert e["message"].startswith(parameter) and "\n" not in e["message"]


@pytest.mark.parametrize("url, parameter", [
    ("/api/coverage?altitude_km=-5", "altitude_km"),
    ("/api/coverage?rcs_m2=0", "rcs_m2"),
    ("/api/coverage?radar=sonar", "radar"),
    ("/api/watch?object=decoy", "object"),
    ("/api/watch?threat_set=nk-default", "threat_set"),
    ("/api/watch?site=atlantis", "site"),
    ("/api/trajectory?missile=nodong&from=39,125.7&to=99,1", "to latitude"),
    ("/api/trajectory?from=39,125.7&to=35,129", "missile"),
    ("/api/trajectory?missile=nodong&from=39,125.7&to=10,100", "to"),  # out of reach
])
def test_bad_coverage_and_trajectory_parameters_are_400(client, url, parameter):
    r = client.get(url)
    assert r.status_code == 400, f"{url}: expected 400, got {r.status_code} {r.text[:200]}"
    assert r.json()["error"]["parameter"] == parameter


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["battery", "grid_km", "threat_set", "radar", "reaction_time_s"]),
       value=st.text(max_size=40))
def test_no_500_for_any_text(client, key, value):
    r = client.get("/api/footprint", params={key: value})
    assert r.status_code in (200, 400), f"{key}={value!r}: {r.status_code} {r.text[:200]}"


def test_coverage_over_china_in_both_modes(client):
    t = client.get("/api/coverage?site=seongju&radar=tpy2-terminal&altitude_km=100").json()
    f = client.get("/api/coverage?site=seongju&radar=tpy2-forward&altitude_km=100").json()
    a_t = t["summary"]["countries"]["CHN"]["area_km2"]
    a_f = f["summary"]["countries"]["CHN"]["area_km2"]
    assert 0 < a_t < a_f, f"forward mode sees more of China than terminal: {a_t} vs {a_f} km2"
    assert t["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_watch_layer_gives_the_flights_and_the_japan_radars(client):
    """The watch layer of the map (issue 14): terminal mode holds no more flights than forward
    mode, and the answer names the forward-based radars in Japan it is compared with."""
    f = client.get("/api/watch?site=seongju&radar=tpy2-forward").json()
    t = client.get("/api/watch?site=seongju&radar=tpy2-terminal").json()
    assert f["summary"]["flights_seen"] >= t["summary"]["flights_seen"], \
        f"terminal holds {t['summary']['flights_seen']}, forward {f['summary']['flights_seen']}"
    radars = {x["properties"]["site"] for x in f["features"] if x["properties"]["kind"] == "radar"}
    assert radars == {"seongju", "shariki", "kyogamisaki"}, radars
    kinds = {x["properties"]["kind"] for x in f["features"]}
    assert {"flight", "observed"} <= kinds, kinds
    presets = client.get("/api/presets").json()
    assert "cn-icbm" in [w["id"] for w in presets["watch_sets"]]
    assert "cn-icbm" not in [w["id"] for w in presets["threat_sets"]], "not a footprint set"


def test_trajectory_is_a_linestring_with_altitude(client):
    d = client.get("/api/trajectory?missile=nodong&from=39.0,125.7&to=35.1,129.0").json()
    c = d["geometry"]["coordinates"]
    assert d["geometry"]["type"] == "LineString" and len(c[0]) == 3
    top = max(p[2] for p in c) / 1e3
    assert top == pytest.approx(d["properties"]["apogee_km"], abs=15), \
        f"sampled top {top:.0f} km vs apogee {d['properties']['apogee_km']:.0f} km"
    assert d["properties"]["miss_distance_m"] < 200


def test_presets_basemap_cities_and_health(client):
    p = client.get("/api/presets").json()
    assert {"sites", "radars", "threat_sets", "missiles", "interceptors", "defaults",
            "limits"} <= set(p)
    assert any(s["id"] == "seongju" and s["sources"] for s in p["sites"])
    assert all(m["sources"] for m in p["missiles"]), "every missile preset names its sources"
    b = client.get("/api/basemap").json()
    assert {f["properties"].get("iso_a3") for f in b["features"]} >= {"KOR", "PRK", "CHN", "JPN"}
    c = client.get("/api/cities").json()
    assert any(f["properties"]["name"] == "Seoul" for f in c["features"])
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/nowhere").status_code == 404


def test_kml_download_is_kml_with_the_footprint(client):
    r = client.get("/api/footprint.kml?battery=seongju")
    assert r.status_code == 200
    assert "kml" in r.headers["content-type"]
    assert "attachment" in r.headers["content-disposition"]
    root = ET.fromstring(r.content)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert root.findall(".//k:Polygon", ns), "the defended area is a KML polygon"
    assert any(p.text == "seongju" for p in root.findall(".//k:Placemark/k:name", ns))


def test_scenario_download_reproduces_the_view_in_the_cli(client, tmp_path):
    q = "battery=seongju%2B37.0,127.0&threat_set=nk-default&grid_km=10&reaction_time_s=20"
    toml = client.get(f"/api/scenario.toml?{q}").text
    f = tmp_path / "view.toml"
    f.write_text(toml)
    sc = api.load_footprint_scenario(f)
    assert [b.reaction_time_s for b in sc.batteries] == [20.0, 20.0]
    again = api.footprint(sc.batteries, sc.threat_set, sc.grid_km).to_dict()
    web = client.get(f"/api/footprint?{q}").json()["summary"]
    assert again["defended_fraction_of_south_korea"] == pytest.approx(
        web["defended_fraction_of_south_korea"], abs=1e-12)


def _in_thread(coro_fn):
    """asyncio.run in a thread of its own (the browser tests' Playwright may hold this one's
    event loop)."""
    out: list = []
    t = threading.Thread(target=lambda: out.append(asyncio.run(coro_fn())))
    t.start()
    t.join(60)
    return out[0]


def test_a_full_queue_answers_503_with_retry_after():
    work = Work(workers=1, queue_limit=0, timeout_s=30)
    gate = threading.Event()

    async def scenario():
        first = asyncio.ensure_future(work.run(lambda q: gate.wait(10) and {}, {}))
        await asyncio.sleep(0.05)
        second = await work.run(lambda q: {}, {})
        gate.set()
        return await first, second

    try:
        first, second = _in_thread(scenario)
    finally:
        work.close()
    assert first.status_code == 200
    assert second.status_code == 503 and second.headers["retry-after"] == "2"


def test_a_slow_request_answers_503_not_500():
    work = Work(workers=1, queue_limit=4, timeout_s=0.05)
    gate = threading.Event()
    try:
        r = _in_thread(lambda: work.run(lambda q: gate.wait(5) and {}, {}))
    finally:
        gate.set()
        work.close()
    assert r.status_code == 503 and int(r.headers["retry-after"]) > 0


def test_footprint_query_normalises_the_battery_text():
    fq = views.footprint_query({"battery": " Seongju + 37.0, 127.0 "})
    assert fq.battery == "seongju+37.0,127.0"


def test_footprint_polygon_has_the_area_of_its_cells():
    """The polygon is the union of the defended cells' squares, clipped to the land: its area
    equals the summed land area of those cells (within the 500 m simplification: 0.5 %)."""
    from thaadsim import geo
    from thaadsim.analysis.grid import GRID_CENTER

    r = api.footprint("seongju", "nk-default", 5.0)
    poly = geo.project(r.polygon(), geo.laea(*GRID_CENTER)[0])
    cells = float(r.cell_area_km2[r.defended].sum())
    assert poly.is_valid
    assert poly.area / 1e6 == pytest.approx(cells, rel=0.005), \
        f"polygon {poly.area / 1e6:,.0f} km2 vs cells {cells:,.0f} km2"


def test_cli_footprint_reads_the_web_scenario_and_writes_kml(tmp_path):
    import json
    import subprocess
    import sys

    f = tmp_path / "view.toml"
    with TestClient(create_app(warm=False)) as c:
        f.write_text(c.get("/api/scenario.toml?battery=pyeongtaek&grid_km=10").text)
    k = tmp_path / "fp.kml"
    out = subprocess.run([sys.executable, "-m", "thaadsim", "footprint", "--scenario", str(f),
                          "--kml", str(k), "--format", "json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)["results"][0]
    ref = api.footprint("pyeongtaek", "nk-default", 10.0).to_dict()
    assert res["defended_fraction_of_south_korea"] == pytest.approx(
        ref["defended_fraction_of_south_korea"], rel=1e-6)
    ET.fromstring(k.read_bytes())


def test_basemap_has_the_demarcation_line_across_the_peninsula(client):
    dmz = [f for f in client.get("/api/basemap").json()["features"]
           if f["properties"].get("kind") == "dmz"]
    assert len(dmz) == 1 and dmz[0]["geometry"]["type"] in ("LineString", "MultiLineString")
    lons = [p[0] for p in dmz[0]["geometry"]["coordinates"]]
    lats = [p[1] for p in dmz[0]["geometry"]["coordinates"]]
    assert min(lons) < 126.8 and max(lons) > 128.3, f"spans {min(lons)}-{max(lons)} E"
    assert 37.5 < min(lats) and max(lats) < 38.7, f"lies at {min(lats)}-{max(lats)} N"


def test_a_literal_plus_in_the_query_separates_batteries(client):
    r = client.get("/api/footprint?battery=seongju+37.0,127.0&grid_km=10")  # '+' -> space
    assert r.status_code == 200, r.text
    assert r.json()["request"]["battery"] == "seongju+37.0,127.0"
    assert sum(f["properties"]["layer"] == "battery" for f in r.json()["features"]) == 2


def test_loopback_burst_gets_200_or_503_never_500_and_the_server_survives():
    """A bounded load test on 127.0.0.1: 12 requests at once against a queue of 16."""
    from thaadsim.bench.web import bench_web

    r = bench_web(moves=2, concurrent=12, seed=3)
    assert "error" not in r, r
    b = r["burst"]
    assert b["status_500"] == 0 and b["other"] == 0, b
    assert b["status_200"] + b["status_503"] == 12 and b["status_200"] >= 1, b
    assert r["server_alive_after"] is True
    assert r["moved_battery_footprint_5km"]["status_200"] == 2


def test_band_of_a_one_battery_view_contains_its_share(client):
    d = client.get("/api/footprint_band?battery=seongju").json()
    b = d["defended_fraction_of_south_korea"]
    assert d["available"] and b["p05"] <= b["central"] <= b["p95"] and b["p05"] < b["p95"], b
    two = client.get("/api/footprint_band?battery=seongju%2B37,127").json()
    assert two["available"] is False and "one battery" in two["reason"]
