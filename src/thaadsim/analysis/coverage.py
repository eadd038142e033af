"""Radar coverage: where a target of a given altitude and RCS is detectable, why the reach ends,
and how much of each country it covers.

For one altitude the detectable ground set is an annular sector around the radar: ground range
between g_min (maximum-elevation limit) and g_max = min(horizon, elevation floor, instrumented
range, power), azimuth within the face's sector. Polygons are built along geodesics and measured
in a Lambert azimuthal equal-area projection centred on the radar.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Geod
from scipy.spatial import cKDTree
from shapely.geometry import Polygon, mapping

from thaadsim import geo
from thaadsim.errors import ThaadsimError
from thaadsim.limits import BOUNDS, check
from thaadsim.sensors.geometry import (
    ground_range_at_slant,
    slant_range_elevation,
)
from thaadsim.sensors.radar import Radar, elevation_floor_deg
from thaadsim.sensors.site import Site

GEOD = Geod(ellps="WGS84")
MAX_ALT_KM = BOUNDS["altitude_km"].hi


@dataclasses.dataclass(frozen=True)
class Limits:
    """The ground-range band of one altitude in which a target is detectable, and what ends it.

    Attributes
    ----------
    altitude_m : float
        Target altitude (m).
    g_min_m : float
        Nearest detectable ground range (m): the beam ceiling; 0 for a ceiling of 90 deg.
    g_max_m : float
        Farthest detectable ground range (m); -1 when no range is detectable.
    limited_by : str
        The constraint that sets ``g_max_m``: ``horizon``, ``elevation``,
        ``instrumented_range`` or ``power``.
    candidates_m : dict
        Ground range (m) each constraint allows; NaN where it can never be met.
    max_slant_m : float
        Slant range at ``g_max_m`` (m); NaN when nothing is detectable.
    refraction_model : str
        The refraction model used at this altitude: ``"4/3"`` (effective Earth) or ``"crpl"``
        (ray trace through the CRPL exponential reference atmosphere); see ``Radar.refraction``.
    """
    altitude_m: float
    g_min_m: float
    g_max_m: float
    limited_by: str
    candidates_m: dict
    max_slant_m: float
    refraction_model: str = "4/3"


def limits(radar: Radar, site: Site, altitude_m: float, rcs_m2: float,
           min_elevation_deg: float) -> Limits:
    """Ground-range band in which a target is detectable, and what ends it.

    Parameters
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site (antenna height).
    altitude_m : float
        Target altitude (m).
    rcs_m2 : float
        Radar cross-section (m^2).
    min_elevation_deg : float
        Beam floor (deg).

    Returns
    -------
    Limits
        The band and its limiting constraint.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., 2001: eq. 2.63 and sec. 8.2; refraction
    as in ``Radar.reach``.
    """
    hr = site.antenna_height_m
    rc = radar.reach(altitude_m, hr, min_elevation_deg)
    k = float(rc.slant_k)
    cand = {
        "horizon": float(rc.horizon_m),
        "elevation": float(rc.floor_m),
        "instrumented_range": float(ground_range_at_slant(radar.instrumented_range_km * 1e3,
                                                          altitude_m, hr, k)),
        "power": float(ground_range_at_slant(radar.detection_range_m(rcs_m2), altitude_m, hr, k)),
    }
    # NaN: the constraint can never be met at this altitude (e.g. the target is higher than the
    # detection range): no coverage, limited by that constraint
    vals = {n: (-1.0 if not math.isfinite(v) else v) for n, v in cand.items()}
    name = min(vals, key=lambda n: vals[n])
    gmax = max(vals[name], 0.0) if vals[name] >= 0 else -1.0
    gmin = 0.0
    if radar.max_elevation_deg < 90.0:
        gmin = float(np.nan_to_num(rc.ceiling_m, nan=0.0))
    slant = float(slant_range_elevation(max(gmax, 0.0), altitude_m, hr, k)[0]) if gmax >= 0 \
        else float("nan")
    return Limits(altitude_m, gmin, gmax, name, cand, slant, str(rc.model))


def sector_polygon(site: Site, boresight_az_deg: float, half_width_deg: float, g_min_m: float,
                   g_max_m: float, step_deg: float = 0.5) -> Polygon | None:
    """Lon/lat polygon of the annular sector a radar face covers.

    Built along WGS84 geodesics from the site.

    Parameters
    ----------
    site : Site
        The radar's site.
    boresight_az_deg : float
        Face azimuth, clockwise from north (deg).
    half_width_deg : float
        Half-width of the sector (deg); 180 or more for a full circle.
    g_min_m, g_max_m : float
        Inner and outer ground range (m).
    step_deg : float, optional
        Azimuth step of the outline (deg); default 0.5.

    Returns
    -------
    shapely.Polygon or None
        The sector (lon/lat deg); None if empty.
    """
    if g_max_m <= g_min_m or g_max_m <= 0:
        return None
    full = half_width_deg >= 180.0
    if full:
        az = np.arange(0.0, 360.0, step_deg)
    else:
        n = max(int(2 * half_width_deg / step_deg), 2) + 1
        az = boresight_az_deg + np.linspace(-half_width_deg, half_width_deg, n)
    lon_o, lat_o, _ = GEOD.fwd(np.full(az.size, site.lon_deg), np.full(az.size, site.lat_deg),
                               az, np.full(az.size, g_max_m))
    outer = list(zip(lon_o, lat_o, strict=True))
    if g_min_m > 0:
        lon_i, lat_i, _ = GEOD.fwd(np.full(az.size, site.lon_deg),
                                   np.full(az.size, site.lat_deg), az, np.full(az.size, g_min_m))
        inner = list(zip(lon_i, lat_i, strict=True))
        if full:
            return Polygon(outer, [inner[::-1]])
        return Polygon(outer + inner[::-1])
    if full:
        return Polygon(outer)
    return Polygon([(site.lon_deg, site.lat_deg)] + outer)


def _country_stats(poly_ll, site: Site, only: tuple[str, ...] | None = None,
                   depth_spacing_m: float = 5000.0) -> dict:
    fwd, _ = geo.laea(site.lat_deg, site.lon_deg)
    out = {}
    cov = geo.project(poly_ll, fwd) if poly_ll is not None else None
    for iso in geo.countries() if only is None else only:
        cp = geo.country_projected(site.lat_deg, site.lon_deg, iso)
        if cov is None:
            out[iso] = {"area_km2": 0.0, "max_depth_km": 0.0}
            continue
        inter = cov.intersection(cp)
        area = inter.area / 1e6
        depth = 0.0
        if area > 0:
            depth = _max_depth_m(inter, _boundary_tree(site.lat_deg, site.lon_deg, iso),
                                 depth_spacing_m) / 1e3
        out[iso] = {"area_km2": float(area), "max_depth_km": float(depth)}
        if iso in ISO2:
            out[iso].update(_named_in_view(inter if area > 0 else None, fwd, ISO2[iso]))
    return out


ISO2 = {"KOR": "KR", "PRK": "KP", "CHN": "CN", "JPN": "JP"}  # countries of the shipped cities
NAMED_CITIES = 8  # largest cities in view named per country and altitude


def _named_in_view(region, fwd, cc: str) -> dict:
    """The shipped cities (GeoNames, >= 100,000 people) of country ``cc`` inside ``region``
    (projected), to name what a radar sees: the largest ones, and their regions (provinces,
    do, prefectures) ordered by the population in view."""
    if region is None:
        return {"cities_in_view": [], "regions_in_view": [], "city_population_in_view": 0}
    rows = [c for c in geo.cities() if c["country"] == cc]
    x, y = fwd.transform([c["lon_deg"] for c in rows], [c["lat_deg"] for c in rows])
    inside = shapely.contains_xy(region, np.asarray(x), np.asarray(y))
    seen = sorted((c for c, ok in zip(rows, inside, strict=True) if ok),
                  key=lambda c: -c["population"])
    by_region: dict[str, int] = {}
    for c in seen:
        if c.get("region"):
            by_region[c["region"]] = by_region.get(c["region"], 0) + c["population"]
    return {"cities_in_view": [c["name"] for c in seen[:NAMED_CITIES]],
            "regions_in_view": sorted(by_region, key=lambda r: -by_region[r]),
            "city_population_in_view": int(sum(c["population"] for c in seen))}


@lru_cache(maxsize=64)
def _boundary_tree(lat0: float, lon0: float, iso: str) -> cKDTree:
    """KD-tree of a country's boundary densified to 1 km (distances good to ~0.1 km)."""
    b = geo.country_projected(lat0, lon0, iso).boundary
    return cKDTree(shapely.get_coordinates(shapely.segmentize(b, 1000.0)))


def _max_depth_m(region, tree: cKDTree, spacing_m: float = 5000.0) -> float:
    """Largest distance from the country boundary (``tree``) of the points of ``region``,
    sampled on a grid."""
    minx, miny, maxx, maxy = region.bounds
    nx = max(int((maxx - minx) / spacing_m), 1) + 1
    ny = max(int((maxy - miny) / spacing_m), 1) + 1
    while nx * ny > 400_000:
        spacing_m *= 1.5
        nx = max(int((maxx - minx) / spacing_m), 1) + 1
        ny = max(int((maxy - miny) / spacing_m), 1) + 1
    xs, ys = np.meshgrid(np.linspace(minx, maxx, nx), np.linspace(miny, maxy, ny))
    inside = shapely.contains_xy(region, xs.ravel(), ys.ravel())
    if not inside.any():
        # a sliver: use its representative point
        p = region.representative_point()
        return float(tree.query([p.x, p.y])[0])
    d, _ = tree.query(np.column_stack([xs.ravel()[inside], ys.ravel()[inside]]), workers=-1)
    return float(np.max(d))


@dataclasses.dataclass(frozen=True, repr=False)
class CoverageResult:
    """Coverage of one radar at one site against one RCS, per altitude.

    Attributes
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site.
    rcs_m2 : float
        Radar cross-section (m^2).
    min_elevation_deg : float
        Beam floor used (deg).
    boresight_az_deg : float
        Face azimuth used (deg).
    layers : list of dict
        Per altitude: ``altitude_km``, ground ranges and maximum slant range (km), ``area_km2``,
        ``limited_by``, ``refraction_model`` (``Limits.refraction_model``), ``range_limits_km``
        and, per country (ISO alpha-3), ``area_km2``,
        ``max_depth_km`` and, when not covered, ``limited_by``.
    polygons : list
        Per altitude, the detectable region (lon/lat shapely polygon) or None.
    """

    radar: Radar
    site: Site
    rcs_m2: float
    min_elevation_deg: float
    boresight_az_deg: float
    layers: list[dict]
    polygons: list

    def to_dict(self) -> dict:
        """Radar, site and layers, units in the keys (JSON-ready, no rounding).

        Returns
        -------
        dict
            ``radar`` (detection range km, losses dB, sector deg), ``site`` (deg, m), ``rcs_m2``,
            ``site_defaults_applied``, ``layers`` and ``assumptions``.
        """
        r = self.radar
        return {
            "radar": {"name": r.name, "description": r.description,
                      "detection_range_km": float(r.detection_range_m(self.rcs_m2)) / 1e3,
                      "losses_db": r.loss_db,
                "half_width_deg": r.half_width_deg, "boresight_az_deg": self.boresight_az_deg,
                "min_elevation_deg": self.min_elevation_deg,
                "instrumented_range_km": r.instrumented_range_km,
                "refraction": r.refraction, "refraction_k": r.refraction_k},
            "site": {"name": self.site.name, "lat_deg": self.site.lat_deg,
                     "lon_deg": self.site.lon_deg, "height_m": self.site.height_m,
                     "mast_height_m": self.site.mast_height_m},
            "rcs_m2": self.rcs_m2,
            "site_defaults_applied": list(self.site.defaults_applied),
            "layers": self.layers,
            "assumptions": r.refraction_note + ", no terrain masking, search-mode radar "
                           "equation calibrated to published ranges; presets are public "
                           "estimates",
        }

    def __repr__(self) -> str:
        alts = ", ".join(f"{la['altitude_km']:g}" for la in self.layers)
        chn = max((la["countries"].get("CHN", {}).get("area_km2", 0.0) for la in self.layers),
                  default=0.0)
        return (f"<CoverageResult {self.radar.name} at {self.site.name}, RCS {self.rcs_m2:g} m2,"
                f" altitudes [{alts}] km; China up to {chn:,.0f} km2>")

    def countries_seen(self) -> list[str]:
        """Countries with covered area at some altitude, largest first.

        Returns
        -------
        list of str
            ISO alpha-3 codes, by largest covered area (km^2) over the altitudes.
        """
        best: dict[str, float] = {}
        for la in self.layers:
            for iso, c in la["countries"].items():
                best[iso] = max(best.get(iso, 0.0), c.get("area_km2") or 0.0)
        return [k for k, v in sorted(best.items(), key=lambda kv: -kv[1]) if v > 0]

    def to_dataframe(self):
        """The per-country statistics as a table, one row per (altitude, country).

        Returns
        -------
        pandas.DataFrame
            Columns ``altitude_km``, ``country`` (ISO alpha-3), ``area_km2``, ``max_depth_km``,
            ``limited_by``, ``refraction_model``.
        """
        import pandas as pd

        rows = []
        for la in self.layers:
            for iso, c in la["countries"].items():
                rows.append({"altitude_km": la["altitude_km"], "country": iso,
                             "area_km2": c.get("area_km2"), "max_depth_km": c.get("max_depth_km"),
                             "limited_by": c.get("limited_by", la["limited_by"]),
                             "refraction_model": la["refraction_model"]})
        return pd.DataFrame(rows, columns=["altitude_km", "country", "area_km2", "max_depth_km",
                                           "limited_by", "refraction_model"])

    def to_geojson(self) -> dict:
        """The layers as a GeoJSON FeatureCollection.

        Returns
        -------
        dict
            One feature per altitude (lon/lat polygon, null when empty) with the layer's numbers as
            properties; the collection's properties are those of ``to_dict`` but the layers.
        """
        feats = []
        for layer, poly in zip(self.layers, self.polygons, strict=True):
            props = {k: v for k, v in layer.items() if k != "countries"}
            props["countries"] = layer["countries"]
            feats.append({"type": "Feature", "properties": props,
                          "geometry": mapping(poly) if poly is not None else None})
        d = self.to_dict()
        return {"type": "FeatureCollection",
                "properties": {k: v for k, v in d.items() if k != "layers"},
                "features": feats}


MAX_SITE_LAT_DEG = 89.9  # as for launch points (api.launch)


def coverage(radar: Radar, site: Site, altitudes_km, rcs_m2: float, *,
             min_elevation_deg: float | None = None, boresight_az_deg: float | None = None,
             countries: bool | tuple[str, ...] = True, depth_spacing_km: float = 5.0,
             progress=None) -> CoverageResult:
    """Radar coverage: where a target is detectable at each altitude, and per country.

    Per altitude: the annular-sector polygon, its limiting constraint, and per-country area and
    depth (in a Lambert azimuthal equal-area projection centred on the radar).

    Parameters
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site.
    altitudes_km : sequence of float
        Target altitudes (km), each in [0, 5000]; at least one.
    rcs_m2 : float
        Radar cross-section (m^2), in [1e-5, 1000].
    min_elevation_deg : float, optional
        Beam floor (deg); default: the site's, else the radar's.
    boresight_az_deg : float, optional
        Face azimuth, clockwise from north (deg), in [-360, 360]; default: the site's.
    countries : bool or tuple of str, optional
        Compute the per-country statistics (default True: every country of the basemap); a
        tuple of ISO 3166 alpha-3 codes computes those only (an uncertainty sweep that needs
        China's area skips the rest).
    depth_spacing_km : float, optional
        Spacing of the points whose distance from the border gives a country's greatest depth
        in view (km); default 5 (depth to ~4 km). Uncertainty sweeps use a coarser one.
    progress : callable, optional
        ``progress(text, done, total)``, called per altitude.

    Returns
    -------
    CoverageResult
        Layers and polygons.

    Raises
    ------
    ThaadsimError
        An empty altitude list or a value outside its bounds.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., 2001: eq. 2.63 and sec. 8.2.
    """
    rcs = check("rcs_m2", rcs_m2, "rcs_m2")
    if abs(site.lat_deg) > MAX_SITE_LAT_DEG:
        raise ThaadsimError("site latitude", f"must be within {MAX_SITE_LAT_DEG:g} deg of the "
                                             "equator for a coverage map (its longitude-latitude "
                                             "polygons degenerate at the pole)", site.lat_deg)
    alts = [check("altitude_km", a, "altitude_km") for a in altitudes_km]
    if not alts:
        raise ThaadsimError("altitude_km", "must list at least one altitude", altitudes_km)
    if len(alts) > BOUNDS["altitudes_count"].hi:
        raise ThaadsimError("altitude_km", f"must list at most "
                                           f"{int(BOUNDS['altitudes_count'].hi)} altitudes",
                            altitudes_km)
    emin = elevation_floor_deg(radar, site, min_elevation_deg)
    az0 = site.boresight_az_deg if boresight_az_deg is None else \
        check("azimuth_deg", boresight_az_deg, "azimuth_deg")
    layers, polys = [], []
    for i, alt_km in enumerate(alts):
        if progress:
            progress(f"{alt_km:g} km", i, len(alts))
        lim = limits(radar, site, alt_km * 1e3, rcs, emin)
        poly = sector_polygon(site, az0, radar.half_width_deg, lim.g_min_m, lim.g_max_m)
        fwd, _ = geo.laea(site.lat_deg, site.lon_deg)
        area = geo.project(poly, fwd).area / 1e6 if poly is not None else 0.0
        layer = {
            "altitude_km": alt_km,
            "max_ground_range_km": max(lim.g_max_m, 0.0) / 1e3,
            "min_ground_range_km": lim.g_min_m / 1e3,
            "max_slant_range_km": None if not math.isfinite(lim.max_slant_m)
            else lim.max_slant_m / 1e3,
            "area_km2": float(area),
            "limited_by": lim.limited_by,
            "refraction_model": lim.refraction_model,
            "range_limits_km": {k: (None if not math.isfinite(v) else v / 1e3)
                                for k, v in lim.candidates_m.items()},
        }
        if countries is not False:
            only = None if countries is True else tuple(countries)
            cs = _country_stats(poly, site, only, depth_spacing_km * 1e3)
            # a country beyond the reach, or outside the face's sector
            for iso, st in cs.items():
                if st["area_km2"] == 0.0:
                    st["limited_by"] = _country_limit(site, iso, lim, az0, radar.half_width_deg)
            layer["countries"] = cs
        else:
            layer["countries"] = {}
        layers.append(layer)
        polys.append(poly)
    return CoverageResult(radar, site, rcs, emin, az0, layers, polys)


def _country_limit(site, iso, lim: Limits, az0, half_width) -> str:
    """Why a country is not covered: its nearest point lies beyond g_max (the range limiter) or
    only outside the sector."""
    gp = geo.country_projected(site.lat_deg, site.lon_deg, iso)
    disk = shapely.Point(0, 0).buffer(max(lim.g_max_m, 1.0), 256)
    if not gp.intersects(disk):
        return lim.limited_by
    return "sector" if half_width < 180 else lim.limited_by


def coverage_grid(radar: Radar, site: Site, altitudes_km, rcs_m2: float, lat_deg, lon_deg, *,
                  min_elevation_deg: float | None = None,
                  boresight_az_deg: float | None = None) -> np.ndarray:
    """Detectability on a lat/lon grid, one layer per altitude.

    Parameters
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site.
    altitudes_km : sequence of float
        Target altitudes (km).
    rcs_m2 : float
        Radar cross-section (m^2).
    lat_deg, lon_deg : array_like
        Grid points (deg); broadcast together.
    min_elevation_deg : float, optional
        Beam floor (deg); default: the site's, else the radar's.
    boresight_az_deg : float, optional
        Face azimuth (deg); default: the site's.

    Returns
    -------
    ndarray of bool, shape (n_alt,) + broadcast shape
        Whether a target at each altitude above each point is detectable (great-circle
        distance on the mean sphere).
    """
    lat, lon = np.broadcast_arrays(np.asarray(lat_deg, float), np.asarray(lon_deg, float))
    emin = elevation_floor_deg(radar, site, min_elevation_deg)
    az0 = site.boresight_az_deg if boresight_az_deg is None else boresight_az_deg
    la0, lo0 = math.radians(site.lat_deg), math.radians(site.lon_deg)
    la, lo = np.radians(lat), np.radians(lon)
    from thaadsim.geo import gc_azimuth, gc_distance_m

    g = gc_distance_m(la0, lo0, la, lo)
    az = np.degrees(gc_azimuth(la0, lo0, la, lo))
    daz = np.abs((az - az0 + 180.0) % 360.0 - 180.0)
    in_sector = daz <= radar.half_width_deg
    out = np.zeros((len(altitudes_km),) + lat.shape, dtype=bool)
    for i, a in enumerate(altitudes_km):
        lim = limits(radar, site, a * 1e3, rcs_m2, emin)
        out[i] = in_sector & (g <= lim.g_max_m) & (g >= lim.g_min_m)
    return out
