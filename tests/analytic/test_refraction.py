"""Refraction models against closed forms and published values.

- Without an atmosphere the ray trace is the geometric line of sight (k = 1 closed forms).
- Total bending through the ITU-R P.453 reference atmosphere (N0 = 315, H = 7.35 km) against
  ITU-R P.834-9 eq. (9), the ITU's fit to ray traces for elevations 0-10 deg; at high elevations
  against Laplace's refraction formula (Smart, Textbook on Spherical Astronomy, ch. III).
- Above the atmosphere: ground range = R (acos(c / (R + h)) - E + tau(E)), the geometric line
  of sight plus the bending, with tau from P.834 (sensors/geometry.py docstring).
- At Seongju (antenna 690 m) the 4/3 Earth overstates the 5 deg floor's reach at 100 and 300 km
  (the physics issue: 6-10 %); the detection kernel and the coverage use the same model.
"""

import math

import numpy as np
import pytest

from thaadsim.analysis.coverage import coverage, limits
from thaadsim.analysis.range_height import range_height
from thaadsim.core import earth as E
from thaadsim.errors import ThaadsimError
from thaadsim.sensors import geometry as g
from thaadsim.sensors import get_radar, get_site
from thaadsim.sensors.detect import detection_timeline

R = g.R_EARTH_M
HR = 690.0  # Seongju: 680 m ground + 10 m mast
VACUUM = g.Atmosphere(0.0, 7000.0)
P453 = g.Atmosphere(315.0, 1e3 / 0.1361)  # ITU-R P.834-9 eq. (8): 315e-6 exp(-0.1361 h[km])


def p834_tau_deg(theta_deg: float, h_km: float) -> float:
    """ITU-R P.834-9 eq. (9): total bending (deg) of a ray leaving a station at altitude h_km
    (km) at apparent elevation theta_deg (deg), P.453 reference atmosphere."""
    t = theta_deg
    return 1.0 / (1.314 + 0.6437 * t + 0.02869 * t * t
                  + h_km * (0.2305 + 0.09428 * t + 0.01096 * t * t) + 0.008583 * h_km ** 2)


# -- no atmosphere: the geometric line of sight ----------------------------------------------

@pytest.mark.parametrize("elev_deg", [-0.5, 0.0, 0.5, 5.0, 30.0, 89.0])
@pytest.mark.parametrize("alt_km", [11.0, 50.0, 100.0, 300.0, 1000.0])
def test_ray_trace_in_vacuum_is_geometric_elevation_formula(elev_deg, alt_km):
    """n = 1: R (acos((R + hr) cos E / (R + h)) - E), the k = 1 effective-Earth formula (Skolnik
    sec. 8.2); -0.5 deg dips below the horizontal and rises again (grazing ray: -0.84 deg)."""
    e = math.radians(elev_deg)
    expected = R * (math.acos((R + HR) * math.cos(e) / (R + alt_km * 1e3)) - e)
    got = float(g.ray_ground_range(e, alt_km * 1e3, HR, VACUUM))
    assert abs(got - expected) < 1.0, (
        f"ground range at {elev_deg} deg, {alt_km} km: expected {expected / 1e3:.4f} km, got "
        f"{got / 1e3:.4f} km")


@pytest.mark.parametrize("alt_km", [11.0, 100.0, 300.0])
def test_radio_horizon_in_vacuum_is_sum_of_tangent_angles(alt_km):
    """n = 1: R (acos(R / (R + hr)) + acos(R / (R + h)))."""
    h = alt_km * 1e3
    expected = R * (math.acos(R / (R + HR)) + math.acos(R / (R + h)))
    got = float(g.radio_horizon_ground_range(h, HR, VACUUM))
    assert abs(got - expected) < 1.0, (
        f"horizon at {alt_km} km: expected {expected / 1e3:.4f} km, got {got / 1e3:.4f} km")


def test_apparent_elevation_in_vacuum_is_geometric_elevation():
    """n = 1: the inverted ray trace gives sin E = ((R+h) cos th - (R+hr)) / slant (k = 1)."""
    ground = np.linspace(0.0, 2000e3, 201)
    for h in (20e3, 100e3, 300e3):
        got = g.apparent_elevation_rad(ground, h, HR, VACUUM)
        exp = g.slant_range_elevation(ground, h, HR, 1.0)[1]
        seen = ground < g.horizon_angle(h, HR, 1.0) * R
        err = float(np.max(np.abs(np.degrees(got[seen] - exp[seen]))))
        assert err < 1e-3, f"elevation at {h / 1e3:g} km: expected error < 0.001 deg, got {err}"
        assert np.isnan(got[~seen]).all(), "beyond the horizon: expected NaN"
    bend = float(g.total_bending_rad(math.radians(5.0), HR, VACUUM))
    assert abs(bend) < 1e-9, f"bending in vacuum: expected 0 rad, got {bend:.3g} rad"


# -- bending: published values ---------------------------------------------------------------

def test_crpl_scale_height_bean_thayer_1959():
    """CRPL exponential reference atmosphere: c_e = 0.1439 /km for Ns = 313, H = 6.95 km."""
    h = g.crpl_scale_height_m(313.0)
    assert abs(h - 1e3 / 0.1439) < 10.0, f"expected {1e3 / 0.1439:.0f} m, got {h:.0f} m"
    assert g.CRPL.ns == 313.0 and g.CRPL.scale_height_m == h


@pytest.mark.parametrize("h_km", [0.0, 1.0, 3.0])
@pytest.mark.parametrize("theta_deg", [0.0, 1.0, 2.0, 5.0])
def test_total_bending_matches_itu_r_p834_9_eq9(theta_deg, h_km):
    """0.76 deg at the horizon from sea level, 0.19 deg at 5 deg; the fit and the trace agree
    to 0.01 deg (0.6 arcmin) over 0-5 deg and 0-3 km."""
    expected = p834_tau_deg(theta_deg, h_km)
    got = math.degrees(float(g.total_bending_rad(math.radians(theta_deg), h_km * 1e3, P453)))
    assert abs(got - expected) < 0.012, (
        f"bending at {theta_deg} deg from {h_km} km: expected {expected:.4f} deg (P.834), got "
        f"{got:.4f} deg")


@pytest.mark.parametrize("elev_deg", [20.0, 45.0, 70.0])
def test_total_bending_matches_laplace_refraction_formula_smart(elev_deg):
    """R = a (1 - b) tan z - a (b - a / 2) tan^3 z, a = n0 - 1, b = H / R (homogeneous
    atmosphere over Earth radius), z = 90 deg - E: Smart, Spherical Astronomy, ch. III."""
    a, b = P453.ns * 1e-6, P453.scale_height_m / R
    tz = 1.0 / math.tan(math.radians(elev_deg))
    expected = math.degrees(a * (1 - b) * tz - a * (b - a / 2) * tz ** 3) * 3600
    got = math.degrees(float(g.total_bending_rad(math.radians(elev_deg), 0.0, P453))) * 3600
    assert abs(got - expected) < 0.5, (
        f"bending at {elev_deg} deg: expected {expected:.2f} arcsec, got {got:.2f} arcsec")


@pytest.mark.parametrize("alt_km", [100.0, 300.0])
def test_above_atmosphere_ground_range_is_geometric_plus_p834_bending(alt_km):
    """R (acos(c / (R + h)) - E + tau), c = n(hr) (R + hr) cos E, tau from P.834 eq. (9): the ray
    trace agrees to 0.1 km (tau to 0.005 deg); the 4/3 Earth is 47 km / 150 km farther."""
    e, h = math.radians(5.0), alt_km * 1e3
    c = (1 + float(P453.n_minus_1(HR))) * (R + HR) * math.cos(e)
    expected = R * (math.acos(c / (R + h)) - e + math.radians(p834_tau_deg(5.0, HR / 1e3)))
    got = float(g.ray_ground_range(e, h, HR, P453))
    assert abs(got - expected) < 1e3, (
        f"5 deg floor at {alt_km} km: expected {expected / 1e3:.2f} km, got {got / 1e3:.2f} km")


def test_refracted_horizon_is_geometric_plus_grazing_bending_p834():
    """From sea level: R (tau0 + acos(n0 R / (R + h))), tau0 = P.834 at 0 deg (0.761 deg)."""
    tau0 = math.radians(p834_tau_deg(0.0, 0.0))
    for h in (100e3, 300e3):
        expected = R * (tau0 + math.acos((1 + P453.ns * 1e-6) * R / (R + h)))
        got = float(g.radio_horizon_ground_range(h, 0.0, P453))
        assert abs(got - expected) < 1.5e3, (
            f"horizon at {h / 1e3:g} km: expected {expected / 1e3:.1f} km, got {got / 1e3:.1f} km")


# -- the two models at Seongju ---------------------------------------------------------------

@pytest.mark.parametrize("alt_km,lo,hi", [(100.0, -0.066, -0.059), (300.0, -0.097, -0.090)])
def test_four_thirds_overstates_five_degree_floor_at_altitude(alt_km, lo, hi):
    """Ray trace (CRPL) vs 4/3 Earth at the 5 deg floor: -6.3 % at 100 km (700.6 vs 747.3 km),
    -9.3 % at 300 km (1449.5 vs 1598.9 km). The traced reach lies between the closed forms of
    the straight ray at 5 deg and at 5 deg minus the P.834 bending (691.0-701.6 km,
    1436.4-1450.2 km)."""
    e, h = math.radians(5.0), alt_km * 1e3
    four_thirds = float(g.ground_range_at_elevation(e, h, HR))
    traced = float(g.ray_ground_range(e, h, HR))
    rel = traced / four_thirds - 1
    assert lo < rel < hi, f"at {alt_km} km expected {lo:.1%} to {hi:.1%}, got {rel:.2%}"
    straight = float(g.ground_range_at_elevation(e, h, HR, 1.0))
    bent = float(g.ground_range_at_elevation(e - math.radians(p834_tau_deg(5.0, HR / 1e3)), h,
                                             HR, 1.0))
    assert straight < traced < bent, (
        f"at {alt_km} km expected {straight / 1e3:.1f} < reach < {bent / 1e3:.1f} km, got "
        f"{traced / 1e3:.1f} km")


def test_horizon_at_300_km_between_geometric_and_four_thirds():
    """2,108.9 km traced, 2,011.7 km geometric, 2,333.4 km on the 4/3 Earth (+10.6 %)."""
    h = 300e3
    traced = float(g.radio_horizon_ground_range(h, HR))
    geometric = float(g.horizon_angle(h, HR, 1.0)) * R
    four_thirds = float(g.horizon_angle(h, HR)) * g.effective_radius_m()
    assert abs(traced - 2108.9e3) < 1e3, f"expected 2108.9 km, got {traced / 1e3:.1f} km"
    assert geometric < traced < four_thirds, (
        f"expected {geometric / 1e3:.1f} < {traced / 1e3:.1f} < {four_thirds / 1e3:.1f} km")


@pytest.mark.parametrize("alt_km,lo,hi", [(11.0, -0.01, 0.0), (20.0, -0.025, -0.015)])
def test_models_meet_at_the_switch_altitude_and_part_above(alt_km, lo, hi):
    """The crpl model keeps the 4/3 closed forms up to 11 km: there horizon and 5 deg floor differ
    by -0.5 % and -0.7 % (a seam of 2.8 and 0.8 km); at 20 km by -2.1 % and -1.7 %."""
    h, e = alt_km * 1e3, math.radians(5.0)
    floor = (float(g.ray_ground_range(e, h, HR))
             / float(g.ground_range_at_elevation(e, h, HR)) - 1)
    hor = (float(g.radio_horizon_ground_range(h, HR))
           / (float(g.horizon_angle(h, HR)) * g.effective_radius_m()) - 1)
    assert lo < floor < hi and lo < hor < hi, (
        f"traced vs 4/3 at {alt_km} km: expected {lo:.1%} to {hi:.1%}, got floor {floor:.2%}, "
        f"horizon {hor:.2%}")


def test_coverage_names_the_model_per_altitude():
    radar, site = get_radar("tpy2-forward"), get_site("seongju")
    d = coverage(radar, site, [10.0, 100.0, 300.0], 0.01, countries=False).to_dict()
    assert [la["refraction_model"] for la in d["layers"]] == ["4/3", "crpl", "crpl"]
    assert d["radar"]["refraction"] == "crpl" and "CRPL" in d["assumptions"]
    reach = [la["max_ground_range_km"] for la in d["layers"]]
    assert abs(reach[1] - 700.6) < 0.5 and abs(reach[2] - 1449.5) < 0.5, (
        f"5 deg floor reach expected 700.6 and 1449.5 km, got {reach[1]:.1f}, {reach[2]:.1f} km")
    old = coverage(radar.replace(refraction="4/3"), site, [100.0, 300.0], 0.01,
                   countries=False).to_dict()
    assert [la["refraction_model"] for la in old["layers"]] == ["4/3", "4/3"]
    for la in old["layers"]:
        exp = float(g.ground_range_at_elevation(math.radians(5.0), la["altitude_km"] * 1e3,
                                                site.antenna_height_m)) / 1e3
        assert abs(la["max_ground_range_km"] - exp) < 1e-6, (
            f"4/3 reach at {la['altitude_km']} km: expected {exp:.3f} km, got "
            f"{la['max_ground_range_km']:.3f} km")


def test_unknown_refraction_model_refused():
    with pytest.raises(ThaadsimError, match="refraction"):
        get_radar("tpy2-terminal").replace(refraction="flat")


# -- the detection kernel uses the same model ------------------------------------------------

class _Batch:
    """Histories of fixed points: the part of a TrajectoryBatch the detection kernel reads."""

    def __init__(self, hist):
        self.hist = hist
        self.nhist = np.full(hist.shape[0], hist.shape[1], np.int64)

    def __len__(self):
        return self.hist.shape[0]


def _points(site, az_deg, ground_m, alt_m, samples=5):
    """Histories holding still at (ground range, altitude) along an azimuth, in the kernel's
    own terms: central angle on the mean sphere, altitude over the ellipsoid."""
    lat0, lon0 = math.radians(site.lat_deg), math.radians(site.lon_deg)
    xyz = E.geodetic_to_ecef(lat0, lon0, site.antenna_height_m)
    ur = xyz / np.linalg.norm(xyz)
    east, north, _ = E.enu_basis(lat0, lon0)
    t = math.cos(math.radians(az_deg)) * north + math.sin(math.radians(az_deg)) * east
    t = t - (t @ ur) * ur
    t /= np.linalg.norm(t)
    hist = np.zeros((len(ground_m), samples, 4))
    for i, (gm, h) in enumerate(zip(ground_m, alt_m, strict=True)):
        psi = gm / R
        u = math.cos(psi) * ur + math.sin(psi) * t
        rn = h + E.A_M * (1 - E.F * u[2] ** 2)
        hist[i, :, 0] = np.arange(samples)
        hist[i, :, 1:] = rn * u
    return _Batch(hist)


def test_detection_kernel_uses_the_coverage_refraction_model():
    """Points 1 km inside and outside the traced 5 deg floor (300 and 40 km) and the traced
    horizon (300 km, floor -5 deg) are seen and not seen as ``limits`` says; under the 4/3
    model the point beyond the traced floor is seen (the 4/3 floor lies 150 km farther)."""
    radar, site = get_radar("tpy2-forward"), get_site("seongju")
    az = site.boresight_az_deg
    gf300 = limits(radar, site, 300e3, 0.01, 5.0).g_max_m
    gf40 = limits(radar, site, 40e3, 0.01, 5.0).g_max_m
    b = _points(site, az, [gf300 - 1e3, gf300 + 1e3, gf40 - 1e3, gf40 + 1e3],
                [300e3, 300e3, 40e3, 40e3])
    tl = detection_timeline(radar, site, b, 0.01)
    assert tl.not_seen_because == [None, "elevation", None, "elevation"], tl.not_seen_because
    tl43 = detection_timeline(radar.replace(refraction="4/3"), site, b, 0.01)
    assert tl43.not_seen_because[1] is None, "4/3: expected the point to be seen"
    lim = limits(radar, site, 300e3, 1.0, -5.0)
    assert lim.limited_by == "horizon"
    bh = _points(site, az, [lim.g_max_m - 1e3, lim.g_max_m + 1e3], [300e3, 300e3])
    th = detection_timeline(radar, site, bh, 1.0, min_elevation_deg=-5.0)
    assert th.not_seen_because == [None, "horizon"], th.not_seen_because


def test_range_height_traced_rows_match_limits():
    """The vertical diagram's reach at 300 km and its floor contour agree with ``limits``
    within one grid step (6 km) and 0.05 deg."""
    radar, site = get_radar("tpy2-forward"), get_site("seongju")
    rh = range_height(radar, site, 0.01)
    i = int(np.argmin(np.abs(rh.altitude_km - 300.0)))
    alt = rh.altitude_km[i]
    exp = limits(radar, site, alt * 1e3, 0.01, 5.0).g_max_m / 1e3
    got = rh.ground_km[rh.detectable[i]].max()
    step = rh.ground_km[1] - rh.ground_km[0]
    assert abs(got - exp) <= step, f"reach at {alt:.0f} km: expected {exp:.1f}, got {got:.1f} km"
    j = int(np.searchsorted(rh.ground_km, exp))
    el = rh.elevation_deg[i, j - 1:j + 1]
    assert el[1] <= 5.05 and el[0] >= 4.95, f"elevation around the floor: {el} deg"
