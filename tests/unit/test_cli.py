"""CLI contract: JSON keys, one-line errors with exit code 2, no NaN in outputs."""

import json
import math

import pytest

from thaadsim.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _no_nan(obj):
    if isinstance(obj, float):
        assert math.isfinite(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            _no_nan(v)
    elif isinstance(obj, list):
        for v in obj:
            _no_nan(v)


def test_trajectory_json_keys_and_aim_within_1km(capsys):
    code, out, _ = run(capsys, "trajectory", "--missile", "nodong", "--from", "39.0,125.7",
                       "--to", "35.1,129.03", "--format", "json")
    assert code == 0
    d = json.loads(out)
    for k in ["range_km", "apogee_km", "flight_time_s", "burnout_time_s", "burnout_speed_km_s",
              "burnout_altitude_km", "reentry_speed_km_s", "impact"]:
        assert k in d, k
    assert d["miss_distance_m"] < 1000.0, f"miss {d['miss_distance_m']} m, expected < 1 km"
    _no_nan(d)


def test_trajectory_azimuth_default_is_min_energy(capsys):
    code, out, _ = run(capsys, "trajectory", "--missile", "scud-b", "--from", "39,125.7",
                       "--azimuth-deg", "180", "--format", "json")
    d = json.loads(out)
    assert code == 0 and d["shape"] == "minimum-energy"
    assert 280 < d["range_km"] < 320


def test_trajectory_lofted_apogee(capsys):
    code, out, _ = run(capsys, "trajectory", "--missile", "nodong", "--from", "39,125.7",
                       "--azimuth-deg", "90", "--apogee-km", "600", "--format", "json")
    d = json.loads(out)
    assert code == 0
    assert abs(d["apogee_km"] - 600) < 1.0, d["apogee_km"]


@pytest.mark.parametrize("args,needle", [
    (["trajectory", "--missile", "nope", "--from", "39,125", "--azimuth-deg", "90"], "missile"),
    (["trajectory", "--missile", "nodong", "--from", "95,125", "--azimuth-deg", "90"], "latitude"),
    (["trajectory", "--missile", "nodong", "--from", "abc", "--azimuth-deg", "90"], "from"),
    (["trajectory", "--missile", "nodong", "--from", "39,125", "--azimuth-deg", "nan"],
     "azimuth"),
    (["trajectory", "--missile", "nodong", "--from", "39,125", "--azimuth-deg", "90",
      "--apogee-km", "-5"], "apogee"),
    (["trajectory", "--missile", "nodong", "--from", "39,125", "--azimuth-deg", "90",
      "--apogee-km", "20"], "apogee"),
    (["trajectory", "--missile", "scud-b", "--from", "39,125.7", "--to", "35.1,129.0"], "to"),
    (["loft2range", "--apogee-km", "4475", "--range-km", "950", "--flight-time-s", "100"],
     "--flight-time-s"),
    (["loft2range", "--apogee-km", "4475", "--range-km", "950", "--flight-time-s", "100000"],
     "--flight-time-s"),
    (["loft2range", "--apogee-km", "nan", "--range-km", "950"], "apogee"),
    (["loft2range", "--apogee-km", "-1", "--range-km", "950"], "apogee"),
    (["loft2range", "--apogee-km", "x", "--range-km", "950"], "apogee"),
])
def test_bad_input_exit_2_one_line(capsys, args, needle):
    code, out, err = run(capsys, *args)
    assert code == 2, f"exit code {code}, expected 2; stderr: {err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {err!r}"
    assert needle in lines[0].lower(), lines[0]
    assert "Traceback" not in err


def test_out_of_reach_names_max_range(capsys):
    code, _, err = run(capsys, "trajectory", "--missile", "scud-b", "--from", "39,125.7", "--to",
                       "35.1,129.0")
    assert code == 2 and "maximum range" in err and "km" in err


def test_missiles_lists_sources(capsys):
    code, out, _ = run(capsys, "missiles", "--format", "json")
    d = json.loads(out)
    assert code == 0 and len(d["missiles"]) >= 7
    assert all(m["sources"] for m in d["missiles"])
    for m in d["missiles"]:  # the residual of each preset is shown (physics issue: within 5 %)
        assert abs(m["residual_pct"]) < 5, (m["name"], m["model_range_km"], m["residual_pct"])
        assert abs(m["model_range_km"] / m["nominal_range_km"] - 1 - m["residual_pct"] / 100) \
            < 1e-6, m  # JSON keeps 8 significant digits


def test_loft2range_json(capsys):
    code, out, _ = run(capsys, "loft2range", "--apogee-km", "770", "--range-km", "3700",
                       "--format", "json")
    d = json.loads(out)
    assert code == 0
    for k in ["flight_time_s", "burnout_speed_km_s", "max_range_km", "rotating_earth"]:
        assert k in d
    assert len(d["rotating_earth"]["by_azimuth"]) == 8
    _no_nan(d)
