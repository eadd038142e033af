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

import math
from pathlib import Path

from thaadsim.analysis.coverage import CoverageResult
from thaadsim.analysis.coverage import coverage as _coverage
from thaadsim.analysis.footprint import Comparison, FootprintResult
from thaadsim.analysis.footprint import compare as _compare
from thaadsim.analysis.footprint import footprint as _footprint
from thaadsim.analysis.loft2range import LoftResult
from thaadsim.analysis.loft2range import loft2range as _loft2range
from thaadsim.analysis.track import HISTORY_DT_S, TrackResult
from thaadsim.analysis.track import track as _track
from thaadsim.engagement.fire_control import Battery, Doctrine, battery_at, parse_configuration
from thaadsim.engagement.raid import EngageResult
from thaadsim.engagement.raid import engage as _engage
from thaadsim.errors import ThaadsimError
from thaadsim.interceptors.reach import Interceptor, get_interceptor, list_interceptors
from thaadsim.io.scenario import Scenario, load_scenario
from thaadsim.limits import check, parse_latlon
from thaadsim.presets import add_user_file
from thaadsim.sensors.radar import (
    Radar,
    Site,
    get_radar,
    get_site,
    list_radars,
    list_sites,
    site_note,
)
from thaadsim.sensors.radar import parse_site as _parse_site
from thaadsim.threats.missile import Missile, get_missile, list_missiles
from thaadsim.threats.solve import AimSolution, Flight, solve_apogee, solve_max_range
from thaadsim.threats.solve import aim as _aim
from thaadsim.threats.threat_set import ThreatSet, get_threat_set, list_threat_sets
from thaadsim.threats.trajectory import Launch, TrajectoryBatch

__all__ = [
    # analyses
    "fly", "aim", "loft2range", "coverage", "track", "footprint", "compare", "engage",
    # inputs
    "battery", "batteries", "load_scenario", "launch", "use_data_file", "site_note",
    "get_missile", "get_radar", "get_site", "get_interceptor", "get_threat_set",
    "list_missiles", "list_radars", "list_sites", "list_interceptors", "list_threat_sets",
    # types
    "Missile", "Radar", "Site", "Interceptor", "ThreatSet", "Battery", "Doctrine", "Launch",
    "Scenario", "TrajectoryBatch", "AimSolution", "Flight", "LoftResult", "CoverageResult",
    "TrackResult", "FootprintResult", "Comparison", "EngageResult", "ThaadsimError",
]


def _missile(m: str | Missile) -> Missile:
    return m if isinstance(m, Missile) else get_missile(m)


def _radar(r: str | Radar) -> Radar:
    return r if isinstance(r, Radar) else get_radar(r)


def _threat_set(ts: str | ThreatSet) -> ThreatSet:
    return ts if isinstance(ts, ThreatSet) else get_threat_set(ts)


def launch(point, parameter: str = "from") -> Launch:
    """A launch point from ``"LAT,LON"``, ``(lat, lon)`` or a ``Launch`` (degrees)."""
    if isinstance(point, Launch):
        parse_latlon(parameter, point)
        return point
    lat, lon = parse_latlon(parameter, point)
    return Launch(lat, lon)


def use_data_file(path: str | Path, kind: str) -> None:
    """Make the entries of a user data file usable by name: ``kind`` is ``missiles``,
    ``radars``, ``interceptors`` or ``threat_sets`` (the file has the format of the shipped
    ``<kind>.toml``). A user entry may not redefine a preset."""
    add_user_file(path, f"{kind}.toml")


def fly(missile: str | Missile, from_, *, azimuth_deg: float, apogee_km: float | None = None,
        history_dt_s: float | None = HISTORY_DT_S) -> Flight:
    """Fly ``missile`` from ``from_`` toward ``azimuth_deg`` (deg from north) on a minimum-energy
    trajectory, or with the apogee ``apogee_km`` (km) when given; rotating WGS84 Earth, J2, US
    1976 atmosphere. Sampled every ``history_dt_s`` s (None: headline numbers only)."""
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
    """Guidance that lands ``missile`` from ``from_`` on ``to`` within 200 m (rotation, J2 and
    drag included): minimum energy, or the apogee ``apogee_km`` (km). A target out of reach
    raises an error that states the maximum range."""
    m = _missile(missile)
    site = launch(from_)
    tlat, tlon = parse_latlon("to", to)
    apo = None if apogee_km is None else check("apogee_km", apogee_km, "apogee_km") * 1e3
    s = _aim(m, site, tlat, tlon, apogee_m=apo, history_dt_s=history_dt_s)
    return Flight(m, site, "minimum-energy" if apogee_km is None else "apogee", s.azimuth_deg,
                  s.theta_deg, s.t_cut_s, s.batch, (tlat, tlon), s.miss_m)


def loft2range(apogee_km: float, range_km: float, flight_time_s: float | None = None, *,
               template: str | None = None, missile_class: str | None = None,
               from_="39.20,125.67") -> LoftResult:
    """Maximum range on a standard trajectory of the missile that flew a lofted test (apogee and
    ground range in km, flight time in s when reported); see ``analysis.loft2range``."""
    check("apogee_km", apogee_km, "apogee_km")
    check("range_km", range_km, "range_km")
    if flight_time_s is not None:
        check("flight_time_s", flight_time_s, "flight_time_s")
    if template is not None:
        get_missile(template)
    return _loft2range(apogee_km, range_km, flight_time_s, missile_class=missile_class,
                       site=launch(from_), template=template)


def coverage(radar: str | Radar = "tpy2-terminal", site: str | Site = "seongju",
             altitudes_km=(10.0, 100.0, 300.0), rcs_m2: float = 0.01, *,
             min_elevation_deg: float | None = None,
             boresight_az_deg: float | None = None) -> CoverageResult:
    """Where a target of ``rcs_m2`` (m^2) at each altitude (km) is detectable by ``radar`` at
    ``site`` (a preset, or LAT,LON with the user-site defaults), per country."""
    return _coverage(_radar(radar), _parse_site(site), list(altitudes_km), rcs_m2,
                     min_elevation_deg=min_elevation_deg, boresight_az_deg=boresight_az_deg)


def track(missile: str | Missile, from_, to, *, radar: str | Radar = "tpy2-terminal",
          site: str | Site = "seongju", rcs_m2: float = 0.01, apogee_km: float | None = None,
          n_of_m: tuple[int, int] = (3, 5)) -> TrackResult:
    """Detection and firm-track timeline of ``missile`` aimed from ``from_`` at ``to`` as seen by
    ``radar`` at ``site`` against an RCS of ``rcs_m2`` (m^2)."""
    n, m_ = (int(x) for x in n_of_m)
    if not 1 <= n <= m_ <= 100:
        raise ThaadsimError("n_of_m", "must be N,M with 1 <= N <= M <= 100", n_of_m)
    rcs = check("rcs_m2", rcs_m2, "rcs_m2")
    sol = aim(missile, from_, to, apogee_km=apogee_km, history_dt_s=HISTORY_DT_S)
    return _track(_missile(missile), _radar(radar), _parse_site(site), sol, rcs, (n, m_))


def battery(site: str | Site = "seongju", name: str | None = None, **kw) -> Battery:
    """A THAAD battery (AN/TPY-2 in terminal mode, 6 launchers x 8 interceptors) at a site
    preset or LAT,LON; keyword arguments override ``Battery`` fields (launchers, reaction_time_s,
    rcs_m2, ...)."""
    if isinstance(site, Site):
        return Battery(name or site.name, site, get_radar("tpy2-terminal"),
                       get_interceptor("thaad"), **kw)
    return battery_at(site, name, **kw)


def batteries(text: str) -> list[Battery]:
    """Batteries from the command line's form: a site, LAT,LON, sites joined by '+', or
    'withdrawn' (none)."""
    return parse_configuration(text)[1]


def footprint(batteries_: Battery | list[Battery] | str = "seongju",
              threat_set: str | ThreatSet = "nk-default", grid_km: float = 5.0, *,
              label: str | None = None, doctrine: Doctrine | None = None,
              progress=None) -> FootprintResult:
    """The ground of South Korea that the batteries defend against every threat of the set (at
    least one intercept opportunity; two for shoot-look-shoot), on a ``grid_km`` grid."""
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


def compare(*results: FootprintResult) -> Comparison:
    """Footprints against the first one: area and population changes, cities gained and lost.
    Takes results or one list of them."""
    if len(results) == 1 and isinstance(results[0], (list, tuple)):
        results = tuple(results[0])
    return _compare(list(results))


def engage(scenario: str | Path | Scenario, trials: int = 10_000, seed: int = 1,
           progress=None) -> EngageResult:
    """Fight the raid of a scenario (a file or a loaded ``Scenario``): ``trials`` Monte Carlo
    trials with ``seed`` beside the closed form (same seed, same result)."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    t = int(check("trials", trials, "trials"))
    s = int(check("seed", seed, "seed"))
    return _engage(sc, t, s, progress=progress)
