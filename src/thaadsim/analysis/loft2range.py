"""From a lofted test (apogee, ground range, optionally flight time) to range on a standard
trajectory, with a band: the calculation analysts publish after each North Korean test.

Method (after D. Wright's UCS analyses): a lofted test does not show the burnout speed the same
missile reaches on a standard trajectory, because a steep boost loses more speed to gravity. So
we do not carry the burnout speed over; we fit a *missile*:

1. take the tested missile's own preset (``template``; any preset or user entry), else the class
   template picked from the Kepler burnout speed the reported apogee and range require (which
   cannot tell a Hwasong-14 from a Hwasong-15: name the missile);
2. keep the template's thrust and burn times, and fit its payload mass (its energy) and the loft
   of its pitch program so that the simulated flight (non-rotating WGS84 Earth, J2, atmosphere,
   full boost model) reproduces the reported apogee and range;
3. fly the fitted missile on its minimum-energy trajectory (non-rotating Earth: ``max_range_km``),
   and on the rotating Earth from a launch site along a table of impact bearings and, when asked,
   toward a point.

The flight time does not set the burn: 1 % of burn time moves the fitted flight time by only
~1-3 s, so a time reported to the minute would move the burn by ~10-30 % and an ICBM's range by
up to ~1,000 km. It is a soft check instead: the central fit's predicted time is compared with the
reported one within its tolerance, and the burn times whose fitted flight lasts the reported time
within that tolerance widen the band. The band (``max_range_band_km``) is the range of the
members fitted with the burn times scaled over the template's spread (``BURN_TIME_SPREAD``) and
over that flight-time window; the payload of each member follows from its burn (apogee and range
fix it), so its spread is reported, not varied on its own.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy.optimize import brentq

from thaadsim.analysis.loft_fit import (
    GLOBAL_RANGE_KM,
    Member,
    band_summary,
    burn_family,
    is_global,
    member_row,
    range_key,
)
from thaadsim.analysis.loft_reach import max_range_many, rotating_reach
from thaadsim.core import earth as E
from thaadsim.errors import ThaadsimError, check_finite
from thaadsim.limits import MIN_FLIGHT_KM, check, parse_latlon
from thaadsim.threats.missile import Missile, get_missile
from thaadsim.threats.solve import check_launch
from thaadsim.threats.trajectory import GEOD, Launch

__all__ = ["CLASS_TEMPLATES", "CLASS_BOUNDS_KM_S", "DEFAULT_SITE", "GLOBAL_RANGE_KM",
           "BEARINGS_DEG", "BURN_TIME_SPREAD", "MIN_BURN_SCALE", "LoftResult", "classify",
           "default_flight_time_tol_s", "kepler_burnout", "kepler_flight_time_bound_s",
           "loft2range"]

CLASS_TEMPLATES = {"srbm": "scud-c", "mrbm": "nodong", "irbm": "hwasong-12", "icbm": "hwasong-15"}
# class boundaries on the vacuum Kepler burnout speed (km/s) the test requires
CLASS_BOUNDS_KM_S = ((2.3, "srbm"), (3.6, "mrbm"), (5.8, "irbm"), (99.0, "icbm"))
DEFAULT_SITE = Launch(39.20, 125.67)  # Sunan airfield near Pyongyang (site of several tests)
BEARINGS_DEG = (0, 45, 90, 135, 180, 225, 270, 315)
# Relative spread of the template's burn times (assumption: the presets' sources state neither
# the burn times nor their uncertainty). The band is fitted at 1 - and 1 + this (the longer burn
# also capped by lift-off thrust/weight >= 1.1).
BURN_TIME_SPREAD = 0.10
# Shortest burn considered when matching the flight time: half the template's, thrust doubled
# (assumption: a bound on the search, not an estimate).
MIN_BURN_SCALE = 0.5


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


def default_flight_time_tol_s(flight_time_s: float) -> float:
    """Tolerance of a reported flight time from its reporting precision: half its last unit.

    Parameters
    ----------
    flight_time_s : float
        Reported flight time (s).

    Returns
    -------
    float
        30 s for a whole number of minutes (e.g. "53 min"), 0.5 s for a whole number of seconds
        (e.g. "47 min 12 s"), else 0.05 s (s).
    """
    t = float(flight_time_s)
    if abs(t / 60.0 - round(t / 60.0)) < 1e-9:
        return 30.0
    if abs(t - round(t)) < 1e-9:
        return 0.5
    return 0.05


@dataclasses.dataclass(frozen=True, repr=False)
class LoftResult:
    """A lofted test fitted by a missile, its range on a standard trajectory, and the band.

    Attributes
    ----------
    apogee_km, range_km : float
        Reported apogee and ground range of the test (km).
    flight_time_s_reported : float or None
        Reported flight time (s).
    flight_time_tol_s : float or None
        Its tolerance (s): given, or half its reporting unit (``default_flight_time_tol_s``).
    missile_class : str
        ``"srbm"``, ``"mrbm"``, ``"irbm"`` or ``"icbm"``.
    template : str
        Missile preset (or user entry) that was fitted.
    template_source : str
        ``"given"`` (the caller named the missile) or ``"class"`` (the class template).
    central : Member
        The template with its own burn times, payload and loft fitted (``analysis.loft_fit``).
    max_range_record : dict
        Headline numbers of the central member's minimum-energy flight (non-rotating Earth).
    max_range_theta_deg : float
        Its final thrust elevation (deg).
    members : list of dict
        Every fitted member of the band: role, burn-time scale (-), payload (kg), fitted flight
        time (s), maximum range (km; None at global reach) and ``reaches_orbit``.
    window : tuple of float or None
        Burn-time scales between which the fitted flight time matches the reported one.
    rotating : list of dict
        Per impact bearing (deg): launch azimuth (deg), reach along that bearing on the rotating
        Earth (km; None when global) and ``reaches_orbit``.
    toward : dict or None
        Reach toward a point (see ``to_dict``), when asked.
    kepler_burnout_speed_km_s : float
        Vacuum Kepler burnout speed the test requires (km/s).
    site : Launch
        Launch site of the rotating-Earth table.
    burn_time_spread : float
        Relative spread of the burn times (-).
    """
    apogee_km: float
    range_km: float
    flight_time_s_reported: float | None
    flight_time_tol_s: float | None
    missile_class: str
    template: str
    template_source: str
    central: Member
    max_range_record: dict
    max_range_theta_deg: float
    members: list[dict]
    window: tuple[float, float] | None
    rotating: list[dict]
    toward: dict | None
    kepler_burnout_speed_km_s: float
    site: Launch
    burn_time_spread: float

    @property
    def fitted(self) -> Missile:
        """The central fitted missile (template burn times, fitted payload)."""
        return self.central.missile

    def __repr__(self) -> str:
        d = self.to_dict()
        lo, hi = d["max_range_band_km"]
        band = f"[{_km(lo)}-{_km(hi)}]"
        reach = ("reaches orbit" if d["reaches_orbit"]
                 else f"max range {d['max_range_km']:,.0f} km")
        return (f"<LoftResult {self.apogee_km:g} km apogee / {self.range_km:g} km range: "
                f"{self.missile_class} ({self.template}), payload "
                f"{d['fitted_payload_kg']:,.0f} kg, {reach} {band}>")

    def band(self) -> dict:
        """The band over the members, each input's share and the dominant input.

        Returns
        -------
        dict
            ``band_summary`` of the members (km, kg, -), with ``burn_time_spread`` (-).
        """
        return band_summary(self.members, self.burn_time_spread)

    def to_dict(self) -> dict:
        """Fit, standard-trajectory range and band, units in the keys (no rounding).

        Returns
        -------
        dict
            The input; class, template and where it came from; the central fit (payload, kg;
            burn-time scale 1; the fitted flight in km, s, km/s; its flight time is always the
            model's, ``flight_time_predicted``); the Kepler burnout speed (km/s);
            ``max_range_km`` (None when the missile reaches orbit or global range) with its
            flight; ``max_range_band_km`` [low, high] and ``band_dominant_input``; ``band``
            (``LoftResult.band``); ``flight_time_check`` (reported and predicted time, s, the
            tolerance, s, ``consistent``, and the burn-time window, or None without a flight
            time); ``rotating_earth`` (site, deg, and ``by_azimuth``: per impact bearing
            ``bearing_deg``, ``launch_azimuth_deg``, ``max_range_km``, ``reaches_orbit``);
            with a point to reach, ``toward``, ``max_range_toward_km`` and ``within_reach``;
            and the assumptions.
        """
        c = self.central
        fr = c.record
        mr = self.max_range_record
        orbit = is_global(mr)
        band = self.band()
        out = {
            "input": {"apogee_km": self.apogee_km, "range_km": self.range_km,
                      "flight_time_s": self.flight_time_s_reported},
            "missile_class": self.missile_class,
            "template": self.template,
            "template_source": self.template_source,
            "fitted_payload_kg": float(c.missile.rv_mass_kg),
            "burn_time_scale": 1.0,
            "flight_time_s": fr["flight_time_s"],
            "flight_time_predicted": True,
            "apogee_fit_km": fr["apogee_km"],
            "range_fit_km": fr["range_km"],
            "burnout_speed_km_s": fr["burnout_speed_km_s"],
            "burnout_altitude_km": fr["burnout_altitude_km"],
            "burnout_time_s": fr["burnout_time_s"],
            "kepler_burnout_speed_km_s": float(self.kepler_burnout_speed_km_s),
            "max_range_km": None if orbit else mr["range_km"],
            "reaches_orbit": orbit,
            "max_range_band_km": band["max_range_km"],
            "band_dominant_input": band["dominant_input"],
            "max_range_burnout_speed_km_s": mr["burnout_speed_km_s"],
            "max_range_apogee_km": mr["apogee_km"],
            "max_range_flight_time_s": mr["flight_time_s"],
            "band": band,
            "flight_time_check": self._check(),
            "rotating_earth": {"site": {"lat_deg": self.site.lat_deg, "lon_deg": self.site.lon_deg},
                               "by_azimuth": self.rotating},
            "assumptions": "template thrust and burn times; payload and loft fitted to apogee "
                           "and range; non-rotating WGS84 Earth with J2 and US 1976 atmosphere "
                           "for the fit and max_range_km; band over the burn times within "
                           f"+-{self.burn_time_spread:.0%} of the template's and those matching "
                           "the reported flight time within its tolerance; rotating Earth for "
                           "the reach along bearings",
        }
        if self.toward is not None:
            out["toward"] = self.toward
            out["max_range_toward_km"] = self.toward["max_range_km"]
            out["within_reach"] = self.toward["within_reach"]
        return out

    def _check(self) -> dict | None:
        if self.flight_time_s_reported is None or self.flight_time_tol_s is None:
            return None
        t = self.central.flight_time_s
        return {"reported_s": self.flight_time_s_reported, "tolerance_s": self.flight_time_tol_s,
                "predicted_s": t,
                "consistent": abs(t - self.flight_time_s_reported) <= self.flight_time_tol_s,
                "burn_time_scale_window": None if self.window is None else list(self.window)}


def _km(x: float | None) -> str:
    """A range for the repr: km with thousands separators, or "global"."""
    return "global" if x is None else f"{x:,.0f}"


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
               bearings_deg=BEARINGS_DEG, template: str | Missile | None = None,
               flight_time_tol_s: float | None = None,
               burn_time_spread: float = BURN_TIME_SPREAD,
               toward: tuple[float, float] | None = None) -> LoftResult:
    """Maximum range on a standard trajectory of the missile that flew a lofted test, and a band.

    The template (``template``: the tested missile's preset; else that of the class) keeps its
    thrust and burn times; its payload and loft are fitted until the simulated flight
    (non-rotating WGS84 Earth, J2, atmosphere) reproduces the reported apogee and range. The
    fitted missile is flown on its minimum-energy trajectory on the non-rotating Earth
    (``max_range_km``), and from ``site`` on the rotating Earth along each impact bearing (and
    toward ``toward``). The band refits the template with its burn times scaled over
    ``burn_time_spread`` and over the burn times whose fitted flight lasts the reported flight
    time within ``flight_time_tol_s``; the flight time never sets the central burn.

    Parameters
    ----------
    apogee_km : float
        Reported apogee (km), > 0 and at most 20,000.
    range_km : float
        Reported ground range (km), > 0 and at most 15,000.
    flight_time_s : float, optional
        Reported flight time (s); None: only predicted.
    missile_class : str, optional
        ``"srbm"``, ``"mrbm"``, ``"irbm"`` or ``"icbm"``; default: the template's class when a
        template is given, else from the Kepler burnout speed.
    site : Launch, optional
        Launch site of the rotating-Earth reach; default Sunan (39.20, 125.67 deg).
    bearings_deg : sequence of float, optional
        Impact bearings of the rotating-Earth table (deg clockwise from north); default every
        45 deg.
    template : str or Missile, optional
        The tested missile (a preset or user entry, or a ``Missile``); default the class
        template (``CLASS_TEMPLATES``).
    flight_time_tol_s : float, optional
        Tolerance of the flight time (s); default half its reporting unit
        (``default_flight_time_tol_s``).
    burn_time_spread : float, optional
        Relative spread of the template's burn times for the band (-), in [0, 0.5]; default
        ``BURN_TIME_SPREAD``.
    toward : tuple of float, optional
        A point (lat, lon, deg) at least 1 km from ``site``: the reach along the great circle
        toward it (rotating Earth), for the central fit and the band's ends.

    Returns
    -------
    LoftResult
        Fit, ranges and band.

    Raises
    ------
    ThaadsimError
        A non-finite or non-positive input, a range or apogee too large, a flight time shorter
        than twice the free fall from the apogee, a tolerance without a flight time, an unknown
        class or template, a site within 1 deg of a pole, a point to reach closer than 1 km, or
        a test the template cannot be fitted to.

    References
    ----------
    Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, ch. 6 (Kepler burnout speed);
    method after D. Wright's analyses for the Union of Concerned Scientists (2017).
    """
    A = check("apogee_km", apogee_km, "apogee_km") * 1e3
    R = check("range_km", range_km, "range_km") * 1e3
    if R > 15_000e3:
        raise ThaadsimError("range_km", "must be below 15,000 km for a lofted test", range_km)
    T = tol = None
    if flight_time_s is not None:
        T = check("flight_time_s", flight_time_s, "flight_time_s")
        tmin = kepler_flight_time_bound_s(A)
        if T < tmin:
            raise ThaadsimError("flight_time_s", f"must be at least {tmin:.0f} s for an apogee of "
                                                 f"{apogee_km:g} km (twice the free fall from "
                                                 "apogee)", flight_time_s)
        tol = (default_flight_time_tol_s(T) if flight_time_tol_s is None
               else check_finite("flight_time_tol_s", flight_time_tol_s, positive=True))
    elif flight_time_tol_s is not None:
        raise ThaadsimError("flight_time_tol_s", "needs a flight time (flight_time_s)",
                            flight_time_tol_s)
    spread = check_finite("burn_time_spread", burn_time_spread, lo=0.0, hi=0.5)
    check_launch(site)
    v_kep, _ = kepler_burnout(A, R)
    if template is None:
        klass = missile_class or classify(v_kep)
    else:
        klass = missile_class or (template.klass if isinstance(template, Missile)
                                  else get_missile(template).klass)
    if klass not in CLASS_TEMPLATES:
        raise ThaadsimError("missile_class", f"must be one of {', '.join(CLASS_TEMPLATES)}", klass)
    tmpl = (template if isinstance(template, Missile)
            else get_missile(template if template is not None else CLASS_TEMPLATES[klass]))
    target = _target(site, toward)
    members, window = burn_family(tmpl, A, R, site, spread=spread, min_scale=MIN_BURN_SCALE,
                                  flight_time_s=T, tol_s=tol)
    if "central" not in members:
        raise ThaadsimError("apogee_km", f"with a range of {range_km:g} km could not be fitted by "
                                         f"{tmpl.name} ({tmpl.klass.upper()} class)", apogee_km)
    # the pitch program is not published: the template refitted with the other program (its
    # own burn times) is the band's pitch-program member
    other = "programmed" if tmpl.pitch_program == "gravity-turn" else "gravity-turn"
    alt, _ = burn_family(tmpl.replace(pitch_program=other), A, R, site, spread=0.0,
                         min_scale=MIN_BURN_SCALE)
    if "central" in alt:
        members[f"pitch_program_{other.replace('-', '_')}"] = alt["central"]
    roles = list(members)
    th, b = max_range_many([members[k].missile for k in roles], site, 90.0, rotating=False)
    rows = [member_row(k, members[k], b.to_dict(i)) for i, k in enumerate(roles)]
    order = sorted(range(len(rows)), key=lambda i: range_key(rows[i]))
    ends = (members[roles[order[0]]].missile, members[roles[order[-1]]].missile)
    rot, tw = rotating_reach(site, members["central"].missile, bearings_deg, target, ends)
    return LoftResult(apogee_km, range_km, T, tol, klass, tmpl.name,
                      "class" if template is None else "given", members["central"],
                      b.to_dict(0), float(th[0]), rows, window, rot, tw, v_kep / 1e3, site,
                      spread)


def _target(site: Launch, toward) -> tuple | None:
    """(lat deg, lon deg, bearing deg, distance km) of the point to reach, validated."""
    if toward is None:
        return None
    lat, lon = parse_latlon("toward", toward)
    brg, _, d = GEOD.inv(site.lon_deg, site.lat_deg, lon, lat)
    if not d >= MIN_FLIGHT_KM * 1e3:
        raise ThaadsimError("toward", f"must lie at least {MIN_FLIGHT_KM:g} km from the launch "
                                      f"point (it is {d:.0f} m away)", toward)
    return lat, lon, float(brg) % 360.0, d / 1e3
