"""Shipped geography (countries, cities) and equal-area projections; offline only."""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from importlib import resources

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape


@lru_cache(maxsize=1)
def countries() -> dict[str, shapely.Geometry]:
    """Country outlines: ISO alpha-3 code to shapely geometry (lon/lat deg).

    Natural Earth 1:10m, simplified; read once from the shipped ``countries.geojson``.
    """
    doc = json.loads(resources.files("thaadsim.data").joinpath("countries.geojson").read_text())
    return {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in doc["features"]}


@lru_cache(maxsize=1)
def cities() -> list[dict]:
    """GeoNames cities with a population of 100,000 or more in KR, KP, JP and CN.

    Returns
    -------
    list of dict
        ``name``, ``country`` (ISO alpha-2), ``lat_deg``, ``lon_deg`` (deg), ``population``.
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
    crs = f"+proj=laea +lat_0={lat0_deg} +lon_0={lon0_deg} +datum=WGS84 +units=m +no_defs"
    return (Transformer.from_crs("EPSG:4326", crs, always_xy=True),
            Transformer.from_crs(crs, "EPSG:4326", always_xy=True))


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
    fwd, _ = laea(lat0_deg, lon0_deg)
    return {iso: project(g, fwd) for iso, g in countries().items()}


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
