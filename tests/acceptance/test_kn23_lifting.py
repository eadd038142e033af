"""The KN-23 flies a flat, lifting trajectory: ~600 km at ~50 km apogee with a pull-up (ROK
Joint Chiefs of Staff on the 25 July 2019 launches, via CSIS Missile Threat, "North Korea Fires
New Ballistic Missiles"; the pull-up as reported by Seoul Economic Daily, 2019), and it can be
aimed and engaged like any threat."""

import numpy as np
import pytest

import thaadsim as t

WONSAN = "39.15,127.45"


@pytest.fixture(scope="module")
def flight():
    return t.fly("kn-23", WONSAN, azimuth_deg=90, apogee_km=50)


def test_jcs_2019_about_600_km_at_about_50_km_apogee(flight):
    d = flight.to_dict()
    assert abs(d["apogee_km"] - 50) < 0.5, d["apogee_km"]
    # rotating Earth, launched east: within 5 % of the reported ~600 km
    assert abs(d["range_km"] / 600 - 1) < 0.05, (
        f"ROK JCS 2019: ~600 km at ~50 km apogee; thaadsim flies {d['range_km']:.0f} km")


def test_lift_is_what_carries_it_that_far(flight):
    ballistic = t.get_missile("kn-23").replace(lift_to_drag=0.0)
    b = t.fly(ballistic, WONSAN, azimuth_deg=90, apogee_km=50)
    r_lift, r_bal = flight.to_dict()["range_km"], b.to_dict()["range_km"]
    assert r_bal < 0.75 * r_lift, (
        f"without lift {r_bal:.0f} km, with lift {r_lift:.0f} km: expected lift to add > 1/3")


def test_pull_up_after_apogee(flight):
    """After apogee the vehicle descends, pulls up and climbs again (a local minimum of altitude
    followed by a rise of at least 0.5 km) before it comes down."""
    df = flight.to_dataframe()
    alt = df["alt_km"].to_numpy()
    k = int(np.argmax(alt))
    after = alt[k:]
    lows = [i for i in range(1, len(after) - 1) if after[i] < after[i - 1] and
            after[i] <= after[i + 1]]
    assert lows, "no local minimum of altitude after apogee: no pull-up"
    i = lows[0]
    assert after[i:].max() - after[i] > 0.5, (
        f"pull-up at {after[i]:.1f} km climbs only {after[i:].max() - after[i]:.2f} km")


def test_aimed_on_a_depressed_trajectory():
    a = t.aim("kn-23", WONSAN, "35.87,128.6", apogee_km=50)
    d = a.to_dict()
    assert d["miss_distance_m"] < 200 and abs(d["apogee_km"] - 50) < 1.0, d
