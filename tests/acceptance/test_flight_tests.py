"""Real flights (docs/reference/flight-tests.csv; the rows tested are in tests/acceptance/)
through loft2range: predicted flight time from apogee and range alone within 6 %; the fit
reproduces apogee and range and checks (does not fit) the flight time; the Hwasong-15's range
on a standard trajectory against David Wright's (UCS, Nov 2017) "more than 13,000 km"; the
near-standard Hwasong-12 flight of 15 Sep 2017. The bands of the other 2017 tests are in
test_loft2range_bands.py."""

import csv
from pathlib import Path

import pytest

from thaadsim.analysis.loft2range import default_flight_time_tol_s, loft2range

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
def test_fit_reproduces_apogee_and_range_and_checks_the_flight_time(row):
    """Apogee and range to 5 km. The flight time is not fitted (1 % of burn time moves it by
    only ~1-3 s, so it would set the burn badly): it is checked against the reported one within
    its tolerance (half a minute for times reported to the minute) and the result reported."""
    t_obs = float(row["flight_time_s"])
    res = loft2range(float(row["apogee_km"]), float(row["range_km"]), t_obs).to_dict()
    assert abs(res["apogee_fit_km"] - float(row["apogee_km"])) < 5.0, res["apogee_fit_km"]
    assert abs(res["range_fit_km"] - float(row["range_km"])) < 5.0, res["range_fit_km"]
    chk = res["flight_time_check"]
    tol = default_flight_time_tol_s(t_obs)
    assert chk["reported_s"] == t_obs and chk["tolerance_s"] == tol, chk
    assert chk["consistent"] == (abs(chk["predicted_s"] - t_obs) <= tol), chk


def test_hwasong15_standard_range_more_than_13000km_wright_ucs_2017():
    """Wright (UCS, 28 Nov 2017): 'more than 13,000 km' on a standard trajectory. The central
    fit (the preset's burn times) is at least that, 5 % allowed for the template's boost model;
    the band contains 13,000 km and its low end lies short of global reach (the test is
    consistent with a finite range of that size).

    Near orbital speed the range climbs without bound: with the preset's burn times the fitted
    payload (~740 kg) gives global reach, while the preset's 1,000 kg gives 13,000 km; the
    flight-time check flags that the preset's burn is long for the reported 53 min."""
    row = next(r for r in ROWS if r["missile"] == "Hwasong-15")
    res = loft2range(float(row["apogee_km"]), float(row["range_km"]),
                     float(row["flight_time_s"])).to_dict()
    r = res["max_range_km"]
    assert r is None or r >= 0.95 * 13_000, (
        f"expected more than ~13,000 km (Wright, UCS 2017), got {r:.0f} km")
    lo, hi = res["max_range_band_km"]
    assert lo is not None and lo < 19_000, f"expected the band's low end short of global: {lo}"
    assert lo <= 13_000 and (hi is None or hi >= 13_000), (
        f"expected the band to contain 13,000 km (Wright, UCS 2017), got [{lo}, {hi}] km")


def test_hwasong12_near_standard_trajectory():
    """The 15 Sep 2017 flight was near a standard trajectory: its min-energy range is within
    25 % of the flown 3,700 km (and, physically, not below it: 2 km solver tolerance), over the
    whole band (near minimum energy the burn barely changes the range)."""
    res = loft2range(770, 3700, 1140).to_dict()
    assert 3698 <= res["max_range_km"] <= 1.25 * 3700, res["max_range_km"]
    lo, hi = res["max_range_band_km"]
    assert 3698 <= lo <= hi <= 1.25 * 3700, (lo, hi)
