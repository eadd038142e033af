"""Exports and ecosystem (issue: journalist report): KML/KMZ for Google Earth, CSV for
spreadsheets, and the example notebook, executed here so that it cannot rot.

The CLI runs in-process (``thaadsim.cli.main``); each expensive run happens once per module.
"""

import contextlib
import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import thaadsim as t
from thaadsim import api
from thaadsim.cli import main
from thaadsim.io.kml import coverage_kml, demo_kml, flight_kml, footprint_kml, kml_text, write_kml

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "three-questions.ipynb"
TUTORIAL = ROOT / "docs" / "tutorial.md"
K = {"k": "http://www.opengis.net/kml/2.2"}
NODONG = ["trajectory", "--missile", "nodong", "--from", "39.0,125.7", "--to", "35.1,129.03"]
HISTORY_HEADER = ["t_s", "lat_deg", "lon_deg", "alt_km", "speed_km_s", "phase"]


def run(*args):
    """Exit code, stdout and stderr of one in-process CLI run."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def ok(*args):
    code, out, err = run(*args)
    assert code == 0, f"expected exit 0 from {' '.join(map(str, args))}, got {code}: {err}"
    return out


def parse_kml(path: Path) -> ET.Element:
    """The KML document of a .kml file or of a .kmz's doc.kml."""
    if path.suffix == ".kmz":
        with zipfile.ZipFile(path) as z:
            return ET.fromstring(z.read("doc.kml"))
    return ET.fromstring(path.read_bytes())


def coords(el: ET.Element) -> list[tuple[float, ...]]:
    text = el.find(".//k:coordinates", K).text
    return [tuple(float(v) for v in p.split(",")) for p in text.split()]


def placemark(root: ET.Element, name_prefix: str) -> ET.Element:
    hits = [p for p in root.iter(f"{{{K['k']}}}Placemark")
            if (p.findtext("k:name", "", K) or "").startswith(name_prefix)]
    names = [p.findtext("k:name", "", K) for p in root.iter(f"{{{K['k']}}}Placemark")]
    assert len(hits) == 1, f"expected one placemark named {name_prefix!r}..., found {names}"
    return hits[0]


# ---- trajectory --kml, --history ----------------------------------------------------------------

@pytest.fixture(scope="module")
def nodong(tmp_path_factory):
    d = tmp_path_factory.mktemp("nodong")
    out = ok(*NODONG, "--kml", d / "t.kml", "--history", d / "h.csv", "--format", "json")
    ok(*NODONG, "--kml", d / "t.kmz", "--format", "json")
    with open(d / "h.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return {"dir": d, "json": json.loads(out), "rows": rows, "kml": parse_kml(d / "t.kml")}


def test_trajectory_json_names_the_files_written(nodong):
    j, d = nodong["json"], nodong["dir"]
    assert j["kml"] == str(d / "t.kml") and j["history"] == str(d / "h.csv"), \
        f"expected the kml and history paths in the JSON, got {j.get('kml')}, {j.get('history')}"


def test_trajectory_kml_apogee_placemark_is_at_the_apogee_within_1_m(nodong):
    p = placemark(nodong["kml"], "apogee")
    (lon, lat, alt_m), = coords(p)
    expected = nodong["json"]["apogee_km"] * 1e3
    assert p.findtext(".//k:altitudeMode", "", K) == "absolute", "apogee not at absolute altitude"
    assert abs(alt_m - expected) <= 1.0, f"apogee placemark at {alt_m} m, expected {expected} m"
    # above the track: between launch and impact, near the highest sample of the history
    top = max(nodong["rows"], key=lambda r: float(r["alt_km"]))
    assert abs(lat - float(top["lat_deg"])) < 0.05 and abs(lon - float(top["lon_deg"])) < 0.05, \
        f"apogee placemark at {lat}, {lon}; highest sample at {top['lat_deg']}, {top['lon_deg']}"


def test_trajectory_kml_line_is_the_flight_at_absolute_altitude(nodong):
    root, j = nodong["kml"], nodong["json"]
    lines = list(root.iter(f"{{{K['k']}}}LineString"))
    assert len(lines) == 1, f"expected one LineString, got {len(lines)}"
    assert lines[0].findtext("k:altitudeMode", "", K) == "absolute"
    pts = coords(lines[0])
    top = max(a for _, _, a in pts)
    apogee_m = j["apogee_km"] * 1e3
    assert apogee_m - 5.0 <= top <= apogee_m + 1.0, \
        f"highest point of the line {top} m, apogee {apogee_m} m (1 s samples: within 5 m)"
    assert pts[0][:2] == (125.7, 39.0), f"line starts at {pts[0]}, expected the launch point"
    assert abs(pts[-1][1] - j["impact"]["lat_deg"]) < 1e-5 \
        and abs(pts[-1][0] - j["impact"]["lon_deg"]) < 1e-5, \
        f"line ends at {pts[-1]}, impact at {j['impact']}"
    assert len(pts) == len(nodong["rows"]), \
        f"line has {len(pts)} points, history {len(nodong['rows'])} samples"


def test_trajectory_kml_has_launch_burnout_and_impact_placemarks(nodong):
    root, j = nodong["kml"], nodong["json"]
    (lon, lat, _), = coords(placemark(root, "impact"))
    assert abs(lat - j["impact"]["lat_deg"]) < 1e-5 and abs(lon - j["impact"]["lon_deg"]) < 1e-5
    (lon, lat, _), = coords(placemark(root, "launch"))
    assert (lat, lon) == (39.0, 125.7), f"launch placemark at {lat}, {lon}"
    (_, _, alt_m), = coords(placemark(root, "burnout"))
    assert abs(alt_m - j["burnout_altitude_km"] * 1e3) <= 1.0, \
        f"burnout placemark at {alt_m} m, burnout altitude {j['burnout_altitude_km']} km"
    assert "public estimates" in (root.findtext("k:Document/k:description", "", K))


def test_trajectory_kmz_is_a_zip_holding_the_same_doc_kml(nodong):
    d = nodong["dir"]
    with zipfile.ZipFile(d / "t.kmz") as z:
        assert z.namelist() == ["doc.kml"], f"KMZ holds {z.namelist()}, expected ['doc.kml']"
        inner = z.read("doc.kml")
    assert inner == (d / "t.kml").read_bytes(), "the KMZ's doc.kml differs from the .kml of " \
                                                "the same flight (same inputs, same output)"


def test_history_csv_rows_are_the_flights_samples(nodong):
    rows, j = nodong["rows"], nodong["json"]
    assert list(rows[0]) == HISTORY_HEADER, f"header {list(rows[0])}, expected {HISTORY_HEADER}"
    df = api.aim("nodong", "39.0,125.7", "35.1,129.03").to_dataframe()
    assert len(rows) == len(df), f"{len(rows)} rows, the flight has {len(df)} samples"
    for r, (_, s) in zip(rows, df.iterrows(), strict=True):
        for col, tol in (("t_s", 1e-3), ("lat_deg", 1e-6), ("lon_deg", 1e-6), ("alt_km", 1e-6),
                         ("speed_km_s", 1e-6)):
            assert abs(float(r[col]) - s[col]) <= tol, \
                f"t={s['t_s']}: {col} {r[col]} in the CSV, {s[col]} in the flight"
    top = max(float(r["alt_km"]) for r in rows)
    assert abs(top - j["apogee_km"]) < 0.005, f"highest sample {top} km, apogee {j['apogee_km']}"
    assert float(rows[-1]["t_s"]) == pytest.approx(j["flight_time_s"], abs=1e-3)


def test_history_phases_run_boost_midcourse_terminal(nodong):
    rows, j = nodong["rows"], nodong["json"]
    phases = [r["phase"] for r in rows]
    order = [p for i, p in enumerate(phases) if i == 0 or p != phases[i - 1]]
    assert order == ["boost", "midcourse", "terminal"], f"phases in order: {order}"
    last_boost = max(float(r["t_s"]) for r in rows if r["phase"] == "boost")
    assert last_boost <= j["burnout_time_s"] < last_boost + 1.0, \
        f"boost ends at {last_boost} s, burnout at {j['burnout_time_s']} s"
    first_terminal = next(r for r in rows if r["phase"] == "terminal")
    assert float(first_terminal["t_s"]) > j["apogee_time_s"] and \
        float(first_terminal["alt_km"]) < 100.0, f"terminal starts at {first_terminal}"


# ---- coverage --kml, --format csv ---------------------------------------------------------------

FORWARD = ["coverage", "--radar", "tpy2-forward", "--altitude-km", "100,300"]


@pytest.fixture(scope="module")
def forward(tmp_path_factory):
    d = tmp_path_factory.mktemp("coverage")
    out = ok(*FORWARD, "--kml", d / "c.kml", "--format", "json")
    ok(*FORWARD, "--kml", d / "c.kmz", "--format", "json")
    rows = list(csv.DictReader(io.StringIO(ok(*FORWARD, "--format", "csv"))))
    return {"dir": d, "json": json.loads(out), "rows": rows, "kml": parse_kml(d / "c.kml")}


def test_coverage_kml_layers_are_drawn_at_their_altitude(forward):
    root = forward["kml"]
    for layer in forward["json"]["layers"]:
        alt = layer["altitude_km"]
        pols = [p for p in root.iter(f"{{{K['k']}}}Placemark")
                if p.findtext("k:name", "", K).startswith(f"detected at {alt:g} km")]
        assert pols, f"no polygon for the {alt:g} km layer"
        for p in pols:
            mode = p.findtext(".//k:altitudeMode", "", K)
            assert mode == "absolute", f"{alt:g} km layer drawn with altitude mode {mode!r}"
            alts = {a for _, _, a in coords(p.find(".//k:outerBoundaryIs", K))}
            assert alts == {alt * 1e3}, f"{alt:g} km layer drawn at {sorted(alts)[:3]} m"


def test_coverage_kml_gives_each_countrys_area_and_depth(forward):
    root = forward["kml"]
    for layer in forward["json"]["layers"]:
        alt = layer["altitude_km"]
        p = next(p for p in root.iter(f"{{{K['k']}}}Placemark")
                 if p.findtext("k:name", "", K).startswith(f"detected at {alt:g} km"))
        data = {e.get("name"): e.findtext("k:value", "", K)
                for e in p.iter(f"{{{K['k']}}}Data")}
        seen = {iso: c for iso, c in layer["countries"].items() if c["area_km2"] > 0}
        assert "CHN" in seen, f"the forward mode sees no China at {alt:g} km: {layer['countries']}"
        for iso, c in seen.items():
            assert float(data[f"{iso}_area_km2"]) == pytest.approx(c["area_km2"], rel=1e-7), \
                f"{alt:g} km, {iso}: {data.get(f'{iso}_area_km2')} km2 in the KML, " \
                f"{c['area_km2']} in the JSON"
            assert float(data[f"{iso}_max_depth_km"]) == pytest.approx(c["max_depth_km"],
                                                                      rel=1e-7)
            assert f"{c['area_km2']:,.0f}" in p.findtext("k:description", "", K), \
                f"{iso}'s area {c['area_km2']:,.0f} km2 not in the {alt:g} km description"


def test_coverage_kmz_is_a_zip_holding_doc_kml(forward):
    d = forward["dir"]
    with zipfile.ZipFile(d / "c.kmz") as z:
        assert z.namelist() == ["doc.kml"], f"KMZ holds {z.namelist()}"
        assert z.read("doc.kml") == (d / "c.kml").read_bytes(), "KMZ and KML differ"
    assert forward["json"]["kml"] == str(d / "c.kml"), f"JSON names {forward['json'].get('kml')}"


def test_coverage_csv_is_one_row_per_altitude_and_country_matching_the_json(forward):
    rows, layers = forward["rows"], forward["json"]["layers"]
    assert list(rows[0])[:7] == ["radar", "site", "rcs_m2", "altitude_km", "country", "area_km2",
                                 "max_depth_km"], f"columns {list(rows[0])}"
    expected = {(la["altitude_km"], iso): c for la in layers for iso, c in la["countries"].items()}
    got = {(float(r["altitude_km"]), r["country"]): r for r in rows}
    assert len(rows) == len(got) == len(expected), \
        f"{len(rows)} rows ({len(got)} distinct), expected {len(expected)} (altitude, country)"
    for key, c in expected.items():
        r = got[key]
        for col in ("area_km2", "max_depth_km"):
            assert float(r[col]) == pytest.approx(c[col], rel=1e-7, abs=1e-9), \
                f"{key} {col}: CSV {r[col]}, JSON {c[col]}"
        assert (r["radar"], r["site"], float(r["rcs_m2"])) == ("tpy2-forward", "seongju", 0.01)


# ---- file safety --------------------------------------------------------------------------------

@pytest.fixture
def no_work(monkeypatch):
    """Any flight or coverage fails the test: refusals must come before the work."""
    def boom(*a, **k):
        raise AssertionError("the command started computing; the refusal must come first")

    monkeypatch.setattr(api, "aim", boom)
    monkeypatch.setattr(api, "fly", boom)
    monkeypatch.setattr(api, "coverage", boom)


def assert_one_line_exit_2(code, err, *needles):
    lines = err.strip().splitlines()
    assert code == 2, f"expected exit 2, got {code}; stderr {err!r}"
    assert len(lines) == 1, f"expected one stderr line, got {lines}"
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], f"expected {n!r} in {lines[0]!r}"


@pytest.mark.parametrize("cmd,option,name,rule", [
    (NODONG, "--kml", "out.txt", "must end in .kml, .kmz"),
    (NODONG, "--kml", "out.kml.png", "must end in .kml, .kmz"),
    (NODONG, "--history", "out.json", "must end in .csv"),
    (FORWARD, "--kml", "out.geojson", "must end in .kml, .kmz"),
])
def test_bad_suffix_exits_2_naming_option_rule_and_value(tmp_path, no_work, cmd, option, name,
                                                          rule):
    path = tmp_path / name
    code, _, err = run(*cmd, option, path)
    assert_one_line_exit_2(code, err, option, rule, name)
    assert not path.exists(), f"{path} was created by a refused run"


@pytest.mark.parametrize("cmd,option,name", [
    (NODONG, "--kml", "a.kml"), (NODONG, "--kml", "a.kmz"), (NODONG, "--history", "a.csv"),
    (FORWARD, "--kml", "a.kmz"),
])
def test_an_existing_directory_is_never_overwritten(tmp_path, no_work, cmd, option, name):
    d = tmp_path / name
    d.mkdir()
    (d / "keep.txt").write_text("mine")
    code, _, err = run(*cmd, option, d)
    assert_one_line_exit_2(code, err, option, "not an existing directory")
    assert d.is_dir() and (d / "keep.txt").read_text() == "mine", "the directory was changed"


def test_a_missing_parent_directory_is_refused(tmp_path, no_work):
    code, _, err = run(*FORWARD, "--kml", tmp_path / "nope" / "c.kmz")
    assert_one_line_exit_2(code, err, "--kml", "inside an existing directory")


def test_a_refused_suffix_leaves_an_existing_file_untouched(tmp_path, no_work):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    code, _, err = run(*NODONG, "--history", notes)
    assert_one_line_exit_2(code, err, "--history", "notes.txt")
    assert notes.read_text() == "my notes"


# ---- io.kml: write_kml, determinism, the demo's document ----------------------------------------

@pytest.fixture(scope="module")
def small():
    """A small footprint, a coverage and two flights (computed once)."""
    return {"footprint": t.footprint("seongju", "nk-default", grid_km=50),
            "coverage": t.coverage("tpy2-terminal", "seongju", [100, 300]),
            "flights": [t.aim("scud-b", "38.58,126.10", "37.57,126.98"),
                        t.fly("scud-c", "39.15,127.45", azimuth_deg=170.0)]}


def test_write_kml_chooses_kml_or_kmz_by_suffix(tmp_path, small):
    text = coverage_kml(small["coverage"])
    k = write_kml(text, tmp_path / "c.KML")
    z = write_kml(text, tmp_path / "c.kmz")
    assert k.read_text(encoding="utf-8") == text, "the .kml is not the document"
    assert zipfile.is_zipfile(z), "the .kmz is not a zip"
    with zipfile.ZipFile(z) as f:
        assert f.read("doc.kml").decode("utf-8") == text
    with pytest.raises(ValueError, match="kml or .kmz"):
        write_kml(text, tmp_path / "c.txt")
    assert not (tmp_path / "c.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.KML", "c.kmz"], \
        f"temporary files left behind: {sorted(p.name for p in tmp_path.iterdir())}"


def test_same_inputs_give_the_same_bytes(tmp_path, small, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = write_kml(flight_kml(small["flights"]), tmp_path / "a.kmz").read_bytes()
    b = write_kml(flight_kml(small["flights"]), tmp_path / "b.kmz").read_bytes()
    assert a == b, "two KMZ of the same flights differ (ids or zip timestamp)"
    assert coverage_kml(small["coverage"]) == coverage_kml(small["coverage"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    with zipfile.ZipFile(write_kml(footprint_kml(small["footprint"]), tmp_path / "f.kmz")) as z:
        assert z.getinfo("doc.kml").date_time == (2023, 11, 14, 22, 13, 20)


def test_kml_ids_are_renumbered_and_style_references_kept():
    text = kml_text('<a id="17"><styleUrl>#17</styleUrl></a><b id="3"/><styleUrl>#3</styleUrl>')
    assert text == '<a id="1"><styleUrl>#1</styleUrl></a><b id="2"/><styleUrl>#2</styleUrl>', text


def test_demo_kml_holds_footprints_coverage_and_labelled_trajectories(tmp_path, small):
    p = demo_kml(tmp_path / "demo.kmz", footprints=[small["footprint"]],
                 coverages=[small["coverage"]], trajectories=small["flights"],
                 labels=["Scud-B → Seoul", "Scud-C south"])
    root = parse_kml(p)
    folders = [f.findtext("k:name", "", K) for f in root.findall("k:Document/k:Folder", K)]
    assert folders == ["Defended footprints", "Radar coverage", "Trajectories"], folders
    names = [pm.findtext("k:name", "", K) for pm in root.iter(f"{{{K['k']}}}Placemark")]
    for n in ("defended (>= 1 intercept opportunity)", "detected at 100 km (RCS 0.01 m2)",
              "detected at 300 km (RCS 0.01 m2)", "Scud-B → Seoul", "Scud-C south"):
        assert n in names, f"{n!r} not among the placemarks {names}"
    assert names.count("impact") == 2 and sum(n.startswith("apogee") for n in names) == 2
    for f, label in zip(small["flights"], ["Scud-B → Seoul", "Scud-C south"], strict=True):
        folder = next(x for x in root.iter(f"{{{K['k']}}}Folder")
                      if x.findtext("k:name", "", K) == label)
        (_, _, alt), = coords(placemark(folder, "apogee"))
        assert abs(alt - f.to_dict()["apogee_km"] * 1e3) <= 1.0, f"{label}: apogee at {alt} m"


# ---- the notebook -------------------------------------------------------------------------------

def _outputs(nb) -> list[str]:
    """Per code cell, what it printed (its stdout, joined) and the text of its result."""
    texts = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        printed = ""
        for o in c.get("outputs", []):
            if o.get("output_type") == "error":
                pytest.fail(f"the notebook failed: {o['ename']}: {o['evalue']}\nin cell:\n"
                            f"{c.source}", pytrace=False)
            if o.get("output_type") == "stream" and o.get("name") == "stdout":
                printed += o["text"]
            elif o.get("output_type") == "execute_result" and "text/plain" in o["data"]:
                texts.append(o["data"]["text/plain"])
        if printed:
            texts.append(printed)
    return texts


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    src = str(ROOT / "src")
    old = os.environ.get("PYTHONPATH")
    # the kernel imports thaadsim from this checkout, like the test
    os.environ["PYTHONPATH"] = src + (os.pathsep + old if old else "")
    try:
        nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(
                                    tmp_path_factory.mktemp("notebook"))}}).execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    return nb


def test_the_notebook_runs_and_answers_the_three_questions(executed_notebook):
    out = "".join(_outputs(executed_notebook))
    for needle in ("% of South Korea", "90 % band", "tpy2-forward", "China in view",
                   "cities no longer defended", "flights in firm track", "Seoul: lower tier",
                   "lose all defence"):
        assert needle in out, f"{needle!r} not in the notebook's output:\n{out[:2000]}"
    images = sum("image/png" in o.get("data", {}) for c in executed_notebook.cells
                 if c.cell_type == "code" for o in c.get("outputs", []))
    assert images == 2, f"expected the footprint and coverage maps, got {images} images"
    sources = "\n".join(c.source for c in executed_notebook.cells if c.cell_type == "code")
    assert "t.withdrawal(" in sources and "t.watch(" in sources, \
        "the notebook no longer asks what withdrawal leaves and what the radar watches"
    assert "import thaadsim as t" in sources
    assert "thaadsim.analysis" not in sources, \
        "the notebook imports thaadsim's internals: it should teach the public API (thaadsim.api)"


def test_the_tutorial_shows_what_the_notebook_prints(executed_notebook):
    """docs/tutorial.md quotes the notebook's printed output: it must still be true."""
    outs = [o.strip("\n") for o in _outputs(executed_notebook)]
    page = TUTORIAL.read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)\n```", page, flags=re.S)
    assert len(blocks) >= 5, f"expected the notebook's outputs in {TUTORIAL}, found {len(blocks)}"
    for b in blocks:
        assert b in outs, (f"this output in {TUTORIAL.name} is not what the notebook prints now "
                           f"(update the page from the executed notebook):\n{b}\n--- printed:\n"
                           + "\n---\n".join(outs))
    assert "../examples/three-questions.ipynb" in page, "the tutorial does not link the notebook"


def test_the_committed_notebook_has_no_outputs():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"cells {dirty} carry outputs: commit the notebook cleared (CI runs it)"


def test_demo_kml_takes_the_demos_batch_with_its_labels(tmp_path, small):
    """The demo flies its cases as one TrajectoryBatch with a label per member."""
    from thaadsim.threats.trajectory import fly

    fs = small["flights"]
    b = fly([f.missile for f in fs], [f.launch.lat_deg for f in fs],
            [f.launch.lon_deg for f in fs], [f.azimuth_deg for f in fs],
            [f.theta_deg for f in fs], [f.t_cut_s for f in fs], history_dt_s=1.0)
    root = parse_kml(demo_kml(tmp_path / "d.kml", trajectories=b, labels=["one", "two"]))
    for i, label in enumerate(["one", "two"]):
        folder = next((x for x in root.iter(f"{{{K['k']}}}Folder")
                       if x.findtext("k:name", "", K) == label), None)
        assert folder is not None, f"no folder for member {i} ({label!r})"
        (_, _, alt), = coords(placemark(folder, "apogee"))
        assert abs(alt - b.to_dict(i)["apogee_km"] * 1e3) <= 1.0, f"{label}: apogee at {alt} m"


@pytest.mark.parametrize("args, placemarks_at_least", [
    (["footprint", "--grid-km", "20"], 2),  # defended and shoot-look-shoot areas, the battery
    (["watch", "--threat-set", "cn-irbm-guam"], 1),  # the flight and its observed segments
])
def test_footprint_and_watch_write_kmz_for_google_earth(tmp_path, capsys, args,
                                                        placemarks_at_least):
    out = tmp_path / "out.kmz"
    assert main([*args, "--kml", str(out), "--format", "json"]) == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as z:
        assert z.namelist() == ["doc.kml"], z.namelist()
        root = ET.fromstring(z.read("doc.kml"))
    n = len(root.findall(".//{http://www.opengis.net/kml/2.2}Placemark"))
    assert n >= placemarks_at_least, f"{args[0]}: {n} placemarks in the KMZ"
