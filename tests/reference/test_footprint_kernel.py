"""The fused footprint kernel against the step-by-step pipeline it replaces (the reference
implementation): lay the family along the great circle (``analysis.families.lay_family``), the
radar's detection timeline (``sensors.detect.detection_timeline``) and the intercept windows
(``engagement.fire_control.intercept_windows``), per aim point. Opportunities (capped at the two
the footprint uses) must agree cell for cell."""

import math

import numpy as np
import pytest

from thaadsim.analysis.families import HISTORY_DT_S, lay_family, trajectory_family
from thaadsim.analysis.footprint import N_OF_M
from thaadsim.analysis.footprint_kernel import MAX_COUNTED, footprint_kernel, pack_batteries
from thaadsim.analysis.grid import south_korea_grid
from thaadsim.engagement.fire_control import Doctrine, battery_at, intercept_windows
from thaadsim.sensors.detect import detection_timeline
from thaadsim.threats.trajectory import TrajectoryBatch

CASES = [("nodong", None, ("Pyongyang", 39.20, 125.67)),
         ("scud-c", None, ("Sakkanmol", 38.58, 126.10)),
         ("kn-23", 50.0, ("Wonsan", 39.15, 127.45))]


@pytest.mark.parametrize("missile,apogee,area", CASES, ids=[c[0] for c in CASES])
def test_fused_kernel_equals_the_reference_pipeline(missile, apogee, area):
    g = south_korea_grid(15.0)
    fam = trajectory_family(missile, apogee)
    configs = [[battery_at("seongju")], [battery_at("pyeongtaek")]]
    d = Doctrine()
    kw = pack_batteries(configs, HISTORY_DT_S)
    opp = np.zeros((2, g.size), dtype=np.int64)
    reach = np.zeros(g.size, dtype=bool)
    footprint_kernel(math.radians(area[1]), math.radians(area[2]), np.radians(g.lat),
                     np.radians(g.lon), fam.ranges_m, fam.t, fam.s, fam.h,
                     fam.n.astype(np.int64), 0.5 * float(fam.ranges_m.min()), fam.max_range_m,
                     n_req=N_OF_M[0], m_win=N_OF_M[1], ka=d.kill_assessment_s, descent_only=0,
                     opp=opp, reach=reach, **kw)
    hist, nhist, r = lay_family(fam, area[1], area[2], g.lat, g.lon)
    np.testing.assert_array_equal(reach, r)
    idx = np.nonzero(r)[0]
    b = TrajectoryBatch(np.zeros((idx.size, 1)), np.full(idx.size, area[1]),
                        np.full(idx.size, area[2]), hist[idx], nhist[idx])
    for c, cfg in enumerate(configs):
        want = np.zeros(g.size, dtype=np.int64)
        for bat in cfg:
            tl = detection_timeline(bat.radar, bat.site, b, bat.rcs_m2)
            w = intercept_windows(bat, b, tl.track_time_s, d)
            want[idx] += np.minimum(w.opportunities, MAX_COUNTED)
        bad = np.nonzero(want != opp[c])[0]
        assert bad.size == 0, (
            f"{missile} from {area[0]} vs {cfg[0].name}: {bad.size} of {g.size} cells differ, "
            f"e.g. cell {bad[0]} ({g.lat[bad[0]]:.3f}, {g.lon[bad[0]]:.3f}): reference "
            f"{want[bad[0]]} opportunities, kernel {opp[c, bad[0]]}")
    assert opp.sum() > 0, "no opportunity anywhere: the comparison would be empty"
