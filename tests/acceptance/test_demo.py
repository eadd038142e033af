"""`thaadsim demo` (what `make demo` runs): every promised file, self-contained HTML, no partial
report on failure."""

import json
import os

import pytest

from thaadsim.cli import main

FILES = ["report.html", "summary.json", "footprint.geojson", "footprint.png",
         "coverage-tpy2-terminal.png", "coverage-tpy2-forward.png", "trajectories.png",
         "engagement-timeline.png"]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("d") / "demo-out"
    assert main(["demo", "--out", str(out), "--trials", "2000"]) == 0
    return out


def test_demo_writes_everything(demo_dir):
    for f in FILES:
        assert (demo_dir / f).stat().st_size > 1000, f
    s = json.loads((demo_dir / "summary.json").read_text())
    assert s["footprint"]["key_cities"]["Seoul"] is False
    assert "comparison" in s and "coverage" in s and "engagement" in s


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
