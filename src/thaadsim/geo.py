"""Geography: great circles on a sphere, equal-area projections, and the shipped countries and
cities (offline only)."""

from __future__ import annotations

import csv
import json
import threading
from functools import lru_cache
from importlib import resources

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from thaadsim.core import earth as E


@lru_cache(maxsize=1)
def countries() -> dict[str, shapely.Geometry]:
    """Country outlines: ISO alpha-3 code to shapely geometry (lon/lat deg).

    Natural Earth 1:10m, simplified; read once from the shipped ``countries.geojson``.
    """
    doc = json.loads(resources.files("thaadsim.data").joinpath("countries.geojson").read_text())
    return {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in doc["features"]}


@lru_cache(maxsize=1)
def world() -> dict[str, shapely.Geometry]:
    """Every country, coarsely (Natural Earth 1:10m simplified to ~12 km; lon/lat deg): the
    background of maps beyond East Asia. ISO alpha-3 code to geometry."""
    doc = json.loads(resources.files("thaadsim.data").joinpath("world.geojson").read_text())
    return {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in doc["features"]}


@lru_cache(maxsize=1)
def cities() -> list[dict]:
    """GeoNames cities with a population of 100,000 or more in KR, KP, JP and CN.

    Returns
    -------
    list of dict
        ``name``, ``country`` (ISO alpha-2), ``lat_deg``, ``lon_deg`` (deg), ``population``,
        ``region`` (GeoNames first-level division: province, do, prefecture; empty if unknown).
    """
    text = resources.files("thaadsim.data").joinpath("cities.csv").read_text()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    for r in rows:
        r["lat_deg"] = float(r["lat_deg"])
        r["lon_deg"] = float(r["lon_deg"])
        r["population"] = int(r["population"])
    return rows


def laea(lat0_deg: float, lon0_deg: float) -> tuple[Transformer, Transformer]:
    """Lambert azimuthal equal-area projection centred on a point.

    Parameters
    ----------
    lat0_deg, lon0_deg : float
        Centre of the projection (deg).

    Returns
    -------
    forward, inverse : pyproj.Transformer
        lon/lat (deg) to x/y (m), and back (``always_xy``).
    """
    key = (float(lat0_deg), float(lon0_deg))
    cache = _laea_cache.__dict__.setdefault("by_centre", {})
    if key not in cache:  # creating them costs ~10 ms; pyproj objects stay in their thread
        crs = f"+proj=laea +lat_0={lat0_deg} +lon_0={lon0_deg} +datum=WGS84 +units=m +no_defs"
        if len(cache) > 64:
            cache.clear()
        cache[key] = (Transformer.from_crs("EPSG:4326", crs, always_xy=True),
                      Transformer.from_crs(crs, "EPSG:4326", always_xy=True))
    return cache[key]


_laea_cache = threading.local()  # per thread: pyproj transformers are not shared across threads


@lru_cache(maxsize=16)
def countries_projected(lat0_deg: float, lon0_deg: float) -> dict[str, shapely.Geometry]:
    """Country outlines in the equal-area projection centred on a point (cached per centre).

    Parameters
    ----------
    lat0_deg, lon0_deg : float
        Centre of the projection (deg).

    Returns
    -------
    dict
        ISO alpha-3 code to shapely geometry (x/y m).
    """
    return {iso: country_projected(lat0_deg, lon0_deg, iso) for iso in countries()}


@lru_cache(maxsize=256)
def country_projected(lat0_deg: float, lon0_deg: float, iso: str) -> shapely.Geometry:
    """One country's outline in the equal-area projection centred on a point (cached; a sweep
    that moves the centre and needs one country projects only that one).

    Parameters
    ----------
    lat0_deg, lon0_deg : float
        Centre of the projection (deg).
    iso : str
        ISO alpha-3 code of a basemap country.

    Returns
    -------
    shapely geometry
        The outline (x/y m).
    """
    fwd, _ = laea(lat0_deg, lon0_deg)
    return project(countries()[iso], fwd)


def project(geom, fwd: Transformer):
    """Transform a shapely geometry point by point.

    Parameters
    ----------
    geom : shapely geometry
        The geometry.
    fwd : pyproj.Transformer
        The transformation (e.g. from ``laea``).

    Returns
    -------
    shapely geometry
        The transformed geometry.
    """
    return shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))


# ---- great circles (spherical Earth, radians) ------------------------------------------------

def gc_distance_m(lat1_rad, lon1_rad, lat2_rad, lon2_rad, r_m: float = E.R_MEAN_M):
    """Great-circle distance on a sphere (haversine formula).

    Parameters
    ----------
    lat1_rad, lon1_rad : array_like
        First point (rad).
    lat2_rad, lon2_rad : array_like
        Second point (rad); all four broadcast.
    r_m : float, optional
        Radius of the sphere (m); default the IUGG mean radius ``E.R_MEAN_M``.

    Returns
    -------
    ndarray or float
        Distance along the surface (m).
    """
    dlat = lat2_rad - lat1_rad
    dlon = lon2_rad - lon1_rad
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1_rad) * np.cos(lat2_rad) * np.sin(dlon / 2) ** 2
    return 2.0 * r_m * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def gc_azimuth(lat1_rad, lon1_rad, lat2_rad, lon2_rad):
    """Initial great-circle azimuth from point 1 to point 2.

    Parameters
    ----------
    lat1_rad, lon1_rad : array_like
        Start point (rad).
    lat2_rad, lon2_rad : array_like
        End point (rad); all four broadcast.

    Returns
    -------
    ndarray or float
        Azimuth at the start point (rad, clockwise from north, in [-pi, pi]).
    """
    dlon = lon2_rad - lon1_rad
    y = np.sin(dlon) * np.cos(lat2_rad)
    x = np.cos(lat1_rad) * np.sin(lat2_rad) - np.sin(lat1_rad) * np.cos(lat2_rad) * np.cos(dlon)
    return np.arctan2(y, x)


def gc_destination(lat_rad, lon_rad, az_rad, dist_m, r_m: float = E.R_MEAN_M):
    """Point reached along a great circle from a start point, azimuth and distance.

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Start point (rad).
    az_rad : array_like
        Initial azimuth (rad, clockwise from north).
    dist_m : array_like
        Distance along the surface (m); all inputs broadcast.
    r_m : float, optional
        Radius of the sphere (m); default the IUGG mean radius ``E.R_MEAN_M``.

    Returns
    -------
    lat2, lon2 : ndarray or float
        End point (rad); longitude wrapped to [-pi, pi).
    """
    d = np.asarray(dist_m, float) / r_m
    sl, cl = np.sin(lat_rad), np.cos(lat_rad)
    lat2 = np.arcsin(sl * np.cos(d) + cl * np.sin(d) * np.cos(az_rad))
    lon2 = lon_rad + np.arctan2(np.sin(az_rad) * np.sin(d) * cl, np.cos(d) - sl * np.sin(lat2))
    return lat2, (lon2 + np.pi) % (2 * np.pi) - np.pi
