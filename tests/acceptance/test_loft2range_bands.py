"""The 2017 lofted tests through loft2range with the tested missile's own preset: each band of
standard-trajectory ranges contains the published estimates (non-rotating Earth, the tested
payload, as the analysts state them), and on the rotating Earth the reach toward US cities
agrees with D. Wright's reading of the 28 July 2017 test.

Rows copied from docs/reference/flight-tests.csv (as CONTRIBUTING asks). Published estimates,
each as the number the band must contain and its source (as quoted by press and CSIS reports
of the time; the original posts were not at hand; KNOWN_OUTSIDE below lists the one estimate
the band misses, and by how much it may):

- Hwasong-12, 14 May 2017: about 4,500 km (2,800 miles) - D. Wright, Union of Concerned
  Scientists (UCS), 14 May 2017; "some 4,500 km" - J. Schilling, 38 North, May 2017; "up to
  4,500 km" - CSIS Missile Threat, "North Korea Tests New IRBM".
- Hwasong-14, 4 July 2017: "roughly 6,700 km (4,160 miles)" - D. Wright, UCS, 4 July 2017; "as
  much as 7,000 km" - CSIS Missile Threat, "North Korea Tests ICBM". (J. Schilling's "perhaps
  8,000 km", Yonhap 4 July 2017, lies above both bands; its assumptions are not published, so it
  is not asserted.)
- Hwasong-14, 28 July 2017: 10,400 km (6,500 miles) "not taking into account the Earth's
  rotation" - D. Wright, UCS, 28 July 2017; "in excess of 10,000 km" - CSIS Missile Threat,
  "North Korea Conducts 2nd ICBM Test"; about 10,000 km - Jane's, 1 August 2017.
- Hwasong-15, 28 November 2017: "more than 13,000 km (8,100 miles)" - D. Wright, UCS,
  28 November 2017; 13,000 km (8,100 miles) - ROK Ministry of National Defense, report to
  lawmakers, 1 December 2017.
"""

import csv
import io

import pytest

from thaadsim.analysis.loft2range import loft2range

ROWS = list(csv.DictReader(io.StringIO("""\
missile,preset,date,apogee_km,range_km,flight_time_s,source
Hwasong-12,hwasong-12,2017-05-14,2111.5,787,1800,KCNA (apogee and range); Japan MoD (~30 min)
Hwasong-14,hwasong-14,2017-07-04,2802,933,2220,KCNA (apogee); ROK JCS (~930 km); US PACOM (37 min)
Hwasong-14,hwasong-14,2017-07-04,2802,933,2340,KCNA (apogee); ROK JCS (~930 km); KCNA/CSIS (39 min)
Hwasong-14,hwasong-14,2017-07-28,3724.9,998,2832,"KCNA (apogee, range, 47 min 12 s)"
Hwasong-15,hwasong-15,2017-11-28,4475,950,3180,KCNA (apogee and range); Japan MoD (53 min)
""")))

# (km, source, kind): "about" = a rounded figure, contained within half its rounding unit
# (given); "more" = "in excess of / more than": the band must reach above it; "upto" = "up to":
# the band must reach below it.
PUBLISHED_KM = {
    "2017-05-14": [(4_500, "Wright, UCS, 14 May 2017", "about", 50),
                   (4_500, "Schilling, 38 North, May 2017", "about", 50),
                   (4_500, "CSIS Missile Threat, 2017 (up to)", "upto", 0)],
    "2017-07-04": [(6_700, "Wright, UCS, 4 Jul 2017", "about", 50),
                   (7_000, "CSIS Missile Threat, 2017", "about", 500)],
    "2017-07-28": [(10_400, "Wright, UCS, 28 Jul 2017 (non-rotating)", "about", 50),
                   (10_000, "CSIS Missile Threat, 2017 (in excess of)", "more", 0),
                   (10_000, "Jane's, 1 Aug 2017", "about", 500)],
    "2017-11-28": [(13_000, "Wright, UCS, 28 Nov 2017 (more than)", "more", 0),
                   (13_000, "ROK Ministry of National Defense, 1 Dec 2017", "about", 500)],
}

# Published estimates the band misses, with the largest miss allowed (fraction of the estimate)
# and why: Wright's 6,700 km for 4 July rests on a burnout-state reading that keeps the lofted
# shot's gravity loss; thaadsim's fit of that test sits at the vertical-kick limit of the
# gravity-turn program (no member with a longer burn can be fitted), so its band starts at the
# shortest fitted burn (with the 39 min flight time, which the model cannot fly, 2.2 % away).
# Asserted so that the miss cannot grow unnoticed.
KNOWN_OUTSIDE = {("2017-07-04", "Wright, UCS, 4 Jul 2017"): 0.025}


def _gap_km(lo, hi, km, kind, half_unit):
    """How far the band [lo, hi] (hi None: global) lies from the estimate (0: consistent)."""
    hi_ = float("inf") if hi is None else hi
    if kind == "more":
        return max(0.0, km - hi_)
    if kind == "upto":
        return max(0.0, lo - km)
    return max(0.0, lo - (km + half_unit), (km - half_unit) - hi_)


_cache: dict = {}


def _run(row, **kw):
    key = (row["date"], row["flight_time_s"], tuple(sorted(kw.items())))
    if key not in _cache:
        _cache[key] = loft2range(float(row["apogee_km"]), float(row["range_km"]),
                                 float(row["flight_time_s"]), template=row["preset"],
                                 bearings_deg=(), **kw).to_dict()
    return _cache[key]


def _ids(row):
    return f"{row['missile']}-{row['date']}-{row['flight_time_s']}s"


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_band_contains_the_published_standard_ranges(row):
    d = _run(row)
    lo, hi = d["max_range_band_km"]
    assert lo is not None, f"{_ids(row)}: the whole band reaches orbit"
    for km, source, kind, half in PUBLISHED_KM[row["date"]]:
        gap = _gap_km(lo, hi, km, kind, half)
        allowed = KNOWN_OUTSIDE.get((row["date"], source), 0.0) * km
        assert gap <= allowed, (
            f"{_ids(row)}: expected the band to contain {km:,} km ({source}, {kind}) within "
            f"{allowed:,.0f} km; band [{lo:,.0f}, {'global' if hi is None else f'{hi:,.0f}'}] km "
            f"misses it by {gap:,.0f} km; central {d['max_range_km']} km, dominant input "
            f"{d['band_dominant_input']}")


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_the_tested_missiles_own_preset_is_fitted_with_its_burn_times(row):
    """The fit uses the named preset and keeps its burn times (scale 1); the central range lies
    inside its band."""
    d = _run(row)
    assert d["template"] == row["preset"] and d["template_source"] == "given", d["template"]
    assert d["burn_time_scale"] == 1.0, d["burn_time_scale"]
    lo, hi = d["max_range_band_km"]
    r = d["max_range_km"]
    assert (r is None and hi is None) or (r is not None and lo <= r and (hi is None or r <= hi)), (
        f"central {r} km outside the band [{lo}, {hi}] km")


# Wright (UCS, 28 Jul 2017), rotating Earth: "Los Angeles, Denver, and Chicago appear to be well
# within range of this missile, and ... Boston and New York may be just within range.
# Washington, D.C. may be just out of range." City coordinates: GeoNames (deg). Launch site:
# the default, Sunan (assumption: the test flew from Mupyong-ni, ~170 km further north-east,
# i.e. nearer the United States, whose coordinates the reference files do not give).
WELL_WITHIN = {"Los Angeles": (34.05, -118.24), "Denver": (39.74, -104.98),
               "Chicago": (41.85, -87.65)}
MARGINAL = {"Boston": (42.36, -71.06), "New York": (40.71, -74.01),
            "Washington": (38.90, -77.04)}
JULY_28 = next(r for r in ROWS if r["date"] == "2017-07-28")


@pytest.mark.parametrize("city", sorted(WELL_WITHIN))
def test_july28_hwasong14_reaches_los_angeles_denver_chicago_wright_ucs_2017(city):
    t = _run(JULY_28, toward=WELL_WITHIN[city])["toward"]
    assert t["within_reach"], (
        f"{city}: expected within reach (Wright, UCS 2017); distance {t['distance_km']:,.0f} km, "
        f"reach {t['max_range_km']} km along bearing {t['bearing_deg']:.1f} deg")


@pytest.mark.parametrize("city", sorted(MARGINAL))
def test_july28_hwasong14_boston_new_york_washington_marginal_wright_ucs_2017(city):
    """'May be just within / just out of range': the city's distance lies inside the band of
    reach toward it."""
    t = _run(JULY_28, toward=MARGINAL[city])["toward"]
    lo, hi = t["max_range_band_km"]
    assert lo <= t["distance_km"] and (hi is None or t["distance_km"] <= hi), (
        f"{city}: expected its distance {t['distance_km']:,.0f} km inside the reach band "
        f"[{lo:,.0f}, {hi}] km (Wright, UCS 2017: marginal)")
