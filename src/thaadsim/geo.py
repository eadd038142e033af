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
    """ISO alpha-3 -> shapely geometry (lon/lat degrees), Natural Earth 1:10m, simplified."""
    doc = json.loads(resources.files("thaadsim.data").joinpath("countries.geojson").read_text())
    return {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in doc["features"]}


@lru_cache(maxsize=1)
def cities() -> list[dict]:
    """GeoNames cities (population >= 100,000) of KR, KP, JP, CN."""
    text = resources.files("thaadsim.data").joinpath("cities.csv").read_text()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    for r in rows:
        r["lat_deg"] = float(r["lat_deg"])
        r["lon_deg"] = float(r["lon_deg"])
        r["population"] = int(r["population"])
    return rows


def laea(lat0_deg: float, lon0_deg: float) -> tuple[Transformer, Transformer]:
    """Forward (lon/lat -> x/y m) and inverse Lambert azimuthal equal-area transformers."""
    crs = f"+proj=laea +lat_0={lat0_deg} +lon_0={lon0_deg} +datum=WGS84 +units=m +no_defs"
    return (Transformer.from_crs("EPSG:4326", crs, always_xy=True),
            Transformer.from_crs(crs, "EPSG:4326", always_xy=True))


@lru_cache(maxsize=16)
def countries_projected(lat0_deg: float, lon0_deg: float) -> dict[str, shapely.Geometry]:
    """Countries in the equal-area projection centred at (lat0, lon0), cached per centre."""
    fwd, _ = laea(lat0_deg, lon0_deg)
    return {iso: project(g, fwd) for iso, g in countries().items()}


def project(geom, fwd: Transformer):
    return shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
