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
from thaadsim.sensors.radar import Radar, Site, get_radar, list_sites, parse_site

MAX_SHOTS = 3


@dataclasses.dataclass(frozen=True)
class Battery:
    """A THAAD battery: radar and launchers at one site (public figures: 6 launchers x 8)."""

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

    @property
    def inventory(self) -> int:
        return self.launchers * self.interceptors_per_launcher * (1 + self.reloads)

    @property
    def reach(self) -> ReachTable:
        return reach_table(self.interceptor)


@dataclasses.dataclass(frozen=True)
class Doctrine:
    """Engagement doctrine. ``mode``: 'salvo' (one salvo) or 'sls' (shoot-look-shoot)."""

    mode: str = "sls"
    salvo: int = 2
    sspk: float = 0.8
    p_track: float = 0.95
    kill_assessment_s: float = 10.0
    max_shots: int = 2


@dataclasses.dataclass
class Windows:
    """Per threat (n,): intercept window and opportunities (times in s; NaN = none)."""

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
    """Altitude (m) and ground range (m) from the site of every history sample; NaN past end."""
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
    """Windows and opportunities of each trajectory of ``batch`` (flown with histories)."""
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
    """A THAAD battery (TPY-2 terminal mode, 6 x 8 THAAD) at a site preset or LAT,LON."""
    site = parse_site(site_name, parameter="battery")
    return Battery(name or site.name, site, get_radar("tpy2-terminal"), get_interceptor("thaad"),
                   **kw)


def list_batteries() -> list[str]:
    """Names of the site presets a battery can stand at."""
    return [s.name for s in list_sites()]


MAX_BATTERIES = 8  # per configuration: bounds the work of one request (assumption)


def parse_configuration(text: str, parameter: str = "battery") -> tuple[str, list[Battery]]:
    """'withdrawn', a site preset, LAT,LON, or several joined by '+' (several batteries)."""
    t = str(text).strip().lower()
    if t in ("withdrawn", "none"):
        return "withdrawn", []
    parts = [p.strip() for p in t.split("+")]
    rule = (f"must be a site preset ({', '.join(list_batteries())}), LAT,LON, 'withdrawn' or "
            "sites joined by '+'")
    if not t or any(not p for p in parts):
        raise ThaadsimError(parameter, rule, text)
    if len(parts) > MAX_BATTERIES:
        raise ThaadsimError(parameter, f"must join at most {MAX_BATTERIES} sites", text)
    out = []
    for p in parts:
        try:
            out.append(battery_at(p))
        except ThaadsimError as e:
            if " " in str(e.parameter):  # a bad latitude, longitude or height: say which
                raise ThaadsimError(parameter + " " + e.parameter.split(" ", 1)[1], e.rule,
                                    e.value) from None
            raise ThaadsimError(parameter, rule, text) from None
    return t, out
