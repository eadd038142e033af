"""Exit 2 and one line on every bad input (issue: hardening). One test per defect class found by
the fuzz campaign, named after it; values that used to crash or pass with wrong results."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from thaadsim.cli import main
from thaadsim.sensors.site import get_site, parse_site

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "seongju-raid.toml"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_exit_2(code, err, *needles):
    lines = err.strip().splitlines()
    assert code == 2, f"expected exit 2, got {code}; stderr {err!r}"
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}: {lines[:5]}"
    assert "Traceback" not in err and "internal error" not in err, err
    for n in needles:
        assert n in lines[0], f"expected {n!r} in {lines[0]!r}"


# ---- footprint --grid-km -----------------------------------------------------------------------

@pytest.mark.parametrize("grid", ["500", "300", "1e6", "1e-300", "0.5", "nan", "inf", "0"])
def test_grid_km_out_of_bounds_is_refused(capsys, grid):
    code, _, err = run(capsys, "footprint", "--grid-km", grid)
    assert_one_line_exit_2(code, err, "--grid-km", "[1, 50]")


# ---- scenario files -----------------------------------------------------------------------------

def _skeleton(threats: str = "") -> str:
    return ('name = "fuzz"\n[[battery]]\nname = "a"\nsite = "seongju"\n'
            + (threats or '[[threat]]\nid = "t1"\nmissile = "scud-b"\n'
               'launch = {lat_deg = 38.9, lon_deg = 125.7}\n'
               'aim = {lat_deg = 37.5, lon_deg = 127.0}\n'))


@pytest.mark.parametrize("case,needle", [
    ("binary", "UTF-8"), ("utf16", "UTF-16"), ("latin1", "UTF-8"), ("deep", "nest"),
    ("nul", "text"), ("empty", "threat"), ("directory", "existing"), ("missing", "existing"),
])
def test_unreadable_scenario_files_one_clean_line(tmp_path, capsys, case, needle):
    p = tmp_path / "s.toml"
    if case == "binary":
        p.write_bytes(bytes(range(256)) * 8)
    elif case == "utf16":
        p.write_bytes(_skeleton().encode("utf-16"))
    elif case == "latin1":
        p.write_bytes(_skeleton().replace('"fuzz"', '"Séoul"').encode("latin-1"))
    elif case == "deep":
        p.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    elif case == "nul":
        p.write_bytes(b'name = "x"\x00\n')
    elif case == "empty":
        p.write_text("")
    elif case == "directory":
        p.mkdir()
    code, _, err = run(capsys, "engage", p, "--trials", "10")
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert needle in err, f"expected {needle!r} in {err!r}"
    assert len(err) < 2000, f"stderr has {len(err)} characters"


def test_ten_thousand_threats_do_not_print_a_huge_error_line(tmp_path, capsys):
    row = ('{id="T%d",missile="scud-b",launch={lat_deg=39,lon_deg=125.7},'
           'aim={lat_deg=37.5,lon_deg=127}}')
    p = tmp_path / "big.toml"
    p.write_text('threat = [' + ",".join(row % i for i in range(10_000)) + ']\n'
                 '[[battery]]\nname = "a"\n')
    code, _, err = run(capsys, "engage", p, "--trials", "10")
    assert code == 2 and "at most 500" in err, err
    assert len(err) < 1000, f"error text of {len(err):,} characters, expected < 1,000"


@pytest.mark.parametrize("mutation,needle", [
    (("launchers", "launchers = true"), "battery[0].launchers"),
    (("launchers", 'launchers = "6"'), "battery[0].launchers"),
    (("dup-battery", ""), "battery names must be unique"),
    (("empty-id", ""), "threat[0].id"),
    (("blank-name", ""), "battery[0].name"),
    (("launch-is-aim", ""), "at least 1 km"),
    (("rcs", "rcs_m2 = 1e308"), "battery[0].rcs_m2"),
])
def test_scenario_field_errors(tmp_path, capsys, mutation, needle):
    kind, line = mutation
    text = _skeleton()
    if kind == "launchers" or kind == "rcs":
        text = text.replace('site = "seongju"\n', f'site = "seongju"\n{line}\n')
    elif kind == "dup-battery":
        text = text.replace("[[threat]]", '[[battery]]\nname = "a"\n[[threat]]')
    elif kind == "empty-id":
        text = text.replace('id = "t1"', 'id = ""')
    elif kind == "blank-name":
        text = text.replace('name = "a"', 'name = "   "')
    elif kind == "launch-is-aim":
        text = text.replace("lat_deg = 38.9, lon_deg = 125.7", "lat_deg = 37.5, lon_deg = 127.0")
    p = tmp_path / "s.toml"
    p.write_text(text)
    code, _, err = run(capsys, "engage", p, "--trials", "10")
    assert code == 2 and needle in err, f"exit {code}, expected {needle!r} in {err!r}"


# ---- launch point equal to the aim point ---------------------------------------------------------

@pytest.mark.parametrize("cmd", ["trajectory", "track"])
def test_launch_equal_to_aim_point_is_an_error(capsys, cmd):
    code, _, err = run(capsys, cmd, "--missile", "scud-b", "--from", "38,127", "--to",
                       "38.004,127")
    assert_one_line_exit_2(code, err, "--to", "1 km")


def test_launch_at_the_pole_is_refused_clearly_and_near_it_flies(capsys):
    """At the pole the pitch program's azimuth (from local north) is undefined: the first stage
    loops around the pole and the integration used to run for minutes (exit 0, range null).
    Within 1 deg of a pole a launch is refused with one line; at 89 deg it flies its range."""
    for lat, az in (("90", "0"), ("90", "180"), ("-89.5", "0")):
        code, out, err = run(capsys, "trajectory", "--missile", "nodong", "--from", f"{lat},0",
                             "--azimuth-deg", az, "--format", "json")
        assert_one_line_exit_2(code, err, "--from", "pole")
    code, out, err = run(capsys, "trajectory", "--missile", "scud-b", "--from", "89,0",
                         "--azimuth-deg", "180", "--format", "json")
    d = json.loads(out)
    assert code == 0 and 280 < d["range_km"] < 320, (code, err, d.get("range_km"))
    code, out, err = run(capsys, "trajectory", "--missile", "scud-b", "--from", "89,0",
                         "--to", "87,10", "--format", "json")
    assert code == 0 and json.loads(out)["miss_distance_m"] < 1000, err


# ---- one rule per quantity, option names, values as typed -------------------------------------

def test_rcs_1e308_refused_by_coverage_as_by_scenarios(capsys):
    code, _, err = run(capsys, "coverage", "--rcs-m2", "1e308")
    assert_one_line_exit_2(code, err, "--rcs-m2", "1e308")


@pytest.mark.parametrize("value,shown", [("0.001", "0.001"), ("1e308", "1e308")])
def test_errors_use_option_names_and_values_as_typed(capsys, value, shown):
    code, _, err = run(capsys, "trajectory", "--missile", "nodong", "--from", "39,125",
                       "--azimuth-deg", "90", "--apogee-km", value)
    assert_one_line_exit_2(code, err, "--apogee-km", f"Got {shown}.")
    assert "apogee_km" not in err and "Got inf" not in err and "Got 0.0." not in err


def test_type_errors_include_the_value(capsys):
    code, _, err = run(capsys, "engage", EXAMPLE, "--trials", "abc")
    assert_one_line_exit_2(code, err, "--trials", "abc")


def test_bench_baseline_larger_than_n_is_refused(capsys):
    code, _, err = run(capsys, "bench", "trajectories", "--n", "5", "--baseline-n", "10")
    assert_one_line_exit_2(code, err, "--baseline-n", "10")
    code, _, err = run(capsys, "bench", "radar", "--grid", "1")
    assert_one_line_exit_2(code, err, "--grid", "1")


def test_numpy_warnings_never_reach_the_terminal_as_source_lines(capsys, monkeypatch):
    import thaadsim.api as api

    def noisy():
        return [np.float64(1.0) / np.float64(0.0)]

    monkeypatch.setattr(api, "list_missiles", noisy)
    code, _, err = run(capsys, "missiles")
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1, lines
    assert "RuntimeWarning" in lines[0] and "np.float64" not in err, err


# ---- one rule for user-typed sites ---------------------------------------------------------------

def test_typed_seongju_coordinates_get_the_same_coverage_as_the_preset(capsys):
    """Typing Seongju's coordinates used to give a 0 deg floor: 412 km at 10 km altitude."""
    s = get_site("seongju")
    typed = f"{s.lat_deg},{s.lon_deg},{s.height_m}"
    res = {}
    for site in ("seongju", typed):
        code, out, err = run(capsys, "coverage", "--site", site, "--altitude-km", "10",
                             "--format", "json")
        assert code == 0, err
        res[site] = json.loads(out)
    g_preset = res["seongju"]["layers"][0]["max_ground_range_km"]
    g_typed = res[typed]["layers"][0]["max_ground_range_km"]
    assert abs(g_typed - g_preset) < 1.0, f"typed {g_typed} km vs preset {g_preset} km"
    assert res[typed]["site_defaults_applied"] == ["boresight_az_deg", "min_elevation_deg"]
    assert res["seongju"]["site_defaults_applied"] == []


def test_user_site_rule_is_one_rule_for_every_command(capsys):
    from thaadsim.engagement.fire_control import battery_at

    typed = parse_site("36.5,127.5")
    bat = battery_at("36.5,127.5")
    assert (typed.boresight_az_deg, typed.min_elevation_deg) == \
           (bat.site.boresight_az_deg, bat.site.min_elevation_deg) == (330.0, 5.0)
    code, out, err = run(capsys, "coverage", "--site", "36.5,127.5", "--altitude-km", "10")
    assert code == 0 and "note:" in err and "330" in err and "5" in err, err
    code, out, err = run(capsys, "coverage", "--site", "36.5,127.5", "--altitude-km", "10",
                         "--min-elevation-deg", "0", "--azimuth-deg", "0", "--format", "json")
    d = json.loads(out)
    assert code == 0 and d["site_defaults_applied"] == [] and "note:" not in err


# ---- bounded work, progress, version, metadata ------------------------------------------

def test_engage_refuses_work_beyond_the_memory_budget(capsys, monkeypatch):
    import thaadsim.limits as limits

    monkeypatch.setattr(limits, "memory_budget_bytes", lambda: 10_000_000)
    code, _, err = run(capsys, "engage", EXAMPLE, "--trials", "1000000")
    assert_one_line_exit_2(code, err, "--trials", "GB")


def test_footprint_refuses_a_sweep_beyond_a_sane_time(capsys):
    # ~98,500 cells x 12 threats x 31 configurations: ~12 min by the measured cost per cell
    compares = [a for _ in range(30) for a in ("--compare", "pyeongtaek")]
    code, _, err = run(capsys, "footprint", "--grid-km", "1", *compares)
    assert_one_line_exit_2(code, err, "--grid-km", "min")


def test_json_outputs_carry_version_and_run_date_and_no_progress(capsys):
    from thaadsim import __version__

    code, out, err = run(capsys, "footprint", "--grid-km", "50", "--format", "json")
    d = json.loads(out)
    assert code == 0 and err == "", f"stderr must be empty when not a terminal: {err!r}"
    assert d["metadata"]["thaadsim_version"] == __version__
    assert d["metadata"]["run_date"].endswith("Z")
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"thaadsim {__version__}"


def test_same_seed_same_bytes_whatever_the_numba_threads(tmp_path):
    """Same seed, byte-identical JSON, with NUMBA_NUM_THREADS=1 and 2 (fresh processes)."""
    sc = tmp_path / "s.toml"
    sc.write_text(_skeleton('[[threat]]\nid = "t1"\nmissile = "scud-b"\n'
                            'launch = {lat_deg = 38.9, lon_deg = 125.7}\n'
                            'aim = {lat_deg = 37.2, lon_deg = 127.5}\n'
                            '[[threat]]\nid = "t2"\nmissile = "nodong"\n'
                            'launch = {lat_deg = 39.2, lon_deg = 125.67}\n'
                            'aim = {lat_deg = 35.1, lon_deg = 129.03}\n'))
    code = ("import sys; from thaadsim.cli import main; "
            f"sys.exit(main(['engage', {str(sc)!r}, '--trials', '3000', '--seed', '7', "
            "'--format', 'json']) or main(['footprint', '--grid-km', '25', '--format', 'json']))")
    outs = []
    for threads in ("1", "2"):
        env = {**__import__("os").environ, "NUMBA_NUM_THREADS": threads,
               "SOURCE_DATE_EPOCH": "1700000000"}
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env,
                           timeout=600)
        assert p.returncode == 0, p.stderr.decode()[-2000:]
        outs.append(p.stdout)
    assert outs[0] == outs[1], "NUMBA_NUM_THREADS=1 and 2 gave different outputs"
    first = json.loads(outs[0].decode().split("\n}\n")[0] + "\n}")
    assert math.isfinite(first["expected_leakers"])


def _run_with_terminal_stderr(args):
    """Run thaadsim with stderr on a pseudo-terminal (as a person at a terminal) and stdout on a
    pipe (as `> out.json`); returns (exit code, stdout, what the terminal showed)."""
    import os
    import pty

    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "thaadsim", *args], stdout=subprocess.PIPE,
                         stderr=slave, env={**os.environ, "COLUMNS": "100"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out, _ = p.communicate(timeout=300)
    os.close(master)
    return p.returncode, out, shown.decode("utf-8", "replace")


def test_progress_on_a_terminal_stderr_and_clean_json_on_stdout():
    code, out, shown = _run_with_terminal_stderr(["footprint", "--grid-km", "25", "--compare",
                                                  "withdrawn", "--format", "json"])
    assert code == 0, shown[-500:]
    json.loads(out)  # stdout stays clean JSON
    assert "footprint" in shown and "withdrawn" in shown, f"no progress shown: {shown[-300:]!r}"
    code, out, shown = _run_with_terminal_stderr(["--quiet", "footprint", "--grid-km", "25",
                                                  "--format", "json"])
    assert code == 0 and "footprint" not in shown, f"--quiet still showed: {shown[-300:]!r}"
