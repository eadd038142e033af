"""KML for Google Earth (simplekml): footprints, coverage layers and trajectories with altitude.

Polygons are written as lon/lat rings on the ground; trajectories as absolute-altitude lines.
Every document says that its values are public estimates.
"""

from __future__ import annotations

import simplekml

NOTE = "thaadsim: public estimates only (analysis and teaching tool)"
_STYLE = {"defended": ("7f1f77b4", "ff1f77b4"), "defended_sls": ("7f2ca02c", "ff2ca02c"),
          "coverage": ("4dd62728", "ffd62728")}  # aabbggrr fill, line


def _polygons(geom):
    """The exterior/interior rings of a shapely (Multi)Polygon, one tuple per polygon."""
    if geom is None or geom.is_empty:
        return []
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    return [(list(p.exterior.coords), [list(r.coords) for r in p.interiors]) for p in polys]


def _add_polygon(folder, name: str, geom, style: str, description: str = "") -> None:
    fill, line = _STYLE[style]
    for i, (outer, inner) in enumerate(_polygons(geom)):
        pol = folder.newpolygon(name=name if i == 0 else f"{name} ({i + 1})",
                                outerboundaryis=outer, innerboundaryis=inner,
                                description=description)
        pol.style.polystyle.color = fill
        pol.style.linestyle.color = line
        pol.style.linestyle.width = 1.5


def footprint_kml(*results) -> str:
    """KML of one or more ``FootprintResult``: defended and shoot-look-shoot areas, batteries.

    Parameters
    ----------
    *results : FootprintResult
        The footprints (one folder each).

    Returns
    -------
    str
        The KML document.
    """
    kml = simplekml.Kml(name="thaadsim footprint", description=NOTE)
    for r in results:
        d = r.to_dict()
        f = kml.newfolder(name=f"{r.label} vs {r.threat_set.name} ({r.grid_km:g} km grid)")
        desc = (f"{100 * d['defended_fraction_of_south_korea']:.1f} % of South Korea, "
                f"{d['area_km2']:,.0f} km2; {NOTE}")
        _add_polygon(f, "defended (>= 1 intercept opportunity)", r.polygon(False), "defended",
                     desc)
        _add_polygon(f, "shoot-look-shoot (>= 2)", r.polygon(True), "defended_sls",
                     f"{100 * d['defended_fraction_sls']:.1f} % of South Korea; {NOTE}")
        for b in r.batteries:
            f.newpoint(name=b.name, coords=[(b.site.lon_deg, b.site.lat_deg)],
                       description=f"THAAD battery, {b.radar.name}; {NOTE}")
    return kml.kml()


def coverage_kml(result) -> str:
    """KML of a ``CoverageResult``: one polygon per altitude.

    Parameters
    ----------
    result : CoverageResult
        The coverage.

    Returns
    -------
    str
        The KML document.
    """
    kml = simplekml.Kml(name=f"thaadsim coverage: {result.radar.name} at {result.site.name}",
                        description=NOTE)
    for layer, poly in zip(result.layers, result.polygons, strict=True):
        f = kml.newfolder(name=f"{layer['altitude_km']:g} km altitude")
        _add_polygon(f, f"detected at {layer['altitude_km']:g} km (RCS {result.rcs_m2:g} m2)",
                     poly, "coverage", f"area {layer['area_km2']:,.0f} km2; {NOTE}")
    kml.newpoint(name=result.site.name, coords=[(result.site.lon_deg, result.site.lat_deg)])
    return kml.kml()


def trajectories_kml(tracks: list[tuple[str, list[tuple[float, float, float]]]],
                     name: str = "thaadsim trajectories") -> str:
    """KML of trajectories: ``(label, [(lon_deg, lat_deg, alt_m), ...])`` each, absolute altitude.

    Parameters
    ----------
    tracks : list of (str, list of (float, float, float))
        Label and points (deg, deg, m) of each trajectory.
    name : str, optional
        Document name.

    Returns
    -------
    str
        The KML document.
    """
    kml = simplekml.Kml(name=name, description=NOTE)
    for label, pts in tracks:
        ls = kml.newlinestring(name=label, coords=pts, description=NOTE)
        ls.altitudemode = simplekml.AltitudeMode.absolute
        ls.extrude = 0
        ls.style.linestyle.color = "ff0000ff"
        ls.style.linestyle.width = 2
    return kml.kml()
