"""Defended footprint: the aim points on the ground that a battery (or several) can defend
against every threat of a threat set, i.e. with at least one intercept opportunity (and,
reported separately, two: shoot-look-shoot) for each threat that can reach the point.

Reuse of work (DESIGN.md, convention 8): for each missile a family of trajectories by range is
flown once (minimum energy, or a given apogee) on a non-rotating spherical Earth, then scaled to
the exact distance and laid along the great circle from any launch area to any aim point. Earth
rotation and J2 move impact points by a few km at these ranges (< the 5 km grid); the aimed
engine (``threats.aim``) includes them when a single trajectory is wanted.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import box, mapping

from thaadsim import geo
from thaadsim.core import earth as E
from thaadsim.engagement.fire_control import Battery, Doctrine, intercept_windows
from thaadsim.errors import ThaadsimError
from thaadsim.interceptors.reach import get_interceptor
from thaadsim.limits import check
from thaadsim.presets import load, lookup
from thaadsim.sensors.detect import detection_timeline
from thaadsim.sensors.radar import get_radar, get_site, list_sites, parse_site
from thaadsim.threats import get_missile
from thaadsim.threats.missile import Missile
from thaadsim.threats.trajectory import TrajectoryBatch, fly

HISTORY_DT_S = 2.0
GRID_CENTER = (36.0, 127.8)


# ---- threat sets -----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ThreatSet:
    name: str
    missiles: tuple[str, ...]
    launch_areas: tuple[tuple[str, float, float], ...]
    depressed: dict
    description: str = ""
    sources: tuple[str, ...] = ()


def _sets() -> dict:
    return load("threat_sets.toml")["set"]


def list_threat_sets() -> list[str]:
    return sorted(_sets())


def get_threat_set(name: str) -> ThreatSet:
    """A threat set (preset or user entry) by name; ``thaadsim threat-sets`` lists them."""
    f = _sets().get(str(name).strip().lower(), {}).get("_file", "thaadsim")
    key, d = lookup(_sets(), "threat-set", name)
    try:
        ts = ThreatSet(key, tuple(str(m).strip().lower() for m in d["missiles"]),
                       tuple((str(a["name"]), check("latitude_deg", a["lat_deg"], "lat_deg"),
                              check("longitude_deg", a["lon_deg"], "lon_deg"))
                             for a in d["launch_area"]),
                       {str(k).lower(): check("apogee_km", v, "apogee_km")
                        for k, v in dict(d.get("depressed", {})).items()},
                       str(d.get("description", "")), d["sources"])
    except KeyError as e:
        raise ThaadsimError("--threat-set-file", f"[set.{key}] must define {e.args[0]}",
                            f) from None
    except (TypeError, ValueError, AttributeError) as e:
        raise ThaadsimError("--threat-set-file", f"[set.{key}] is invalid ({e})", f) from None
    if not ts.missiles or not ts.launch_areas:
        raise ThaadsimError("--threat-set-file", f"[set.{key}] must list missiles and "
                                                 "launch_area tables", f)
    for m in ts.missiles:
        get_missile(m)
    return ts


def battery_at(site_name: str, name: str | None = None, **kw) -> Battery:
    """A THAAD battery (TPY-2 terminal mode, 6 x 8 THAAD) at a site preset or LAT,LON."""
    site = parse_site(site_name, parameter="battery")
    return Battery(name or site.name, site, get_radar("tpy2-terminal"), get_interceptor("thaad"),
                   **kw)


def list_batteries() -> list[str]:
    return [s.name for s in list_sites()]


# ---- trajectory families ---------------------------------------------------------------------

@dataclasses.dataclass
class Family:
    """Trajectories by range for one missile and shape; arrays (K, steps)."""

    missile: str
    ranges_m: np.ndarray  # (K,)
    t: np.ndarray
    s: np.ndarray  # ground distance from launch (m)
    h: np.ndarray  # altitude (m)
    n: np.ndarray  # valid samples per member
    apogee_m: np.ndarray

    @property
    def max_range_m(self) -> float:
        return float(self.ranges_m.max())


def _sphere_s_h(b: TrajectoryBatch):
    xyz = b.hist[..., 1:4]
    r = np.linalg.norm(xyz, axis=-1)
    r0 = xyz[:, :1, :]
    with np.errstate(invalid="ignore", divide="ignore"):  # padding past the impact is zeros
        c = np.einsum("ijk,ijk->ij", xyz, np.broadcast_to(r0, xyz.shape)) / (
            r * np.linalg.norm(r0, axis=-1))
    return np.arccos(np.clip(c, -1, 1)) * E.A_M, r - E.A_M


@lru_cache(maxsize=32)
def trajectory_family(missile_name: str, apogee_km: float | None = None,
                      step_km: float = 10.0) -> Family:
    m: Missile = get_missile(missile_name)
    kw = dict(rotating=False, j2=False, ellipsoid=False)
    lo_th = -45.0 if apogee_km is not None else 5.0
    ths = np.linspace(lo_th, 80.0, 36)
    tcs = np.linspace(min(m.t_vertical_s + 2.0, 0.4 * m.burn_time_s), m.burn_time_s, 50)
    TH, TC = np.meshgrid(ths, tcs, indexing="ij")
    b = fly(m, 0.0, 0.0, 90.0, TH.ravel(), TC.ravel(), **kw)
    xyz = b.summary[:, 2:5]
    rng = np.arccos(np.clip(xyz[:, 0] / np.linalg.norm(xyz, axis=1), -1, 1)) * E.A_M
    rng = np.where(b.impacted, rng, np.nan).reshape(TH.shape)
    apo = b.col("apogee_alt").reshape(TH.shape)
    rmax = np.nanmax(rng)
    R = np.arange(max(50e3, step_km * 1e3), rmax, step_km * 1e3)
    tc_of = np.full((ths.size, R.size), np.nan)
    apo_of = np.full((ths.size, R.size), np.nan)
    for i in range(ths.size):
        ok = np.isfinite(rng[i])
        if ok.sum() < 2:
            continue
        r_i = np.maximum.accumulate(rng[i][ok])
        inside = (R >= r_i[0]) & (R <= r_i[-1])
        tc_of[i, inside] = np.interp(R[inside], r_i, tcs[ok])
        apo_of[i, inside] = np.interp(R[inside], r_i, apo[i][ok])
    if apogee_km is None:
        k = np.nanargmin(np.where(np.isfinite(tc_of), tc_of, np.inf), axis=0)
        th_sel = ths[k]
        tc_sel = tc_of[k, np.arange(R.size)]
    else:
        th_sel = np.full(R.size, np.nan)
        tc_sel = np.full(R.size, np.nan)
        for j in range(R.size):
            ok = np.isfinite(apo_of[:, j])
            a = apo_of[ok, j]
            if ok.sum() >= 2 and a.min() <= apogee_km * 1e3 <= a.max():
                order = np.argsort(a)
                th_sel[j] = np.interp(apogee_km * 1e3, a[order], ths[ok][order])
                tc_sel[j] = np.interp(th_sel[j], ths[ok], tc_of[ok, j])
    keep = np.isfinite(tc_sel)
    if not keep.any():
        raise ThaadsimError("threat-set", f"{missile_name} cannot fly the requested shape",
                            apogee_km)
    R, th_sel, tc_sel = R[keep], th_sel[keep], tc_sel[keep]
    fb = fly(m, 0.0, 0.0, 90.0, th_sel, tc_sel, history_dt_s=HISTORY_DT_S, **kw)
    s, h = _sphere_s_h(fb)
    return Family(missile_name, _true_range(fb), fb.hist[..., 0], np.nan_to_num(s),
                  np.nan_to_num(h), fb.nhist.copy(), fb.col("apogee_alt"))


def _true_range(b: TrajectoryBatch) -> np.ndarray:
    xyz = b.summary[:, 2:5]
    return np.arccos(np.clip(xyz[:, 0] / np.linalg.norm(xyz, axis=1), -1, 1)) * E.A_M


def lay_family(fam: Family, lat0_deg: float, lon0_deg: float, lat_deg, lon_deg):
    """Histories (n, steps, 7) from one launch point to aim points, scaled from the family member
    with the nearest range; rows whose distance exceeds the family's reach are flagged."""
    la0, lo0 = math.radians(lat0_deg), math.radians(lon0_deg)
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    d = E.gc_distance_m(la0, lo0, la, lo, r_m=E.A_M)
    az = E.gc_azimuth(la0, lo0, la, lo)
    reach = (d <= fam.max_range_m) & (d >= fam.ranges_m.min() * 0.5)
    k = np.clip(np.searchsorted(fam.ranges_m, d), 0, fam.ranges_m.size - 1)
    k = np.where((k > 0) & (np.abs(fam.ranges_m[np.maximum(k - 1, 0)] - d)
                            < np.abs(fam.ranges_m[k] - d)), k - 1, k)
    scale = d / fam.ranges_m[k]
    s = fam.s[k] * scale[:, None]
    h = fam.h[k]
    plat, plon = E.gc_destination(la0, lo0, az[:, None], s, r_m=E.A_M)
    xyz = E.geodetic_to_ecef(plat, plon, np.maximum(h, -1000.0))
    n, steps = s.shape
    hist = np.zeros((n, steps, 7))
    hist[..., 0] = fam.t[k]
    hist[..., 1:4] = xyz
    return hist, fam.n[k].astype(np.int64), reach


# ---- footprint ---------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Grid:
    """Cells of a square grid (equal-area projection) that hold South Korean land.

    Each cell is evaluated at one point (its centre, or a point of its land where the centre is
    at sea) and weighs its land area, so the cell areas add up to the area of South Korea's
    polygon at every grid spacing."""

    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    cell_area_km2: np.ndarray
    step_km: float
    kor: object  # projected shapely polygon

    @property
    def size(self) -> int:
        return int(self.lat.size)


@lru_cache(maxsize=8)
def south_korea_grid(step_km: float) -> Grid:
    """The land cells of South Korea on a ``step_km`` grid (see ``Grid``); ``step_km`` within
    ``limits.BOUNDS['grid_km']``."""
    step_km = check("grid_km", step_km, "grid_km")
    kor = geo.countries_projected(*GRID_CENTER)["KOR"]
    shapely.prepare(kor)
    minx, miny, maxx, maxy = kor.bounds
    d = step_km * 1e3
    nx = int((maxx - minx) / d) + 1
    ny = int((maxy - miny) / d) + 1
    xs = minx + (np.arange(nx) + 0.5) * d
    ys = miny + (np.arange(ny) + 0.5) * d
    X, Y = (a.ravel() for a in np.meshgrid(xs, ys))
    boxes = shapely.box(X - d / 2, Y - d / 2, X + d / 2, Y + d / 2)
    touch = shapely.intersects(kor, boxes)
    X, Y, boxes = X[touch], Y[touch], boxes[touch]
    full = shapely.contains(kor, boxes)
    area = np.full(X.size, d * d)
    part = np.nonzero(~full)[0]
    pieces = shapely.intersection(boxes[part], kor)
    area[part] = shapely.area(pieces)
    centre_in = shapely.contains_xy(kor, X[part], Y[part])
    moved = part[~centre_in]
    if moved.size:
        pts = shapely.point_on_surface(pieces[~centre_in])
        X[moved], Y[moved] = shapely.get_x(pts), shapely.get_y(pts)
    keep = area > 1e-6 * d * d
    X, Y, area = X[keep], Y[keep], area[keep]
    _, inv = geo.laea(*GRID_CENTER)
    lon, lat = inv.transform(X, Y)
    return Grid(np.asarray(lat), np.asarray(lon), X, Y, area / 1e6, step_km, kor)


@dataclasses.dataclass
class FootprintResult:
    label: str
    batteries: list[Battery]
    threat_set: ThreatSet
    grid_km: float
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    defended: np.ndarray  # >= 1 opportunity against every threat that reaches the point
    defended_sls: np.ndarray  # >= 2
    cell_area_km2: np.ndarray  # land area of each cell
    limiting: dict

    def polygon(self, sls: bool = False):
        """Defended region as a lon/lat (Multi)Polygon (union of grid cells)."""
        m = self.defended_sls if sls else self.defended
        if not m.any():
            return None
        h = self.grid_km * 500.0
        cells = [box(x - h, y - h, x + h, y + h) for x, y in zip(self.x[m], self.y[m],
                                                                   strict=True)]
        u = shapely.union_all(cells)
        u = shapely.intersection(u, south_korea_grid(self.grid_km).kor)
        u = u.simplify(self.grid_km * 100.0)
        _, inv = geo.laea(*GRID_CENTER)
        return geo.project(u, inv)

    def cities(self) -> list[dict]:
        kor_cities = [c for c in geo.cities() if c["country"] == "KR"]
        out = []
        fwd, _ = geo.laea(*GRID_CENTER)
        for c in kor_cities:
            x, y = fwd.transform(c["lon_deg"], c["lat_deg"])
            j = np.argmin((self.x - x) ** 2 + (self.y - y) ** 2)
            near = math.hypot(self.x[j] - x, self.y[j] - y) <= self.grid_km * 1e3
            out.append({"name": c["name"], "population": c["population"],
                        "defended": bool(near and self.defended[j]),
                        "defended_sls": bool(near and self.defended_sls[j])})
        return out

    def summary(self) -> dict:
        area = float(self.cell_area_km2[self.defended].sum())
        area2 = float(self.cell_area_km2[self.defended_sls].sum())
        total = float(self.cell_area_km2.sum())
        cs = self.cities()
        return {
            "configuration": self.label,
            "batteries": [{"name": b.name, "lat_deg": b.site.lat_deg, "lon_deg": b.site.lon_deg,
                           "boresight_az_deg": b.site.boresight_az_deg,
                           "min_elevation_deg": b.site.min_elevation_deg,
                           "site_defaults_applied": list(b.site.defaults_applied)}
                          for b in self.batteries],
            "threat_set": self.threat_set.name,
            "grid_km": self.grid_km,
            "area_km2": round(area, 0),
            "area_sls_km2": round(area2, 0),
            "south_korea_area_km2": round(total, 0),
            "defended_fraction_of_south_korea": round(area / total, 4),
            "defended_fraction_sls": round(area2 / total, 4),
            "defended_population": int(sum(c["population"] for c in cs if c["defended"])),
            "defended_population_sls": int(sum(c["population"] for c in cs if c["defended_sls"])),
            "population_in_cities": int(sum(c["population"] for c in cs)),
            "cities_defended": sorted((c["name"] for c in cs if c["defended"]),
                                      key=lambda n: -next(c["population"] for c in cs
                                                          if c["name"] == n)),
            "key_cities": {n: next((c["defended"] for c in cs if c["name"] == n), None)
                           for n in ("Seoul", "Busan", "Daegu", "Incheon", "Daejeon", "Gwangju",
                                     "Ulsan", "Pyeongtaek", "Gunsan")},
            "limiting_threats": self.limiting,
        }

    def to_geojson(self) -> dict:
        s = self.summary()
        props = {k: s[k] for k in ("configuration", "threat_set", "area_km2",
                                   "defended_fraction_of_south_korea", "defended_population",
                                   "grid_km")}
        feats = []
        for sls in (False, True):
            poly = self.polygon(sls)
            fp = dict(props, level="shoot-look-shoot (>= 2 opportunities)" if sls
                      else "defended (>= 1 opportunity)")
            if sls:
                fp.update(area_km2=s["area_sls_km2"],
                          defended_fraction_of_south_korea=s["defended_fraction_sls"],
                          defended_population=s["defended_population_sls"])
            feats.append({"type": "Feature", "properties": fp,
                          "geometry": None if poly is None else mapping(poly)})
        return {"type": "FeatureCollection", "properties": dict(s), "features": feats}


CHUNK_CELLS = 4096  # aim points laid out at once: bounds the trajectory samples in memory


# Cost of one (grid cell, threat pair, configuration) evaluation, measured with `make bench`
# (bench footprint: ~9.7 s for 3,926 cells x 12 pairs on the 2-core reference machine, Nov 2026),
# rounded up. Used only to refuse requests that would run for many minutes.
SECONDS_PER_CELL_PAIR = 2.5e-4
MAX_SECONDS = 600.0  # a sane wait for one command (assumption); longer sweeps belong in scripts


def footprint_work(grid_km: float, n_pairs: int, n_configs: int = 1) -> dict:
    """Estimated size of a footprint request before any work: cells, working memory (bytes),
    seconds."""
    cells = south_korea_grid(grid_km).size
    steps = 1200  # history samples of the longest family member (Nodong, 2 s), upper bound
    chunk = min(cells, CHUNK_CELLS)
    mem = chunk * steps * 7 * 8 * 4  # histories and their temporaries
    evals = cells * n_pairs * n_configs
    return {"cells": cells, "pairs": n_pairs, "configurations": n_configs,
            "memory_bytes": mem, "cell_threat_evaluations": evals,
            "seconds": evals * SECONDS_PER_CELL_PAIR}


def footprint(batteries: list[Battery], threat_set: ThreatSet, grid_km: float = 5.0,
              label: str | None = None, doctrine: Doctrine | None = None,
              progress=None) -> FootprintResult:
    """Defended footprint of ``batteries`` against ``threat_set`` on a ``grid_km`` grid over
    South Korea (see the module docstring); ``progress(text, done, total)`` is called per
    threat and launch area."""
    g = south_korea_grid(grid_km)
    d = doctrine or Doctrine()
    n = g.size
    defended = np.ones(n, dtype=bool)
    sls = np.ones(n, dtype=bool)
    limiting: dict[str, int] = {}
    pairs = [(m, a) for m in threat_set.missiles for a in threat_set.launch_areas]
    for i, (mname, area) in enumerate(pairs):
        if progress:
            progress(f"{mname} from {area[0]}", i, len(pairs))
        fam = trajectory_family(mname, threat_set.depressed.get(mname))
        opp = np.zeros(n, dtype=int)
        reach = np.zeros(n, dtype=bool)
        for c0 in range(0, n, CHUNK_CELLS):
            sl = slice(c0, min(n, c0 + CHUNK_CELLS))
            hist, nhist, r = lay_family(fam, area[1], area[2], g.lat[sl], g.lon[sl])
            reach[sl] = r
            if not batteries or not r.any():
                continue
            idx = np.nonzero(r)[0]
            b = TrajectoryBatch(np.zeros((idx.size, 1)), np.full(idx.size, area[1]),
                                np.full(idx.size, area[2]), hist[idx], nhist[idx])
            for bat in batteries:
                tl = detection_timeline(bat.radar, bat.site, b, bat.rcs_m2)
                w = intercept_windows(bat, b, tl.track_time_s, d)
                opp[c0 + idx] += w.opportunities
        fail1 = reach & (opp < 1)
        fail2 = reach & (opp < 2)
        limiting[f"{mname} from {area[0]}"] = int(fail1.sum())
        defended &= ~fail1
        sls &= ~fail2
    if progress:
        progress("done", len(pairs), len(pairs))
    name = label or ("+".join(b.name for b in batteries) if batteries else "withdrawn")
    return FootprintResult(name, batteries, threat_set, g.step_km, g.lat, g.lon, g.x, g.y,
                           defended, sls, g.cell_area_km2, limiting)


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


def compare(results: list[FootprintResult]) -> dict:
    base = results[0].summary()
    rows = []
    for r in results:
        s = r.summary()
        gained = sorted(set(s["cities_defended"]) - set(base["cities_defended"]))
        lost = sorted(set(base["cities_defended"]) - set(s["cities_defended"]))
        rows.append({"configuration": s["configuration"], "area_km2": s["area_km2"],
                     "defended_fraction_of_south_korea": s["defended_fraction_of_south_korea"],
                     "defended_population": s["defended_population"],
                     "area_change_km2": s["area_km2"] - base["area_km2"],
                     "population_change": s["defended_population"] - base["defended_population"],
                     "cities_gained": gained, "cities_lost": lost})
    return {"baseline": base["configuration"], "configurations": rows}


__all__ = ["footprint", "compare", "get_threat_set", "list_threat_sets", "battery_at",
           "get_site", "parse_configuration", "FootprintResult", "trajectory_family"]
