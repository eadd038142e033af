"""From a lofted test (apogee, ground range, optionally flight time) to range on a standard
trajectory: the calculation analysts publish after each North Korean test.

Method (after D. Wright's UCS analyses): a lofted test does not show the burnout speed the same
missile reaches on a standard trajectory, because a steep boost loses more speed to gravity. So
we do not carry the burnout speed over; we fit a *missile*:

1. pick the class template (SRBM/MRBM/IRBM/ICBM preset) from the Kepler burnout speed that the
   reported apogee and range require;
2. fit the template's payload mass (its energy) and the loft of its pitch program so that the
   simulated flight (non-rotating WGS84 Earth, J2, atmosphere, full boost model) reproduces the
   reported apogee and range; with a reported flight time, also fit a common scale of the burn
   times (thrust level), which sets the gravity losses;
3. fly the fitted missile on its minimum-energy trajectory (non-rotating Earth), and on the
   rotating Earth from a launch site for a table of azimuths.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy.optimize import brentq

from thaadsim.core import earth as E
from thaadsim.core.constants import G0_M_S2
from thaadsim.errors import ThaadsimError, check_finite
from thaadsim.threats.missile import Missile, get_missile
from thaadsim.threats.solve import solve_max_range
from thaadsim.threats.trajectory import Launch, fly

CLASS_TEMPLATES = {"srbm": "scud-c", "mrbm": "nodong", "irbm": "hwasong-12", "icbm": "hwasong-15"}
# class boundaries on the vacuum Kepler burnout speed (km/s) the test requires
CLASS_BOUNDS_KM_S = ((2.3, "srbm"), (3.6, "mrbm"), (5.8, "irbm"), (99.0, "icbm"))
DEFAULT_SITE = Launch(39.20, 125.67)  # Sunan airfield near Pyongyang (site of several tests)
GLOBAL_RANGE_KM = 19_900.0  # within 100 km of the antipode: every point on Earth is in reach
AZIMUTHS_DEG = (0, 45, 90, 135, 180, 225, 270, 315)


def kepler_burnout(apogee_m: float, range_m: float, r_m: float = E.R_MEAN_M):
    """Vacuum burnout speed and flight-path angle for a lofted test on a sphere.

    The symmetric Kepler ellipse from the surface with the given apogee altitude and ground range
    (the free-flight range equation solved for the flight-path angle).

    Parameters
    ----------
    apogee_m : float
        Apogee altitude (m).
    range_m : float
        Ground range (m).
    r_m : float, optional
        Radius of the sphere (m); default the mean Earth radius.

    Returns
    -------
    v_m_s : float
        Burnout speed (m/s).
    gamma_rad : float
        Flight-path angle at burnout (rad).

    Raises
    ------
    ThaadsimError
        An apogee no ballistic flight of this range reaches (named ``apogee_km``).

    References
    ----------
    R. R. Bate, D. D. Mueller, J. E. White, Fundamentals of Astrodynamics, Dover 1971, ch. 6.
    """
    psi = range_m / r_m
    ra = r_m + apogee_m

    def apo_for_gamma(g):
        # speed for range psi at angle g (range equation), then its apogee radius
        # tan(psi/2) = nu sin g cos g / (1 - nu cos^2 g)
        t = math.tan(psi / 2)
        nu = t / (math.sin(g) * math.cos(g) + t * math.cos(g) ** 2)
        c2 = math.cos(g) ** 2
        e = math.sqrt(max(0.0, 1 - nu * (2 - nu) * c2))
        p = r_m * nu * c2
        return (p / (1 - e) - ra if e < 1.0 else math.inf), nu

    gs = np.linspace(1e-4, math.pi / 2 - 1e-6, 2000)
    f = np.array([apo_for_gamma(x)[0] if apo_for_gamma(x)[1] < 2.0 else np.inf for x in gs])
    j = int(np.argmax(f > 0))
    if j == 0:
        raise ThaadsimError("apogee_km", "is out of reach of any ballistic flight with this range",
                            apogee_m / 1e3)
    hi = gs[j]
    if not apo_for_gamma(hi)[1] < 2.0:
        # the grid stepped from a too-low apogee straight into escape (nu >= 2): the root lies
        # below the escape angle, where the apogee grows without bound
        g_esc = brentq(lambda x: apo_for_gamma(x)[1] - 2.0, gs[j - 1], hi)
        hi = g_esc * (1 - 1e-12)
        if not apo_for_gamma(hi)[0] > 0:
            raise ThaadsimError("apogee_km", "is out of reach of any ballistic flight with this "
                                             "range", apogee_m / 1e3)
    g = brentq(lambda x: apo_for_gamma(x)[0], gs[j - 1], hi)
    nu = apo_for_gamma(g)[1]
    return math.sqrt(nu * E.MU_M3_S2 / r_m), g


def kepler_flight_time_bound_s(apogee_m: float, r_m: float = E.R_MEAN_M) -> float:
    """Shortest ballistic flight time to an apogee: twice the radial free fall from it.

    No ballistic flight to that apogee is shorter (a powered ascent is slower than the coast
    mirror).

    Parameters
    ----------
    apogee_m : float
        Apogee altitude (m).
    r_m : float, optional
        Radius of the sphere (m); default the mean Earth radius.

    Returns
    -------
    float
        Flight time (s).

    References
    ----------
    Radial Kepler orbit, e.g. Bate, Mueller & White, Fundamentals of Astrodynamics, 1971.
    """
    ra = r_m + apogee_m
    a = ra / 2.0
    # radial Kepler orbit (e -> 1): t(r) = sqrt(a^3/mu) * (eta - sin eta), r = a (1 - cos eta)
    eta = math.acos(1 - r_m / a)
    t_from_center = math.sqrt(a**3 / E.MU_M3_S2) * (eta - math.sin(eta))
    t_half = math.pi * math.sqrt(a**3 / E.MU_M3_S2) - t_from_center
    return 2.0 * t_half


@dataclasses.dataclass(frozen=True, repr=False)
class LoftResult:
    """A lofted test fitted by a missile, and that missile's range on a standard trajectory.

    Attributes
    ----------
    apogee_km, range_km : float
        Reported apogee and ground range of the test (km).
    flight_time_s_reported : float or None
        Reported flight time (s).
    missile_class : str
        ``"srbm"``, ``"mrbm"``, ``"irbm"`` or ``"icbm"``.
    template : str
        Missile preset that was fitted.
    fitted : Missile
        The fitted missile (payload and burn times).
    burn_time_scale : float
        Fitted factor on the burn times (-); 1 without a flight time.
    fitted_record : dict
        Headline numbers of the fitted test flight (``TrajectoryBatch.to_dict``).
    theta_deg : float
        Fitted final thrust elevation of the test (deg).
    max_range_record : dict
        Headline numbers of the minimum-energy flight on the non-rotating Earth.
    max_range_theta_deg : float
        Its final thrust elevation (deg).
    rotating : list of dict
        Per launch azimuth (deg): maximum range on the rotating Earth (km; None when it reaches
        orbit or global range) and ``reaches_orbit``.
    kepler_burnout_speed_km_s : float
        Vacuum Kepler burnout speed the test requires (km/s).
    site : Launch
        Launch site of the rotating-Earth table.
    """
    apogee_km: float
    range_km: float
    flight_time_s_reported: float | None
    missile_class: str
    template: str
    fitted: Missile
    burn_time_scale: float
    fitted_record: dict
    theta_deg: float
    max_range_record: dict
    max_range_theta_deg: float
    rotating: list[dict]
    kepler_burnout_speed_km_s: float
    site: Launch

    def __repr__(self) -> str:
        d = self.to_dict()
        reach = ("reaches orbit" if d["reaches_orbit"]
                 else f"max range {d['max_range_km']:,.0f} km")
        return (f"<LoftResult {self.apogee_km:g} km apogee / {self.range_km:g} km range: "
                f"{self.missile_class} ({self.template}), payload "
                f"{d['fitted_payload_kg']:,.0f} kg, {reach}>")

    def to_dict(self) -> dict:
        """Fit and standard-trajectory range, units in the keys (no rounding).

        Returns
        -------
        dict
            The input, class and template, fitted payload (kg) and burn-time scale, the fitted
            flight (km, s, km/s), the Kepler burnout speed (km/s), the maximum range (km; None when
            the missile reaches orbit or global range) with its flight, the rotating-Earth table
            and the assumptions.
        """
        fr = self.fitted_record
        mr = self.max_range_record
        orbit = _global(mr)
        return {
            "input": {"apogee_km": self.apogee_km, "range_km": self.range_km,
                      "flight_time_s": self.flight_time_s_reported},
            "missile_class": self.missile_class,
            "template": self.template,
            "fitted_payload_kg": float(self.fitted.rv_mass_kg),
            "burn_time_scale": float(self.burn_time_scale),
            "flight_time_s": fr["flight_time_s"],
            "flight_time_predicted": self.flight_time_s_reported is None,
            "apogee_fit_km": fr["apogee_km"],
            "range_fit_km": fr["range_km"],
            "burnout_speed_km_s": fr["burnout_speed_km_s"],
            "burnout_altitude_km": fr["burnout_altitude_km"],
            "burnout_time_s": fr["burnout_time_s"],
            "kepler_burnout_speed_km_s": float(self.kepler_burnout_speed_km_s),
            "max_range_km": None if orbit else mr["range_km"],
            "reaches_orbit": orbit,
            "max_range_burnout_speed_km_s": mr["burnout_speed_km_s"],
            "max_range_apogee_km": mr["apogee_km"],
            "max_range_flight_time_s": mr["flight_time_s"],
            "rotating_earth": {"site": {"lat_deg": self.site.lat_deg, "lon_deg": self.site.lon_deg},
                               "by_azimuth": self.rotating},
            "assumptions": "non-rotating WGS84 Earth with J2 and US 1976 atmosphere for the fit "
                           "and max_range_km; template boost model of the class with fitted "
                           "payload" + (" and burn-time scale" if self.flight_time_s_reported
                                        else "; flight time predicted by the template boost"),
        }


def classify(v_kepler_m_s: float) -> str:
    """Missile class from the Kepler burnout speed a test requires.

    Parameters
    ----------
    v_kepler_m_s : float
        Burnout speed (m/s).

    Returns
    -------
    str
        ``"srbm"`` below 2.3 km/s, ``"mrbm"`` below 3.6, ``"irbm"`` below 5.8, else ``"icbm"``
        (``CLASS_BOUNDS_KM_S``).
    """
    for bound, k in CLASS_BOUNDS_KM_S:
        if v_kepler_m_s / 1e3 < bound:
            return k
    return "icbm"


def loft2range(apogee_km: float, range_km: float, flight_time_s: float | None = None, *,
               missile_class: str | None = None, site: Launch = DEFAULT_SITE,
               azimuths_deg=AZIMUTHS_DEG, template: str | None = None) -> LoftResult:
    """Maximum range on a standard trajectory of the missile that flew a lofted test.

    The template (``template``, else that of the class) is fitted to the test: its payload and
    loft, and with a flight time a common scale of its burn times, are adjusted until the
    simulated flight (non-rotating WGS84 Earth, J2, atmosphere) reproduces the reported apogee
    and range (and time). The fitted missile is then flown on its minimum-energy trajectory on
    the non-rotating Earth, and from ``site`` on the rotating Earth for each azimuth.

    Parameters
    ----------
    apogee_km : float
        Reported apogee (km), > 0 and at most 20,000.
    range_km : float
        Reported ground range (km), > 0 and at most 15,000.
    flight_time_s : float, optional
        Reported flight time (s); None: predicted by the template's boost.
    missile_class : str, optional
        ``"srbm"``, ``"mrbm"``, ``"irbm"`` or ``"icbm"``; default: from the Kepler burnout speed.
    site : Launch, optional
        Launch site of the rotating-Earth table; default Sunan (39.20, 125.67 deg).
    azimuths_deg : sequence of float, optional
        Launch azimuths of that table (deg); default every 45 deg.
    template : str, optional
        Missile preset to fit; default the class template (``CLASS_TEMPLATES``).

    Returns
    -------
    LoftResult
        Fit and ranges.

    Raises
    ------
    ThaadsimError
        A non-finite or non-positive input, a range or apogee too large, a flight time shorter
        than twice the free fall from the apogee, an unknown class or template, or a test the
        template cannot be fitted to.

    References
    ----------
    Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, ch. 6 (Kepler burnout speed);
    method after D. Wright's analyses for the Union of Concerned Scientists (2017).
    """
    A = check_finite("apogee_km", apogee_km, positive=True) * 1e3
    R = check_finite("range_km", range_km, positive=True) * 1e3
    if R > 15_000e3:
        raise ThaadsimError("range_km", "must be below 15,000 km for a lofted test", range_km)
    if A > 20_000e3:
        raise ThaadsimError("apogee_km", "must be below 20,000 km", apogee_km)
    T = None
    if flight_time_s is not None:
        T = check_finite("flight_time_s", flight_time_s, positive=True)
        tmin = kepler_flight_time_bound_s(A)
        if T < tmin:
            raise ThaadsimError("flight_time_s", f"must be at least {tmin:.0f} s for an apogee of "
                                                 f"{apogee_km:g} km (twice the free fall from "
                                                 "apogee)", flight_time_s)
    v_kep, _ = kepler_burnout(A, R)
    klass = missile_class or classify(v_kep)
    if klass not in CLASS_TEMPLATES:
        raise ThaadsimError("missile_class", f"must be one of {', '.join(CLASS_TEMPLATES)}", klass)
    tmpl = get_missile(template if template is not None else CLASS_TEMPLATES[klass])
    fitted, scale, th, rec = _fit(tmpl, A, R, T, site)
    th_max, best = solve_max_range(fitted, site, 90.0, rotating=False)
    rot = []
    for az in azimuths_deg:
        _, b = solve_max_range(fitted, site, float(az), rotating=True)
        r = b.to_dict(0)
        rot.append({"azimuth_deg": float(az),
                    "max_range_km": None if _global(r) else r["range_km"],
                    "reaches_orbit": _global(r)})
    return LoftResult(apogee_km, range_km, T, klass, tmpl.name, fitted, scale, rec, th,
                      best.to_dict(0), th_max, rot, v_kep / 1e3, site)


def _global(rec: dict) -> bool:
    """Orbit, or so much energy that the best impact is the antipode (half a great circle)."""
    return rec["status"] == "orbit" or (rec["range_km"] or 0.0) >= GLOBAL_RANGE_KM


def _no_fit(tmpl: Missile, A: float, R: float, T: float | None):
    if T is not None:
        raise ThaadsimError("flight_time_s", "is inconsistent with this apogee and range for the "
                                             f"{tmpl.klass.upper()}-class boost (no fit)", T)
    raise ThaadsimError("apogee_km", f"with a range of {R / 1e3:g} km could not be fitted by a "
                                     f"{tmpl.klass.upper()}-class missile", A / 1e3)


def _fit(tmpl: Missile, A: float, R: float, T: float | None, site: Launch):
    """Fit (payload, loft[, burn scale]) so the flight matches apogee, range[, time]; flown due
    east from ``site`` on the non-rotating Earth, as is the maximum range afterwards."""

    def run(params: np.ndarray):
        ms = [tmpl.scaled(rv_mass_kg=tmpl.rv_mass_kg * math.exp(p[0]),
                          burn_time_scale=math.exp(p[2]) if len(p) > 2 else 1.0) for p in params]
        b = fly(ms, site.lat_deg, site.lon_deg, 90.0, params[:, 1], rotating=False)
        ok = b.impacted
        res = np.stack([b.col("apogee_alt") / A - 1.0, b.range_m / R - 1.0] +
                       ([b.col("t_impact") / T - 1.0] if T else []), axis=1)
        res[~ok] = np.nan
        return res, b

    # longest burn (lowest thrust) that still lifts off with thrust/weight >= 1.1
    s0 = tmpl.stages[0]
    tw = s0.propellant_kg / s0.burn_time_s * G0_M_S2 * s0.isp_sl_s / (tmpl.launch_mass_kg
                                                                       * G0_M_S2)
    max_log_scale = math.log(max(tw / 1.1, 1.0 + 1e-6))
    # coarse grid for a start
    lp = np.log(np.geomspace(0.15, 4.0, 24))
    ths = np.linspace(20.0, 89.9, 48)
    grid = np.array([[a, b] + ([0.0] if T else []) for a in lp for b in ths])
    res, _ = run(grid)
    cost = np.nansum(res[:, :2] ** 2, axis=1) + np.where(np.isnan(res[:, 0]), np.inf, 0)
    x = grid[int(np.argmin(cost))].copy()
    steps = np.array([1e-3, 1e-3, 1e-3])[: len(x)]
    for _ in range(40):
        cand = np.vstack([x] + [x + np.eye(len(x))[k] * steps[k] for k in range(len(x))])
        res, b = run(cand)
        r0 = res[0]
        if np.all(np.isfinite(r0)) and np.max(np.abs(r0)) < 2e-5:
            break
        jac = ((res[1:] - r0) / steps[:, None]).T
        if not np.all(np.isfinite(jac)) or not np.all(np.isfinite(r0)):
            raise ThaadsimError("apogee_km", "with this range could not be reproduced by a "
                                             f"{tmpl.klass.upper()}-class missile", A / 1e3)
        dx = np.linalg.lstsq(jac, -r0, rcond=None)[0]
        dx = np.clip(dx, -0.5, 0.5)
        # keep the loft angle below vertical and the burn scale sane
        lam = 1.0
        for _ls in range(8):
            xn = x + lam * dx
            xn[1] = min(xn[1], 89.95)
            rn, _ = run(xn[None, :])
            if np.all(np.isfinite(rn[0])) and np.sum(rn[0] ** 2) < np.sum(r0 ** 2):
                break
            lam *= 0.5
        x = xn
        if len(x) > 2 and (abs(x[2]) > math.log(3.0) or x[2] > max_log_scale):
            _no_fit(tmpl, A, R, T)
    else:
        _no_fit(tmpl, A, R, T)
    if np.max(np.abs(r0)) > 1e-3:
        _no_fit(tmpl, A, R, T)
    scale = math.exp(x[2]) if len(x) > 2 else 1.0
    fitted = tmpl.scaled(rv_mass_kg=tmpl.rv_mass_kg * math.exp(x[0]), burn_time_scale=scale)
    return fitted, scale, float(x[1]), b.to_dict(0)
