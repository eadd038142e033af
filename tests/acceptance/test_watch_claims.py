"""Published claims about what an AN/TPY-2 at Seongju or in Japan observes of Chinese and North
Korean missile flights, checked with ``thaadsim watch`` and the shipped presets (issue 14).
Each test names its source (docs/research/issue14-public-sources.md, claims C1-C11) and states
its tolerance in physical units. The radar ranges themselves are calibrated to C1 (2,000 km) and
C4 (1,500 km); what is tested here is what follows from them and the geometry of the flights.

- USCC, 2016 Annual Report to Congress, p. 448: forward-based mode ~2,000 km "covers most of the
  eastern half of China"; terminal mode 600 km "would cover minimal Chinese territory near the
  China-North Korea border and part of Shandong Province".
- National Research Council, Making Sense of Ballistic Missile Defense (2012), Fig. 5-8, as read
  by Lewis & Postol (2012): ~1,500 km.
- H. Kristensen (FAS) via Global Times (Mar 2015): northern China / Manchuria is the best place
  to launch DF-31s at the US, and a THAAD radar in South Korea is placed to monitor them.
- Kyodo (2013): Kyotango (Kyogamisaki) was chosen because North Korean missiles toward Guam and
  Hawaii would fly over western or central Japan; US DoD (26 Dec 2014): the second radar
  enhances coverage for the defence of Japan and the US homeland; Asahi (2 Aug 2013): the
  Kyotango radar sees warheads more than 1,000 km away.
"""

import pytest

import thaadsim as t
from thaadsim.threats.threat_set import ThreatSet

FORWARD = ("tpy2-forward", "tpy2-forward-nas")  # USCC 2,000 km and NAS 1,500 km readings
EAST = ("Luoning", "Xinyang", "Tonghua")  # launch areas east of 110 E
WEST = ("Yumen", "Hami")  # the western silo fields, 2,790-3,120 km from Seongju
US_EAST = ("Washington", "New York", "Chicago")


def _recs(**kw):
    return [r for r in t.watch(**kw).records() if r["status"] == "ok"]


def test_uscc_2016_terminal_mode_holds_no_chinese_icbm_warhead():
    """USCC 2016: in terminal mode (600 km) the radar covers minimal Chinese territory, so it
    cannot hold an ICBM reentry vehicle (0.01 m2) flying from China to the US in firm track.
    Tolerance: 0 flights, 0 s."""
    s = t.watch(radar="tpy2-terminal", obj="rv").summary()
    assert s["flights_in_reach"] > 100, s
    assert s["flights_seen"] == 0 and s["track_s"] == 0.0, (
        f"terminal mode: expected no cn-icbm flight in firm track, got {s['flights_seen']} "
        f"flights, {s['track_s']:.0f} s")


@pytest.mark.parametrize("radar", FORWARD)
def test_uscc_2016_forward_mode_sees_launches_from_the_eastern_half_of_china(radar):
    """USCC 2016: the forward-based mode "covers most of the eastern half of China". Flights
    launched east of 110 E (Henan, Jilin) are mostly held in firm track: at least 70 % of them,
    under either range reading (the misses fly north toward the US East Coast, below the 5 deg
    beam floor or the horizon)."""
    east = [r for r in _recs(radar=radar) if any(a in r["launch_area"] for a in EAST)]
    seen = sum(r["seen"] for r in east)
    assert len(east) >= 50, len(east)
    assert seen >= 0.7 * len(east), (
        f"{radar}: expected >= 70 % of {len(east)} eastern flights in firm track, got {seen}")


@pytest.mark.parametrize("radar", FORWARD)
def test_flights_from_the_western_silo_fields_to_the_us_east_are_seen_by_none(radar):
    """Geometry of the research notes (section 1, test 3): flights from the Yumen and Hami silo
    fields to Washington, New York and Chicago fly north-east, never within 2,000 km of Seongju
    (nor 2,500 km of the Japan radars): no radar of the three holds any of them, under either
    range reading. Tolerance: 0 s of track; closest approach > 2,000 km."""
    recs = _recs(radar=radar)
    west = [r for r in recs if any(a in r["launch_area"] for a in WEST)
            and any(x in r["target"] for x in US_EAST)]
    assert len(west) >= 10, len(west)
    for r in west:
        assert r["min_range_km"] > 2000.0, f"{r['flight']}: {r['min_range_km']:.0f} km"
        assert r["track_s"] == 0 and r["others_track_s"] == 0, (
            f"{r['flight']}: Seongju {r['track_s']} s, Japan {r['others_track_s']} s")
    far = [r for r in _recs(radar=radar, site="shariki", compare="kyogamisaki")
           if r["flight"] in {w["flight"] for w in west}]
    assert all(r["min_range_km"] > 2500.0 for r in far), min(r["min_range_km"] for r in far)


def test_nas_and_uscc_readings_differ_only_between_1500_and_2000_km():
    """NAS 2012 (~1,500 km) vs USCC 2016 (~2,000 km): every flight detected under the
    1,500 km reading is detected under the 2,000 km one, and a flight detected only under the
    2,000 km reading is first detected beyond 1,500 km. Tolerance: 0 km."""
    nas = {r["flight"]: r for r in _recs(radar="tpy2-forward-nas")}
    fw = {r["flight"]: r for r in _recs(radar="tpy2-forward")}
    only = 0
    for k, r in nas.items():
        if r["first_detection_s"] is not None:
            assert fw[k]["first_detection_s"] is not None, k
        elif fw[k]["first_detection_s"] is not None:
            only += 1
            assert fw[k]["first_detection_range_km"] > 1500.0, (
                f"{k}: first detected at {fw[k]['first_detection_range_km']:.0f} km under "
                "the 2,000 km reading only")
    assert only >= 5, f"only {only} flights separate the two readings"


def test_kristensen_manchuria_launches_are_watched_from_korea_in_boost():
    """FAS (Kristensen) via Global Times 2015: DF-31s launched from northern China / Manchuria
    at the US are what a radar in South Korea is placed to monitor. From the Tonghua area
    (660 km from Seongju) DF-31AG flights to the West Coast, Alaska and Hawaii are held in firm
    track in forward mode, first detected in boost, for at least 60 s each; terminal mode
    (600 km) holds none of their warheads."""
    fw = {r["flight"]: r for r in _recs(radar="tpy2-forward")}
    te = {r["flight"]: r for r in _recs(radar="tpy2-terminal")}
    keys = [k for k in fw if k.startswith("df-31ag Northeast China")
            and any(x in k for x in ("Los Angeles", "Seattle", "Anchorage", "Fort Greely",
                                     "Honolulu"))]
    assert len(keys) == 5, keys
    for k in keys:
        r = fw[k]
        assert r["seen"] and r["track_s"] >= 60.0, f"{k}: {r['track_s']} s"
        assert r["phase_at_first_detection"] == "boost", f"{k}: {r['phase_at_first_detection']}"
        assert not te[k]["seen"], f"{k}: held in terminal mode"


NK = ThreatSet("nk-to-us-test", ("hwasong-12", "hwasong-15"),
               (("Pyongyang (Sunan)", 39.20, 125.67),), {},
               "North Korean IRBM/ICBM flights toward Guam, Hawaii and Washington (test)",
               ("launch area as in nk-default",),
               (("Andersen AFB, Guam", 13.58, 144.93), ("Honolulu, HI", 21.35, -157.95),
                ("Washington, DC", 38.90, -77.04)))


def test_kyodo_2013_kyogamisaki_watches_flights_to_guam_and_hawaii():
    """Kyodo 2013 / DoD 2014: Kyogamisaki was sited under the North Korean flights toward Guam
    and Hawaii. In forward mode it holds a Hwasong-12 to Guam and a Hwasong-15 to Honolulu in
    firm track for at least 120 s each, passing within 1,000 km of the site."""
    recs = {r["flight"]: r for r in _recs(threat_set=NK, site="kyogamisaki", compare=None)}
    for k in ("hwasong-12 Pyongyang (Sunan) -> Andersen AFB, Guam",
              "hwasong-15 Pyongyang (Sunan) -> Honolulu, HI"):
        r = recs[k]
        assert r["track_s"] >= 120.0, f"{k}: {r['track_s']} s in firm track"
        assert r["min_range_km"] <= 1000.0, f"{k}: closest {r['min_range_km']:.0f} km"


@pytest.mark.parametrize("site", ["shariki", "kyogamisaki"])
def test_japan_radars_hold_a_hwasong15_toward_the_us_beyond_1000km(site):
    """Asahi 2013 (warheads seen beyond 1,000 km) and DoD 2014 (coverage for the US homeland):
    each Japan radar in forward mode holds a Hwasong-15 from Pyongyang toward Washington in
    firm track for at least 60 s, first detected in boost; Pyongyang is 909 km from
    Kyogamisaki and 1,262 km from Shariki."""
    recs = {r["flight"]: r for r in _recs(threat_set=NK, site=site, compare=None)}
    r = recs["hwasong-15 Pyongyang (Sunan) -> Washington, DC"]
    assert r["track_s"] >= 60.0, f"{site}: {r['track_s']} s"
    assert r["phase_at_first_detection"] == "boost", r["phase_at_first_detection"]
