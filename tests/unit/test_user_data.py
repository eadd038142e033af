"""User data files without editing the package: a user missile, usable by name in trajectory,
engage scenarios and footprint threat sets, listed with its file as its source; no silent
shadowing of presets."""

import json

import pytest

from thaadsim.cli import main

# A user's copy of the Scud-B preset (Forden 2007 figures, as shipped) under a new name, without
# the kick duration: the reader finds the same optimum the preset holds.
MISSILE = """
[missile.my-srbm]
class = "srbm"
description = "a user's SRBM (Scud-B figures)"
nominal_range_km = 300
rv_mass_kg = 2198
beta_kg_m2 = 10000
t_vertical_s = 6
sources = ["Forden, Science & Global Security 15 (2007), Table 1"]

[[missile.my-srbm.stages]]
propellant_kg = 3699
dry_kg = 0
isp_sl_s = 230
isp_vac_s = 230
burn_time_s = 75
diameter_m = 0.84
"""

THREAT_SET = """
[set.my-set]
description = "my SRBM from Kaesong"
sources = ["a user"]
missiles = ["my-srbm"]

[[set.my-set.launch_area]]
name = "Kaesong"
lat_deg = 37.97
lon_deg = 126.55
"""


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def mfile(tmp_path):
    p = tmp_path / "my-missiles.toml"
    p.write_text(MISSILE)
    return p


def test_user_missile_flies_like_the_preset_it_copies(capsys, mfile):
    args = ["--from", "38.9,125.7", "--azimuth-deg", "150", "--format", "json"]
    code, out, err = run(capsys, "trajectory", "--missile", "my-srbm", "--missile-file", mfile,
                         *args)
    assert code == 0, err
    mine = json.loads(out)
    code, out, _ = run(capsys, "trajectory", "--missile", "scud-b", *args)
    ref = json.loads(out)
    assert abs(mine["range_km"] - ref["range_km"]) < 0.01, (mine["range_km"], ref["range_km"])


def test_user_missile_listed_with_its_file_as_source(capsys, mfile):
    code, out, _ = run(capsys, "missiles", "--missile-file", mfile, "--format", "json")
    rows = {m["name"]: m for m in json.loads(out)["missiles"]}
    assert code == 0 and "my-srbm" in rows
    assert any(str(mfile) in s for s in rows["my-srbm"]["sources"]), rows["my-srbm"]["sources"]
    code, out, _ = run(capsys, "missiles", "--format", "json")
    assert "my-srbm" not in {m["name"] for m in json.loads(out)["missiles"]}, \
        "a user file must not outlive its invocation"


def test_user_missile_in_engage_scenario(capsys, mfile, tmp_path):
    sc = tmp_path / "s.toml"
    sc.write_text('[[battery]]\nname = "a"\n[[threat]]\nid = "t"\nmissile = "my-srbm"\n'
                  'launch = {lat_deg = 38.9, lon_deg = 125.7}\n'
                  'aim = {lat_deg = 37.2, lon_deg = 127.5}\n')
    code, _, err = run(capsys, "engage", sc, "--trials", "100")
    assert code == 2 and "unknown missile" in err, "without the file the name is unknown"
    code, out, err = run(capsys, "engage", sc, "--trials", "100", "--missile-file", mfile,
                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["threats"][0]["missile"] == "my-srbm"


def test_user_threat_set_with_user_missile_in_footprint(capsys, mfile, tmp_path):
    ts = tmp_path / "sets.toml"
    ts.write_text(THREAT_SET)
    code, out, err = run(capsys, "footprint", "--threat-set", "my-set", "--threat-set-file", ts,
                         "--missile-file", mfile, "--grid-km", "50", "--format", "json")
    assert code == 0, err
    r = json.loads(out)["results"][0]
    assert r["threat_set"] == "my-set" and 0.0 <= r["defended_fraction_of_south_korea"] <= 1.0


def test_thaadsim_data_directory_is_read(capsys, monkeypatch, tmp_path):
    (tmp_path / "missiles.toml").write_text(MISSILE)
    monkeypatch.setenv("THAADSIM_DATA", str(tmp_path))
    code, out, _ = run(capsys, "missiles", "--format", "json")
    assert code == 0 and "my-srbm" in {m["name"] for m in json.loads(out)["missiles"]}


def test_user_entry_may_not_shadow_a_preset(capsys, tmp_path):
    p = tmp_path / "shadow.toml"
    p.write_text(MISSILE.replace("my-srbm", "scud-b"))
    code, _, err = run(capsys, "missiles", "--missile-file", p)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert "--missile-file" in lines[0] and "scud-b" in lines[0] and str(p) in lines[0] \
        and "missiles.toml" in lines[0], lines[0]


@pytest.mark.parametrize("text,needle", [
    ("[missile.x]\nclass = 'srbm'\n", "must define"),
    (MISSILE.replace("propellant_kg = 3699", "propellant_kg = -1"), "propellant_kg"),
    ("not toml [", "valid TOML"),
])
def test_bad_user_entries_one_line(capsys, tmp_path, text, needle):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    code, _, err = run(capsys, "missiles", "--missile-file", p)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and needle in lines[0], err


def test_scenario_defines_a_missile_inline(capsys, tmp_path):
    """Scenario files may define missiles with the keys of missiles.toml."""
    sc = tmp_path / "inline.toml"
    sc.write_text('[[battery]]\nname = "a"\n[[threat]]\nid = "t"\nmissile = "my-srbm"\n'
                  'launch = {lat_deg = 38.9, lon_deg = 125.7}\n'
                  'aim = {lat_deg = 37.2, lon_deg = 127.5}\n' + MISSILE)
    code, out, err = run(capsys, "engage", sc, "--trials", "100", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["threats"][0]["missile"] == "my-srbm"
    import thaadsim as t

    for _ in range(2):  # loading the same scenario twice is not a redefinition
        assert t.load_scenario(sc).threat[0].missile == "my-srbm"
    clash = tmp_path / "clash.toml"
    clash.write_text(sc.read_text().replace("my-srbm", "scud-b"))
    code, _, err = run(capsys, "engage", clash, "--trials", "100")
    assert code == 2 and "scud-b" in err and "redefine" in err, err
    bad = tmp_path / "bad.toml"
    bad.write_text(sc.read_text().replace("rv_mass_kg = 2198\n", ""))
    code, _, err = run(capsys, "engage", bad, "--trials", "100")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "scenario" in lines[0] \
        and "rv_mass_kg" in lines[0], err


def test_user_missile_as_loft2range_template(capsys, mfile):
    """A lofted shot of the user's Scud-B copy (133.1 km apogee, 158.7 km range: the preset flown
    at a 80 deg kick, due east from the default site, non-rotating Earth) fitted with that
    missile recovers its own payload (2,198 kg) within 2 % and its own maximum range (289.5 km)
    within 1 %."""
    code, out, err = run(capsys, "loft2range", "--apogee-km", "133.07", "--range-km", "158.71",
                         "--template", "my-srbm", "--missile-file", mfile, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["template"] == "my-srbm"
    assert abs(d["fitted_payload_kg"] / 2198 - 1) < 0.02, d["fitted_payload_kg"]
    assert abs(d["max_range_km"] / 289.48 - 1) < 0.01, d["max_range_km"]


def test_a_user_missile_redefined_under_its_name_is_flown_anew(tmp_path):
    """In one process (a notebook), a user missile redefined with other figures under the same
    name gives its own trajectory family, not the one cached for the earlier definition."""
    from thaadsim.analysis.families import trajectory_family
    from thaadsim.presets import add_user_file, clear_user_files

    ranges = []
    for i, rv in enumerate((2198, 3198)):
        p = tmp_path / f"m{i}.toml"
        p.write_text(MISSILE.replace("rv_mass_kg = 2198", f"rv_mass_kg = {rv}"))
        clear_user_files()
        add_user_file(p, "missiles.toml")
        try:
            ranges.append(float(trajectory_family("my-srbm").ranges_m.max()) / 1e3)
        finally:
            clear_user_files()
    assert ranges[1] < ranges[0] - 20.0, (
        f"a 1,000 kg heavier re-entry vehicle should fly shorter: longest family member "
        f"{ranges[0]:.0f} km, then {ranges[1]:.0f} km")
