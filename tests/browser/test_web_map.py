"""The web map in a real browser: offline page, dragging, errors, URL state, screenshots."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

PCT = re.compile(r"^\d{1,3}\.\d %$")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})* ")


def hash_params(url: str) -> dict[str, str]:
    frag = urlsplit(url).fragment
    out = {}
    for part in frag.split("&"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k] = unquote(v)
    return out


def test_page_loads_offline_without_errors(new_page):
    rec = new_page()
    page = rec.page
    page.goto(rec.base + "/")
    rec.wait_footprint()
    # basemap, cities and labels drawn
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-basemap-pane path').length > 3"
        " && document.querySelectorAll('.city-label').length > 3")
    assert PCT.match(page.inner_text("#fraction").strip()), page.inner_text("#fraction")
    assert THOUSANDS.match(page.inner_text("#population").strip())
    assert page.get_attribute("#fraction", "title"), "the fraction names its source on hover"
    # the band over the declared uncertain parameters follows the numbers
    page.wait_for_function("() => document.getElementById('fraction-band').textContent"
                           ".indexOf('5\u201395') === 0", timeout=30_000)
    assert page.get_attribute("#fraction-band", "title"), "the band names its source on hover"
    assert page.query_selector(".leaflet-marker-icon[data-battery='0']") is not None
    assert page.query_selector(".leaflet-footprint-pane path") is not None
    footer = page.inner_text("footer")
    assert "Public estimates only — analysis and teaching tool" in footer
    assert re.search(r"v\d", page.inner_text("#version"))
    assert page.get_attribute("#download-kml", "href").startswith("api/footprint.kml?")
    assert page.get_attribute("#download-toml", "href").startswith("api/scenario.toml?")
    assert page.get_attribute("#download-geojson", "href").startswith("blob:")
    for link in ("#download-kml", "#download-toml"):  # the links answer, with a file
        resp = page.request.get(rec.base + "/" + page.get_attribute(link, "href"))
        assert resp.status == 200, (link, resp.status, resp.text()[:300])
        assert "attachment" in resp.headers.get("content-disposition", "")
    # every form control has an accessible name
    unlabeled = page.eval_on_selector_all(
        "#panel input, #panel select, #panel button",
        "els => els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
        " && !e.textContent.trim()).map(e => e.id || e.outerHTML)")
    assert unlabeled == []
    assert rec.page_errors == []
    assert rec.console_errors == []
    assert rec.foreign_requests() == []
    assert any("/api/footprint?" in u for u in rec.requests)


def test_dragging_a_battery_redraws(new_page):
    rec = new_page()
    page = rec.page
    page.goto(rec.base + "/#b=seongju&grid=10&layers=fp,sls")
    rec.wait_footprint()
    before = rec.numbers()
    path_before = page.get_attribute(".leaflet-footprint-pane path", "d")
    rev = rec.revision()
    icon = page.locator(".leaflet-marker-icon[data-battery='0']")
    box = icon.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):  # ~150 km north-west, towards Seoul
        page.mouse.move(x - 12 * i, y - 14 * i)
    page.mouse.up()
    rec.wait_footprint(after=rev)
    after = rec.numbers()
    assert after["fraction"] != before["fraction"], (before, after)
    assert page.get_attribute(".leaflet-footprint-pane path", "d") != path_before
    b = hash_params(page.url)["b"]
    lat, lon = (float(v) for v in b.split(","))
    assert lat > 36.2 and lon < 128.0, b  # moved north-west of Seongju (35.95 N, 128.17 E)
    assert page.input_value("#battery-0-lat") == f"{lat:g}"
    assert rec.page_errors == []


def test_interceptor_assumption_changes_the_numbers_and_the_url(new_page):
    """The airframe limit at its declared low value shrinks the footprint (28 % vs 54 % at
    Seongju in `thaadsim sensitivity footprint`)."""
    rec = new_page()
    page = rec.page
    page.goto(rec.base + "/#b=seongju&grid=10&layers=fp")
    rec.wait_footprint()
    before = rec.numbers()
    rev = rec.revision()
    page.select_option("#q-limit", "740000")
    rec.wait_footprint(after=rev)
    after = rec.numbers()
    assert float(after["fraction"].split()[0]) < float(before["fraction"].split()[0]) - 10, \
        (before, after)
    assert hash_params(page.url)["q"] == "740000"


@pytest.mark.parametrize("fragment, parameter", [
    ("b=seongju&grid=0.1", "grid_km"),
    ("b=95,0&grid=10", "battery"),
])
def test_bad_parameter_shows_the_servers_message(new_page, fragment, parameter):
    rec = new_page()
    page = rec.page
    page.goto(rec.base + "/#" + fragment)
    rec.wait_error()
    error = page.locator("#error")
    assert error.is_visible()
    assert error.get_attribute("role") == "alert"
    assert parameter in error.inner_text()
    assert rec.page_errors == []
    # a good state clears it again (through the hash, as a pasted link would)
    rev = rec.revision()
    page.evaluate("() => { location.hash = 'b=seongju&grid=10'; }")
    rec.wait_footprint(after=rev)
    assert not error.is_visible()


def test_url_round_trips(new_page):
    rec = new_page()
    page = rec.page
    page.goto(rec.base + "/#b=seongju&grid=10")
    rec.wait_footprint()
    threat_sets = page.eval_on_selector_all("#threat-set option", "os => os.map(o => o.value)")
    rev = rec.revision()
    if len(threat_sets) > 1:
        page.select_option("#threat-set", threat_sets[-1])
    page.select_option("#radar", "tpy2-forward")
    page.select_option("#grid", "20")
    page.uncheck("#layer-sls")
    page.click("#add-battery-centre")
    rec.wait_footprint(after=rev)
    state = rec.controls()
    numbers = rec.numbers()
    params = hash_params(page.url)
    assert params["radar"] == "tpy2-forward" and params["grid"] == "20"
    assert params["layers"] == "fp"
    assert params["b"].startswith("seongju+")
    assert len(state["batteries"]) == 2

    page.reload()
    rec.wait_footprint()
    assert rec.controls() == state
    assert rec.numbers() == numbers
    assert hash_params(page.url)["b"] == params["b"]
    assert rec.page_errors == []


@pytest.mark.parametrize("width, height", [(1400, 900), (390, 844)])
def test_screenshots(new_page, artifacts, width, height):
    rec = new_page(width, height)
    page = rec.page
    page.goto(rec.base + "/#b=seongju&layers=fp,sls")
    rec.wait_footprint()
    page.wait_for_function("() => document.querySelectorAll('.city-label').length > 3")
    page.wait_for_timeout(300)  # let Leaflet finish its zoom animation frame
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow} px at {width} px"
    map_box = page.locator("#map").bounding_box()
    panel_box = page.locator("#panel").bounding_box()
    if width < 700:  # the panel collapses below the map
        assert panel_box["y"] >= map_box["y"] + map_box["height"] - 1
        assert map_box["height"] >= 250
    else:
        assert panel_box["x"] >= map_box["x"] + map_box["width"] - 1
    path = artifacts / f"web-map-{width}x{height}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    assert rec.console_errors == []


def test_watch_layer_draws_the_flights_and_the_japan_radars(new_page):
    """The map offers the watch layer (issue 14): China's ICBM flights, the segments each radar
    holds in firm track, and the numbers of /api/watch in its card."""
    rec = new_page()
    page = rec.page
    page.goto(rec.base + "/#b=seongju&layers=fp,watch&wm=tpy2-forward")
    rec.wait_footprint()
    page.wait_for_function("() => !document.getElementById('watch-card').hidden",
                           timeout=60_000)
    api = page.request.get(rec.base + "/api/watch?site=seongju&radar=tpy2-forward").json()
    s = api["summary"]
    shown = page.inner_text("#watch-seen").strip()
    assert shown == f"{s['flights_seen']:,} of {s['flights_in_reach']:,}", shown
    assert page.inner_text("#watch-marginal").strip() == f"{s['marginal_track_s']:,.0f} s"
    n = page.evaluate("() => document.querySelectorAll('.leaflet-watch-pane path').length")
    assert n > 50, f"expected the flights drawn in the watch pane, found {n} paths"
    assert "shariki" in page.inner_text("#watch-caption")
    assert rec.page_errors == [] and rec.console_errors == []
    assert rec.foreign_requests() == []


def test_a_lower_tier_battery_defends_seoul(new_page):
    """Batteries of any system (issue 14): a Patriot (PAC-3 MSE) battery beside Seoul, chosen in
    the battery's system menu, brings Seoul into the defended footprint; the URL keeps it."""
    rec = new_page()
    page = rec.page
    page.goto(rec.base + "/#b=seongju+37.55,126.99&layers=fp")
    rec.wait_footprint()
    before = rec.revision()
    assert page.input_value("#battery-1-system") == "thaad"
    page.select_option("#battery-1-system", "pac3-mse")
    rec.wait_footprint(after=before)
    assert "pac3-mse@37.55,126.99" in page.url, page.url
    seoul = page.evaluate(
        "() => window.thaadsim.lastFootprint.summary.key_cities.Seoul")
    assert seoul is True, f"Seoul defended with a PAC-3 MSE battery beside it: {seoul}"
    assert rec.page_errors == [] and rec.console_errors == []
