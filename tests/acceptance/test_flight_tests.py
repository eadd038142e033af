"""Real flights (docs/reference/flight-tests.csv; the rows tested are in tests/acceptance/)
through loft2range: predicted flight time from apogee and range alone within 6 %, and the
Hwasong-15's range on a standard trajectory against David Wright's (UCS, Nov 2017)
"more than 13,000 km"."""

import csv
from pathlib import Path

import pytest

from thaadsim.analysis.loft2range import loft2range

ROWS = [r for r in csv.DictReader(
    line for line in (Path(__file__).parent / "flight-tests.csv").read_text().splitlines()
    if not line.startswith("#"))]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['missile']}-{r['date']}")
def test_predicted_flight_time_within_6_percent(row):
    res = loft2range(float(row["apogee_km"]), float(row["range_km"])).to_dict()
    t_obs = float(row["flight_time_s"])
    t = res["flight_time_s"]
    assert abs(t - t_obs) <= 0.06 * t_obs, (
        f"{row['missile']} {row['date']}: reported {t_obs:.0f} s ({row['source']}), "
        f"predicted {t:.0f} s")


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['missile']}-{r['date']}")
def test_fit_reproduces_the_reported_flight(row):
    res = loft2range(float(row["apogee_km"]), float(row["range_km"]),
                     float(row["flight_time_s"])).to_dict()
    assert abs(res["apogee_fit_km"] - float(row["apogee_km"])) < 5.0
    assert abs(res["range_fit_km"] - float(row["range_km"])) < 5.0
    assert abs(res["flight_time_s"] - float(row["flight_time_s"])) < 5.0


def test_hwasong15_standard_range_more_than_13000km_short_of_orbit_wright_ucs_2017():
    row = next(r for r in ROWS if r["missile"] == "Hwasong-15")
    res = loft2range(float(row["apogee_km"]), float(row["range_km"]),
                     float(row["flight_time_s"])).to_dict()
    assert not res["reaches_orbit"], "fitted Hwasong-15 reaches orbit on a standard trajectory"
    r = res["max_range_km"]
    # 'more than 13,000 km' with a 5 % allowance for the class template's boost model
    assert r >= 0.95 * 13_000, f"expected more than ~13,000 km (Wright, UCS 2017), got {r:.0f} km"
    assert r < 19_000, f"expected short of global reach, got {r:.0f} km"


def test_hwasong12_near_standard_trajectory():
    """The 15 Sep 2017 flight was near a standard trajectory: its min-energy range is within
    25 % of the flown 3,700 km (and, physically, not below it: 2 km solver tolerance)."""
    res = loft2range(770, 3700, 1140).to_dict()
    assert 3698 <= res["max_range_km"] <= 1.25 * 3700, res["max_range_km"]
