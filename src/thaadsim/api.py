"""thaadsim's public Python API: everything a notebook needs, in one place.

>>> import thaadsim as t
>>> r = t.footprint(t.battery("seongju"), t.get_threat_set("nk-default"))   # doctest: +SKIP
>>> r.to_dataframe().head()                                                  # doctest: +SKIP

Every analysis returns a frozen result object with ``to_dict()`` (JSON-ready, units in the keys,
full precision), ``to_dataframe()`` where the result is tabular, ``to_geojson()`` where it is
spatial, and a short ``repr``. Arguments take preset names (``thaadsim missiles``, ``radars``,
``threat-sets`` list them, user files included) or the model objects themselves; points take
``"LAT,LON"``, ``(lat, lon)`` or a ``Launch``. Inputs are validated with the same rules and
messages as the command line (``thaadsim.limits``); a bad one raises ``ThaadsimError``.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

from thaadsim.analysis.coverage import CoverageResult
from thaadsim.analysis.coverage import coverage as _coverage
from thaadsim.analysis.footprint import (
    WITHDRAWAL_CONFIGURATIONS,
    Comparison,
    FootprintResult,
    LayeredFootprint,
    WithdrawalResult,
    layered_footprints,
    withdrawal,
)
from thaadsim.analysis.footprint import compare as _compare
from thaadsim.analysis.footprint import footprint as _footprint
from thaadsim.analysis.footprint import footprints as _footprints
from thaadsim.analysis.loft2range import LoftResult
from thaadsim.analysis.loft2range import loft2range as _loft2range
from thaadsim.analysis.track import HISTORY_DT_S, TrackResult
from thaadsim.analysis.track import track as _track
from thaadsim.analysis.uncertainty import FootprintUncertainty, Parameter, dask_scheduler, is_fast
from thaadsim.analysis.uncertainty import footprint_uncertainty as _footprint_uncertainty
from thaadsim.analysis.uncertainty import parameters_for as _parameters_for
from thaadsim.analysis.watch import OBJECT_RCS_M2, WatchResult, fly_set
from thaadsim.analysis.watch import watch as _watch
from thaadsim.engagement.fire_control import Battery, Doctrine, battery_at, parse_configuration
from thaadsim.engagement.raid import EngageResult
from thaadsim.engagement.raid import engage as _engage
from thaadsim.engagement.systems import System, get_configuration, get_system, list_systems
from thaadsim.errors import ThaadsimError
from thaadsim.interceptors.reach import Interceptor, get_interceptor, list_interceptors
from thaadsim.io.scenario import Scenario, load_scenario
from thaadsim.limits import check, check_n_of_m, parse_latlon
from thaadsim.presets import add_user_file
from thaadsim.sensors.radar import Radar, get_radar, list_radars
from thaadsim.sensors.site import Site, get_site, list_sites, site_note
from thaadsim.sensors.site import parse_site as _parse_site
from thaadsim.threats.missile import Missile, get_missile, list_missiles
from thaadsim.threats.solve import AimSolution, Flight, solve_apogee, solve_max_range
from thaadsim.threats.solve import aim as _aim
from thaadsim.threats.threat_set import ThreatSet, get_threat_set, list_threat_sets
from thaadsim.threats.trajectory import Launch, TrajectoryBatch

__all__ = [
    # analyses
    "fly", "aim", "loft2range", "coverage", "track", "footprint", "footprints", "compare",
    "engage", "watch", "layered_footprints", "withdrawal", "footprint_uncertainty",
    # inputs
    "battery", "batteries", "load_scenario", "load_footprint_scenario", "launch",
    "use_data_file", "site_note",
    "get_missile", "get_radar", "get_site", "get_interceptor", "get_threat_set",
    "list_missiles", "list_radars", "list_sites", "list_interceptors", "list_threat_sets",
    "get_system", "list_systems", "get_configuration", "WITHDRAWAL_CONFIGURATIONS",
    "list_parameters",
    # types
    "Missile", "Radar", "Site", "Interceptor", "ThreatSet", "Battery", "Doctrine", "Launch",
    "Scenario", "FootprintScenario", "TrajectoryBatch", "AimSolution", "Flight", "LoftResult",
    "CoverageResult",
    "TrackResult", "FootprintResult", "Comparison", "EngageResult", "WatchResult",
    "LayeredFootprint", "WithdrawalResult", "System", "FootprintUncertainty", "Parameter",
    "ThaadsimError",
]


def _missile(m: str | Missile) -> Missile:
    return m if isinstance(m, Missile) else get_missile(m)


def _radar(r: str | Radar) -> Radar:
    return r if isinstance(r, Radar) else get_radar(r)


def _threat_set(ts: str | ThreatSet) -> ThreatSet:
    return ts if isinstance(ts, ThreatSet) else get_threat_set(ts)


def launch(point, parameter: str = "from") -> Launch:
    """Launch point from text, a tuple or a ``Launch``.

    Parameters
    ----------
    point : str, tuple of float or Launch
        ``"LAT,LON"`` or ``(lat, lon)``: geodetic latitude and east longitude (deg); or a
        ``Launch``, whose latitude and longitude are validated and which is returned as is.
    parameter : str, optional
        Name of the argument in error messages (default ``"from"``).

    Returns
    -------
    Launch
        The launch point (deg); altitude 0 m unless ``point`` is a ``Launch`` that sets one.

    Raises
    ------
    ThaadsimError
        A malformed point, a latitude outside [-90, 90] deg or a longitude outside
        [-180, 360] deg (``limits.BOUNDS``).
    """
    if isinstance(point, Launch):
        parse_latlon(parameter, point)
        return point
    lat, lon = parse_latlon(parameter, point)
    return Launch(lat, lon)


def use_data_file(path: str | Path, kind: str) -> None:
    """Make the entries of a user data file usable by name.

    Once registered, the file's entries are listed and looked up beside the presets (for the rest
    of the process). A user entry may not redefine a preset or another user entry.

    Parameters
    ----------
    path : str or Path
        A TOML file in the format of the shipped ``<kind>.toml`` (e.g. ``[missile.NAME]`` tables).
    kind : str
        ``"missiles"``, ``"radars"`` (radars and sites), ``"interceptors"`` or ``"threat_sets"``.

    Returns
    -------
    None

    Raises
    ------
    ThaadsimError
        The file is missing, unreadable, too large or not valid UTF-8 TOML. A name that redefines
        a preset is refused when the entries are first used.
    ValueError
        ``kind`` is not one of the four kinds.
    """
    kinds = ("missiles", "radars", "interceptors", "threat_sets")
    if kind not in kinds:
        raise ThaadsimError("kind", f"must be one of {', '.join(kinds)}", kind)
    add_user_file(path, f"{kind}.toml")


def fly(missile: str | Missile, from_, *, azimuth_deg: float, apogee_km: float | None = None,
        history_dt_s: float | None = HISTORY_DT_S) -> Flight:
    """Fly a missile along a launch azimuth.

    The shape is minimum energy (the final thrust elevation that gives the maximum range with a
    full burn) or, when ``apogee_km`` is given, the full-burn trajectory with that apogee
    (lofted or depressed).

    Parameters
    ----------
    missile : str or Missile
        Preset or user-entry name (``thaadsim missiles`` lists them), or a ``Missile``.
    from_ : str, tuple of float or Launch
        Launch point: ``"LAT,LON"`` or ``(lat, lon)`` in deg, or a ``Launch``.
    azimuth_deg : float
        Launch azimuth, clockwise from north (deg), in [-360, 360].
    apogee_km : float, optional
        Apogee (km), in (0, 5000]; None (default) for the minimum-energy trajectory.
    history_dt_s : float or None, optional
        Sampling interval of the trajectory history (s), default 1.0; None keeps the headline
        numbers only.

    Returns
    -------
    Flight
        Guidance (azimuth and final thrust elevation in deg, no cutoff) and the flown trajectory
        (``Flight.batch``, one member).

    Raises
    ------
    ThaadsimError
        An unknown missile, a malformed launch point, or an azimuth or apogee outside its bounds;
        an apogee above the highest this missile reaches (near-vertical launch) or below its
        burnout altitude on the flattest trajectory.

    Notes
    -----
    Rotating WGS84 Earth with J2 gravity, U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562),
    integrated with Dormand-Prince 5(4) (Dormand and Prince 1980); see ``core.integrate``.
    """
    m = _missile(missile)
    site = launch(from_)
    az = check("azimuth_deg", azimuth_deg, "azimuth_deg")
    if apogee_km is None:
        th, b = solve_max_range(m, site, az, history_dt_s=history_dt_s)
    else:
        apo = check("apogee_km", apogee_km, "apogee_km")
        th, b = solve_apogee(m, site, az, apo * 1e3, history_dt_s=history_dt_s)
    return Flight(m, site, "minimum-energy" if apogee_km is None else "apogee", az, th,
                  math.inf, b)


def aim(missile: str | Missile, from_, to, *, apogee_km: float | None = None,
        history_dt_s: float | None = HISTORY_DT_S) -> Flight:
    """Aim a missile at a target point.

    Finds the guidance that lands within 200 m of ``to`` with Earth rotation, J2 and drag
    included: minimum energy (the shortest burn that reaches the target), or the lofted or
    depressed trajectory with the apogee ``apogee_km``. The range is set by a thrust cutoff.

    Parameters
    ----------
    missile : str or Missile
        Preset or user-entry name, or a ``Missile``.
    from_ : str, tuple of float or Launch
        Launch point: ``"LAT,LON"`` or ``(lat, lon)`` in deg, or a ``Launch``; at most 89.9 deg
        from the equator.
    to : str or tuple of float
        Target point: ``"LAT,LON"`` or ``(lat, lon)`` in deg, at least 1 km from the launch point.
    apogee_km : float, optional
        Apogee (km), in (0, 5000]; None (default) for minimum energy.
    history_dt_s : float or None, optional
        Sampling interval of the trajectory history (s), default 1.0; None for headline numbers
        only.

    Returns
    -------
    Flight
        Guidance (azimuth and final thrust elevation in deg, thrust cutoff time in s), the flown
        trajectory, the target (deg) and the miss distance (m).

    Raises
    ------
    ThaadsimError
        A malformed input or one outside its bounds; a target beyond the maximum range
        (``OutOfReachError``, which states the maximum range in km); an apogee the missile cannot
        fly at this range; a solver that does not converge to 200 m.

    Notes
    -----
    Same physics as ``fly`` (WGS84, J2, U.S. Standard Atmosphere 1976, Dormand-Prince 5(4)).
    """
    m = _missile(missile)
    site = launch(from_)
    tlat, tlon = parse_latlon("to", to)
    apo = None if apogee_km is None else check("apogee_km", apogee_km, "apogee_km") * 1e3
    s = _aim(m, site, tlat, tlon, apogee_m=apo, history_dt_s=history_dt_s)
    return Flight(m, site, "minimum-energy" if apogee_km is None else "apogee", s.azimuth_deg,
                  s.theta_deg, s.t_cut_s, s.batch, (tlat, tlon), s.miss_m)


def loft2range(apogee_km: float, range_km: float, flight_time_s: float | None = None, *,
               missile: str | Missile | None = None, template: str | Missile | None = None,
               missile_class: str | None = None, from_="39.20,125.67", toward=None,
               flight_time_tol_s: float | None = None) -> LoftResult:
    """Range on a standard trajectory of the missile that flew a lofted test, with a band.

    The tested missile's preset (``missile``; ``template`` is the same thing under its older
    name), else the class template, keeps its thrust and burn times; its payload and loft are
    fitted to the reported apogee and ground range. The fitted missile is flown on its
    minimum-energy trajectory on a non-rotating Earth (``max_range_km``) and from ``from_`` on the
    rotating Earth along eight impact bearings (and toward ``toward``). The band
    (``max_range_band_km``) refits it with the burn times over their spread and over those
    whose flight lasts the reported flight time within its tolerance; see
    ``analysis.loft2range``.

    Parameters
    ----------
    apogee_km : float
        Reported apogee of the test (km), in (0, 5000].
    range_km : float
        Reported ground range of the test (km), > 0 and at most 15,000.
    flight_time_s : float, optional
        Reported flight time (s), in (0, 10800]: a soft check of the fit and a contribution to
        the band, never the burn time. None (default): the flight time is only predicted.
    missile : str or Missile, optional
        The tested missile (a preset or user entry, or a ``Missile``), fitted as the template.
        Default: the template of the class (which cannot tell a Hwasong-14 from a Hwasong-15).
    template : str or Missile, optional
        Same as ``missile`` (older name); give one of the two, or both naming the same missile.
    missile_class : str, optional
        ``"srbm"``, ``"mrbm"``, ``"irbm"`` or ``"icbm"``; default: the missile's class, else
        classified from the Kepler burnout speed the test requires.
    from_ : str, tuple of float or Launch, optional
        Launch site of the rotating-Earth reach (deg), default Sunan ``"39.20,125.67"``.
    toward : str or tuple of float, optional
        A point ``"LAT,LON"`` (deg): the reach along the great circle from ``from_`` toward it on
        the rotating Earth (``max_range_toward_km``, with its band) and ``within_reach``.
    flight_time_tol_s : float, optional
        Tolerance of the flight time (s), in (0, 10800]; default half the unit it is reported
        in (30 s for whole minutes, 0.5 s for whole seconds). Needs ``flight_time_s``.

    Returns
    -------
    LoftResult
        The fitted missile, the fit, the maximum range (km) and its band on a non-rotating Earth,
        the input dominating the band, and the reach by bearing (and toward the point) on the
        rotating Earth.

    Raises
    ------
    ThaadsimError
        An input outside its bounds; ``missile`` and ``template`` naming different missiles; an
        unknown missile or class; a tolerance without a flight time; an apogee out of reach of
        any ballistic flight of this range; a flight time shorter than twice the free fall from
        the apogee; a point to reach within 1 km of the site; a test the missile cannot be
        fitted to.

    References
    ----------
    Kepler burnout speed of the test: R. R. Bate, D. D. Mueller, J. E. White, Fundamentals of
    Astrodynamics, Dover 1971, ch. 6. Method after D. Wright's analyses for the Union of
    Concerned Scientists (UCS, 2017).
    """
    # apogee, range and flight time: checked by analysis.loft2range
    if flight_time_tol_s is not None:
        check("flight_time_s", flight_time_tol_s, "flight_time_tol_s")
        if flight_time_s is None:
            raise ThaadsimError("flight_time_tol_s", "needs a flight time (flight_time_s)",
                                flight_time_tol_s)
    m = None if missile is None else _missile(missile)
    t = None if template is None else _missile(template)
    if m is not None and t is not None and m.name != t.name:
        raise ThaadsimError("missile", f"names another missile than template ({t.name}); give "
                                       "one of the two", m.name)
    point = None if toward is None else parse_latlon("toward", toward)
    return _loft2range(apogee_km, range_km, flight_time_s, missile_class=missile_class,
                       site=launch(from_), template=m or t, flight_time_tol_s=flight_time_tol_s,
                       toward=point)


def coverage(radar: str | Radar = "tpy2-terminal", site: str | Site = "seongju",
             altitudes_km=(10.0, 100.0, 300.0), rcs_m2: float = 0.01, *,
             min_elevation_deg: float | None = None,
             boresight_az_deg: float | None = None) -> CoverageResult:
    """Radar coverage: where a target is detectable, per altitude and country.

    Parameters
    ----------
    radar : str or Radar, optional
        Radar preset name (``thaadsim radars``) or a ``Radar``; default ``"tpy2-terminal"``.
    site : str, tuple of float or Site, optional
        Site preset name, ``"LAT,LON[,HEIGHT_M]"`` (deg, m; the user-site defaults apply) or a
        ``Site``; default ``"seongju"``.
    altitudes_km : sequence of float, optional
        Target altitudes (km), each in [0, 5000]; default (10, 100, 300).
    rcs_m2 : float, optional
        Radar cross-section of the target (m^2), in [1e-5, 1000]; default 0.01.
    min_elevation_deg : float, optional
        Beam floor (deg), in [-5, 90]; default: the site's, else the radar's.
    boresight_az_deg : float, optional
        Azimuth the radar face points to, clockwise from north (deg), in [-360, 360];
        default: the site's.

    Returns
    -------
    CoverageResult
        Per altitude: the detectable annular sector (lon/lat polygon), ground and slant ranges
        (km), area (km^2), the limiting constraint and per-country area (km^2) and depth (km).

    Raises
    ------
    ThaadsimError
        An unknown preset, a malformed site, an empty altitude list or a value outside its bounds.

    References
    ----------
    M. I. Skolnik, Introduction to Radar Systems, 3rd ed., McGraw-Hill 2001: search radar
    equation (eq. 2.63) and the 4/3 effective-Earth geometry (sec. 8.2).
    """
    return _coverage(_radar(radar), _parse_site(site), list(altitudes_km), rcs_m2,
                     min_elevation_deg=min_elevation_deg, boresight_az_deg=boresight_az_deg)


def track(missile: str | Missile, from_, to, *, radar: str | Radar = "tpy2-terminal",
          site: str | Site = "seongju", rcs_m2: float = 0.01, apogee_km: float | None = None,
          n_of_m: tuple[int, int] = (3, 5)) -> TrackResult:
    """Detection and firm-track timeline of an aimed missile seen by one radar.

    Parameters
    ----------
    missile : str or Missile
        Preset or user-entry name, or a ``Missile``.
    from_ : str, tuple of float or Launch
        Launch point (deg).
    to : str or tuple of float
        Aim point (deg); the missile is aimed as in ``aim`` and sampled every 1 s.
    radar : str or Radar, optional
        Radar preset name or a ``Radar``; default ``"tpy2-terminal"``.
    site : str, tuple of float or Site, optional
        Radar site: preset name, ``"LAT,LON[,HEIGHT_M]"`` or a ``Site``; default ``"seongju"``.
    rcs_m2 : float, optional
        Radar cross-section of the target (m^2), in [1e-5, 1000]; default 0.01.
    apogee_km : float, optional
        Apogee of the aimed trajectory (km); None (default) for minimum energy.
    n_of_m : tuple of int, optional
        Firm track after N detections in M consecutive looks, 1 <= N <= M <= 100; default (3, 5).

    Returns
    -------
    TrackResult
        The aimed flight and the timeline: first detection, firm track and last detection (s since
        launch) and, when never seen, the limit that excluded most samples.

    Raises
    ------
    ThaadsimError
        A bad ``n_of_m``, RCS, preset or point, or any error of ``aim``.

    References
    ----------
    M. I. Skolnik, Introduction to Radar Systems, 3rd ed., 2001: eq. 2.63 and sec. 8.2.
    """
    n, m_ = check_n_of_m(n_of_m, "n_of_m")
    rcs = check("rcs_m2", rcs_m2, "rcs_m2")
    sol = aim(missile, from_, to, apogee_km=apogee_km, history_dt_s=HISTORY_DT_S)
    return _track(_missile(missile), _radar(radar), _parse_site(site), sol, rcs, (n, m_))


def battery(site: str | Site = "seongju", name: str | None = None, **kw) -> Battery:
    """A THAAD battery at a site.

    AN/TPY-2 in terminal mode (``tpy2-terminal``) and the ``thaad`` interceptor; by default 6
    launchers x 8 interceptors (public figures).

    Parameters
    ----------
    site : str, tuple of float or Site, optional
        Site preset name, ``"LAT,LON[,HEIGHT_M]"`` (deg, m) or a ``Site``; default ``"seongju"``.
    name : str, optional
        Battery name; default: the site's name.
    **kw
        Overrides of ``Battery`` fields: ``launchers``, ``interceptors_per_launcher``,
        ``reloads``, ``fire_channels``, ``reaction_time_s`` (s), ``rcs_m2`` (m^2), checked with
        the bounds of a scenario file's ``[[battery]]`` (one line per problem).

    Returns
    -------
    Battery
        The battery.

    Raises
    ------
    ThaadsimError
        An unknown site preset or a malformed LAT,LON.
    """
    if kw:  # the same bounds as a scenario file's [[battery]]
        from pydantic import ValidationError

        from thaadsim.errors import ProblemsError
        from thaadsim.io.scenario import BatteryCfg, problem_lines

        try:
            BatteryCfg.model_validate(kw)
        except ValidationError as e:
            raise ProblemsError(problem_lines(e, "battery"), "battery") from None
    if isinstance(site, Site):
        return Battery(name or site.name, site, get_radar("tpy2-terminal"),
                       get_interceptor("thaad"), **kw)
    return battery_at(site, name, **kw)


def batteries(text: str) -> list[Battery]:
    """Batteries from the command line's configuration text.

    Parameters
    ----------
    text : str
        A site preset, ``"LAT,LON"`` (deg), up to 8 of these joined by ``"+"``, or
        ``"withdrawn"`` (no battery).

    Returns
    -------
    list of Battery
        One THAAD battery per site (see ``battery``); empty for ``"withdrawn"``.

    Raises
    ------
    ThaadsimError
        An empty part, an unknown site, a bad coordinate or more than 8 sites.
    """
    return parse_configuration(text)[1]


def footprint(batteries_: Battery | list[Battery] | str = "seongju",
              threat_set: str | ThreatSet = "nk-default", grid_km: float = 5.0, *,
              label: str | None = None, doctrine: Doctrine | None = None,
              progress=None) -> FootprintResult:
    """Defended footprint of batteries against a threat set over South Korea.

    A grid cell is defended when every threat of the set that can reach it (each missile from
    each launch area, aimed at the cell) has at least one intercept opportunity; two for
    shoot-look-shoot (``FootprintResult.defended_sls``).

    Parameters
    ----------
    batteries_ : Battery, list of Battery or str, optional
        The batteries, or configuration text as in ``batteries``; default ``"seongju"``.
    threat_set : str or ThreatSet, optional
        Threat-set name (``thaadsim threat-sets``) or a ``ThreatSet``; default ``"nk-default"``.
    grid_km : float, optional
        Grid spacing (km), in [1, 50]; default 5.
    label : str, optional
        Name of the configuration in results; default: the configuration text, or the battery
        names joined by ``"+"``.
    doctrine : Doctrine, optional
        Engagement doctrine; only ``kill_assessment_s`` (s) enters the opportunities. Default
        ``Doctrine()``.
    progress : callable, optional
        ``progress(text, done, total)``, called per missile and launch area.

    Returns
    -------
    FootprintResult
        Defended cells, area (km^2), population of the defended cities and the threats that limit
        the footprint.

    Raises
    ------
    ThaadsimError
        An unknown configuration or threat set, or a grid spacing outside its bounds.
    """
    if isinstance(batteries_, str):
        label = label or parse_configuration(batteries_)[0]
        bats = batteries(batteries_)
    elif isinstance(batteries_, Battery):
        bats = [batteries_]
    else:
        bats = list(batteries_)
    g = check("grid_km", grid_km, "grid_km")
    return _footprint(bats, _threat_set(threat_set), g, label=label, doctrine=doctrine,
                      progress=progress)


def list_parameters(quantity: str = "footprint", *, fast: bool | None = None) -> list[Parameter]:
    """The declared uncertain parameters (``data/uncertainty.toml`` and user files) that enter a
    headline quantity, each with its range, reason and sources.

    Parameters
    ----------
    quantity : str, optional
        ``"footprint"`` (default), ``"coverage"``, ``"engage"`` or ``"loft2range"``.
    fast : bool, optional
        For the footprint: True keeps the parameters that all samples share one pass of the
        footprint kernel for (the radar's and the battery's; what the demo varies), False the
        others (the missiles' and the interceptor's flight, which need trajectory families or
        a flyout fan per sample); None (default): all.

    Returns
    -------
    list of Parameter
        In file order.

    Raises
    ------
    ThaadsimError
        An unknown quantity.
    """
    ps = _parameters_for(quantity, option="quantity")
    if fast is None:
        return ps
    return [p for p in ps if is_fast(p) == bool(fast)]


def footprint_uncertainty(battery_: Battery | str = "seongju",
                          threat_set: str | ThreatSet = "nk-default", *, grid_km: float = 5.0,
                          samples: int = 64, seed: int = 1, parameters=None,
                          scheduler: str | None = None, workers: int = 2,
                          progress=None) -> FootprintUncertainty:
    """The defended footprint of one battery with its band: Latin-hypercube samples of the
    declared uncertain parameters (``list_parameters``), as ``thaadsim uncertainty footprint``.

    Parameters
    ----------
    battery_ : Battery or str, optional
        One battery, or configuration text naming one (as in ``batteries``); default
        ``"seongju"``.
    threat_set : str or ThreatSet, optional
        Threat-set name or a ``ThreatSet``; default ``"nk-default"``.
    grid_km : float, optional
        Grid spacing (km), in [1, 50]; default 5.
    samples : int, optional
        Samples, in [2, 4096]; default 64.
    seed : int, optional
        Seed of the hypercube (same seed, same result); default 1.
    parameters : sequence of str or Parameter, optional
        Vary only these (e.g. ``list_parameters(fast=True)``); default: every parameter of the
        footprint.
    scheduler : str, optional
        None or ``"none"`` (default): in this process; ``"local"``: a Dask LocalCluster of
        ``workers`` processes on 127.0.0.1; ``"tcp://HOST:PORT"``: an existing Dask scheduler.
        The result does not depend on where the samples run.
    workers : int, optional
        Worker processes of the LocalCluster, in [1, 64]; default 2.
    progress : callable, optional
        ``progress(text, done, total)``.

    Returns
    -------
    FootprintUncertainty
        The central footprint, the defended share and population per sample with their 5-50-95 %
        band (``to_dict``), the share of samples that defend each key city and each grid cell.

    Raises
    ------
    ThaadsimError
        Not exactly one battery, an unknown threat set or parameter, or a number out of bounds.
    """
    if isinstance(battery_, Battery):
        bats = [battery_]
    else:
        bats = batteries(str(battery_))
    if len(bats) != 1:
        raise ThaadsimError("battery", "must name exactly one battery", battery_)
    g = check("grid_km", grid_km, "grid_km")
    n = int(check("samples", samples, "samples"))
    sd = int(check("seed", seed, "seed"))
    sched = dask_scheduler(scheduler, "scheduler")
    nw = int(check("workers", workers, "workers"))
    names = None if parameters is None else [
        p.name if isinstance(p, Parameter) else str(p) for p in parameters]
    return _footprint_uncertainty(bats[0], _threat_set(threat_set), g, n, sd, progress=progress,
                                  scheduler=sched, workers=nw, parameters=names)


@dataclasses.dataclass(frozen=True)
class FootprintScenario:
    """A footprint scenario read from TOML (``load_footprint_scenario``).

    Attributes
    ----------
    name : str
        Scenario name.
    batteries : list of Battery
        The batteries (empty: withdrawn).
    threat_set : str
        Threat-set name.
    grid_km : float
        Grid spacing (km).
    """

    name: str
    batteries: list
    threat_set: str
    grid_km: float


def load_footprint_scenario(path: str | Path) -> FootprintScenario:
    """Read a footprint scenario: ``[[battery]]`` tables (as in a raid scenario), ``threat_set``
    and ``grid_km`` (the web map's "scenario TOML" download).

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    FootprintScenario
        Its batteries, threat set and grid spacing.

    Raises
    ------
    ThaadsimError
        A file that cannot be read, or one line per problem of a file that does not validate.
    """
    from thaadsim.engagement.raid import build_batteries
    from thaadsim.io.scenario import load_footprint_view

    v = load_footprint_view(path)
    get_threat_set(v.threat_set)
    return FootprintScenario(v.name, build_batteries(v), v.threat_set, v.grid_km)


def footprints(configurations, threat_set: str | ThreatSet = "nk-default",
               grid_km: float = 5.0, doctrine: Doctrine | None = None,
               progress=None) -> list[FootprintResult]:
    """Footprints of several configurations in one pass (each threat laid to each cell once).

    Parameters
    ----------
    configurations : list of str or list of (list of Battery)
        Configuration texts as for ``footprint`` (``"seongju"``, ``"withdrawn"``,
        ``"A+B"``, ``"LAT,LON"``) or lists of batteries.
    threat_set : str or ThreatSet, optional
        Threat-set name or object; default ``"nk-default"``.
    grid_km : float, optional
        Grid spacing (km), 1-50; default 5.
    doctrine : Doctrine, optional
        As for ``footprint``.
    progress : callable, optional
        ``progress(text, done, total)``, called per missile and launch area.

    Returns
    -------
    list of FootprintResult
        One per configuration, in order; the same cells as ``footprint`` gives for each.

    Raises
    ------
    ThaadsimError
        An unknown configuration or threat set, or a grid spacing outside its bounds.
    """
    labels: list[str | None] = []
    configs: list[list[Battery]] = []
    for c in configurations:
        if isinstance(c, str):
            labels.append(parse_configuration(c)[0])
            configs.append(batteries(c))
        else:
            bats = [c] if isinstance(c, Battery) else list(c)
            labels.append(None)
            configs.append(bats)
    g = check("grid_km", grid_km, "grid_km")
    return _footprints(configs, _threat_set(threat_set), g, labels, doctrine, progress)


def compare(*results: FootprintResult) -> Comparison:
    """Compare footprints with the first one (the baseline).

    Parameters
    ----------
    *results : FootprintResult
        The footprints, or one list or tuple of them; the first is the baseline.

    Returns
    -------
    Comparison
        Per configuration: area (km^2) and population and their changes from the baseline, and
        the cities gained and lost.
    """
    if len(results) == 1 and isinstance(results[0], (list, tuple)):
        results = tuple(results[0])
    if not results:
        raise ThaadsimError("results", "must list at least one footprint", results)
    return _compare(list(results))


def engage(scenario: str | Path | Scenario, trials: int = 10_000, seed: int = 1,
           progress=None) -> EngageResult:
    """Fight the raid of a scenario: fire plan, Monte Carlo and closed form.

    Every threat is aimed and flown, detected and windowed per battery and assigned; the fire plan
    is then played ``trials`` times with random kill outcomes (same seed, same result), beside
    the closed-form leakage.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A scenario TOML file (see ``examples/seongju-raid.toml``) or a loaded ``Scenario``.
    trials : int, optional
        Monte Carlo trials, in [1, 10,000,000]; default 10,000.
    seed : int, optional
        Seed of the random generator (numpy ``SeedSequence`` entropy), in [0, 2^63 - 1];
        default 1.
    progress : callable, optional
        ``progress(text, done, total)``, called per threat aimed.

    Returns
    -------
    EngageResult
        Per-threat leak probabilities with 95 % intervals, expected leakers, interceptors used.

    Raises
    ------
    ThaadsimError
        A file that cannot be read, ``trials`` or ``seed`` outside its bounds;
        ``ProblemsError`` (one line per problem) for a scenario that does not validate or threats
        that cannot be aimed.

    References
    ----------
    D. Wilkening, "A Simple Model for Calculating Ballistic Missile Defense Effectiveness",
    Science & Global Security 8:2 (1999): the closed-form leakage.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    t = int(check("trials", trials, "trials"))
    s = int(check("seed", seed, "seed"))
    return _engage(sc, t, s, progress=progress)


WATCH_COMPARE = ("shariki", "kyogamisaki")  # the forward-based AN/TPY-2 radars in Japan


def _names(value, parameter: str) -> tuple[str, ...]:
    """Names from ``"a,b"`` or a sequence; ``None``, ``""`` and ``"none"`` give none."""
    if value is None:
        return ()
    items = [x.strip() for x in (value.split(",") if isinstance(value, str) else map(str, value))]
    if items in ([], [""], ["none"]):
        return ()
    if not all(items):
        raise ThaadsimError(parameter, "must be a comma-separated list of names without empty "
                                       "entries (or none)", value)
    return tuple(items)


def watch(threat_set: str | ThreatSet = "cn-icbm", site: str | Site = "seongju",
          radar: str | Radar = "tpy2-forward", *, obj: str = "rv", rcs_m2: float | None = None,
          compare=WATCH_COMPARE, compare_radar: str | Radar | None = None,
          n_of_m: tuple[int, int] = (3, 5)) -> WatchResult:
    """Which flights of a threat set a radar observes, when and for how long, and what it adds
    to other radars (by default the forward-based radars in Japan).

    Every flight (missile x launch area x target of the set, minimum energy, rotating Earth;
    flown once per set and process) is checked look by look against the radar's field of view
    (line of sight, beam floor and ceiling, sector, instrumented range) and detection range for
    the object's RCS; firm track after N detections in M looks.

    Parameters
    ----------
    threat_set : str or ThreatSet, optional
        A set with targets (``thaadsim threat-sets``); default ``"cn-icbm"``.
    site : str, tuple of float or Site, optional
        Site of the radar watched; default ``"seongju"``.
    radar : str or Radar, optional
        Its mode (radar preset); default ``"tpy2-forward"``.
    obj : str, optional
        Object watched: ``"rv"`` (reentry vehicle, 0.01 m^2) or ``"booster"`` (booster /
        post-boost vehicle, 1 m^2); both RCS values are assumptions (``analysis.watch``).
    rcs_m2 : float, optional
        RCS (m^2) instead of the object's, in [1e-5, 1000].
    compare : str or sequence of str or Site, optional
        Sites of the radars compared with: comma-separated names (``"none"`` or empty for no
        comparison) or a sequence of names and ``Site`` objects; default Shariki and
        Kyogamisaki.
    compare_radar : str or Radar, optional
        Mode of the compared radars; default: ``radar`` when it is a forward mode
        (``tpy2-forward*``), else ``tpy2-forward`` (the Japan radars are forward-based).
    n_of_m : tuple of int, optional
        Firm track after N detections in M consecutive looks, 1 <= N <= M <= 100; default (3, 5).

    Returns
    -------
    WatchResult
        One record per flight (``records``, ``to_dataframe``), a ``summary``, ``to_geojson``.

    Raises
    ------
    ThaadsimError
        An unknown set, site, radar or object; a set without targets; a bad RCS or ``n_of_m``.
    """
    if obj not in OBJECT_RCS_M2:
        raise ThaadsimError("--object", "must be one of " + ", ".join(OBJECT_RCS_M2), obj)
    n, m_ = check_n_of_m(n_of_m, "n_of_m")
    rcs = OBJECT_RCS_M2[obj] if rcs_m2 is None else check("rcs_m2", rcs_m2, "rcs_m2")
    label = obj if rcs_m2 is None else "custom"
    ts = _threat_set(threat_set)
    r = _radar(radar)
    s = _parse_site(site)
    items = (_names(compare, "compare") if compare is None or isinstance(compare, str)
             else tuple(compare))
    if compare_radar is None:
        cr = r if r.name.startswith("tpy2-forward") else get_radar("tpy2-forward")
    else:
        cr = _radar(compare_radar)
    others = tuple((cr, x if isinstance(x, Site) else _parse_site(str(x).strip(), "compare"))
                   for x in items)
    return _watch(fly_set(ts), r, s, rcs, obj=label, others=others, n_of_m=(n, m_))
