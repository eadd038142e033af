"""The demo report page (thaadsim.report.render): rendered from a small synthetic summary and tiny
PNGs, so no simulation runs here. Checks the page a reader gets: self-contained, formatted for
people, every figure embedded, numbers taken from the results."""

import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from thaadsim.report import render
from thaadsim.report.render import render_html

MODES = ("tpy2-terminal", "tpy2-forward")


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1 x 1 PNG of one colour (distinct colours give distinct base64)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


def _layer(alt, rng, lim, chn_depth):
    return {"altitude_km": alt, "max_ground_range_km": rng, "limited_by": lim,
            "countries": {"CHN": {"area_km2": 1234.5 * chn_depth, "max_depth_km": chn_depth},
                          "PRK": {"area_km2": 98765.4}, "KOR": {"area_km2": 46618.6}}}


def _summary(frac: float = 0.5434) -> dict:
    fp = {"configuration": "seongju", "threat_set": "nk-default", "grid_km": 5.0,
          "area_km2": 53537.2, "area_sls_km2": 34123.0, "south_korea_area_km2": 98528.0,
          "defended_fraction_of_south_korea": frac, "defended_fraction_sls": 0.3463,
          "defended_population": 16789675, "population_in_cities": 42887881,
          "key_cities": {"Seoul": False, "Busan": True, "Daegu": True, "Gunsan": None},
          "limiting_threats": {"scud-b from Wonsan": 1577, "nodong from Wonsan": 1732}}
    cov = {m: {"radar": {"name": m, "min_elevation_deg": 5.0, "refraction_k": 4 / 3},
               "site": {"name": "seongju"}, "rcs_m2": 0.01,
               "layers": [_layer(10.0, 99.61, "elevation", 0.0),
                          _layer(100.0, 588.37 + 100 * i, "power", 32.9 + 100 * i)]}
           for i, m in enumerate(MODES)}
    threat = {"id": "N1", "missile": "nodong", "range_km": 524.48, "track_time_s": 90.0,
              "intercept_opportunities": 3, "shots_planned": 2, "p_leak": 0.036,
              "p_leak_analytic": 0.05152}
    return {
        "metadata": {"thaadsim_version": "9.9.9", "run_date": "2026-11-27T23:53:34Z",
                     "command": "thaadsim demo --out x"},
        "footprint": fp,
        "footprint_nk2019": dict(fp, threat_set="nk-2019", defended_fraction_of_south_korea=0.2277),
        "comparison": {"baseline": "seongju", "configurations": [
            {"configuration": "seongju", "area_km2": 53537.2,
             "defended_fraction_of_south_korea": frac, "defended_population": 16789675,
             "area_change_km2": 0.0, "population_change": 0, "cities_gained": [],
             "cities_lost": []},
            {"configuration": "withdrawn", "area_km2": 0.0, "defended_fraction_of_south_korea": 0.0,
             "defended_population": 0, "area_change_km2": -53537.2,
             "population_change": -16789675, "cities_gained": [], "cities_lost": ["Busan"]}]},
        "coverage": cov,
        "trajectories": [{"case": "Nodong → Busan", "range_km": 544.19, "apogee_km": 142.83,
                          "flight_time_s": 421.1, "burnout_speed_km_s": 2.0673,
                          "reentry_speed_km_s": 1.8235}],
        "engagement": {"trials": 2000, "seed": 1, "threats": [threat],
                       "doctrine": {"mode": "sls", "salvo": 2, "sspk": 0.8, "p_track": 0.95,
                                    "kill_assessment_s": 10.0, "max_shots": 2},
                       "batteries": [{"name": "seongju", "inventory": 48, "fire_channels": 12,
                                      "reaction_time_s": 15.0}],
                       "expected_leakers": 5.694, "expected_leakers_ci95": [5.6251, 5.7629],
                       "expected_leakers_analytic": 5.67616, "p_no_leaker": 0.0,
                       "leakers_distribution": {"5": 0.35, "6": 0.65},
                       "p_no_leaker_analytic": 0.0, "interceptors_used_mean": 23.336,
                       "assumptions": "public estimates"},
        "loft2range": [
            {"test": "Hwasong-15", "missile_class": "icbm", "fitted_payload_kg": 737.2,
             "flight_time_s": 3245.79, "flight_time_predicted": True, "burnout_speed_km_s": 6.3,
             "max_range_km": None, "reaches_orbit": True},
            {"test": "Hwasong-12", "missile_class": "irbm", "fitted_payload_kg": 901.5,
             "flight_time_s": 1140.0, "flight_time_predicted": False, "burnout_speed_km_s": 5.0,
             "max_range_km": 3700.03, "reaches_orbit": False}],
        "runtime_s": 59.9,
    }


CONTEXT = {
    "site": {"name": "seongju", "min_elevation_deg": 5, "sources": ["ROK MND, Jul 2016"]},
    "radars": {m: {"description": m, "calibration_range_km": r, "calibration_rcs_m2": 0.01,
                   "sources": ["USCC 2016"]} for m, r in zip(MODES, (600, 2000), strict=True)},
    "interceptor": {"name": "thaad", "top_speed_km_s": 2.76, "max_ground_range_km": 199.0,
                    "min_altitude_km": 40.0, "max_altitude_km": 150.0,
                    "kinematic_ceiling_km": 242.0, "sources": ["USCC 2016"]},
    "footprint_battery": {"reaction_time_s": 15.0, "rcs_m2": 0.01},
    "cities": {"country": "KR", "count": 59, "min_population": 101128},
}


@pytest.fixture
def figdir(tmp_path):
    names = list(render.FIGURES) + [f"coverage-{m}.png" for m in MODES]
    for i, name in enumerate(names):
        (tmp_path / name).write_bytes(_png((10 * i, 255 - 10 * i, 7)))
    return tmp_path


class _Text(HTMLParser):
    """The text a reader sees (no style, no attributes)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", " ".join(p.parts))


def test_page_is_self_contained_and_readable(figdir):
    s = _summary()
    html = render_html(s, figdir, CONTEXT)
    text = visible_text(html)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<link" not in html and "<script" not in html
    assert not re.search(r"https?://", html)
    assert "<style>" in html and "overflow-x: auto" in html and "@media print" in html
    for word in ("True", "False", "None", "nan", "{{", "{%"):
        assert not re.search(rf"(?<![\w{{%]){re.escape(word)}(?!\w)", text), word
    assert "Seoul: No" in text and "Busan: Yes" in text
    assert "53,537\u00a0km²" in text and "16.8\u00a0million" in text
    assert s["metadata"]["thaadsim_version"] in text and s["metadata"]["run_date"] in html
    assert "27 Nov 2026, 23:53 UTC" in text


def test_every_figure_is_embedded(figdir):
    html = render_html(_summary(), figdir, CONTEXT)
    pngs = sorted(figdir.glob("*.png"))
    assert len(pngs) == len(render.FIGURES) + len(MODES)
    import base64

    for f in pngs:
        assert "data:image/png;base64," + base64.b64encode(f.read_bytes()).decode() in html, f.name
    assert html.count("<img ") == len(pngs)


@pytest.mark.parametrize("frac, where", [(0.5434, "inside"), (0.6651, "inside"),
                                          (0.2277, "outside"), (0.7562, "outside")])
def test_defended_fraction_and_verdict_come_from_the_results(figdir, frac, where):
    s = _summary(frac)
    text = visible_text(render_html(s, figdir, CONTEXT))
    shown = round(100 * s["footprint"]["defended_fraction_of_south_korea"])
    assert "of South Korea's land area" in text
    assert re.search(rf"(?<![\d.,]){shown}\u00a0% of South Korea", text), shown
    assert f"the modelled fraction lies {where} that range" in text
    low, high = round(100 * render.MND_CLAIM_LOW), round(100 * render.MND_CLAIM_HIGH)
    assert f"{low}\u00a0% to {high}\u00a0%" in text


def test_strict_undefined_refuses_a_missing_result(figdir):
    s = _summary()
    del s["footprint"]["area_sls_km2"]
    with pytest.raises(jinja2.UndefinedError):
        render_html(s, figdir, CONTEXT)


def test_no_number_typed_into_the_template():
    """The issue's rule: prose numbers come from the results. Outside Jinja expressions the
    template's text may hold digits only in names (WGS84, J2, US Standard 1976, KN-23,
    tpy2-terminal)."""
    src = (Path(render.__file__).parent / "templates" / "report.html.j2").read_text()
    src = re.sub(r"\{#.*?#\}", "", src, flags=re.S)
    exprs = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", src, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", src, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    names = r"WGS84|J2|1976|KN-23|TPY-2|tpy2-\w+"
    assert re.findall(r"\S*\d\S*", re.sub(names, "", text)) == []
    literals = [m for e in exprs for m in re.findall(r"\"[^\"]*\"|'[^']*'", e)]
    assert [x for x in literals if re.search(r"\d", re.sub(names, "", x))] == []


def test_filters():
    assert render.pct(0.5434) == "54\u00a0%" and render.pct(2 / 3) == "67\u00a0%"
    assert render.pct(0.036, 1) == "3.6\u00a0%" and render.pct(None) == "\u2014"
    assert render.num(16789675) == "16,789,675" and render.num(-0.2) == "0"
    assert render.num(-53537.2) == "\u221253,537" and render.num(float("nan")) == "\u2014"
    assert render.num(0.01, None) == "0.01" and render.num(True) == "Yes"
    assert render.signed(20977.4, 0, "km²") == "+20,977\u00a0km²" and render.signed(0) == "0"
    assert render.qty(5.0, "°") == "5°" and render.qty(2.76, "km/s", 1) == "2.8\u00a0km/s"
    assert render.yesno(False) == "No" and render.yesno(None) == "\u2014"
    assert render.ratio(4 / 3) == "4/3" and render.people(16789675) == "16.8\u00a0million"
    assert render.when("2026-11-27T23:53:34Z") == "27 Nov 2026, 23:53 UTC"
    assert render.when("yesterday") == "yesterday" and render.listing([]) == "\u2014"


def test_context_defaults_to_the_presets(figdir):
    """Without ``context`` the quoted preset values are read from the presets (a few seconds:
    the interceptor's reach table)."""
    ctx = render.preset_context("seongju", MODES)
    assert set(ctx) == set(render.CONTEXT_KEYS)
    assert ctx["radars"]["tpy2-terminal"]["calibration_range_km"] > 0
    assert ctx["interceptor"]["min_altitude_km"] < ctx["interceptor"]["max_altitude_km"]
    text = visible_text(render_html(_summary(), figdir))
    cal = render.num(ctx["radars"]["tpy2-forward"]["calibration_range_km"])
    assert f"and {cal}\u00a0km (forward-based)" in text
    assert f"reaction time ({render.num(ctx['footprint_battery']['reaction_time_s'])}\u00a0s)" \
        in text
