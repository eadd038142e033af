"""`thaadsim demo` (what `make demo` runs): every promised file, self-contained HTML, no partial
report on failure."""

import json
import os

import pytest

from tests.report_numbers import headline_mismatches, parse_headline
from thaadsim.cli import main
from thaadsim.io.files import MARKER

FILES = ["report.html", "summary.json", "footprint.geojson", "footprint.png",
         "change-relocation.png", "change-layered.png", "watch-map.png",
         "watch-time-altitude.png", "thaadsim-demo.kmz",
         "coverage-tpy2-terminal.png", "coverage-tpy2-forward.png", "trajectories.png",
         "engagement-timeline.png", "tornado.png", "probability-map.png", "siting.png"]
# demo_dir: tests/conftest.py (one demo per session, shared with the report's browser tests)


def test_demo_replaces_earlier_report_and_keeps_user_files(demo_dir):
    assert (demo_dir / "notes.txt").read_text() == "the user's notes", "notes.txt was lost"
    assert (demo_dir / "report.html").read_text() != "an earlier report"
    assert not (demo_dir / "stale.png").exists(), "a file of the earlier report was left"
    assert set(json.loads((demo_dir / MARKER).read_text())["files"]) >= set(FILES)
    assert not [n for n in os.listdir(demo_dir) if n.startswith(".thaadsim-staging")]


def test_demo_writes_everything(demo_dir):
    for f in FILES:
        assert (demo_dir / f).stat().st_size > 1000, f
    s = json.loads((demo_dir / "summary.json").read_text())
    assert s["footprint"]["key_cities"]["Seoul"] is False
    assert "comparison" in s and "coverage" in s and "engagement" in s
    assert s["metadata"]["thaadsim_version"] and s["metadata"]["run_date"]
    html = (demo_dir / "report.html").read_text()
    assert s["metadata"]["thaadsim_version"] in html and s["metadata"]["run_date"] in html


def test_report_shows_bands_tornado_and_siting(demo_dir):
    """The uncertainty issue's report: bands beside the headline numbers (that contain the
    central value of the defended share), the tornado, the probability map, the best site."""
    s = json.loads((demo_dir / "summary.json").read_text())
    u = s["uncertainty"]
    b = u["footprint"]["defended_fraction_of_south_korea"]
    assert b["p05"] <= b["central"] <= b["p95"] and b["p05"] < b["p95"], b
    assert b["central"] == pytest.approx(s["footprint"]["defended_fraction_of_south_korea"],
                                         abs=0.02), "the band's centre is the headline (10 km grid)"
    assert u["tornado"][0]["swing"] >= u["tornado"][-1]["swing"]
    e = u["engage"]["expected_leakers"]
    assert e["p05"] <= e["p95"]
    assert s["siting"]["best"]["defended_population"] >= s["siting"]["seongju"][
        "defended_population"]
    html = (demo_dir / "report.html").read_text()
    assert 'id="robustness"' in html and "percentile" in html
    assert f"{100 * b['p05']:.0f}" in html and f"{100 * b['p95']:.0f}" in html


def test_report_is_self_contained(demo_dir):
    html = (demo_dir / "report.html").read_text()
    assert "<script src" not in html and "<link" not in html
    assert "http://" not in html and "https://" not in html
    assert html.count("data:image/png;base64,") >= 6


def test_unwritable_output_is_refused(tmp_path, capsys):
    f = tmp_path / "a-file"
    f.write_text("x")
    code = main(["demo", "--out", str(f)])
    assert code == 2 and "out" in capsys.readouterr().err
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    try:
        if not os.access(ro, os.W_OK):  # root can write anywhere; the check above still ran
            assert main(["demo", "--out", str(ro / "x")]) == 2
    finally:
        os.chmod(ro, 0o700)


def test_no_partial_report_left_behind(tmp_path, capsys):
    code = main(["demo", "--out", str(tmp_path / "missing-parent" / "x")])
    assert code == 2
    assert not (tmp_path / "missing-parent").exists()


def test_every_number_in_the_headline_box_is_the_summarys(demo_dir):
    """The journalist-report issue: the headline box answers the three questions with the
    numbers of summary.json (each shown number, read back, equals the summary's value to the
    precision shown)."""
    s = json.loads((demo_dir / "summary.json").read_text())
    shown = parse_headline((demo_dir / "report.html").read_text())
    assert len(shown) >= 15, f"expected at least 15 numbers in the headline box, found {shown}"
    assert {"headline.defends.fraction", "headline.withdrawal.people_losing"} <= set(shown)
    bad = headline_mismatches(shown, s)
    assert bad == [], "headline numbers differing from summary.json: " + "; ".join(bad)


def test_headline_answers_the_three_questions(demo_dir):
    s = json.loads((demo_dir / "summary.json").read_text())
    h = s["headline"]
    html = (demo_dir / "report.html").read_text()
    for q in ("What does the battery defend?", "What does its radar see of China?",
              "What does withdrawal change?"):
        assert q in html, f"headline question missing: {q}"
    # USCC 2016: terminal mode sees "part of Shandong Province" and the border near Dandong
    regions = h["china"]["tpy2-terminal"]["regions"]
    assert "Shandong" in regions and "Liaoning" in regions, \
        f"terminal mode should name Shandong and Liaoning, names {regions}"
    assert h["defends"]["seoul"]["defended"] is False
    assert "Seoul is not defended" in html
    # issue 14: Seoul's defence against short-range missiles is the lower tier's, and withdrawal
    # leaves the lower tier: the report says so with the numbers of the layered comparison
    assert h["layers"]["seoul_by_lower_tier"] is True, h["layers"]
    assert 0 < h["layers"]["withdrawn_fraction"] < h["layers"]["deployed_fraction"], h["layers"]
    section = html[html.index('id="layers"'):]
    lead = section[:section.index("</p>")]
    assert lead.count("Patriot with PAC-3 MSE") == 1, "each lower-tier system named once"
    # and what the radar watches of China's ICBM flights, per mode
    w = s["watch"]
    assert w["tpy2-terminal"]["flights_seen"] <= w["tpy2-forward"]["flights_seen"], w
