"""KML and KMZ for Google Earth (simplekml): footprints, coverage layers and trajectories.

How things are drawn:

- footprints: polygons on the ground (``clampToGround``), one folder per configuration, the
  batteries as points;
- coverage layers: one polygon per target altitude, drawn *at that altitude* (``absolute``
  altitude mode, not extruded: an extruded 300 km layer would be a wall hiding everything
  below it); each layer's description and ``ExtendedData`` give its area and, per country, the
  covered area (km2) and the greatest depth in view (km);
- trajectories: the flight as a line at absolute altitude (metres above the WGS84 ellipsoid,
  which Google Earth reads as above sea level: the geoid's ~30 m are below what the picture
  shows), with placemarks at launch, burnout, apogee (the integrator's apogee altitude, not the
  highest 1 s sample) and impact.

Documents are deterministic: simplekml numbers its elements with a process-wide counter, so the
ids are renumbered in order of appearance (``kml_text``), and a KMZ carries a fixed timestamp
(``SOURCE_DATE_EPOCH`` when set). Every document says that its values are public estimates.
"""

from __future__ import annotations

import html
import math
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import simplekml

from thaadsim.core import earth as E
from thaadsim.core.integrate import COL

NOTE = "thaadsim: public estimates only (analysis and teaching tool)"
KML_SUFFIXES = (".kml", ".kmz")
_STYLE = {"defended": ("7f1f77b4", "ff1f77b4"), "defended_sls": ("7f2ca02c", "ff2ca02c"),
          "coverage": ("4dd62728", "ffd62728")}  # aabbggrr fill, line
# coverage layers, low to high: from red to yellow (aabbggrr)
_LAYER_COLOURS = ("ff2827d6", "ff0e7fff", "ff22bdbc", "ff00d7ff", "ff7dc9ff")
_TRACK_COLOURS = ("ff0000ff", "ffff7f00", "ff00aa00", "ffaa00aa", "ff00aaff", "ff555555")
_DEG_DIGITS = 6  # 0.1 m
_ALT_DIGITS = 2  # 1 cm


# ---- geometry helpers ---------------------------------------------------------------------------

def _polygons(geom):
    """The exterior/interior rings of a shapely (Multi)Polygon, one tuple per polygon."""
    if geom is None or geom.is_empty:
        return []
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    return [(list(p.exterior.coords), [list(r.coords) for r in p.interiors]) for p in polys]


def _ring(coords, alt_m: float | None = None) -> list[tuple]:
    if alt_m is None:
        return [(round(x, _DEG_DIGITS) + 0.0, round(y, _DEG_DIGITS) + 0.0) for x, y, *_ in coords]
    a = round(float(alt_m), _ALT_DIGITS) + 0.0
    return [(round(x, _DEG_DIGITS), round(y, _DEG_DIGITS), a) for x, y, *_ in coords]


def _add_polygon(folder, name: str, geom, style: str | tuple[str, str], description: str = "",
                 alt_m: float | None = None, data: dict | None = None) -> list:
    """Polygons of a shapely geometry, on the ground or (``alt_m``) at an absolute altitude."""
    fill, line = _STYLE[style] if isinstance(style, str) else style
    out = []
    for i, (outer, inner) in enumerate(_polygons(geom)):
        pol = folder.newpolygon(name=name if i == 0 else f"{name} ({i + 1})",
                                outerboundaryis=_ring(outer, alt_m),
                                innerboundaryis=[_ring(r, alt_m) for r in inner],
                                description=description)
        if alt_m is not None:
            pol.altitudemode = simplekml.AltitudeMode.absolute
            pol.extrude = 0
        pol.style.polystyle.color = fill
        pol.style.linestyle.color = line
        pol.style.linestyle.width = 1.5
        for k, v in (data or {}).items():
            pol.extendeddata.newdata(name=k, value=v)
        out.append(pol)
    return out


def _num(x, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:,.{digits}f}"


# ---- the document -------------------------------------------------------------------------------

def new_document(name: str) -> simplekml.Kml:
    """An empty KML document carrying the public-estimates note.

    Parameters
    ----------
    name : str
        Document name (shown in Google Earth's Places).

    Returns
    -------
    simplekml.Kml
        The document; fill it with the ``add_*`` functions.
    """
    return simplekml.Kml(name=name, description=NOTE)


_ID = re.compile(r' id="(\d+)"')
_REF = re.compile(r"<styleUrl>#(\d+)</styleUrl>")


def kml_text(kml: simplekml.Kml | str) -> str:
    """The KML text of a document, its element ids renumbered in order of appearance.

    simplekml numbers elements with a counter shared by the whole process, so the same document
    built twice would differ in its ids; renumbered, same inputs give the same bytes.

    Parameters
    ----------
    kml : simplekml.Kml or str
        A document or its KML text.

    Returns
    -------
    str
        The KML text.
    """
    text = kml if isinstance(kml, str) else kml.kml()
    mapping: dict[str, str] = {}
    for m in _ID.finditer(text):
        mapping.setdefault(m.group(1), str(len(mapping) + 1))
    text = _ID.sub(lambda m: f' id="{mapping[m.group(1)]}"', text)
    return _REF.sub(lambda m: f"<styleUrl>#{mapping.get(m.group(1), m.group(1))}</styleUrl>",
                    text)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        t = time.gmtime(max(int(epoch or 0), 315532800))  # zip dates start in 1980
    except (ValueError, OverflowError, OSError):
        t = time.gmtime(315532800)
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def write_kml(kml: simplekml.Kml | str, path: str | os.PathLike) -> Path:
    """Write a document as ``.kml`` (text) or ``.kmz`` (a zip holding ``doc.kml``), by suffix.

    The KMZ is what ``simplekml.Kml.savekmz`` writes (``doc.kml``, deflated) but with a fixed
    timestamp, so that the same document gives the same bytes. The file is written beside the
    target and moved into place, so a reader never sees half a file. Validate the path first
    with ``io.files.check_output_file(option, path, KML_SUFFIXES)``.

    Parameters
    ----------
    kml : simplekml.Kml or str
        The document or its KML text.
    path : str or PathLike
        ``.kml`` or ``.kmz`` file.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        A suffix other than ``.kml`` or ``.kmz``.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in KML_SUFFIXES:
        raise ValueError(f"a KML file ends in .kml or .kmz, not {p.name!r}")
    text = kml_text(kml)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if suffix == ".kml":
                f.write(text.encode("utf-8"))
            else:
                with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
                    info = zipfile.ZipInfo("doc.kml", date_time=_zip_time())
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    z.writestr(info, text.encode("utf-8"))
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


# ---- footprints ---------------------------------------------------------------------------------

def add_footprints(parent, results: Sequence) -> None:
    """Add ``FootprintResult`` folders (defended and shoot-look-shoot areas, batteries).

    Parameters
    ----------
    parent : simplekml.Kml or simplekml.Folder
        Where the folders go.
    results : sequence of FootprintResult
        The footprints (one folder each).
    """
    for r in results:
        d = r.to_dict()
        f = parent.newfolder(name=f"{r.label} vs {r.threat_set.name} ({r.grid_km:g} km grid)")
        desc = (f"{100 * d['defended_fraction_of_south_korea']:.1f} % of South Korea, "
                f"{d['area_km2']:,.0f} km2; {NOTE}")
        _add_polygon(f, "defended (>= 1 intercept opportunity)", r.polygon(False), "defended",
                     desc)
        _add_polygon(f, "shoot-look-shoot (>= 2)", r.polygon(True), "defended_sls",
                     f"{100 * d['defended_fraction_sls']:.1f} % of South Korea; {NOTE}")
        for b in r.batteries:
            f.newpoint(name=b.name, coords=[(b.site.lon_deg, b.site.lat_deg)],
                       description=f"THAAD battery, {b.radar.name}; {NOTE}")


def footprint_kml(*results) -> str:
    """KML of one or more ``FootprintResult``: defended and shoot-look-shoot areas, batteries.

    Parameters
    ----------
    *results : FootprintResult
        The footprints (one folder each).

    Returns
    -------
    str
        The KML document (``write_kml`` writes it as ``.kml`` or ``.kmz``).
    """
    kml = new_document("thaadsim footprint")
    add_footprints(kml, results)
    return kml_text(kml)


# ---- coverage -----------------------------------------------------------------------------------

def _country_rows(layer: dict) -> list[tuple[str, dict]]:
    rows = [(iso, c) for iso, c in layer["countries"].items() if (c.get("area_km2") or 0) > 0]
    return sorted(rows, key=lambda kv: -(kv[1].get("area_km2") or 0))


def _layer_description(result, layer: dict) -> str:
    lines = [f"<p>Detectable at {layer['altitude_km']:g} km altitude by "
             f"{html.escape(result.radar.name)} at {html.escape(result.site.name)}, "
             f"RCS {result.rcs_m2:g} m2: "
             f"{_num(layer.get('area_km2'))} km2, ground range up to "
             f"{_num(layer.get('max_ground_range_km'))} km"
             + (f" (limited by {html.escape(str(layer['limited_by']))})"
                if layer.get("limited_by") else "") + ".</p>"]
    rows = _country_rows(layer)
    if rows:
        lines.append("<table><tr><th>country</th><th>area (km2)</th>"
                     "<th>greatest depth in view (km)</th></tr>")
        lines += [f"<tr><td>{html.escape(iso)}</td><td>{_num(c.get('area_km2'))}</td>"
                  f"<td>{_num(c.get('max_depth_km'))}</td></tr>" for iso, c in rows]
        lines.append("</table>")
    else:
        lines.append("<p>No country's territory is covered at this altitude.</p>")
    lines.append(f"<p>Drawn at {layer['altitude_km']:g} km (absolute altitude). {NOTE}</p>")
    return "\n".join(lines)


def _layer_data(layer: dict) -> dict:
    data = {"altitude_km": f"{layer['altitude_km']:g}",
            "area_km2": _plain(layer.get("area_km2"))}
    for iso, c in _country_rows(layer):
        data[f"{iso}_area_km2"] = _plain(c.get("area_km2"))
        data[f"{iso}_max_depth_km"] = _plain(c.get("max_depth_km"))
    return data


def _plain(x) -> str:
    return "" if x is None else repr(float(x))


def add_coverage(parent, result, name: str | None = None) -> None:
    """Add a ``CoverageResult`` folder: one polygon per altitude, drawn at that altitude.

    Parameters
    ----------
    parent : simplekml.Kml or simplekml.Folder
        Where the folder goes.
    result : CoverageResult
        The coverage.
    name : str, optional
        Folder name; default radar, site and RCS.
    """
    f = parent.newfolder(name=name or f"coverage: {result.radar.name} at {result.site.name}, "
                                      f"RCS {result.rcs_m2:g} m2")
    for i, (layer, poly) in enumerate(zip(result.layers, result.polygons, strict=True)):
        alt_km = float(layer["altitude_km"])
        sub = f.newfolder(name=f"{alt_km:g} km altitude")
        colour = _LAYER_COLOURS[min(i, len(_LAYER_COLOURS) - 1)]
        pols = _add_polygon(sub, f"detected at {alt_km:g} km (RCS {result.rcs_m2:g} m2)", poly,
                            ("4d" + colour[2:], colour), _layer_description(result, layer),
                            alt_m=alt_km * 1e3, data=_layer_data(layer))
        if not pols:
            sub.description = _layer_description(result, layer)
    s = result.site
    pt = f.newpoint(name=s.name, coords=[(s.lon_deg, s.lat_deg)],
                    description=f"{result.radar.name}, boresight {result.boresight_az_deg:g} deg, "
                                f"beam floor {result.min_elevation_deg:g} deg; {NOTE}")
    pt.altitudemode = simplekml.AltitudeMode.clamptoground


def coverage_kml(result) -> str:
    """KML of a ``CoverageResult``: one polygon per altitude, drawn at that altitude, with the
    covered area and depth per country in its description.

    Parameters
    ----------
    result : CoverageResult
        The coverage.

    Returns
    -------
    str
        The KML document (``write_kml`` writes it as ``.kml`` or ``.kmz``).
    """
    kml = new_document(f"thaadsim coverage: {result.radar.name} at {result.site.name}")
    add_coverage(kml, result)
    return kml_text(kml)


# ---- trajectories -------------------------------------------------------------------------------

def _geodetic(xyz) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat, lon, alt = E.ecef_to_geodetic(np.asarray(xyz, float))
    return np.degrees(lat), np.degrees(lon), np.asarray(alt, float)


def track_points(batch, i: int = 0) -> dict:
    """Points of one trajectory of a ``TrajectoryBatch`` for drawing (deg, m above WGS84).

    Parameters
    ----------
    batch : TrajectoryBatch
        Flown with a history (``history_dt_s``).
    i : int, optional
        Member; default 0.

    Returns
    -------
    dict
        ``line`` (list of (lon, lat, alt_m), the samples and the impact point), ``launch``,
        ``burnout``, ``apogee`` and ``impact`` ((lon, lat, alt_m) each, None where not reached),
        and ``apogee_time_s``.
    """
    hist, nhist = batch.history
    h = hist[i, : int(nhist[i])]
    lat, lon, alt = _geodetic(h[:, 1:4])
    line = list(zip(lon.tolist(), lat.tolist(), alt.tolist(), strict=True))
    s = batch.summary[i]
    launch = (float(batch.launch_lon_deg[i]), float(batch.launch_lat_deg[i]), 0.0)
    impact = None
    if bool(batch.impacted[i]):
        ilat, ilon, ialt = _geodetic(s[[COL["x_imp"], COL["y_imp"], COL["z_imp"]]])
        impact = (float(ilon), float(ilat), max(float(ialt), 0.0))
        if not line or float(h[-1, 0]) < float(s[COL["t_impact"]]):
            line.append(impact)
    burnout = None
    if math.isfinite(s[COL["x_bo"]]) and math.isfinite(s[COL["burnout_alt"]]):
        blat, blon, _ = _geodetic(s[[COL["x_bo"], COL["y_bo"], COL["z_bo"]]])
        burnout = (float(blon), float(blat), float(s[COL["burnout_alt"]]))
    apogee = None
    t_apo, apo_m = float(s[COL["t_apogee"]]), float(s[COL["apogee_alt"]])
    if math.isfinite(t_apo) and math.isfinite(apo_m) and len(h):
        # the apogee's ground position: ECEF interpolated between the samples around it; its
        # altitude is the integrator's (exact), not the highest sample's
        xyz = [float(np.interp(t_apo, h[:, 0], h[:, k])) for k in (1, 2, 3)]
        alat, alon, _ = _geodetic(xyz)
        apogee = (float(alon), float(alat), apo_m)
    return {"line": line, "launch": launch, "burnout": burnout, "apogee": apogee,
            "impact": impact, "apogee_time_s": t_apo if math.isfinite(t_apo) else None}


def _lla(x: float, y: float, z: float) -> tuple[float, float, float]:
    """(lon, lat, alt_m) rounded for the document (0.1 m, 1 cm), without negative zeros."""
    return (round(x, _DEG_DIGITS) + 0.0, round(y, _DEG_DIGITS) + 0.0,
            round(z, _ALT_DIGITS) + 0.0)


def _point(parent, name: str, xyz, description: str, absolute: bool):
    p = parent.newpoint(name=name, description=description, coords=[_lla(*xyz)])
    p.altitudemode = (simplekml.AltitudeMode.absolute if absolute
                      else simplekml.AltitudeMode.clamptoground)
    if absolute:
        p.extrude = 1  # a stalk down to the ground shows where the point is above
    return p


def _as_members(trajectories, labels) -> list[tuple[str, Any, int, dict]]:
    """(label, batch, index, headline dict) for a Flight, a list of Flights or a batch."""
    from thaadsim.threats.solve import Flight
    from thaadsim.threats.trajectory import TrajectoryBatch

    if trajectories is None:
        return []
    if isinstance(trajectories, Flight | TrajectoryBatch):
        trajectories = [trajectories]
    out: list[tuple[Any, Any, int]] = []
    for t in trajectories:
        if isinstance(t, Flight):
            out.append((t, t.batch, 0))
        else:
            out += [(None, t, i) for i in range(len(t))]
    labels = list(labels or [])
    members = []
    for k, (flight, batch, i) in enumerate(out):
        if k < len(labels):
            label = labels[k]
        elif flight is not None:
            label = f"{flight.missile.name} ({flight.shape})"
        else:
            label = f"trajectory {k + 1}"
        members.append((label, batch, i, batch.to_dict(i)))
    return members


def add_trajectories(parent, trajectories, labels: Sequence[str] | None = None) -> None:
    """Add trajectory folders: the flight at absolute altitude and its key points.

    Parameters
    ----------
    parent : simplekml.Kml or simplekml.Folder
        Where the folders go.
    trajectories : Flight, TrajectoryBatch, or a sequence of them
        Flown with a history (the API's ``fly`` and ``aim`` keep one by default).
    labels : sequence of str, optional
        One label per trajectory (each member of a batch counts); default the missile and
        shape of a ``Flight``, else ``trajectory N``.
    """
    for k, (label, batch, i, d) in enumerate(_as_members(trajectories, labels)):
        pts = track_points(batch, i)
        f = parent.newfolder(name=label)
        desc = (f"range {_num(d['range_km'])} km, apogee {_num(d['apogee_km'], 1)} km, flight "
                f"{_num(d['flight_time_s'])} s; {NOTE}")
        colour = _TRACK_COLOURS[k % len(_TRACK_COLOURS)]
        ls = f.newlinestring(name=label, description=desc,
                             coords=[_lla(x, y, z) for x, y, z in pts["line"]])
        ls.altitudemode = simplekml.AltitudeMode.absolute
        ls.extrude = 0
        ls.style.linestyle.color = colour
        ls.style.linestyle.width = 2
        _point(f, "launch", pts["launch"], f"{label}: launch; {NOTE}", absolute=False)
        if pts["burnout"] is not None:
            _point(f, "burnout", pts["burnout"],
                   f"{label}: burnout at {_num(d['burnout_time_s'], 1)} s, "
                   f"{_num(d['burnout_altitude_km'], 1)} km, "
                   f"{_num(d['burnout_speed_km_s'], 2)} km/s; {NOTE}", absolute=True)
        if pts["apogee"] is not None:
            _point(f, f"apogee {_num(d['apogee_km'], 1)} km", pts["apogee"],
                   f"{label}: apogee {_num(d['apogee_km'], 3)} km at "
                   f"{_num(d['apogee_time_s'], 1)} s; {NOTE}", absolute=True)
        if pts["impact"] is not None:
            _point(f, "impact", pts["impact"],
                   f"{label}: impact at {_num(d['flight_time_s'], 1)} s, "
                   f"{_num(d['impact_speed_km_s'], 2)} km/s, range {_num(d['range_km'], 1)} km;"
                   f" {NOTE}", absolute=False)


def flight_kml(trajectories, labels: Sequence[str] | None = None,
               name: str = "thaadsim trajectory") -> str:
    """KML of flights: each as an absolute-altitude line with launch, burnout, apogee and impact.

    Parameters
    ----------
    trajectories : Flight, TrajectoryBatch, or a sequence of them
        Flown with a history.
    labels : sequence of str, optional
        One label per trajectory.
    name : str, optional
        Document name.

    Returns
    -------
    str
        The KML document (``write_kml`` writes it as ``.kml`` or ``.kmz``).
    """
    kml = new_document(name)
    add_trajectories(kml, trajectories, labels)
    return kml_text(kml)


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
    kml = new_document(name)
    for label, pts in tracks:
        ls = kml.newlinestring(name=label, coords=pts, description=NOTE)
        ls.altitudemode = simplekml.AltitudeMode.absolute
        ls.extrude = 0
        ls.style.linestyle.color = "ff0000ff"
        ls.style.linestyle.width = 2
    return kml_text(kml)


# ---- a report's whole picture -------------------------------------------------------------------

def report_kml(footprints: Sequence = (), coverages: Sequence = (), trajectories=None,
               labels: Sequence[str] | None = None,
               name: str = "thaadsim report") -> simplekml.Kml:
    """One document with footprints, coverage layers and trajectories, a folder for each kind.

    Parameters
    ----------
    footprints : sequence of FootprintResult, optional
        Footprints (ground polygons).
    coverages : sequence of CoverageResult, optional
        Coverages (layers at their altitudes).
    trajectories : Flight, TrajectoryBatch or a sequence of them, optional
        Flights with histories.
    labels : sequence of str, optional
        One label per trajectory.
    name : str, optional
        Document name.

    Returns
    -------
    simplekml.Kml
        The document (``write_kml`` writes it).
    """
    kml = new_document(name)
    if footprints:
        add_footprints(kml.newfolder(name="Defended footprints"), footprints)
    if coverages:
        f = kml.newfolder(name="Radar coverage")
        for c in coverages:
            add_coverage(f, c)
    if trajectories is not None:
        add_trajectories(kml.newfolder(name="Trajectories"), trajectories, labels)
    return kml


def demo_kml(path: str | os.PathLike, *, footprints: Sequence = (), coverages: Sequence = (),
             trajectories=None, labels: Sequence[str] | None = None,
             name: str = "thaadsim demo") -> Path:
    """Write one KML/KMZ of a demo's footprints, coverage layers and trajectories.

    Parameters
    ----------
    path : str or PathLike
        ``.kmz`` (or ``.kml``) file, e.g. ``tmp / "thaadsim-demo.kmz"`` in the report's staging
        folder.
    footprints, coverages, trajectories, labels, name
        As for ``report_kml``.

    Returns
    -------
    Path
        The path written.
    """
    return write_kml(report_kml(footprints, coverages, trajectories, labels, name), path)
