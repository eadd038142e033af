"""Fire control: from the radar's firm-track time, a reaction delay, the threat's path and the
interceptor reach table, the intercept window and the sequential intercept opportunities.

An intercept at threat sample time t (ground range g from the launchers, altitude h) is feasible
when the reach table gives a time of flight T(g, h) and the launch time t - T is no earlier than
track time + reaction delay. Shoot-look-shoot: the next opportunity is the earliest feasible
intercept whose launch comes at least ``kill_assessment_s`` after the previous intercept.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.core import earth as E
from thaadsim.errors import ThaadsimError
from thaadsim.interceptors.reach import Interceptor, ReachTable, get_interceptor, reach_table
from thaadsim.sensors.radar import Radar, get_radar
from thaadsim.sensors.site import USER_SITE_DEFAULTS_WHY, Site, list_sites, parse_site

MAX_SHOTS = 3


@dataclasses.dataclass(frozen=True)
class Battery:
    """A battery of one system (default THAAD): radar and launchers at one site (public figures
    for THAAD: 6 launchers x 8; ``engagement.systems`` for the others).

    Attributes
    ----------
    name : str
        Battery name.
    site : Site
        Where the radar and launchers stand.
    radar : Radar
        The fire-control radar.
    interceptor : Interceptor
        The interceptor.
    launchers : int
        Launchers; default 6.
    interceptors_per_launcher : int
        Interceptors per launcher; default 8.
    reloads : int
        Full reloads; default 0.
    fire_channels : int
        Engagements that can be in flight at once; default 12.
    reaction_time_s : float
        Delay from firm track to the earliest launch (s); default 15.
    rcs_m2 : float
        Radar cross-section of the threats this battery's radar sees (m^2); default 0.01.
    system : str
        The system (``engagement.systems``); default ``"thaad"``.
    tier : str
        Its layer, ``"upper"`` or ``"lower"``; default ``"upper"``.
    sspk : float or None
        Single-shot kill probability of its interceptors (-); None: the doctrine's.
    """

    name: str
    site: Site
    radar: Radar
    interceptor: Interceptor
    launchers: int = 6
    interceptors_per_launcher: int = 8
    reloads: int = 0
    fire_channels: int = 12
    reaction_time_s: float = 15.0
    rcs_m2: float = 0.01
    system: str = "thaad"
    tier: str = "upper"
    sspk: float | None = None

    @property
    def inventory(self) -> int:
        """Interceptors available: launchers x interceptors per launcher x (1 + reloads)."""
        return self.launchers * self.interceptors_per_launcher * (1 + self.reloads)

    @property
    def reach(self) -> ReachTable:
        """The interceptor's reach table (``interceptors.reach.reach_table``, cached)."""
        return reach_table(self.interceptor)


@dataclasses.dataclass(frozen=True)
class Doctrine:
    """Engagement doctrine.

    Attributes
    ----------
    mode : str
        ``"salvo"`` (one salvo per threat) or ``"sls"`` (shoot-look-shoot).
    salvo : int
        Interceptors per shot.
    sspk : float
        Single-shot kill probability of one interceptor (-).
    p_track : float
        Probability that a threat is tracked and discriminated (-), drawn once per threat.
    kill_assessment_s : float
        Time from an intercept to the earliest launch of the next shot (s).
    max_shots : int
        Most shots per threat in shoot-look-shoot.
    detection : str
        Detection model of the firm-track time (``sensors.detect.DETECTION_MODELS``):
        ``"swerling1"`` (default: per-look detection probability, so the firm-track time is
        sampled per Monte Carlo realisation), ``"swerling3"`` or ``"deterministic"``.
    layered : bool
        Layered doctrine (issue 14): each threat is engaged by its best upper-tier battery
        first (``mode`` and ``max_shots`` within the layer), then by its best lower-tier battery
        at the leaker (its shots launch at least ``kill_assessment_s`` after the upper tier's
        last intercept and fly only at survivors); default False (one battery per threat).
    """

    mode: str = "sls"
    salvo: int = 2
    sspk: float = 0.8
    p_track: float = 0.95
    kill_assessment_s: float = 10.0
    max_shots: int = 2
    detection: str = "swerling1"
    layered: bool = False


@dataclasses.dataclass(frozen=True)
class Windows:
    """Intercept windows and opportunities per threat, shape (n,) unless noted.

    Times are seconds since the threat's own launch; NaN where none.

    Attributes
    ----------
    t_track : ndarray
        Firm-track time (s).
    earliest_intercept_s, latest_intercept_s : ndarray
        First and last feasible intercept (s).
    earliest_point, latest_point : ndarray, shape (n, 3)
        Threat position at those intercepts: lat_deg, lon_deg, alt_km.
    opportunities : ndarray of int
        Sequential shoot-look-shoot opportunities (at most ``MAX_SHOTS``).
    shot_intercept_s, shot_launch_s : ndarray, shape (n, MAX_SHOTS)
        Intercept and launch time of each opportunity (s).
    feasible : ndarray of bool, shape (n, steps)
        Whether an intercept at each history sample is feasible.
    launch_s : ndarray, shape (n, steps)
        Launch time each such intercept needs (s).
    """

    t_track: np.ndarray
    earliest_intercept_s: np.ndarray
    latest_intercept_s: np.ndarray
    earliest_point: np.ndarray  # (n, 3): lat_deg, lon_deg, alt_km
    latest_point: np.ndarray
    opportunities: np.ndarray  # (n,) int, sequential shoot-look-shoot opportunities
    shot_intercept_s: np.ndarray  # (n, MAX_SHOTS)
    shot_launch_s: np.ndarray  # (n, MAX_SHOTS)
    feasible: np.ndarray  # (n, steps) bool
    launch_s: np.ndarray  # (n, steps)


def sample_geometry(hist, nhist, site: Site):
    """Altitude and ground range from the site of every history sample.

    Parameters
    ----------
    hist : ndarray, shape (n, steps, 7)
        Histories (``TrajectoryBatch.hist``).
    nhist : array_like of int, shape (n,)
        Valid samples per trajectory.
    site : Site
        The site.

    Returns
    -------
    alt_m : ndarray, shape (n, steps)
        Altitude above the ellipsoid (m, approximated to ~20 m); NaN past the end.
    ground_m : ndarray, shape (n, steps)
        Great-circle ground range from the site on the mean sphere (m); NaN past the end.
    valid : ndarray of bool, shape (n, steps)
        Whether each sample is within the history.
    """
    xyz = hist[..., 1:4]
    rn = np.linalg.norm(xyz, axis=-1)
    sz = xyz[..., 2] / np.where(rn > 0, rn, 1)
    alt = rn - E.A_M * (1.0 - E.F * sz * sz)
    s = E.geodetic_to_ecef(math.radians(site.lat_deg), math.radians(site.lon_deg), 0.0)
    u = s / np.linalg.norm(s)
    c = np.clip(np.einsum("...k,k->...", xyz, u) / np.where(rn > 0, rn, 1), -1, 1)
    g = np.arccos(c) * E.R_MEAN_M
    valid = np.arange(hist.shape[1])[None, :] < np.asarray(nhist)[:, None]
    return np.where(valid, alt, np.nan), np.where(valid, g, np.nan), valid


def intercept_windows(battery: Battery, batch, t_track_s, doctrine: Doctrine) -> Windows:
    """Intercept window and sequential opportunities of each trajectory against one battery.

    An intercept at a sample is feasible when the reach table gives a time of flight and the
    launch it needs comes no earlier than firm track plus the battery's reaction time. Each next
    opportunity is the earliest feasible intercept whose launch comes at least
    ``kill_assessment_s`` after the previous intercept.

    Parameters
    ----------
    battery : Battery
        The battery.
    batch : TrajectoryBatch
        Trajectories flown with histories.
    t_track_s : array_like, shape (n,)
        Firm-track time of each trajectory (s since its launch; NaN: never).
    doctrine : Doctrine
        Only ``kill_assessment_s`` (s) is used.

    Returns
    -------
    Windows
        Windows and opportunities per trajectory.
    """
    hist, nhist = batch.hist, batch.nhist
    alt, g, valid = sample_geometry(hist, nhist, battery.site)
    t = hist[..., 0]
    tof = battery.reach.tof(np.nan_to_num(g, nan=1e12), np.nan_to_num(alt, nan=-1e9))
    launch = t - tof
    ready = np.asarray(t_track_s, float)[:, None] + battery.reaction_time_s
    feas = valid & np.isfinite(tof) & (launch >= ready)  # NaN track time -> never
    n = hist.shape[0]
    shot_t = np.full((n, MAX_SHOTS), np.nan)
    shot_l = np.full((n, MAX_SHOTS), np.nan)
    rows = np.arange(n)
    prev = np.full(n, -np.inf)
    mask = feas.copy()
    for k in range(MAX_SHOTS):
        m = mask & (launch >= prev[:, None])
        has = m.any(axis=1)
        idx = np.argmax(m, axis=1)
        shot_t[has, k] = t[rows[has], idx[has]]
        shot_l[has, k] = launch[rows[has], idx[has]]
        prev = np.where(has, shot_t[:, k] + doctrine.kill_assessment_s, np.inf)
    opp = np.sum(np.isfinite(shot_t), axis=1)
    any_f = feas.any(axis=1)
    first = np.argmax(feas, axis=1)
    last = feas.shape[1] - 1 - np.argmax(feas[:, ::-1], axis=1)

    def pt(idx):
        xyz = hist[rows, idx, 1:4]
        la, lo, h = E.ecef_to_geodetic(xyz)
        out = np.stack([np.degrees(la), np.degrees(lo), h / 1e3], axis=1)
        out[~any_f] = np.nan
        return out

    return Windows(np.asarray(t_track_s, float),
                   np.where(any_f, t[rows, first], np.nan), np.where(any_f, t[rows, last], np.nan),
                   pt(first), pt(last), opp, shot_t, shot_l, feas, launch)


def battery_at(site_name: str, name: str | None = None, **kw) -> Battery:
    """A THAAD battery (TPY-2 terminal mode, 6 x 8 THAAD interceptors) at a site.

    Parameters
    ----------
    site_name : str
        Site preset name or ``"LAT,LON[,HEIGHT_M]"`` (deg, m; the user-site defaults apply).
    name : str, optional
        Battery name; default: the site's.
    **kw
        Overrides of ``Battery`` fields (not range-checked).

    Returns
    -------
    Battery
        The battery.

    Raises
    ------
    ThaadsimError
        An unknown site or malformed coordinates (named ``battery``).
    """
    site = parse_site(site_name, parameter="battery")
    return Battery(name or site.name, site, get_radar("tpy2-terminal"), get_interceptor("thaad"),
                   **kw)


def list_batteries() -> list[str]:
    """Names of the site presets a battery can stand at.

    Returns
    -------
    list of str
        Site names.
    """
    return [s.name for s in list_sites()]


MAX_BATTERIES = 8  # typed parts per configuration: bounds the work of one request (assumption)
MAX_EXPANDED_BATTERIES = 16  # batteries once preset configurations are expanded (assumption)


def system_battery(system: str, site_text, name: str | None = None,
                   parameter: str = "battery", **kw) -> Battery:
    """A battery of a system (``engagement.systems``) at a site, with the system's defaults.

    Parameters
    ----------
    system : str
        System preset name (``thaad``, ``pac3-mse``, ``pac2-gemt``, ``km-sam2``, ``l-sam``).
    site_text : str, tuple or Site
        Site preset, ``"LAT,LON[,HEIGHT_M]"`` (the user-site defaults apply) or a ``Site``.
    name : str, optional
        Battery name; default ``SYSTEM@SITE`` (the site's name alone for THAAD).
    parameter : str, optional
        Name of the argument in error messages; default ``"battery"``.
    **kw
        Overrides of ``Battery`` fields.

    Returns
    -------
    Battery
        The battery.

    Raises
    ------
    ThaadsimError
        An unknown system or site, or malformed coordinates.
    """
    from thaadsim.engagement.systems import get_system

    s = get_system(system, parameter)
    site = parse_site(site_text, parameter=parameter)
    args: dict = dict(launchers=s.launchers, interceptors_per_launcher=s.interceptors_per_launcher,
                      fire_channels=s.fire_channels, reaction_time_s=s.reaction_time_s,
                      system=s.name, tier=s.tier)
    args.update(kw)
    label = name or (site.name if s.name == "thaad" else f"{s.name}@{site.name}")
    return Battery(label, site, get_radar(s.radar), get_interceptor(s.interceptor), **args)


def parse_configuration(text: str, parameter: str = "battery") -> tuple[str, list[Battery]]:
    """Batteries from configuration text.

    Parameters
    ----------
    text : str
        ``"withdrawn"`` (or ``"none"``), or up to ``MAX_BATTERIES`` parts joined by ``"+"``,
        each ``SYSTEM@SITE`` (a system of ``engagement.systems`` at a site preset or
        ``LAT,LON``), a site preset or ``LAT,LON`` alone (a THAAD battery: the shorthand), or a
        preset configuration (``rok-deployed``, ``rok-withdrawn``, ``rok-planned``: expanded,
        at most ``MAX_EXPANDED_BATTERIES`` batteries in all).
    parameter : str, optional
        Name of the argument in error messages; default ``"battery"``.

    Returns
    -------
    label : str
        The configuration, lower-cased.
    batteries : list of Battery
        One battery per part; empty when withdrawn.

    Raises
    ------
    ThaadsimError
        An empty part, an unknown site or system, a bad ``SYSTEM@SITE``, a bad coordinate
        (named, e.g. ``battery latitude``) or too many batteries.
    """
    from thaadsim.engagement.systems import configuration_names, get_configuration, system_names

    t = str(text).strip().lower()
    if t in ("withdrawn", "none"):
        return "withdrawn", []
    parts = [p.strip() for p in t.split("+")]
    rule = (f"must be a site preset ({', '.join(list_batteries())}), LAT,LON, SYSTEM@SITE "
            f"(systems: {', '.join(system_names())}), a configuration "
            f"({', '.join(configuration_names())}), 'withdrawn' or these joined by '+'")
    if not t or any(not p for p in parts):
        raise ThaadsimError(parameter, rule, text)
    if len(parts) > MAX_BATTERIES:
        raise ThaadsimError(parameter, f"must join at most {MAX_BATTERIES} sites", text)
    out: list[Battery] = []
    for p in parts:
        if p in configuration_names():
            cfg = get_configuration(p, parameter)
            for q in cfg.batteries:
                b = _one_part(q.strip().lower(), parameter, q, rule)
                if b.site.defaults_applied:  # the preset states these as its assumptions
                    b = dataclasses.replace(b, site=dataclasses.replace(
                        b.site, defaults_applied=(),
                        description="a position of a preset configuration (systems.toml)",
                        sources=("preset configurations (systems.toml): "
                                 + USER_SITE_DEFAULTS_WHY,)))
                out.append(b)
            continue
        out.append(_one_part(p, parameter, text, rule))
    if len(out) > MAX_EXPANDED_BATTERIES:
        raise ThaadsimError(parameter, f"must hold at most {MAX_EXPANDED_BATTERIES} batteries "
                                       f"once configurations are expanded (got {len(out)})", text)
    return t, out


def _one_part(p: str, parameter: str, text: str, rule: str) -> Battery:
    """One battery of a configuration: ``SYSTEM@SITE`` or a site (THAAD)."""
    from thaadsim.engagement.systems import system_names

    if "@" in p:
        sysname, _, site_text = p.partition("@")
        sysname, site_text = sysname.strip(), site_text.strip()
        if not sysname or not site_text or "@" in site_text:
            raise ThaadsimError(parameter, "must write each battery as SYSTEM@SITE (e.g. "
                                           "pac3-mse@37.55,126.99)", text)
        if sysname not in system_names():
            raise ThaadsimError(parameter, f"must name a known system before '@' "
                                           f"({', '.join(system_names())})", text)
    else:
        sysname, site_text = "thaad", p
    try:
        return system_battery(sysname, site_text, parameter=parameter)
    except ThaadsimError as e:
        if " " in str(e.parameter):  # a bad latitude, longitude or height: say which
            raise ThaadsimError(parameter + " " + e.parameter.split(" ", 1)[1], e.rule,
                                e.value) from None
        raise ThaadsimError(parameter, rule, text) from None
