"""Batched aiming warm-started from shape tables (threats.solve.aim_many) lands as the full
solve does: within 200 m, with the same shape (minimum energy: flight time within 3 % of the full
solve's, since the minimum-energy optimum is flat and the two searches pick kicks from different
grids, 1-2 deg apart; a given apogee: that apogee within 1 km)."""

import numpy as np
import pytest

from thaadsim.threats import Launch, get_missile
from thaadsim.threats.solve import aim_many, shape_table

PYONGYANG = Launch(39.2, 125.67)
TARGETS = [(37.57, 126.98), (35.87, 128.6), (35.1, 129.03), (36.35, 127.38)]


@pytest.mark.parametrize("missile,apogee_km", [("scud-c", None), ("nodong", None),
                                               ("nodong", 300.0), ("kn-23", 50.0)])
def test_batched_aims_land_on_their_targets(missile, apogee_km):
    from thaadsim.threats.solve import _aim_full

    m = get_missile(missile)
    apo = None if apogee_km is None else apogee_km * 1e3
    jobs = [(m, PYONGYANG, la, lo, apo) for la, lo in TARGETS]
    sols = aim_many(jobs)
    got = [s for s in sols if s is not None]
    assert len(got) >= 3, f"{missile}: only {len(got)} of 4 warm starts converged"
    for (_, _, la, lo, _), s in zip(jobs, sols, strict=True):
        if s is None:
            continue
        d = s.to_dict()
        assert d["miss_distance_m"] < 200, d
        if apo is None:
            ref = _aim_full(m, PYONGYANG, la, lo).to_dict()
            assert abs(d["flight_time_s"] / ref["flight_time_s"] - 1) < 0.03, (
                f"{missile} to {la},{lo}: warm {d['flight_time_s']:.1f} s, full "
                f"{ref['flight_time_s']:.1f} s")
        else:
            assert abs(d["apogee_km"] - apogee_km) < 1.0, d["apogee_km"]


def test_targets_near_the_edge_of_reach_are_left_to_the_full_solve():
    m = get_missile("scud-b")
    r_max = shape_table(m)[0][-1]
    far = aim_many([(m, Launch(0.0, 0.0), 0.0, np.degrees(0.99 * r_max / 6378137.0), None)])
    assert far == [None]
