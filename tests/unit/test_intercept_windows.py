"""Intercept windows (``engagement.fire_control.intercept_windows``) of a THAAD battery at Seongju
(shipped presets: site ``seongju``, radar ``tpy2-terminal``, interceptor ``thaad``) against
synthetic paths built sample by sample, and one aimed Nodong.

Synthetic paths: a vertical descent at 3 km/s from 600 km altitude above a point at a chosen
ground range from the battery, and level passes over the battery at a chosen altitude. They are
probes, not ballistic flights: the window logic only sees (time, position) samples.

Envelope figures come from the interceptor's reach table (its 1-km cells: positions within one
cell are the same point to the table); the public figures they are calibrated to (USCC 2016:
200 km range, 150 km ceiling; Xinhua: 40 km floor) are checked in tests/reference/.
"""

import numpy as np
import pytest
from pyproj import Geod

from thaadsim.core import earth as E
from thaadsim.core.integrate import NSUM
from thaadsim.engagement.fire_control import Battery, Doctrine, intercept_windows
from thaadsim.interceptors import get_interceptor
from thaadsim.sensors import get_radar, get_site
from thaadsim.threats.trajectory import TrajectoryBatch

GEOD = Geod(ellps="WGS84")
SITE = get_site("seongju")
CELL_KM = 1.0  # reach-table cell
# No interceptor point is reached faster than at the public ~2.8 km/s burnout speed; 2.9 km/s
# allows one 1-km cell over the shortest (~30 s) flights.
V_MAX_M_S = 2900.0
UPRANGE_AZ_DEG = 315.0  # toward North Korea from Seongju


def _battery(**kw) -> Battery:
    return Battery("seongju", SITE, get_radar("tpy2-terminal"), get_interceptor("thaad"), **kw)


def _samples(t, lat_deg, lon_deg, h_m):
    xyz = E.geodetic_to_ecef(np.radians(lat_deg), np.radians(lon_deg), h_m)
    return np.column_stack([t, xyz, np.gradient(xyz, t, axis=0)])


def column(ground_km, h0_km=600.0, speed_m_s=3000.0, dt_s=0.5):
    """Vertical descent above the point ``ground_km`` up-range of the battery."""
    lon, lat, _ = GEOD.fwd(SITE.lon_deg, SITE.lat_deg, UPRANGE_AZ_DEG, ground_km * 1e3)
    t = np.arange(0.0, h0_km * 1e3 / speed_m_s + dt_s / 2, dt_s)
    return _samples(t, np.full(t.size, lat), np.full(t.size, lon), h0_km * 1e3 - speed_m_s * t)


def level_pass(h_km, speed_m_s=3000.0, half_km=600.0, dt_s=0.5):
    """Level flight at ``h_km`` along the up-range line, passing right over the battery."""
    t = np.arange(0.0, 2 * half_km * 1e3 / speed_m_s + dt_s / 2, dt_s)
    s = speed_m_s * t - half_km * 1e3  # signed distance past the battery, m
    az = np.where(s < 0, UPRANGE_AZ_DEG, UPRANGE_AZ_DEG - 180.0)
    lon, lat, _ = GEOD.fwd(np.full(t.size, SITE.lon_deg), np.full(t.size, SITE.lat_deg), az,
                           np.abs(s))
    return _samples(t, lat, lon, np.full(t.size, h_km * 1e3))


def batch(*paths) -> TrajectoryBatch:
    n, steps = len(paths), max(len(p) for p in paths)
    hist = np.zeros((n, steps, 7))
    for i, p in enumerate(paths):
        hist[i, : len(p)] = p
    return TrajectoryBatch(np.zeros((n, NSUM)), np.zeros(n), np.zeros(n), hist,
                           np.array([len(p) for p in paths]))


def windows(b, t_track_s, battery=None, doctrine=None):
    return intercept_windows(battery or _battery(), b, np.broadcast_to(
        np.asarray(t_track_s, float), (len(b),)).copy(), doctrine or Doctrine())


def _geodetic_alt_km(b, i, mask):
    _, _, h = E.ecef_to_geodetic(b.hist[i, mask, 1:4])
    return np.asarray(h) / 1e3


def _launch_step_s(b, w, i):
    """Largest step between successive launch times of the samples in reach (the resolution of
    any launch time the window can offer)."""
    tof = b.hist[i, :, 0] - w.launch_s[i]
    inside = np.isfinite(tof)
    return float(np.max(np.diff(w.launch_s[i, inside])))


@pytest.fixture(scope="module")
def envelope():
    return _battery().reach.to_dict()


# ---- no opportunity outside the envelope ------------------------------------------------------

def test_column_beyond_the_reach_has_no_opportunity(envelope):
    """A descent 260 km from the battery never comes within the ~200 km reach (USCC 2016); the
    same descent 150 km away does. Tracked from the start of the samples."""
    assert envelope["max_ground_range_km"] < 260 - 10, envelope
    w = windows(batch(column(260.0), column(150.0)), 0.0)
    assert w.opportunities[0] == 0, f"260 km: expected 0 opportunities, got {w.opportunities[0]}"
    assert not w.feasible[0].any() and np.isnan(w.earliest_intercept_s[0])
    assert np.all(np.isnan(w.shot_launch_s[0])), w.shot_launch_s[0]
    assert w.opportunities[1] >= 1, f"150 km: expected >= 1 opportunity, got {w.opportunities[1]}"


@pytest.mark.parametrize("h_km,why", [(25.0, "below the 40 km floor"),
                                      (200.0, "above the 150 km ceiling")])
def test_level_pass_over_the_battery_outside_the_altitude_band_has_none(envelope, h_km, why):
    """A pass right over the battery at 25 km (below the dynamic-pressure floor) or 200 km
    (above the kill vehicle's ceiling, below the 242 km kinematic one) offers no intercept."""
    assert not envelope["min_altitude_km"] <= h_km <= envelope["max_altitude_km"], envelope
    w = windows(batch(level_pass(h_km)), 0.0)
    assert w.opportunities[0] == 0, (
        f"pass at {h_km} km ({why}): expected 0 opportunities, got {w.opportunities[0]}")
    assert not w.feasible[0].any()


def test_level_pass_over_the_battery_inside_the_band_has_opportunities():
    """The same pass at 100 km, inside the 40-150 km band, tracked 200 s before it passes
    overhead: it crosses the whole ~400 km wide envelope in ~130 s, room for a shot and a look
    launched 10 s after the first intercept."""
    w = windows(batch(level_pass(100.0)), 0.0)
    assert w.opportunities[0] >= 2, f"expected >= 2 opportunities, got {w.opportunities[0]}"


def test_never_tracked_threat_has_no_window():
    """No firm track (NaN track time): no launch can be ordered, whatever the geometry."""
    w = windows(batch(column(50.0)), np.nan)
    assert w.opportunities[0] == 0 and not w.feasible[0].any(), w.opportunities


# ---- the intercept points ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def column_50km():
    """Descent 50 km from the battery, tracked long before it enters the envelope."""
    b = batch(column(50.0, dt_s=0.1))
    return b, windows(b, -1000.0)


def test_every_feasible_intercept_is_inside_the_floor_and_ceiling(column_50km, envelope):
    b, w = column_50km
    f = w.feasible[0]
    assert f.any(), "the 50 km column must be in reach"
    h = _geodetic_alt_km(b, 0, f)
    lo, hi = envelope["min_altitude_km"] - CELL_KM, envelope["max_altitude_km"] + CELL_KM
    assert h.min() >= lo and h.max() <= hi, (
        f"feasible intercept altitudes {h.min():.2f}-{h.max():.2f} km, expected within "
        f"{lo:.0f}-{hi:.0f} km")


def test_window_of_an_early_tracked_descent_spans_the_band(column_50km, envelope):
    """Tracked early, the window opens where the descent crosses the 150 km ceiling and closes
    at the dynamic-pressure floor (40 km in the public figures; a little higher at 50 km
    ground range, within 3 km)."""
    _, w = column_50km
    top, bottom = w.earliest_point[0, 2], w.latest_point[0, 2]
    ceiling, floor = envelope["max_altitude_km"], envelope["min_altitude_km"]
    assert abs(top - ceiling) <= CELL_KM, f"window opens at {top:.2f} km, expected {ceiling} km"
    assert floor - CELL_KM <= bottom <= floor + 3.0, (
        f"window closes at {bottom:.2f} km, expected {floor}-{floor + 3} km")
    # descending at 3 km/s from 600 km: the ceiling is crossed at (600 - 150) / 3 = 150 s
    assert abs(w.earliest_intercept_s[0] - 150.0) <= CELL_KM / 3.0 + 0.1, w.earliest_intercept_s


def test_interceptor_flight_times_are_physical(column_50km):
    """Every feasible intercept: time of flight within the kill vehicle's 110 s endurance, and
    no faster than the distance from the launchers at ~2.8 km/s."""
    b, w = column_50km
    f = w.feasible[0]
    tof = b.hist[0, f, 0] - w.launch_s[0, f]
    site = E.geodetic_to_ecef(np.radians(SITE.lat_deg), np.radians(SITE.lon_deg), SITE.height_m)
    dist = np.linalg.norm(b.hist[0, f, 1:4] - site, axis=1)
    t_max = get_interceptor("thaad").max_flyout_time_s
    assert tof.max() <= t_max, f"time of flight up to {tof.max():.1f} s, expected <= {t_max} s"
    v = dist / tof
    assert v.max() <= V_MAX_M_S, (
        f"mean interceptor speed up to {v.max():.0f} m/s, expected <= {V_MAX_M_S:.0f} m/s")


# ---- timing: firm track + reaction --------------------------------------------------------------

@pytest.mark.parametrize("t_track_s", [70.0, 90.0, 110.0])
def test_window_opens_at_firm_track_plus_reaction_time(t_track_s):
    """The 50 km descent is in reach for launches from ~79 s (it crosses the 150 km ceiling at
    150 s, 71 s of interceptor flight away) to ~150 s (floor at ~186 s, 36 s away), so a track
    at 70-110 s binds: the first launch is the first one at or after track + 15 s reaction,
    i.e. within one launch step (< 1 s) of it, and no feasible launch is earlier."""
    b = batch(column(50.0, dt_s=0.1))
    bat = _battery()
    w = windows(b, t_track_s, battery=bat)
    ready = t_track_s + bat.reaction_time_s
    step = _launch_step_s(b, w, 0)
    assert step < 1.0, f"launch resolution {step:.2f} s, expected < 1 s"
    first = w.shot_launch_s[0, 0]
    assert ready <= first < ready + step, (
        f"track {t_track_s} s + reaction {bat.reaction_time_s} s = {ready} s: expected first "
        f"launch in [{ready}, {ready + step:.2f}) s, got {first}")
    assert np.all(w.launch_s[0, w.feasible[0]] >= ready)


@pytest.mark.parametrize("via", ["track", "reaction"])
def test_later_track_by_delta_moves_earliest_launch_by_delta(via):
    """Delaying the firm track (or lengthening the reaction) by 10 s delays the earliest launch
    by 10 s, to within the launch resolution (seconds in, seconds out)."""
    delta = 10.0
    b = batch(column(50.0, dt_s=0.1))
    t0 = 80.0  # binds: see test_window_opens_at_firm_track_plus_reaction_time
    w0 = windows(b, t0)
    if via == "track":
        w1 = windows(b, t0 + delta)
    else:
        w1 = windows(b, t0, battery=_battery(reaction_time_s=15.0 + delta))
    step = max(_launch_step_s(b, w0, 0), _launch_step_s(b, w1, 0))
    shift = w1.shot_launch_s[0, 0] - w0.shot_launch_s[0, 0]
    assert abs(shift - delta) < step, (
        f"{via} later by {delta} s: expected the first launch {delta} s later (+- {step:.2f} s), "
        f"got {shift:.2f} s")


# ---- shoot-look-shoot --------------------------------------------------------------------------

def test_each_look_launches_after_the_previous_intercept_plus_kill_assessment():
    """A slow (1 km/s) descent 50 km away stays ~110 s in the 40-150 km band: several looks.
    Each launches at least 10 s (kill assessment) after the previous intercept; a 300 s kill
    assessment, longer than the whole window, leaves one opportunity."""
    b = batch(column(50.0, speed_m_s=1000.0))
    d = Doctrine(kill_assessment_s=10.0)
    w = windows(b, -1000.0, doctrine=d)
    n = int(w.opportunities[0])
    assert n >= 2, f"expected >= 2 opportunities, got {n}"
    for k in range(1, n):
        gap = w.shot_launch_s[0, k] - w.shot_intercept_s[0, k - 1]
        assert gap >= d.kill_assessment_s, (
            f"look {k} launched {gap:.1f} s after intercept {k - 1}, expected >= 10 s")
    window_s = w.latest_intercept_s[0] - w.earliest_intercept_s[0]
    assert window_s < 300.0, window_s
    w300 = windows(b, -1000.0, doctrine=Doctrine(kill_assessment_s=300.0))
    assert w300.opportunities[0] == 1, f"expected 1 opportunity, got {w300.opportunities[0]}"


# ---- a real flight -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nodong_on_seongju():
    from thaadsim.sensors.detect import detection_timeline
    from thaadsim.threats import Launch, aim, fly, get_missile

    m = get_missile("nodong")
    launch = Launch(39.0, 125.7)  # near Pyongyang, ~420 km from Seongju
    s = aim(m, launch, SITE.lat_deg, SITE.lon_deg)
    b = fly(m, launch.lat_deg, launch.lon_deg, s.azimuth_deg, s.theta_deg, s.t_cut_s,
            history_dt_s=1.0)
    bat = _battery()
    tl = detection_timeline(bat.radar, bat.site, b, bat.rcs_m2)
    return b, bat, tl.track_time_s, intercept_windows(bat, b, tl.track_time_s, Doctrine())


def test_nodong_aimed_at_the_battery_is_engaged_after_track_plus_reaction(nodong_on_seongju,
                                                                          envelope):
    """A minimum-energy Nodong (apogee ~110 km) aimed at the battery descends through the
    40-150 km band inside the 200 km reach after the radar's firm track: at least one
    opportunity, the first launch no earlier than track + 15 s, the intercept point inside the
    envelope."""
    b, bat, t_track, w = nodong_on_seongju
    assert np.isfinite(t_track[0]), "the TPY-2 at Seongju must track a Nodong aimed at it"
    assert w.opportunities[0] >= 1, f"expected >= 1 opportunity, got {w.opportunities[0]}"
    ready = t_track[0] + bat.reaction_time_s
    assert w.shot_launch_s[0, 0] >= ready, (
        f"first launch {w.shot_launch_s[0, 0]} s, expected >= track {t_track[0]} s + "
        f"{bat.reaction_time_s} s")
    for name, p in (("earliest", w.earliest_point[0]), ("latest", w.latest_point[0])):
        lo, hi = envelope["min_altitude_km"] - CELL_KM, envelope["max_altitude_km"] + CELL_KM
        assert lo <= p[2] <= hi, f"{name} intercept at {p[2]:.1f} km, expected {lo}-{hi} km"
        _, _, g = GEOD.inv(SITE.lon_deg, SITE.lat_deg, p[1], p[0])
        g_max = envelope["max_ground_range_km"] + CELL_KM
        assert g / 1e3 <= g_max, f"{name} intercept {g / 1e3:.1f} km away, expected <= {g_max}"
