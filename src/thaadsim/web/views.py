"""What the web map's endpoints compute: plain functions from query parameters (strings) to
JSON-ready dicts, over the public API. No HTTP here (``web.app`` serves them), so each can be
called and tested directly.

Every bad parameter raises ``ThaadsimError`` naming the parameter, the rule and the value, with
the same rules (``thaadsim.limits``) as the command line; ``web.app`` turns it into HTTP 400.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import time
from collections.abc import Mapping

from thaadsim import api, geo
from thaadsim.analysis import footprint as fp
from thaadsim.engagement.fire_control import MAX_BATTERIES, Battery, parse_configuration
from thaadsim.errors import ThaadsimError
from thaadsim.limits import BOUNDS, check

DEFAULTS: dict[str, str] = {"battery": "seongju", "threat_set": "nk-default",
                             "radar": "tpy2-terminal", "grid_km": "5"}
# The web map answers while a person waits: requests estimated to take longer are refused with a
# hint (the command line allows up to fp.MAX_SECONDS). Assumption: ~10 s is the longest a user
# waits for a map.
MAX_REQUEST_SECONDS = 10.0
RADARS_FOR_BATTERIES = ("tpy2-terminal", "tpy2-forward")
SOURCES = {
    "defended_fraction_of_south_korea": "thaadsim footprint: a grid cell is defended when every "
                                        "threat of the set that reaches it has an intercept "
                                        "opportunity; land area from Natural Earth",
    "defended_fraction_sls": "as the defended fraction, with two opportunities "
                             "(shoot-look-shoot)",
    "defended_area_km2": "sum of the land area of the defended grid cells (Natural Earth)",
    "defended_area_sls_km2": "as the defended area, with two opportunities",
    "defended_population": "GeoNames (CC-BY 4.0) populations of the South Korean cities of "
                           "100,000 or more whose grid cell is defended",
    "defended_population_sls": "as the defended population, with two opportunities",
    "population_in_cities": "GeoNames (CC-BY 4.0): all South Korean cities of 100,000 or more "
                            "(about 43 M of the country's 52 M people)",
}
UNITS = {"defended_fraction_of_south_korea": "fraction (0-1)", "defended_fraction_sls":
         "fraction (0-1)", "defended_area_km2": "km2", "defended_area_sls_km2": "km2",
         "defended_population": "people", "defended_population_sls": "people",
         "population_in_cities": "people", "grid_km": "km", "elapsed_s": "s"}


def _get(q: Mapping[str, str], name: str, default=None) -> str | None:
    v = q.get(name)
    if v is None or str(v).strip() == "":
        return default
    return str(v).strip()


def number(q: Mapping[str, str], name: str, default: float | None = None,
           bound: str | None = None) -> float | None:
    """A number from the query, checked against ``limits.BOUNDS[bound or name]``."""
    raw = _get(q, name)
    if raw is None:
        return default
    try:
        x = float(raw)
    except ValueError:
        raise ThaadsimError(name, "must be a number", raw) from None
    if not math.isfinite(x):
        raise ThaadsimError(name, "must be a finite number", raw)
    key = bound or name
    return check(key, x, name) if key in BOUNDS else x


def _choice(q: Mapping[str, str], name: str, options, default: str) -> str:
    v = _get(q, name, default)
    assert v is not None
    if v not in options:
        raise ThaadsimError(name, f"must be one of {', '.join(options)}", v)
    return v


# ---- presets and basemap ---------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def presets() -> dict:
    """Sites, radars, threat sets, missiles and interceptors with their sources."""
    from thaadsim.interceptors.reach import list_interceptors
    from thaadsim.sensors.radar import list_radars
    from thaadsim.sensors.site import list_sites
    from thaadsim.threats.missile import list_missiles
    from thaadsim.threats.threat_set import get_threat_set, list_threat_sets

    sites = [{"id": s.name, "name": s.description or s.name, "lat": s.lat_deg,
              "lon": s.lon_deg, "sources": list(s.sources)} for s in list_sites()]
    radars = [{"id": r.name, "description": r.description,
               "detection_range_km": float(r.detection_range_m(0.01)) / 1e3,
               "sources": list(r.sources)} for r in list_radars()]
    tsets, watch_sets = [], []
    for name in list_threat_sets():
        t = get_threat_set(name)
        if t.targets:  # flights to given targets: the watch layer's, not a footprint's
            watch_sets.append({"id": name, "description": t.description,
                               "missiles": list(t.missiles), "sources": list(t.sources)})
            continue
        tsets.append({"id": name, "description": t.description, "missiles": list(t.missiles),
                      "launch_areas": [{"name": a[0], "lat": a[1], "lon": a[2]}
                                       for a in t.launch_areas],
                      "sources": list(t.sources)})
    missiles = [{"id": m.name, "description": m.description,
                 "range_km": float(m.nominal_range_km),  # NaN -> null in app._clean
                 "sources": list(m.sources)} for m in list_missiles()]
    ics = [{"id": i.name, "description": i.description, "sources": list(i.sources)}
           for i in list_interceptors()]
    from thaadsim.engagement.systems import list_systems

    systems = [{"id": x.name, "description": x.description, "tier": x.tier,
                "sources": list(x.sources)} for x in list_systems()]
    return {"sites": sites, "radars": radars, "threat_sets": tsets, "watch_sets": watch_sets,
            "systems": systems,
            "missiles": missiles,
            "interceptors": ics, "defaults": dict(DEFAULTS),
            "limits": {"grid_km": [BOUNDS["grid_km"].lo, BOUNDS["grid_km"].hi],
                       "max_batteries": MAX_BATTERIES,
                       "radars_for_batteries": list(RADARS_FOR_BATTERIES)},
            "version": version(), "public_estimates_only": True}


def version() -> str:
    """The installed thaadsim version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("thaadsim")
    except PackageNotFoundError:  # pragma: no cover (run from a source tree)
        return "0+unknown"


@functools.lru_cache(maxsize=1)
def basemap() -> dict:
    """Country polygons (Natural Earth, public domain), as shipped, and the line where North and
    South Korea meet (Natural Earth's boundary follows the Military Demarcation Line, the centre
    of the DMZ) as a feature of ``kind`` ``"dmz"``."""
    import json
    from importlib.resources import files

    import shapely
    from shapely.geometry import shape

    fc = json.loads(files("thaadsim.data").joinpath("countries.geojson").read_text())
    geoms = {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in fc["features"]}
    line = shapely.line_merge(shapely.intersection(geoms["KOR"].boundary,
                                                   geoms["PRK"].boundary.buffer(1e-6)))
    fc["features"].append({"type": "Feature", "geometry": _mapping(line),
                           "properties": {"kind": "dmz",
                                          "name": "Military Demarcation Line (centre of the "
                                                  "DMZ), from Natural Earth's boundary"}})
    # beyond the detailed window (95-150 E, 15-55 N), the coarse world outline: the watch
    # layer's flights cross Siberia, Alaska and the Pacific
    window = shapely.box(*WINDOW)
    for iso, g in geo.world().items():
        part = g.difference(window)
        if not part.is_empty:
            fc["features"].append({"type": "Feature", "geometry": _mapping(part),
                                   "properties": {"iso_a3": iso, "coarse": True}})
    return fc


WINDOW = (95.0, 15.0, 150.0, 55.0)  # lon/lat box of the detailed countries (tools/make_basemap)


@functools.lru_cache(maxsize=1)
def cities() -> dict:
    """Cities (GeoNames, CC-BY 4.0) as GeoJSON points."""
    feats = [{"type": "Feature", "geometry": {"type": "Point",
                                              "coordinates": [c["lon_deg"], c["lat_deg"]]},
              "properties": {"name": c["name"], "country": c["country"],
                             "population": c["population"]}} for c in geo.cities()]
    return {"type": "FeatureCollection", "features": feats,
            "properties": {"source": "GeoNames (CC-BY 4.0), population as GeoNames lists it"}}


# ---- footprint -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FootprintQuery:
    """A normalised footprint request (the key of the caches)."""

    battery: str
    threat_set: str
    grid_km: float
    radar: str
    reaction_time_s: float | None
    interceptor_max_q_pa: float | None

    def to_query(self) -> dict:
        """The request as query parameters (strings)."""
        q = {"battery": self.battery, "threat_set": self.threat_set,
             "grid_km": f"{self.grid_km:g}", "radar": self.radar}
        if self.reaction_time_s is not None:
            q["reaction_time_s"] = f"{self.reaction_time_s:g}"
        if self.interceptor_max_q_pa is not None:
            q["interceptor_max_q_pa"] = f"{self.interceptor_max_q_pa:g}"
        return q

    def batteries(self) -> list[Battery]:
        """The batteries of the request; THAAD batteries take its radar mode and overrides (the
        other systems keep their presets)."""
        _, bats = parse_configuration(self.battery, parameter="battery")
        radar = api.get_radar(self.radar)
        out = []
        for b in bats:
            if getattr(b, "system", "thaad") != "thaad":  # the controls are THAAD's assumptions
                out.append(b)
                continue
            kw: dict = {"radar": radar}
            if self.reaction_time_s is not None:
                kw["reaction_time_s"] = self.reaction_time_s
            if self.interceptor_max_q_pa is not None:
                kw["interceptor"] = b.interceptor.replace(
                    max_flight_dynamic_pressure_pa=self.interceptor_max_q_pa)
            out.append(dataclasses.replace(b, **kw))
        return out

    def baseline(self) -> FootprintQuery:
        """The same request for the Seongju battery (what the view is compared with)."""
        return dataclasses.replace(self, battery="seongju")


def footprint_query(q: Mapping[str, str]) -> FootprintQuery:
    """Parse and check a footprint request (raises ``ThaadsimError``)."""
    battery = _get(q, "battery", DEFAULTS["battery"])
    assert battery is not None
    # a literal '+' in a query string arrives as a space (curl users type A+B): spaces between
    # parts are '+', spaces around commas are nothing
    battery = re.sub(r"\s*,\s*", ",", battery.strip())
    battery = re.sub(r"\s*\+\s*|\s+", "+", battery)
    label, _ = parse_configuration(battery, parameter="battery")  # checks sites and count
    ts = str(_get(q, "threat_set", DEFAULTS["threat_set"]))
    try:
        api.get_threat_set(ts)
    except ThaadsimError as e:  # the CLI names it --threat-set
        raise ThaadsimError("threat_set", e.rule, e.value) from None
    grid = number(q, "grid_km", 5.0)
    assert grid is not None
    radar = _choice(q, "radar", RADARS_FOR_BATTERIES, DEFAULTS["radar"])
    rt = number(q, "reaction_time_s", None)
    mq = number(q, "interceptor_max_q_pa", None)
    if mq is not None and not 1e5 <= mq <= 1e7:
        raise ThaadsimError("interceptor_max_q_pa", "must be between 1e5 and 1e7 Pa", mq)
    fq = FootprintQuery(label if label == "withdrawn" else battery.lower().replace(" ", ""),
                        str(ts), float(grid), radar, rt, mq)
    t = api.get_threat_set(fq.threat_set)
    work = fp.footprint_work(fq.grid_km, len(t.missiles) * len(t.launch_areas), 1)
    if work["seconds"] > MAX_REQUEST_SECONDS:
        raise ThaadsimError("grid_km", f"asks for too much work for the web map: "
                                       f"{work['cells']:,} cells x {work['pairs']} threats need "
                                       f"~{work['seconds']:.0f} s (limit "
                                       f"{MAX_REQUEST_SECONDS:.0f} s)", fq.grid_km,
                            "Use a coarser grid_km, or the command line.")
    return fq


@functools.lru_cache(maxsize=64)
def _footprint_result(fq: FootprintQuery) -> fp.FootprintResult:
    ts = api.get_threat_set(fq.threat_set)
    return fp.footprints([fq.batteries()], ts, fq.grid_km, [fq.battery])[0]


def footprint_result(fq: FootprintQuery) -> fp.FootprintResult:
    """The footprint of a request (cached: the same request twice is computed once)."""
    return _footprint_result(fq)


def _summary(r: fp.FootprintResult) -> dict:
    d = r.to_dict()
    return {"defended_fraction_of_south_korea": d["defended_fraction_of_south_korea"],
            "defended_fraction_sls": d["defended_fraction_sls"],
            "defended_area_km2": d["area_km2"], "defended_area_sls_km2": d["area_sls_km2"],
            "defended_population": d["defended_population"],
            "defended_population_sls": d["defended_population_sls"],
            "population_in_cities": d["population_in_cities"],
            "key_cities": d["key_cities"], "limiting_threats": d["limiting_threats"],
            "grid_km": r.grid_km, "threat_set": r.threat_set.name}


def footprint(q: Mapping[str, str]) -> dict:
    """``GET /api/footprint``: the defended area as GeoJSON with the summary numbers."""
    t0 = time.perf_counter()
    fq = footprint_query(q)
    r = footprint_result(fq)
    base = footprint_result(fq.baseline())
    feats = []
    for layer, sls in (("defended", False), ("defended_sls", True)):
        poly = r.polygon(sls)
        feats.append({"type": "Feature", "geometry": None if poly is None else
                      _mapping(poly), "properties": {"layer": layer}})
    for b in r.batteries:
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point",
                                   "coordinates": [b.site.lon_deg, b.site.lat_deg]},
                      "properties": {"layer": "battery", "name": b.name, "lat": b.site.lat_deg,
                                     "lon": b.site.lon_deg, "radar": b.radar.name}})
    now = {c["name"]: c for c in r.cities()}
    before = {c["name"]: c for c in base.cities()}
    for c in geo.cities():
        if c["country"] != "KR" or c["name"] not in now:
            continue
        s = now[c["name"]]
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [c["lon_deg"], c["lat_deg"]]},
                      "properties": {"layer": "city", "name": s["name"],
                                     "population": s["population"], "defended": s["defended"],
                                     "defended_sls": s["defended_sls"],
                                     "limiting_threats": s["limiting_threats"]}})
    summary = _summary(r)
    summary["elapsed_s"] = time.perf_counter() - t0
    summary["units"] = UNITS
    summary["sources"] = SOURCES
    bsum = _summary(base)
    gained = sorted((n for n in now if now[n]["defended"] and not before[n]["defended"]),
                    key=lambda n: -now[n]["population"])
    lost = sorted((n for n in now if before[n]["defended"] and not now[n]["defended"]),
                  key=lambda n: -now[n]["population"])
    bsum.update(cities_gained=gained, cities_lost=lost,
                delta_fraction=summary["defended_fraction_of_south_korea"]
                - bsum["defended_fraction_of_south_korea"],
                delta_population=summary["defended_population"] - bsum["defended_population"])
    return {"type": "FeatureCollection", "features": feats, "summary": summary,
            "baseline": bsum, "request": fq.to_query(), "public_estimates_only": True}


def _mapping(geom) -> dict:
    from shapely.geometry import mapping

    m = mapping(geom)
    return {"type": m["type"], "coordinates": _round(m["coordinates"])}


def _round(c, nd: int = 4):
    """GeoJSON coordinates (nested lists of numbers) rounded to ``nd`` decimals."""
    if not isinstance(c, (list, tuple)):
        raise TypeError(f"coordinates must be nested sequences, not {type(c).__name__}")
    if c and isinstance(c[0], (int, float)):
        return [round(float(x), nd) for x in c]
    return [_round(x, nd) for x in c]


BAND_SAMPLES = 8  # the web map's band: a quick look (the CLI's default is 64)
BAND_GRID_KM = 10.0


@functools.lru_cache(maxsize=32)
def _band(fq: FootprintQuery) -> dict:
    from thaadsim.analysis.uncertainty import footprint_uncertainty, is_fast, parameters_for

    bats = fq.batteries()
    ts = api.get_threat_set(fq.threat_set)
    # the parameters one kernel pass covers (those that change the flights need new
    # trajectories per sample: seconds each, too slow for a map)
    fast = [p.name for p in parameters_for("footprint") if is_fast(p)]
    d = footprint_uncertainty(bats[0], ts, BAND_GRID_KM, BAND_SAMPLES, seed=1,
                              parameters=fast).to_dict()
    return {"available": True,
            "defended_fraction_of_south_korea": d["defended_fraction_of_south_korea"],
            "defended_population": d["defended_population"],
            "probability_defended": d["probability_defended"],
            "samples": d["samples"], "seed": d["seed"], "grid_km": d["grid_km"],
            "parameters": [p["name"] for p in d["parameters"]],
            "source": "Latin-hypercube samples of the declared radar, site, battery and "
                      "interceptor parameters that need no new trajectories (thaadsim "
                      "uncertainty footprint varies all of them; data file uncertainty.toml)"}


def footprint_band(q: Mapping[str, str]) -> dict:
    """``GET /api/footprint_band``: the 5-50-95 % band of the defended share and population of a
    one-battery view over the declared uncertain parameters (``BAND_SAMPLES`` samples at
    ``BAND_GRID_KM``; ~1 s)."""
    fq = footprint_query(q)
    n = len(fq.batteries())
    if n != 1:
        return {"available": False,
                "reason": "bands are computed for one battery (this view has "
                          f"{n}); use 'thaadsim uncertainty footprint' per battery"}
    return dict(_band(dataclasses.replace(fq, grid_km=BAND_GRID_KM)), request=fq.to_query())


def footprint_kml(q: Mapping[str, str]) -> str:
    """``GET /api/footprint.kml``: the footprint layers and batteries as KML."""
    from thaadsim.io.kml import footprint_kml as to_kml

    fq = footprint_query(q)
    return to_kml(footprint_result(fq))


def scenario_toml(q: Mapping[str, str]) -> str:
    """``GET /api/scenario.toml``: a footprint scenario that reproduces the view in the CLI."""
    from thaadsim.io.scenario import footprint_scenario_toml

    fq = footprint_query(q)
    return footprint_scenario_toml(fq.batteries(), fq.threat_set, fq.grid_km,
                                   name="web-map view")


# ---- coverage and trajectory -----------------------------------------------------------------

def coverage(q: Mapping[str, str]) -> dict:
    """``GET /api/coverage``: where a target at one altitude is detected, per country."""
    site = _get(q, "site", "seongju")
    radar = _get(q, "radar", "tpy2-terminal")
    alt = number(q, "altitude_km", 100.0)
    rcs = number(q, "rcs_m2", 0.01)
    assert alt is not None and rcs is not None
    r = _coverage_cached(str(site).lower().replace(" ", ""), str(radar), float(alt), float(rcs))
    layer = r.layers[0]
    poly = r.polygons[0]
    names = {f["properties"]["iso_a3"]: f["properties"]["name"] for f in basemap()["features"]
             if "name" in f["properties"] and "iso_a3" in f["properties"]}
    countries = {iso: {"name": names.get(iso, iso), **v}
                 for iso, v in layer["countries"].items()}
    props = {k: v for k, v in layer.items() if k != "countries"}
    props["layer"] = "coverage"
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": props,
                          "geometry": None if poly is None else _mapping(poly)}],
            "summary": {"countries": countries, "radar": r.radar.name,
                        "site": {"name": r.site.name, "lat": r.site.lat_deg,
                                 "lon": r.site.lon_deg},
                        "rcs_m2": r.rcs_m2, "altitude_km": alt,
                        "detection_range_km": float(r.radar.detection_range_m(r.rcs_m2)) / 1e3},
            "request": {"site": site, "radar": radar, "altitude_km": f"{alt:g}",
                        "rcs_m2": f"{rcs:g}"}, "public_estimates_only": True}


WATCH_OBJECTS = ("rv", "booster")


def watch(q: Mapping[str, str]) -> dict:
    """``GET /api/watch``: which flights of a set with targets a radar holds in firm track, and
    what it adds to the forward-based radars in Japan; GeoJSON of the flights and of each
    radar's firm-track segments, with the summary."""
    ts = _get(q, "threat_set", "cn-icbm")
    site = _get(q, "site", "seongju")
    radar = _get(q, "radar", "tpy2-forward")
    obj = _get(q, "object", "rv")
    if obj not in WATCH_OBJECTS:
        raise ThaadsimError("object", f"must be one of {', '.join(WATCH_OBJECTS)}", obj)
    try:
        r = _watch_cached(str(ts), str(site).lower().replace(" ", ""), str(radar), str(obj))
    except ThaadsimError as e:  # the API names the command's options: name the query's
        names = {"--threat-set": "threat_set", "--site": "site", "--radar": "radar",
                 "--object": "object"}
        if e.parameter in names:
            raise ThaadsimError(names[e.parameter], e.rule, e.value) from None
        raise
    gj = r.to_geojson()
    gj["summary"] = gj["properties"]["summary"]
    gj["request"] = {"threat_set": ts, "site": site, "radar": radar, "object": obj}
    gj["public_estimates_only"] = True
    return gj


@functools.lru_cache(maxsize=16)
def _watch_cached(ts: str, site: str, radar: str, obj: str):
    return api.watch(ts, site, radar, obj=obj)


@functools.lru_cache(maxsize=64)
def _coverage_cached(site: str, radar: str, alt: float, rcs: float):
    return api.coverage(radar, site, [alt], rcs)


def trajectory(q: Mapping[str, str]) -> dict:
    """``GET /api/trajectory``: an aimed missile's path as a LineString with altitude."""
    missile = _get(q, "missile")
    if missile is None:
        raise ThaadsimError("missile", "is required (a missile preset)", "")
    frm = _get(q, "from")
    to = _get(q, "to")
    if frm is None:
        raise ThaadsimError("from", "is required (LAT,LON)", "")
    if to is None:
        raise ThaadsimError("to", "is required (LAT,LON)", "")
    apo = number(q, "apogee_km", None)
    f = api.aim(missile, frm, to, apogee_km=apo, history_dt_s=5.0)
    df = f.to_dataframe()
    coords = [[round(float(lo), 4), round(float(la), 4), round(float(al) * 1e3, 0)]
              for lo, la, al in zip(df["lon_deg"], df["lat_deg"], df["alt_km"], strict=True)]
    d = f.to_dict()
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {"missile": f.missile.name, "range_km": d.get("range_km"),
                           "apogee_km": d.get("apogee_km"),
                           "flight_time_s": d.get("flight_time_s"),
                           "miss_distance_m": f.miss_m}}


def warm_up() -> None:
    """Compute the default view once (kernels compiled, families and geometry cached)."""
    footprint({})
    footprint_band({})
