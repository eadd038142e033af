"""Fire plan (``engagement.montecarlo.plan_shots``) on hand-built windows with known answers.

Every case uses one time grid: threat samples every 1 s from 0 to 299 s, a constant interceptor
time of flight of 30 s (launch = intercept - 30 s) and an intercept window [t_lo, t_hi] of
feasible samples. The docstring of each test derives the expected plan, rows of
(threat, battery, shot index, launch s, intercept s), from the rule the planner states:
each shot takes the earliest feasible intercept whose engagement (launch to intercept) finds a
free fire channel; a look shot launches at least ``kill_assessment_s`` after the previous
intercept; threats are served in ascending ``priority`` (as ``engagement.raid.prepare`` builds
it: 0 + first-intercept time for threats on a defended asset, 1e7 + that time otherwise).
"""

import numpy as np
import pytest

from thaadsim.engagement.fire_control import Doctrine
from thaadsim.engagement.montecarlo import Plan, plan_shots, run_monte_carlo

T_S = np.arange(0.0, 300.0)  # threat sample times, s
TOF_S = 30.0  # interceptor time of flight, s
IN_ASSET = 0.0  # raid.prepare: priority offset of a threat on a defended asset
ELSEWHERE = 1e7  # ... and of any other threat

SALVO = Doctrine(mode="salvo", salvo=2, sspk=0.8, p_track=1.0, kill_assessment_s=10.0)
SLS = Doctrine(mode="sls", salvo=2, sspk=0.8, p_track=1.0, kill_assessment_s=10.0, max_shots=2)


def _plan(windows, doctrine, channels=(12,), battery_of=None, priority=None, tof_s=TOF_S):
    """Plan for threats whose intercept windows are ``[(t_lo, t_hi) or None, ...]`` (s)."""
    n = len(windows)
    t_abs = np.tile(T_S, (n, 1))
    feasible = np.zeros((n, T_S.size), dtype=bool)
    for j, w in enumerate(windows):
        if w is not None:
            feasible[j] = (T_S >= w[0]) & (T_S <= w[1])
    launch_abs = t_abs - tof_s
    battery_of = np.zeros(n, dtype=int) if battery_of is None else np.asarray(battery_of)
    priority = np.full(n, ELSEWHERE) if priority is None else np.asarray(priority, float)
    p = plan_shots(t_abs, feasible, launch_abs, battery_of, priority, doctrine, list(channels))
    return [(int(j), int(b), int(k), float(tl), float(ti)) for j, b, k, tl, ti in
            zip(p.threat, p.battery, p.shot_index, p.launch_s, p.intercept_s, strict=True)]


def _check(got, expected):
    assert got == expected, f"expected plan {expected}, got {got}"


# ---- one threat --------------------------------------------------------------------------------

@pytest.mark.parametrize("doctrine", [SALVO, SLS], ids=["salvo", "sls"])
def test_single_threat_one_window_one_shot_at_earliest_launch(doctrine):
    """Window 100-120 s: the earliest intercept is at 100 s, launched 30 s before, at 70 s.
    Shoot-look-shoot cannot add a look: it would launch at >= 100 + 10 = 110 s, but the latest
    launch the window allows is 120 - 30 = 90 s. Plan: [(0, 0, 0, 70, 100)]."""
    _check(_plan([(100, 120)], doctrine), [(0, 0, 0, 70.0, 100.0)])


def test_salvo_doctrine_fires_once_however_long_the_window():
    """Salvo doctrine: one salvo per threat even when the window (100-250 s) has room for more.
    Plan: [(0, 0, 0, 70, 100)]."""
    _check(_plan([(100, 250)], SALVO), [(0, 0, 0, 70.0, 100.0)])


def test_shoot_look_shoot_second_shot_after_kill_assessment():
    """Window 100-160 s, kill assessment 10 s: shot 0 launches at 70 s, intercepts at 100 s;
    shot 1 launches at 100 + 10 = 110 s (the earliest launch allowed), intercepts at 140 s,
    inside the window. Plan: [(0, 0, 0, 70, 100), (0, 0, 1, 110, 140)]."""
    _check(_plan([(100, 160)], SLS), [(0, 0, 0, 70.0, 100.0), (0, 0, 1, 110.0, 140.0)])


def test_kill_assessment_time_delays_the_look_shot_by_itself():
    """Kill assessment 25 s instead of 10 s: the look launches at 100 + 25 = 125 s and
    intercepts at 155 s (window 100-160 s). Plan: [(0, 0, 0, 70, 100), (0, 0, 1, 125, 155)]."""
    d = Doctrine(mode="sls", salvo=2, sspk=0.8, p_track=1.0, kill_assessment_s=25.0)
    _check(_plan([(100, 160)], d), [(0, 0, 0, 70.0, 100.0), (0, 0, 1, 125.0, 155.0)])


def test_three_shots_when_doctrine_allows_and_window_holds_them():
    """max_shots 3, window 100-200 s, kill assessment 10 s: launches at 70, 100 + 10 = 110 and
    140 + 10 = 150 s, intercepts at 100, 140 and 180 s. With max_shots 2 the third is not
    planned. Plan: [(0,0,0,70,100), (0,0,1,110,140), (0,0,2,150,180)]."""
    d3 = Doctrine(mode="sls", salvo=2, sspk=0.8, p_track=1.0, kill_assessment_s=10.0,
                  max_shots=3)
    _check(_plan([(100, 200)], d3),
           [(0, 0, 0, 70.0, 100.0), (0, 0, 1, 110.0, 140.0), (0, 0, 2, 150.0, 180.0)])
    _check(_plan([(100, 200)], SLS), [(0, 0, 0, 70.0, 100.0), (0, 0, 1, 110.0, 140.0)])


# ---- no opportunity --------------------------------------------------------------------------

def test_threat_without_feasible_intercept_gets_no_shot():
    """Threat 1 has no feasible sample (never in reach); threat 0 (window 100-120 s) is
    planned alone. Plan: [(0, 0, 0, 70, 100)]."""
    _check(_plan([(100, 120), None], SLS), [(0, 0, 0, 70.0, 100.0)])


def test_threat_assigned_to_no_battery_gets_no_shot():
    """battery_of = -1 (no battery can engage): no shot even with a feasible window. Plan: []."""
    _check(_plan([(100, 160)], SLS, battery_of=[-1]), [])


# ---- fire channels and priority ----------------------------------------------------------------

def test_one_channel_defended_asset_threat_first():
    """One fire channel, two threats with the same window 100-160 s (salvo doctrine). Threat 1
    aims at a defended asset (priority 0 + 100) and threat 0 does not (1e7 + 100), so threat 1
    takes the channel from 70 to 100 s. Threat 0's engagement must not overlap it: the first
    launch that does not is 100 s (intercept 130 s). Plan: [(1,0,0,70,100), (0,0,0,100,130)]."""
    prio = [ELSEWHERE + 100.0, IN_ASSET + 100.0]
    _check(_plan([(100, 160), (100, 160)], SALVO, channels=[1], priority=prio),
           [(1, 0, 0, 70.0, 100.0), (0, 0, 0, 100.0, 130.0)])


def test_defended_asset_threat_first_even_when_the_other_is_more_urgent():
    """Threat 0 is more urgent (window 100-125 s, launches 70-95 s) but not on a defended asset
    (priority 1e7 + 100); threat 1 is on one (0 + 120, window 120-200 s). One channel, salvo
    doctrine: threat 1 takes its earliest launch, 90 s (channel held 90-120 s). Every launch of
    threat 0 (70-95 s, held to 100-125 s) overlaps that, so it gets no shot; served by urgency
    instead, threat 0 would have launched at 70 s and threat 1 at 100 s.
    Plan: [(1, 0, 0, 90, 120)]."""
    prio = [ELSEWHERE + 100.0, IN_ASSET + 120.0]
    _check(_plan([(100, 125), (120, 200)], SALVO, channels=[1], priority=prio),
           [(1, 0, 0, 90.0, 120.0)])
    _check(_plan([(100, 125), (120, 200)], SALVO, channels=[1], priority=[1.0, 2.0]),
           [(0, 0, 0, 70.0, 100.0), (1, 0, 0, 100.0, 130.0)])


def test_more_threats_than_channels_later_shots_or_none():
    """Two channels, three threats in priority order 0, 1, 2, all with window 100-120 s (launch
    70-90 s). Threats 0 and 1 launch at 70 s on the two channels (held 70-100 s); threat 2's
    launches 70-90 s all overlap both, so it gets no shot. Widen threat 2's window to 100-160 s
    and it launches at 100 s, when a channel frees. Plans: [(0,0,0,70,100), (1,0,0,70,100)]
    and the same plus (2, 0, 0, 100, 130)."""
    prio = [1.0, 2.0, 3.0]
    _check(_plan([(100, 120)] * 3, SALVO, channels=[2], priority=prio),
           [(0, 0, 0, 70.0, 100.0), (1, 0, 0, 70.0, 100.0)])
    _check(_plan([(100, 120), (100, 120), (100, 160)], SALVO, channels=[2], priority=prio),
           [(0, 0, 0, 70.0, 100.0), (1, 0, 0, 70.0, 100.0), (2, 0, 0, 100.0, 130.0)])


def test_look_shots_reserve_their_channel():
    """The planner reserves a channel for every look shot (the conservative reading). One
    channel, shoot-look-shoot: threat 0 (first priority, window 100-160 s) holds it 70-100 s and
    110-140 s. Threat 1 (window 100-200 s) can launch only when its 30 s engagement fits:
    launch 140 s (intercept 170 s); its look would launch at >= 180 s and intercept at 210 s,
    after its window. Plan: [(0,0,0,70,100), (0,0,1,110,140), (1,0,0,140,170)]."""
    _check(_plan([(100, 160), (100, 200)], SLS, channels=[1], priority=[1.0, 2.0]),
           [(0, 0, 0, 70.0, 100.0), (0, 0, 1, 110.0, 140.0), (1, 0, 0, 140.0, 170.0)])


def test_fire_channels_belong_to_their_battery():
    """Two batteries with one channel each; threat 0 assigned to battery 0, threat 1 to
    battery 1, same window 100-160 s: no competition, both launch at 70 s.
    Plan: [(0, 0, 0, 70, 100), (1, 1, 0, 70, 100)]."""
    _check(_plan([(100, 160), (100, 160)], SALVO, channels=[1, 1], battery_of=[0, 1]),
           [(0, 0, 0, 70.0, 100.0), (1, 1, 0, 70.0, 100.0)])


def test_channels_are_counted_at_each_instant_not_per_overlapping_engagement():
    """Two channels, salvo doctrine, one-sample windows. Threat 0 holds a channel 70-100 s
    (intercept 100 s), threat 1 holds one 110-140 s (intercept 140 s). Threat 2 can only be
    intercepted at 125 s (launch 95 s): during 95-100 s channels in use are {0, 2}, during
    110-125 s {1, 2}: never more than 2. Plan: [(0,0,0,70,100), (2,0,0,95,125), (1,0,0,110,140)]."""
    _check(_plan([(100, 100), (140, 140), (125, 125)], SALVO, channels=[2],
                 priority=[1.0, 2.0, 3.0]),
           [(0, 0, 0, 70.0, 100.0), (2, 0, 0, 95.0, 125.0), (1, 0, 0, 110.0, 140.0)])


# ---- ties -------------------------------------------------------------------------------------

def test_equal_priority_served_in_threat_order():
    """Equal priorities: the lower threat index is served first (stable order). One channel,
    same window 100-160 s: threat 0 at 70 s, threat 1 at 100 s.
    Plan: [(0, 0, 0, 70, 100), (1, 0, 0, 100, 130)]."""
    _check(_plan([(100, 160), (100, 160)], SALVO, channels=[1], priority=[5.0, 5.0]),
           [(0, 0, 0, 70.0, 100.0), (1, 0, 0, 100.0, 130.0)])


def test_simultaneous_launches_listed_in_priority_order():
    """Shots are listed by launch time; equal launch times keep the priority order. Two
    channels, same window: threat 1 (priority 1) then threat 0 (priority 2), both at 70 s.
    Plan: [(1, 0, 0, 70, 100), (0, 0, 0, 70, 100)]."""
    _check(_plan([(100, 160), (100, 160)], SALVO, channels=[2], priority=[2.0, 1.0]),
           [(1, 0, 0, 70.0, 100.0), (0, 0, 0, 70.0, 100.0)])


def test_back_to_back_engagements_share_one_channel():
    """An engagement holds its channel from launch to intercept; one that launches at the
    instant another intercepts does not overlap it. One channel, threat 0 window 100-100 s
    (70-100 s), threat 1 window 130-160 s: its earliest launch, 100 s, is allowed.
    Plan: [(0, 0, 0, 70, 100), (1, 0, 0, 100, 130)]."""
    _check(_plan([(100, 100), (130, 160)], SALVO, channels=[1], priority=[1.0, 2.0]),
           [(0, 0, 0, 70.0, 100.0), (1, 0, 0, 100.0, 130.0)])


# ---- salvo and inventory semantics ---------------------------------------------------------------

@pytest.mark.parametrize("salvo", [1, 4])
def test_a_salvo_is_one_engagement_on_one_channel(salvo):
    """The plan is per salvo: its size changes neither the rows nor the channel use. One
    channel, two threats with window 100-160 s: (0,0,0,70,100), (1,0,0,100,130) for any size."""
    d = Doctrine(mode="salvo", salvo=salvo, sspk=0.8, p_track=1.0)
    _check(_plan([(100, 160), (100, 160)], d, channels=[1], priority=[1.0, 2.0]),
           [(0, 0, 0, 70.0, 100.0), (1, 0, 0, 100.0, 130.0)])


def _fire(plan_rows, n, inventory, d, trials=2000):
    """Monte Carlo of a plan given as rows (threat, battery, shot, launch s, intercept s)."""
    a = np.array(plan_rows, float)
    p = Plan(a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3], a[:, 4])
    return run_monte_carlo(p, n, [2] * n, inventory, d, trials=trials, seed=1)


def test_inventory_is_spent_in_launch_order_and_caps_each_salvo():
    """The plan ignores inventory; the launchers run dry in launch order. SLS plan for two
    threats (two channels, windows 100-160 s): launches T0 s0 70 s, T1 s0 70 s, T0 s1 110 s,
    T1 s1 110 s. Inventory 5, salvo 2, SSPK 0 (nothing dies, every look fires): 2 + 2 + 1 + 0 =
    5 interceptors, both threats leak. SSPK 1 and tracking 1: the first salvos (4 interceptors)
    kill, no look fires: 4 used, no leak."""
    rows = _plan([(100, 160), (100, 160)], SLS, channels=[2], priority=[1.0, 2.0])
    _check(rows, [(0, 0, 0, 70.0, 100.0), (1, 0, 0, 70.0, 100.0), (0, 0, 1, 110.0, 140.0),
                  (1, 0, 1, 110.0, 140.0)])
    miss = Doctrine(mode="sls", salvo=2, sspk=0.0, p_track=1.0)
    r = _fire(rows, 2, [5], miss)
    used = r.interceptors_used_mean
    assert used == 5.0, f"expected 5 interceptors, got {used}"
    assert list(r.p_leak) == [1.0, 1.0], f"expected both to leak, got {r.p_leak}"
    kill = Doctrine(mode="sls", salvo=2, sspk=1.0, p_track=1.0)
    r = _fire(rows, 2, [5], kill)
    used = r.interceptors_used_mean
    assert used == 4.0, f"expected 4 interceptors, got {used}"
    assert list(r.p_leak) == [0.0, 0.0], f"expected no leak, got {r.p_leak}"


def test_last_interceptor_goes_to_the_earliest_launch():
    """One interceptor left, SSPK 1, tracking 1, salvo doctrine. The planner puts threat 1
    (defended asset) first at 70 s and threat 0 at 100 s on one channel; the single interceptor
    flies at threat 1 and kills it, threat 0 finds the launchers empty and leaks:
    P(leak) = [1, 0], 1 interceptor used."""
    rows = _plan([(100, 160), (100, 160)], SALVO, channels=[1],
                 priority=[ELSEWHERE + 100.0, IN_ASSET + 100.0])
    d = Doctrine(mode="salvo", salvo=2, sspk=1.0, p_track=1.0)
    r = _fire(rows, 2, [1], d)
    assert list(r.p_leak) == [1.0, 0.0], f"expected P(leak) [1, 0], got {list(r.p_leak)}"
    used = r.interceptors_used_mean
    assert used == 1.0, f"expected 1 interceptor, got {used}"
