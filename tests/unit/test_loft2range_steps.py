"""loft2range step by step (as pvlib's test_spa checks each intermediate of the solar position
algorithm): the Kepler burnout state, the flight-time bound, the class choice, the fitted family
of burn times, the batched maximum-range and bearing solves and the band, each against a closed
form, a physical bound or an independent computation.

Closed forms (Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, ch. 6): the Kepler
ellipse from the surface (tests/conftest.py ``kepler_from_surface``); the minimum-energy
trajectory for a range angle psi, flight-path angle (pi - psi) / 4 and speed
v^2 = (mu / r) 2 sin(psi/2) / (1 + sin(psi/2)); radial free fall from rest at r_a to r:
t = sqrt(r_a^3 / (2 mu)) (sqrt(x (1 - x)) + acos(sqrt(x))), x = r / r_a.
The flight used for the fit is the Hwasong-12 test of 15 Sep 2017 (tests/acceptance/
flight-tests.csv: apogee 770 km, range 3,700 km, 1,140 s).
"""

import math

import numpy as np
import pytest

from tests.conftest import kepler_from_surface
from thaadsim.analysis.loft2range import (
    BURN_TIME_SPREAD,
    CLASS_BOUNDS_KM_S,
    CLASS_TEMPLATES,
    DEFAULT_SITE,
    MIN_BURN_SCALE,
    classify,
    default_flight_time_tol_s,
    kepler_burnout,
    kepler_flight_time_bound_s,
    loft2range,
)
from thaadsim.analysis.loft_fit import (
    FIT_REL_TOL,
    MIN_LIFTOFF_TW,
    band_summary,
    burn_family,
    max_liftoff_scale,
)
from thaadsim.analysis.loft_reach import max_range_many, reach_along_bearings
from thaadsim.cli import main
from thaadsim.core import earth as E
from thaadsim.threats import fly, fly_ballistic, get_missile
from thaadsim.threats.solve import solve_max_range
from thaadsim.threats.trajectory import GEOD

MU = E.MU_M3_S2
R = E.R_MEAN_M  # kepler_burnout's sphere
HS12 = {"apogee_m": 770e3, "range_m": 3700e3, "flight_time_s": 1140.0}
HS12_TOL_S = 30.0  # reported to the minute (~19 min): half a minute


def _min_energy(range_m, r=R):
    psi = range_m / r
    s = math.sin(psi / 2)
    return math.sqrt(MU / r * 2 * s / (1 + s)), (math.pi - psi) / 4


def _free_fall_s(r_a, r):
    x = r / r_a
    return math.sqrt(r_a**3 / (2 * MU)) * (math.sqrt(x * (1 - x)) + math.acos(math.sqrt(x)))


# ---- step 1a: Kepler burnout state --------------------------------------------------------------

# (apogee km, range km): Hwasong-12 and Hwasong-15 2017 tests, Hwasong-14 (Jul 2017, ~2,800 km /
# ~930 km), a Scud-like 300 km shot, a depressed 600 km shot, a 10,000 km flat shot
CASES_KM = [(770, 3700), (4475, 950), (2800, 930), (100, 300), (50, 600), (1000, 10000)]


@pytest.mark.parametrize("apogee_km,range_km", CASES_KM)
def test_kepler_burnout_reproduces_apogee_and_range_of_the_ellipse(apogee_km, range_km):
    v, gamma = kepler_burnout(apogee_km * 1e3, range_km * 1e3)
    psi, ra, _ = kepler_from_surface(v, gamma, r=R)
    rng, apo = psi * R, ra - R
    assert abs(rng - range_km * 1e3) < 1e3, f"range: expected {range_km} km, got {rng / 1e3:.3f}"
    assert abs(apo - apogee_km * 1e3) < 1e3, (
        f"apogee: expected {apogee_km} km, got {apo / 1e3:.3f} km")


@pytest.mark.parametrize("range_km", [300, 1300, 3700, 10000])
def test_kepler_burnout_at_minimum_energy_apogee_is_the_minimum_energy_state(range_km):
    """Given the apogee of the minimum-energy ellipse for a range, the burnout state is the
    minimum-energy one: speed to 0.1 m/s, angle (pi - psi)/4 to 0.001 deg."""
    v_me, g_me = _min_energy(range_km * 1e3)
    _, ra, _ = kepler_from_surface(v_me, g_me, r=R)
    v, g = kepler_burnout(ra - R, range_km * 1e3)
    assert abs(v - v_me) < 0.1, f"speed: expected {v_me:.2f} m/s, got {v:.2f} m/s"
    assert abs(math.degrees(g - g_me)) < 1e-3, (
        f"angle: expected {math.degrees(g_me):.4f} deg, got {math.degrees(g):.4f} deg")


@pytest.mark.parametrize("apogee_km,range_km", [(100, 1), (500, 2), (4475, 12)])
def test_near_vertical_shot_needs_the_speed_to_coast_up_to_apogee(apogee_km, range_km):
    """Range -> 0: the burnout speed tends to the speed that coasts straight up to the apogee,
    v^2 = 2 mu (1/r - 1/r_a) (energy), from above (the horizontal speed adds); within 0.1 %."""
    v, g = kepler_burnout(apogee_km * 1e3, range_km * 1e3)
    v_up = math.sqrt(2 * MU * (1 / R - 1 / (R + apogee_km * 1e3)))
    assert v_up <= v <= 1.001 * v_up, f"expected {v_up:.1f} m/s (+0.1 %), got {v:.1f} m/s"
    assert math.degrees(g) > 89.0, f"expected a near-vertical shot, got {math.degrees(g):.2f} deg"


def test_near_vertical_shot_of_1km_range():
    """Apogee 500 km, range 1 km: the vertical-coast speed v^2 = 2 mu (1/r - 1/r_a), 0.1 %."""
    v, _ = kepler_burnout(500e3, 1e3)
    v_up = math.sqrt(2 * MU * (1 / R - 1 / (R + 500e3)))
    assert v_up <= v <= 1.001 * v_up, f"expected {v_up:.1f} m/s (+0.1 %), got {v:.1f} m/s"


# ---- step 1b: flight-time bound ---------------------------------------------------------------

@pytest.mark.parametrize("apogee_km", [10, 100, 770, 4475, 20000])
def test_flight_time_bound_is_twice_the_radial_free_fall(apogee_km):
    ra = R + apogee_km * 1e3
    expected = 2 * _free_fall_s(ra, R)
    got = kepler_flight_time_bound_s(apogee_km * 1e3)
    assert abs(got - expected) < 1.0, f"expected {expected:.2f} s, got {got:.2f} s"


@pytest.mark.parametrize("apogee_km", [770, 4475])
def test_flight_time_bound_matches_integrated_fall_from_rest(apogee_km):
    """The integrator (vacuum, sphere, no rotation) dropping a body from rest at the apogee
    reaches the surface in half the bound, to 1 s."""
    h = apogee_km * 1e3
    b = fly_ballistic(np.array([[E.A_M + h, 0.0, 0.0]]), np.zeros((1, 3)), rotating=False,
                      j2=False, ellipsoid=False, drag=False, rtol=1e-11, t_max_s=1e5)
    fall = b.col("t_impact")[0]
    bound = kepler_flight_time_bound_s(h, r_m=E.A_M)
    assert abs(2 * fall - bound) < 1.0, f"expected {bound:.2f} s, integrated {2 * fall:.2f} s"


@pytest.mark.parametrize("apogee_km,range_km", CASES_KM)
def test_kepler_flight_is_never_shorter_than_the_bound(apogee_km, range_km):
    """Angular momentum only slows the fall (r'' = -mu/r^2 + h^2/r^3): the Kepler ellipse with
    this apogee and range takes at least the bound (1 ms numerical slack)."""
    v, g = kepler_burnout(apogee_km * 1e3, range_km * 1e3)
    _, _, tof = kepler_from_surface(v, g, r=R)
    bound = kepler_flight_time_bound_s(apogee_km * 1e3)
    assert tof >= bound - 1e-3, f"Kepler flight {tof:.2f} s, bound {bound:.2f} s"


# ---- step 1c: class ---------------------------------------------------------------------------

@pytest.mark.parametrize("klass", list(CLASS_TEMPLATES))
def test_each_class_template_at_its_nominal_range_falls_in_its_class(klass):
    """The class template's published nominal range, flown on the minimum-energy Kepler
    ellipse, needs a burnout speed that classify() puts in that class (so a test flown by the
    template itself is fitted with the template)."""
    m = get_missile(CLASS_TEMPLATES[klass])
    v, _ = _min_energy(m.nominal_range_km * 1e3)
    assert classify(v) == klass, (
        f"{m.name} ({m.nominal_range_km} km, {v / 1e3:.3f} km/s): expected {klass}, "
        f"got {classify(v)}")


def test_class_bounds_are_upper_bounds_exclusive_and_ordered():
    bounds = [b for b, _ in CLASS_BOUNDS_KM_S]
    assert bounds == sorted(bounds), bounds
    names = [k for _, k in CLASS_BOUNDS_KM_S]
    for (b, k), nxt in zip(CLASS_BOUNDS_KM_S[:-1], names[1:], strict=True):
        assert classify(b * 1e3 - 1.0) == k, f"1 m/s below {b} km/s: expected {k}"
        assert classify(b * 1e3) == nxt, f"at {b} km/s: expected {nxt}"


def test_hwasong12_test_is_fitted_with_the_irbm_template():
    """770 km / 3,700 km needs ~5.28 km/s from the surface: the IRBM class, whose template is
    the Hwasong-12 preset."""
    v, _ = kepler_burnout(HS12["apogee_m"], HS12["range_m"])
    assert 5.2e3 < v < 5.35e3, f"expected ~5.28 km/s, got {v / 1e3:.3f} km/s"
    assert classify(v) == "irbm" and CLASS_TEMPLATES["irbm"] == "hwasong-12", classify(v)


# ---- step 2: the fitted family (template burn times, and the band's burn times) ---------------

@pytest.fixture(scope="module")
def hs12_family():
    tmpl = get_missile(CLASS_TEMPLATES["irbm"])
    members, window = burn_family(tmpl, HS12["apogee_m"], HS12["range_m"], DEFAULT_SITE,
                                  spread=BURN_TIME_SPREAD, min_scale=MIN_BURN_SCALE,
                                  flight_time_s=HS12["flight_time_s"], tol_s=HS12_TOL_S)
    flights = {k: fly(m.missile, DEFAULT_SITE.lat_deg, DEFAULT_SITE.lon_deg, 90.0, m.theta_deg,
                      rotating=False) for k, m in members.items()}
    return tmpl, members, window, flights


def test_family_has_the_central_the_burn_spread_and_the_flight_time_members(hs12_family):
    _, members, window, _ = hs12_family
    assert set(members) == {"central", "burn_time_low", "burn_time_high", "flight_time_low",
                            "flight_time_high"}, sorted(members)
    assert window is not None and window[0] <= window[1], window


def test_every_member_flown_again_reproduces_apogee_and_range(hs12_family):
    """Flying each returned missile at its returned pitch (due east, non-rotating Earth, as the
    fit does) gives the reported apogee and range to the fit's 2e-5 (15 m, 74 m)."""
    _, members, _, flights = hs12_family
    for k, b in flights.items():
        got = {"apogee_m": b.col("apogee_alt")[0], "range_m": b.range_m[0]}
        for q, v in got.items():
            want = HS12[q]
            assert abs(v - want) <= FIT_REL_TOL * want, (
                f"{k} {q}: reported {want:g}, fitted flight {v:.3f} (tolerance {FIT_REL_TOL:g})")


def test_central_member_keeps_the_template_thrust_and_burn_times(hs12_family):
    """The central fit changes the payload only: every stage's propellant, burn time (so thrust)
    and specific impulses are the template's, exactly."""
    tmpl, members, _, _ = hs12_family
    c = members["central"]
    assert c.scale == 1.0, c.scale
    assert c.missile.stages == tmpl.stages, (c.missile.stages, tmpl.stages)
    assert c.missile.replace(rv_mass_kg=tmpl.rv_mass_kg) == tmpl, "a field besides the payload"


def test_fit_record_describes_the_returned_missile(hs12_family):
    _, members, _, flights = hs12_family
    rec, b = members["central"].record, flights["central"]
    for key, col, unit in [("apogee_km", "apogee_alt", 1e3), ("flight_time_s", "t_impact", 1.0),
                           ("burnout_speed_km_s", "burnout_speed", 1e3)]:
        assert abs(rec[key] - b.col(col)[0] / unit) < 1e-6 * abs(rec[key]) + 1e-9, (
            f"{key}: record {rec[key]}, the returned missile flies {b.col(col)[0] / unit}")


def test_members_lift_off_and_stay_within_the_scales(hs12_family):
    """Every member's burn-time scale lies in [MIN_BURN_SCALE, lift-off limit], and its sea-level
    thrust over launch weight (m_dot Isp_sl / m0, independent of g0) is at least 1.1."""
    _, members, _, _ = hs12_family
    for k, m in members.items():
        s0 = m.missile.stages[0]
        tw = s0.propellant_kg / s0.burn_time_s * s0.isp_sl_s / m.missile.launch_mass_kg
        assert tw >= MIN_LIFTOFF_TW - 1e-9, f"{k}: lift-off thrust/weight {tw:.3f}, expected >= 1.1"
        assert MIN_BURN_SCALE <= m.scale <= 1.0 + BURN_TIME_SPREAD or k.startswith("flight"), (
            f"{k}: scale {m.scale:.4f}")
        assert m.scale <= max_liftoff_scale(get_missile("hwasong-12"), m.missile.rv_mass_kg) + 1e-9


def test_longer_burn_gives_longer_flight_lighter_payload_and_less_than_one_to_one(hs12_family):
    """At fixed apogee and range a longer, weaker burn loses more speed to gravity, so the fit
    needs less payload; the powered phase lasts longer, so the flight is longer, but by less than
    the added burn time (the burnout comes higher, so the coast to the same apogee and back is
    shorter). That sub-unity slope (~1-3 s per 1 % of burn) is why the flight time is a poor
    handle on the burn."""
    _, members, _, _ = hs12_family
    lo, hi = members["burn_time_low"], members["burn_time_high"]
    d_burn = hi.missile.burn_time_s - lo.missile.burn_time_s
    d_t = hi.flight_time_s - lo.flight_time_s
    assert 0.0 < d_t < d_burn, f"flight time +{d_t:.1f} s for +{d_burn:.1f} s of burn"
    assert hi.missile.rv_mass_kg < members["central"].missile.rv_mass_kg < lo.missile.rv_mass_kg


def test_flight_time_members_last_the_reported_time_within_its_tolerance(hs12_family):
    """The window's edges come from a piecewise-linear interpolation refitted until it stops
    moving: their flights last 1,140 s +- 30 s, to 0.5 s."""
    _, members, _, _ = hs12_family
    for k in ("flight_time_low", "flight_time_high"):
        t = members[k].flight_time_s
        assert abs(t - HS12["flight_time_s"]) <= HS12_TOL_S + 0.5, (
            f"{k}: flight {t:.1f} s, expected 1140 +- 30 s")


def test_flight_time_does_not_set_the_central_burn():
    """The central fit and range are the same, to the digit, with no flight time, the reported
    one and one 60 s longer: the flight time only widens the band."""
    runs = [loft2range(770, 3700, t, bearings_deg=()).to_dict() for t in (None, 1140.0, 1200.0)]
    for r in runs[1:]:
        for k in ("fitted_payload_kg", "max_range_km", "flight_time_s"):
            assert r[k] == runs[0][k], f"{k}: {r[k]} with a flight time, {runs[0][k]} without"
    assert runs[2]["max_range_band_km"] != runs[1]["max_range_band_km"]


@pytest.mark.parametrize("t,tol", [(3180, 30.0), (1140, 30.0), (2832, 0.5), (1800.5, 0.05)])
def test_default_flight_time_tolerance_is_half_the_reporting_unit(t, tol):
    assert default_flight_time_tol_s(t) == tol, f"{t} s: expected {tol} s"


# ---- step 3: batched maximum range and reach along bearings ---------------------------------

@pytest.mark.parametrize("name", ["nodong", "hwasong-12"])
def test_batched_max_range_matches_solve_max_range(name):
    """The batched solve and threats.solve.solve_max_range (independent grid) agree within 1 km
    (both refine the elevation to ~0.04 deg on a flat maximum)."""
    m = get_missile(name)
    _, b = max_range_many([m], DEFAULT_SITE, 90.0, rotating=False)
    _, ref = solve_max_range(m, DEFAULT_SITE, 90.0, rotating=False)
    assert abs(b.range_m[0] - ref.range_m[0]) < 1e3, (
        f"batched {b.range_m[0] / 1e3:.2f} km, solve_max_range {ref.range_m[0] / 1e3:.2f} km")


def test_reach_along_bearings_lands_on_the_bearings_and_eastward_gains():
    """Impacts lie within 0.2 deg of the asked bearings; the reach equals solve_max_range at the
    returned launch azimuth (rotating Earth) within 2 km; eastward beats westward (the ground
    turns at ~360 m/s at 39 deg N, to the east)."""
    m = get_missile("hwasong-12")
    brg = np.array([0.0, 90.0, 180.0, 270.0])
    az, b = reach_along_bearings([m] * 4, DEFAULT_SITE, brg)
    lat, lon = b.impact_lat_lon_deg
    got, _, _ = GEOD.inv(np.full(4, DEFAULT_SITE.lon_deg), np.full(4, DEFAULT_SITE.lat_deg), lon,
                         lat)
    miss = (got - brg + 180.0) % 360.0 - 180.0
    assert np.all(np.abs(miss) < 0.2), f"impact bearings off by {miss} deg"
    _, ref = solve_max_range(m, DEFAULT_SITE, float(az[1]), rotating=True)
    assert abs(b.range_m[1] - ref.range_m[0]) < 2e3, (b.range_m[1], ref.range_m[0])
    assert b.range_m[1] > b.range_m[3], f"east {b.range_m[1]:.0f} m, west {b.range_m[3]:.0f} m"


# ---- step 4: the band ------------------------------------------------------------------------

def _row(role, r):
    return {"role": role, "burn_time_scale": 1.0, "fitted_payload_kg": 500.0,
            "flight_time_s": 2000.0, "theta_deg": 80.0, "max_range_km": r,
            "reaches_orbit": r is None}


def test_band_spans_the_members_and_names_the_input_furthest_from_the_central():
    rows = [_row("central", 10_000.0), _row("burn_time_low", 9_500.0),
            _row("burn_time_high", 10_600.0), _row("flight_time_low", 12_000.0),
            _row("flight_time_high", 12_100.0)]
    b = band_summary(rows, 0.1)
    assert b["max_range_km"] == [9_500.0, 12_100.0], b["max_range_km"]
    assert b["dominant_input"] == "flight_time", b["dominant_input"]
    assert b["by_input_km"]["burn_time"] == [9_500.0, 10_600.0]


def test_band_with_global_reach_keeps_the_finite_end():
    rows = [_row("central", None), _row("burn_time_low", None), _row("burn_time_high", None),
            _row("flight_time_low", 11_000.0), _row("flight_time_high", 17_000.0)]
    b = band_summary(rows, 0.1)
    assert b["max_range_km"] == [11_000.0, None] and b["reaches_orbit"] == [False, True], b
    assert b["dominant_input"] == "flight_time", b["dominant_input"]


# ---- the command line: bad input exits 2 with one line naming the option --------------------

@pytest.mark.parametrize("extra,needle", [
    (["--flight-time-tol-s", "10"], "--flight-time-tol-s"),
    (["--flight-time-s", "1140", "--flight-time-tol-s", "-1"], "--flight-time-tol-s"),
    (["--flight-time-s", "1140", "--flight-time-tol-s", "nan"], "--flight-time-tol-s"),
    (["--missile", "nope"], "--missile"),
    (["--missile", "hwasong-14", "--template", "hwasong-15"], "--missile"),
    (["--toward", "abc"], "--toward"),
    (["--toward", "95,10"], "--toward"),
    (["--toward", "39.2,125.67"], "--toward"),
])
def test_cli_bad_input_exit_2_one_line(capsys, extra, needle):
    code = main(["loft2range", "--apogee-km", "770", "--range-km", "3700", *extra])
    _, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, f"exit {code}, expected 2 and one line: {err!r}"
    assert needle in lines[0], f"expected {needle!r} in {lines[0]!r}"
