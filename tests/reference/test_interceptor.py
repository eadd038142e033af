"""THAAD interceptor flyout against closed forms, and its envelope against the public figures
(USCC 2016: 200 km range, 150 km ceiling; Xinhua: 40-150 km).

Closed forms used:
- Kepler (two-body) coast: above 100 km the separated kill vehicle keeps its specific energy
  v^2/2 - mu/r and its angular momentum r^2 dtheta/dt (drag there is ~0.01 m/s^2).
- Drag of a body of mass m and reference area A: along-track deceleration
  -dv/dt = q Cd(M) A / m + (mu/r^2) sin(gamma), sin(gamma) = (dr/dt)/v; before separation
  m = launch - propellant mass (booster and kill vehicle together), after it m = kill vehicle,
  A = pi d^2 / 4 with the kill vehicle's diameter.
- Canister exit: constant thrust from rest along the launcher, t = sqrt(2 L / a).
- Lateral-acceleration limit: the flight path turns no faster than (a_lat + g) / v.
"""

import math

import numpy as np
import pytest

from thaadsim.core import atmosphere as atm
from thaadsim.core import earth as E
from thaadsim.core.aero import SLENDER_CD_TABLE as CD_TABLE
from thaadsim.core.aero import SLENDER_MACH_TABLE as MACH_TABLE
from thaadsim.interceptors import get_interceptor, reach_table
from thaadsim.interceptors.flyout import canister_exit_s, flyout, kv_ballistic_coefficient


@pytest.fixture(scope="module")
def ic():
    return get_interceptor()


@pytest.fixture(scope="module")
def steep(ic):
    """Two members along the launcher's line (no pitch-over): 85 and 60 deg at burnout."""
    return flyout(ic, [85.0, 60.0], dt=0.05)


def _along_track_drag(f, i, k):
    """Drag deceleration (m/s^2) of member i at sample k from the flown history."""
    dt = f.t[1] - f.t[0]
    r = E.R_MEAN_M + f.h[i, k]
    dvdt = (f.v[i, k + 1] - f.v[i, k - 1]) / (2 * dt)
    sin_gamma = (f.h[i, k + 1] - f.h[i, k - 1]) / (2 * dt) / f.v[i, k]
    return -dvdt - E.MU_M3_S2 / r**2 * sin_gamma


def _model_drag(f, i, k, mass_kg, diameter_m):
    _, _, rho, c = atm.state_arrays(np.array([f.h[i, k]]))
    cd = float(np.interp(f.v[i, k] / c[0], MACH_TABLE, CD_TABLE))
    return 0.5 * float(rho[0]) * f.v[i, k]**2 * cd * math.pi * diameter_m**2 / 4 / mass_kg


def test_time_of_flight_grows_with_distance(ic):
    rt = reach_table(ic)
    t = rt.tof(np.array([50e3, 100e3, 150e3]), np.array([80e3, 80e3, 80e3]))
    assert np.all(np.isfinite(t)) and np.all(np.diff(t) > 0), t
    assert np.isinf(rt.tof(260e3, 80e3)) and np.isinf(rt.tof(50e3, 20e3))


def test_canister_exit_closed_form_and_no_steering_inside(ic):
    thrust = ic.propellant_kg / ic.burn_time_s * 9.80665 * ic.isp_sl_s
    a = thrust / ic.launch_mass_kg - 9.80665 * math.sin(math.radians(ic.launcher_elevation_deg))
    expected = math.sqrt(2 * ic.length_m / a)
    assert abs(canister_exit_s(ic) - expected) < 1e-9, (expected, canister_exit_s(ic))
    # a hard pitch-over (initial thrust elevation 0) still leaves along the launcher's line
    f = flyout(ic, [30.0], initial_deg=[0.0], dt=0.01)
    k = int(canister_exit_s(ic) / 0.01) - 1
    el = math.degrees(math.atan2(f.h[0, k], f.g[0, k]))
    assert abs(el - ic.launcher_elevation_deg) < 0.05, \
        f"elevation in the canister: expected {ic.launcher_elevation_deg} deg, got {el:.3f}"


def test_separation_when_dynamic_pressure_falls_to_the_seeker_limit(ic, steep):
    f = steep
    k = int(np.argmax(f.separated[0]))
    assert f.t[k] >= ic.burn_time_s, f"separated at {f.t[k]} s, before burnout"
    assert f.q[0, k] <= ic.max_dynamic_pressure_pa < f.q[0, k - 1], \
        f"q at separation {f.q[0, k]:.0f} Pa, one step before {f.q[0, k - 1]:.0f} Pa; limit " \
        f"{ic.max_dynamic_pressure_pa:.0f} Pa"


def test_drag_before_separation_is_the_burnt_out_stack(ic, steep):
    f = steep
    kb = int(np.searchsorted(f.t, ic.burn_time_s + 2.0))
    assert not f.separated[0, kb + 1]
    got = _along_track_drag(f, 0, kb)
    want = _model_drag(f, 0, kb, ic.launch_mass_kg - ic.propellant_kg, ic.diameter_m)
    assert abs(got - want) <= 0.02 * want, \
        f"stack drag at {f.h[0, kb] / 1e3:.1f} km: expected {want:.3f} m/s^2, got {got:.3f}"


def test_kill_vehicle_alone_after_separation_with_its_ballistic_coefficient(ic, steep):
    f = steep
    k = int(np.argmax(f.separated[0])) + 10  # 0.5 s after separation, ~45 km
    got = _along_track_drag(f, 0, k)
    want = _model_drag(f, 0, k, ic.kill_vehicle_kg, ic.kv_diameter_m)
    stack = _model_drag(f, 0, k, ic.launch_mass_kg - ic.propellant_kg, ic.diameter_m)
    assert abs(got - want) <= 0.02 * want, \
        f"kill-vehicle drag at {f.h[0, k] / 1e3:.1f} km: expected {want:.3f} m/s^2 " \
        f"(beta {kv_ballistic_coefficient(ic):.0f} kg/m2), got {got:.3f} (the stack: {stack:.3f})"
    beta = ic.kill_vehicle_kg / (float(np.interp(8.0, MACH_TABLE, CD_TABLE))
                                 * math.pi * ic.kv_diameter_m**2 / 4)
    assert abs(kv_ballistic_coefficient(ic) - beta) < 1e-9


def test_coast_above_100km_is_a_kepler_orbit(steep):
    """Energy and angular momentum of the 60 deg member while above 100 km."""
    f = steep
    i = 1
    dt = f.t[1] - f.t[0]
    above = np.nonzero(f.h[i] > 100e3)[0]
    ks = above[1:-1][::100]
    assert ks.size >= 10, f"expected >= 10 s above 100 km, got {ks.size * 100 * dt:.0f} s"
    r = E.R_MEAN_M + f.h[i, ks]
    energy = f.v[i, ks]**2 / 2 - E.MU_M3_S2 / r
    dtheta = (f.g[i, ks + 1] - f.g[i, ks - 1]) / (2 * dt) / E.R_MEAN_M
    ang = r**2 * dtheta
    de_speed = np.abs(energy - energy[0]) / f.v[i, ks]  # as a speed change, m/s
    dh_speed = np.abs(ang - ang[0]) / r  # as a horizontal speed change, m/s
    assert de_speed.max() < 2.0, f"energy drift expected < 2 m/s, got {de_speed.max():.2f} m/s"
    assert dh_speed.max() < 0.5, f"angular momentum drift expected < 0.5 m/s, got " \
                                 f"{dh_speed.max():.3f} m/s"


def test_turn_rate_within_the_lateral_acceleration_limit(ic):
    lim = ic.replace(max_lateral_accel_g=3.0)
    dt = 0.02
    f = flyout(lim, [5.0], initial_deg=[5.0], dt=dt)
    k = np.arange(int(1.0 / dt), int(lim.burn_time_s / dt) - 1)
    gdot = (f.g[0, k + 1] - f.g[0, k - 1]) / (2 * dt) * (E.R_MEAN_M + f.h[0, k]) / E.R_MEAN_M
    hdot = (f.h[0, k + 1] - f.h[0, k - 1]) / (2 * dt)
    gamma = np.unwrap(np.arctan2(hdot, gdot))
    rate = np.abs(np.gradient(gamma, dt))
    bound = (3.0 * 9.80665 + 9.80665) / f.v[0, k]
    worst = float(np.max(rate / bound))
    assert worst <= 1.03, f"turn rate expected <= (a_lat + g)/v, got {worst:.3f} x that bound"
    assert math.degrees(gamma[-1]) < ic.launcher_elevation_deg - 10, \
        f"the turn should be under way: flight path {math.degrees(gamma[-1]):.1f} deg at burnout"


def test_divert_widens_the_envelope_by_its_end_game_displacement(ic):
    base = reach_table(ic).to_dict()["max_ground_range_km"]
    big = ic.replace(kv_divert_delta_v_m_s=2000.0, kv_endgame_s=5.0)  # d = 2000 * 5 / 2 = 5 km
    wide = reach_table(big).to_dict()["max_ground_range_km"]
    assert abs((wide - base) - 5.0) <= 1.0, \
        f"range gained by a 5 km divert: expected 5 +- 1 km, got {wide - base:.0f} km"
