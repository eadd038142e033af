"""loft2range step by step (as pvlib's test_spa checks each intermediate of the solar position
algorithm): the Kepler burnout state, the flight-time bound, the class choice and the fitted
missile, each against a closed form or an independent computation.

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
    CLASS_BOUNDS_KM_S,
    CLASS_TEMPLATES,
    DEFAULT_SITE,
    _fit,
    classify,
    kepler_burnout,
    kepler_flight_time_bound_s,
)
from thaadsim.core import earth as E
from thaadsim.threats import fly, fly_ballistic, get_missile

MU = E.MU_M3_S2
R = E.R_MEAN_M  # kepler_burnout's sphere
HS12 = {"apogee_m": 770e3, "range_m": 3700e3, "flight_time_s": 1140.0}
FIT_REL_TOL = 2e-5  # _fit stops only when every relative residual is below this


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


# ---- step 2: the fitted missile ------------------------------------------------------------------

@pytest.fixture(scope="module")
def hs12_fit():
    tmpl = get_missile(CLASS_TEMPLATES["irbm"])
    fitted, scale, theta, rec = _fit(tmpl, HS12["apogee_m"], HS12["range_m"],
                                     HS12["flight_time_s"], DEFAULT_SITE)
    b = fly(fitted, DEFAULT_SITE.lat_deg, DEFAULT_SITE.lon_deg, 90.0, theta, rotating=False)
    return tmpl, fitted, scale, theta, rec, b


def test_fitted_missile_flown_again_reproduces_the_test(hs12_fit):
    """Flying the returned missile at the returned pitch (due east, non-rotating Earth, as the
    fit does) gives the reported apogee, range and flight time to the fit's 2e-5 (15 m, 74 m,
    0.02 s)."""
    _, _, _, _, _, b = hs12_fit
    got = {"apogee_m": b.col("apogee_alt")[0], "range_m": b.range_m[0],
           "flight_time_s": b.col("t_impact")[0]}
    for k, want in HS12.items():
        assert abs(got[k] - want) <= FIT_REL_TOL * want, (
            f"{k}: reported {want:g}, fitted flight {got[k]:.3f} (tolerance {FIT_REL_TOL:g})")


def test_fit_record_describes_the_returned_missile(hs12_fit):
    _, _, _, _, rec, b = hs12_fit
    for key, col, unit in [("apogee_km", "apogee_alt", 1e3), ("flight_time_s", "t_impact", 1.0),
                           ("burnout_speed_km_s", "burnout_speed", 1e3)]:
        assert abs(rec[key] - b.col(col)[0] / unit) < 1e-6 * abs(rec[key]) + 1e-9, (
            f"{key}: record {rec[key]}, the returned missile flies {b.col(col)[0] / unit}")


def test_fitted_burn_scale_stays_within_the_fits_limits(hs12_fit):
    """Burn-time scale within the fit's bounds: at most 3 either way, and no longer than lets
    the missile lift off with thrust/weight >= 1.1 (sea-level thrust over launch weight)."""
    _, fitted, scale, _, _, _ = hs12_fit
    assert 1 / 3 <= scale <= 3, f"burn-time scale {scale:.4f}, expected 1/3-3"
    s0 = fitted.stages[0]
    tw = s0.propellant_kg / s0.burn_time_s * s0.isp_sl_s / fitted.launch_mass_kg
    assert tw >= 1.1, f"lift-off thrust/weight of the fitted missile {tw:.3f}, expected >= 1.1"


def test_fitted_burnout_speed_within_10_percent_of_kepler(hs12_fit):
    """The burnout comes at altitude after a powered ascent, so its speed is below the
    surface Kepler speed, by ~10 % at most."""
    *_, b = hs12_fit
    v_kep, _ = kepler_burnout(HS12["apogee_m"], HS12["range_m"])
    v_bo = b.col("burnout_speed")[0]
    assert 0.90 * v_kep <= v_bo <= v_kep, (
        f"burnout {v_bo:.0f} m/s, Kepler {v_kep:.0f} m/s: expected 90-100 %")


def test_fitted_burnout_energy_is_the_kepler_ellipses(hs12_fit):
    """Energy conservation along the Kepler ellipse: at the burnout radius r_b its speed is
    sqrt(v_kep^2 - 2 mu (1/R - 1/r_b)); the fitted flight's burnout speed matches within 3 %
    (the rest: J2, ellipsoid, drag on reentry, asymmetric ends)."""
    *_, b = hs12_fit
    v_kep, _ = kepler_burnout(HS12["apogee_m"], HS12["range_m"])
    r_b = R + b.col("burnout_alt")[0]
    v_exp = math.sqrt(v_kep**2 - 2 * MU * (1 / R - 1 / r_b))
    v_bo = b.col("burnout_speed")[0]
    assert abs(v_bo - v_exp) <= 0.03 * v_exp, (
        f"burnout at {b.col('burnout_alt')[0] / 1e3:.0f} km: expected {v_exp:.0f} m/s +- 3 %, "
        f"got {v_bo:.0f} m/s")
