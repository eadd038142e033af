"""Offline maps (cartopy draws only the geometry we hand it; nothing is downloaded)."""

from __future__ import annotations

from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import cartopy.crs as ccrs  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from shapely.geometry import box  # noqa: E402

from thaadsim import geo  # noqa: E402

LAYER_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]


@lru_cache(maxsize=8)
def _base_layers(extent: tuple):
    """Projection, clipped country geometries and the DMZ line for one map extent (cached: the
    same geometry objects let cartopy reuse their projected paths across maps)."""
    lon0 = 0.5 * (extent[0] + extent[1])
    lat0 = 0.5 * (extent[2] + extent[3])
    proj = ccrs.LambertConformal(central_longitude=lon0, central_latitude=lat0,
                                 standard_parallels=(lat0 - 5, lat0 + 5))
    win = box(extent[0] - 5, extent[2] - 5, extent[1] + 5, extent[3] + 5)
    cs = geo.countries()
    countries = []
    for iso, g in cs.items():
        gg = g.intersection(win)
        if not gg.is_empty:
            countries.append((iso, gg))
    dmz = None
    if "KOR" in cs and "PRK" in cs:
        d = cs["KOR"].boundary.intersection(cs["PRK"].buffer(0.02))
        dmz = None if d.is_empty else d
    return proj, countries, dmz


# Country names written on the maps (basemap ISO alpha-3 codes)
COUNTRY_NAMES = {"KOR": "SOUTH KOREA", "PRK": "NORTH KOREA", "CHN": "CHINA", "JPN": "JAPAN",
                 "RUS": "RUSSIA", "MNG": "MONGOLIA", "TWN": "TAIWAN"}


def base_map(extent, *, title="", figsize=(9, 8), n_cities=25, city_countries=("KR", "KP"),
             min_population=0, priority_cities=()):
    """Figure and axes with shipped countries (named), the Korean DMZ line and cities.

    City labels are placed in order of population and a label that would overlap one already
    placed (or a country name) is left out; the dot stays. ``priority_cities`` (rows of
    ``geo.cities()``) are drawn and labelled first, in dark red (the cities a radar sees).
    Gridline labels sit on the frame.
    """
    proj, countries, dmz = _base_layers(tuple(float(x) for x in extent))
    fig = plt.figure(figsize=figsize)
    ax = fig.add_subplot(1, 1, 1, projection=proj)
    ax.set_extent(extent, crs=ccrs.PlateCarree())
    ax.set_facecolor("#dbe9f4")
    for iso, gg in countries:
        ax.add_geometries([gg], ccrs.PlateCarree(),
                          facecolor="#f4f1e8" if iso != "KOR" else "#fbf8ee",
                          edgecolor="#777777", linewidth=0.6, zorder=1)
    if dmz is not None:
        ax.add_geometries([dmz], ccrs.PlateCarree(), facecolor="none", edgecolor="#b22222",
                          linewidth=1.4, linestyle="--", zorder=5)
    gl = ax.gridlines(draw_labels=True, linewidth=0.3, color="gray", alpha=0.5,
                      x_inline=False, y_inline=False)
    gl.top_labels = gl.right_labels = False
    gl.rotate_labels = False
    gl.xlabel_style = gl.ylabel_style = {"size": 8, "color": "0.3"}
    if title:
        ax.set_title(title, fontsize=11)
    placed: list = []
    _country_labels(fig, ax, countries, extent, placed)
    rows = [c for c in geo.cities() if c["country"] in city_countries
            and extent[0] <= c["lon_deg"] <= extent[1] and extent[2] <= c["lat_deg"] <= extent[3]
            and c["population"] >= min_population]
    rows.sort(key=lambda c: -c["population"])
    rows = rows[:n_cities]
    fig._thaadsim_placed = placed  # labels drawn later (launch areas) avoid these too
    first = [c for c in priority_cities
             if extent[0] <= c["lon_deg"] <= extent[1] and extent[2] <= c["lat_deg"] <= extent[3]]
    for c in first:
        ax.plot(c["lon_deg"], c["lat_deg"], "o", ms=3.5, color="#8b0000",
                transform=ccrs.PlateCarree(), zorder=6)
    place_labels(fig, ax, [(c["lon_deg"], c["lat_deg"], c["name"]) for c in first],
                 fontsize=7.5, zorder=6, color="#8b0000", fontweight="bold")
    names = {c["name"] for c in first}
    rows = [c for c in rows if c["name"] not in names]
    for c in rows:
        ax.plot(c["lon_deg"], c["lat_deg"], "o", ms=3, color="k", transform=ccrs.PlateCarree(),
                zorder=6)
    place_labels(fig, ax, [(c["lon_deg"], c["lat_deg"], c["name"]) for c in rows],
                 fontsize=7, zorder=6)
    return fig, ax


# label offsets tried in turn (points): right-up, left-up, right-down, left-down, above, below
_OFFSETS = ((4, 3, "left", "bottom"), (-4, 3, "right", "bottom"), (4, -3, "left", "top"),
            (-4, -3, "right", "top"), (0, 5, "center", "bottom"), (0, -5, "center", "top"))


def place_labels(fig, ax, items, *, fontsize=7, zorder=6, **text_kw) -> int:
    """Label points without overlaps: in the given order (most important first), each label
    takes the first offset around its point where it overlaps no label placed before and stays
    inside the map; a label with no free place is left out. Returns the number placed.

    Parameters
    ----------
    fig, ax : matplotlib Figure and GeoAxes
        From ``base_map``.
    items : iterable of (lon, lat, text)
        Points (deg) and labels, by priority.
    """
    from matplotlib.transforms import offset_copy

    renderer = fig.canvas.get_renderer()
    placed = fig.__dict__.setdefault("_thaadsim_placed", [])
    frame = ax.get_window_extent(renderer)
    n = 0
    for lon, lat, text in items:
        for dx, dy, ha, va in _OFFSETS:
            tr = offset_copy(ccrs.PlateCarree()._as_mpl_transform(ax), fig=fig, x=dx, y=dy,
                             units="points")
            t = ax.text(lon, lat, text, fontsize=fontsize, ha=ha, va=va, transform=tr,
                        zorder=zorder, **text_kw)
            bb = t.get_window_extent(renderer).expanded(1.12, 1.45)
            inside = (bb.x0 >= frame.x0 and bb.x1 <= frame.x1 and bb.y0 >= frame.y0
                      and bb.y1 <= frame.y1)
            if inside and not any(bb.overlaps(o) for o in placed):
                placed.append(bb)
                n += 1
                break
            t.remove()
    return n


def _country_labels(fig, ax, countries, extent, placed) -> None:
    """Country names at the pole of inaccessibility of their largest part in view."""
    renderer = fig.canvas.get_renderer()
    view = box(extent[0], extent[2], extent[1], extent[3])
    for iso, gg in countries:
        name = COUNTRY_NAMES.get(iso)
        part = gg.intersection(view)
        if name is None or part.is_empty:
            continue
        parts = list(part.geoms) if hasattr(part, "geoms") else [part]
        big = max(parts, key=lambda g: g.area)
        if big.area < 0.02 * view.area:
            continue
        from shapely.ops import polylabel

        pt = polylabel(big, tolerance=0.05) if big.geom_type == "Polygon" \
            else big.representative_point()
        t = ax.text(pt.x, pt.y, name, fontsize=9, color="0.45", style="italic", ha="center",
                    va="center", transform=ccrs.PlateCarree(), zorder=2)
        placed.append(t.get_window_extent(renderer).expanded(1.05, 1.2))


def finish(fig, ax, path, handles, note):
    """Add the legend (with the DMZ line) and the note below the map, save and close.

    Parameters
    ----------
    fig, ax : matplotlib Figure and Axes
        From ``base_map``.
    path : str or Path
        Output image file.
    handles : iterable of matplotlib artists
        Legend entries.
    note : str
        Small print at the foot of the figure.
    """
    import textwrap

    handles = list(handles) + [plt.Line2D([], [], color="#b22222", ls="--",
                                          label="DMZ / inter-Korean border")]
    leg = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.045),
                    fontsize=8, frameon=False, borderaxespad=0.0)
    renderer = fig.canvas.get_renderer()
    bb = leg.get_window_extent(renderer).transformed(fig.transFigure.inverted())
    ab = ax.get_position()
    width_in = fig.get_figwidth() * ab.width
    fig.text(ab.x0, bb.y0 - 0.012, textwrap.fill(note, int(width_in * 17)), fontsize=7,
             color="0.25", va="top", ha="left")
    save_tight(fig, path)


def save_tight(fig, path, pad_inches: float = 0.05, dpi: int = 110) -> None:
    """Save the figure as PNG, cropped to what it draws plus ``pad_inches``, and close it.

    The figure is drawn once, over a box that holds it and what lies outside it, and cropped
    to its pixels that differ from the background. The box: the figure, its texts and legends,
    every plain axes' tight box, and each map's (cartopy GeoAxes) frame widened by
    ``_LABEL_MARGIN_IN`` (its gridline labels are made at draw time) with its title and legend:
    a text placed on a map farther than that outside its frame is not kept. Matplotlib's tight
    box of a map (``bbox_inches="tight"``, or ``get_tightbbox``) would lay out every artist and
    the gridlines once more: a quarter of a map's time. A figure saved on a transparent or
    translucent background, which no pixel test can find, and a vector file (.svg, .pdf) are
    saved with matplotlib's tight box instead."""
    import io
    from pathlib import Path

    from matplotlib.text import Text
    from matplotlib.transforms import Bbox
    from PIL import Image

    face = matplotlib.rcParams["savefig.facecolor"]
    face = fig.get_facecolor() if isinstance(face, str) and face == "auto" else face
    rgba = matplotlib.colors.to_rgba(face)
    if (Path(path).suffix.lower() != ".png" or rgba[3] < 1.0
            or matplotlib.rcParams["savefig.transparent"]):
        fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=pad_inches)
        plt.close(fig)
        return
    from cartopy.mpl.geoaxes import GeoAxes

    renderer = fig.canvas.get_renderer()
    margin = _LABEL_MARGIN_IN * fig.dpi
    boxes = [fig.bbox]
    outside: list = [*fig.texts, *fig.legends]
    for ax in fig.axes:
        if not isinstance(ax, GeoAxes):
            boxes.append(ax.get_tightbbox(renderer))
            continue
        boxes.append(ax.get_window_extent(renderer).padded(margin))
        outside += [ax.title, ax._left_title, ax._right_title]
        if ax.get_legend() is not None:
            outside.append(ax.get_legend())
    boxes += [a.get_window_extent(renderer) for a in outside
              if a.get_visible() and (not isinstance(a, Text) or a.get_text())]
    # room for the padding around the ink
    box = Bbox.union(boxes).padded(pad_inches * fig.dpi + 2).transformed(
        fig.dpi_scale_trans.inverted())
    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=dpi, bbox_inches=box)
    plt.close(fig)
    w, h = int(box.width * dpi), int(box.height * dpi)
    img = np.frombuffer(buf.getbuffer(), np.uint8)
    if img.size != w * h * 4:  # pragma: no cover (matplotlib rounds the canvas otherwise)
        raise RuntimeError(f"save_tight: {img.size} bytes for a {w} x {h} canvas")
    img = img.reshape(h, w, 4)
    ink = np.any(img != np.round(np.asarray(rgba) * 255).astype(np.uint8), axis=2)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    pad = int(round(pad_inches * dpi))
    if rows.size:
        img = img[max(rows[0] - pad, 0):rows[-1] + pad + 1,
                  max(cols[0] - pad, 0):cols[-1] + pad + 1]
    Image.fromarray(img, "RGBA").save(path, format="png", dpi=(dpi, dpi))


_LABEL_MARGIN_IN = 0.8  # room for axis, gridline and colorbar labels around an axes (inches)


def radar_title(radar, site) -> str:
    """A map title in words: "AN/TPY-2 in terminal mode at Seongju" (the preset's description
    without parentheses, up to its first colon; else its name)."""
    import re

    d = re.sub(r"\s*\([^)]*\)", "", radar.description or radar.name).split(":")[0]
    return f"{d} at {site.name.replace('-', ' ').title()}"


def coverage_map(result, path, extent=None):
    """Detectable regions of a CoverageResult, one colour per altitude; Chinese territory in
    view hatched, its largest cities in view labelled and its regions named in the legend."""
    site = result.site
    polys = [p for p in result.polygons if p is not None]
    if extent is None:
        if polys:
            minx = min(p.bounds[0] for p in polys)
            miny = min(p.bounds[1] for p in polys)
            maxx = max(p.bounds[2] for p in polys)
            maxy = max(p.bounds[3] for p in polys)
        else:
            minx, miny, maxx, maxy = (site.lon_deg - 3, site.lat_deg - 3, site.lon_deg + 3,
                                      site.lat_deg + 3)
        extent = (max(min(minx, 124.0) - 1, 95), min(max(maxx, 131.0) + 1, 150),
                  max(min(miny, 33.0) - 1, 15), min(max(maxy, 39.5) + 1, 55))
    r = result.radar
    seen_names: list[str] = []
    regions: list[str] = []
    for layer in result.layers:
        chn = layer["countries"].get("CHN", {})
        seen_names += [n for n in chn.get("cities_in_view", []) if n not in seen_names]
        regions += [g for g in chn.get("regions_in_view", []) if g not in regions]
    by_name = {c["name"]: c for c in geo.cities() if c["country"] == "CN"}
    fig, ax = base_map(extent, title=f"{radar_title(r, site)}: where a {result.rcs_m2:g} m² "
                                     "target is detectable",
                       city_countries=("KR", "KP", "CN", "JP"), min_population=1_000_000,
                       n_cities=30,
                       priority_cities=[by_name[n] for n in seen_names[:10] if n in by_name])
    handles = []
    order = np.argsort([-layer["area_km2"] for layer in result.layers])
    for i in order:
        layer, poly = result.layers[i], result.polygons[i]
        if poly is None or poly.is_empty or layer["max_ground_range_km"] <= 0:
            continue  # nothing in view at this altitude: no legend row either
        col = LAYER_COLORS[i % len(LAYER_COLORS)]
        ax.add_geometries([poly], ccrs.PlateCarree(), facecolor=col, alpha=0.25,
                          edgecolor=col, linewidth=1.2, zorder=3)
        chn = layer["countries"].get("CHN", {}).get("area_km2", 0.0)
        handles.append(Patch(facecolor=col, alpha=0.4, edgecolor=col,
                             label=f"objects at {layer['altitude_km']:g} km: seen to "
                                   f"{layer['max_ground_range_km']:,.0f} km (limited by "
                                   f"{layer['limited_by']}); China {chn:,.0f} km²"))
    china = geo.countries().get("CHN")
    if china is not None and polys:
        from shapely.ops import unary_union

        inview = china.intersection(unary_union(polys))
        if not inview.is_empty:
            ax.add_geometries([inview], ccrs.PlateCarree(), facecolor="none",
                              edgecolor="#8b0000", hatch="////", linewidth=0.8, zorder=4)
            handles.append(Patch(facecolor="none", edgecolor="#8b0000", hatch="////",
                                 label="Chinese territory in view: "
                                       + (", ".join(regions[:6]) or "unnamed")
                                       + (" and more" if len(regions) > 6 else "")))
    ax.plot(site.lon_deg, site.lat_deg, "^", color="red", ms=9, transform=ccrs.PlateCarree(),
            zorder=7)
    handles.append(plt.Line2D([], [], marker="^", color="red", ls="", label="radar"))
    hidden = [f"{layer['altitude_km']:g} km" for layer, p in zip(result.layers, result.polygons,
                                                                 strict=True)
              if p is None or p.is_empty or layer["max_ground_range_km"] <= 0]
    note = (f"Assumptions: detection range {r.detection_range_m(result.rcs_m2) / 1e3:.0f} km for "
            f"{result.rcs_m2:g} m² (calibrated {r.calibration_range_km:g} km at "
            f"{r.calibration_rcs_m2:g} m²), beam floor {result.min_elevation_deg:g}°, face "
            f"{result.boresight_az_deg:g}° ± {r.half_width_deg:g}°, {r.refraction_note}, "
            "no terrain. "
            + (f"Not in view at all: objects at {', '.join(hidden)}. " if hidden else "")
            + "Chinese cities in view (dark red): GeoNames, >= 100,000 people. "
            f"Sources: {'; '.join(r.sources[:2])}. Public estimates.")
    finish(fig, ax, path, handles, note)


def vertical_coverage(rh, path):
    """Range-height diagram along the boresight, with the beam floor dashed.

    Parameters
    ----------
    rh : RangeHeight
        From ``analysis.coverage.range_height``.
    path : str or Path
        Output image file.
    """
    G, H = np.meshgrid(rh.ground_km, rh.altitude_km)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.contourf(G, H, rh.detectable.astype(float), levels=[0.5, 1.5], colors=["#1b9e77"],
                alpha=0.5)
    ax.contour(G, H, rh.elevation_deg, levels=[rh.min_elevation_deg], colors="k",
               linestyles="--", linewidths=1)
    ax.set_xlabel("ground range (km)")
    ax.set_ylabel("target altitude (km)")
    import textwrap

    title = (f"{radar_title(rh.radar, rh.site)}: vertical coverage, "
             f"RCS {rh.rcs_m2:g} m² (dashed: {rh.min_elevation_deg:g}° beam floor)")
    ax.set_title(textwrap.fill(title, 100), fontsize=10)
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.01, textwrap.fill(f"detection range {rh.detection_range_km:.0f} km; "
                                       f"{rh.radar.refraction_note}; public estimates", 160),
             fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


KOREA_EXTENT = (124.3, 131.2, 33.0, 39.9)


def _battery_note(bat) -> str:
    """The battery assumptions of a footprint map, from the battery itself (no typed numbers)."""
    if bat is None:
        return ""
    r, env = bat.radar, bat.reach.to_dict()
    floor = bat.site.min_elevation_deg if bat.site.min_elevation_deg is not None \
        else r.min_elevation_deg
    return (f"; {r.name} ({r.calibration_range_km:g} km at {r.calibration_rcs_m2:g} m², "
            f"{floor:g}° floor), {bat.interceptor.name} reach {env['max_ground_range_km']:.0f} km"
            f" / {env['min_altitude_km']:.0f}-{env['max_altitude_km']:.0f} km, "
            f"{bat.reaction_time_s:g} s reaction")


def footprint_map(results, path, *, title=None, launch_areas=()):
    """Defended footprint(s) over the peninsula: the first result filled, the others outlined."""
    first = results[0]
    ts = first.threat_set
    fig, ax = base_map(KOREA_EXTENT, title=title or f"Defended footprint against {ts.name}",
                       n_cities=22, min_population=150_000)
    handles = []
    for i, r in enumerate(results):
        s = r.to_dict()
        col = LAYER_COLORS[i % len(LAYER_COLORS)]
        poly = r.polygon(False)
        poly2 = r.polygon(True)
        lab = (f"{s['configuration']}: {s['area_km2']:,.0f} km² = "
               f"{100 * s['defended_fraction_of_south_korea']:.0f}% of South Korea, "
               f"{s['defended_population'] / 1e6:.1f} M people in cities")
        if i == 0:
            if poly is not None:
                ax.add_geometries([poly], ccrs.PlateCarree(), facecolor=col, alpha=0.30,
                                  edgecolor=col, linewidth=1.0, zorder=3)
            if poly2 is not None:
                ax.add_geometries([poly2], ccrs.PlateCarree(), facecolor=col, alpha=0.35,
                                  edgecolor="none", zorder=3)
            handles.append(Patch(facecolor=col, alpha=0.4, label=lab))
            handles.append(Patch(facecolor=col, alpha=0.7,
                                 label=f"  two shots (shoot-look-shoot): "
                                       f"{100 * s['defended_fraction_sls']:.0f}%"))
        else:
            if poly is not None:
                ax.add_geometries([poly], ccrs.PlateCarree(), facecolor="none", edgecolor=col,
                                  linewidth=2.0, zorder=4)
            handles.append(plt.Line2D([], [], color=col, lw=2, label=lab))
        for b in r.batteries:
            ax.plot(b.site.lon_deg, b.site.lat_deg, "^", color=col if i else "red", ms=10,
                    mec="k", transform=ccrs.PlateCarree(), zorder=8)
    _launch_areas(fig, ax, launch_areas or ts.launch_areas, handles)
    handles.append(plt.Line2D([], [], marker="^", color="red", mec="k", ls="",
                              label="THAAD battery"))
    note = (f"Defended = at least one intercept opportunity against every {ts.name} threat "
            f"({', '.join(ts.missiles)}) aimed at the point; {first.grid_km:g} km grid"
            + _battery_note(next((r.batteries[0] for r in results if r.batteries), None))
            + ". Public estimates; populations: GeoNames cities >= 100,000.")
    finish(fig, ax, path, handles, note)


def _launch_areas(fig, ax, areas, handles) -> None:
    """The threat set's launch areas: crosses, named."""
    for _name, la, lo in areas:
        ax.plot(lo, la, "x", color="k", ms=8, mew=2, transform=ccrs.PlateCarree(), zorder=8)
    place_labels(fig, ax, [(lo, la, name) for name, la, lo in areas], fontsize=7.5, zorder=8,
                 style="italic", color="0.15")
    handles.append(plt.Line2D([], [], marker="x", color="k", ls="", mew=2,
                              label="threat launch areas"))


def change_map(base, other, path, *, title=None):
    """What changes between two footprints (e.g. Seongju and withdrawn, or a relocation): area
    defended by both, lost, gained; the cities lost and gained named first.

    Parameters
    ----------
    base, other : FootprintResult
        The footprints compared (same threat set and grid).
    path : str or Path
        Output image file.
    title : str, optional
        Title; default in words from the two configurations.
    """
    from shapely.ops import unary_union

    ts = base.threat_set
    b_cities = {c["name"]: c for c in base.cities()}
    o_cities = {c["name"]: c for c in other.cities()}
    lost = [c for n, c in b_cities.items() if c["defended"] and not o_cities[n]["defended"]]
    gained = [c for n, c in o_cities.items() if c["defended"] and not b_cities[n]["defended"]]
    rows = {c["name"]: c for c in geo.cities() if c["country"] == "KR"}
    changed = sorted(lost + gained, key=lambda c: -c["population"])
    fig, ax = base_map(KOREA_EXTENT, n_cities=18, min_population=200_000,
                       title=title or f"From {base.label} to {other.label}: defended area and "
                                      "cities lost and gained",
                       priority_cities=[rows[c["name"]] for c in changed if c["name"] in rows])
    pb, po = base.polygon(False), other.polygon(False)
    empty = unary_union([])
    pb_, po_ = pb if pb is not None else empty, po if po is not None else empty
    layers = [(pb_.intersection(po_), "#1b9e77", None, "defended in both"),
              (pb_.difference(po_), "#d73027", "xx", f"lost: defended by {base.label} only"),
              (po_.difference(pb_), "#4575b4", None, f"gained: defended by {other.label} only")]
    handles = []
    sliver = 0.5 * (base.grid_km / 111.2) ** 2  # half a grid cell (deg^2): outline noise
    for geom, col, hatch, lab in layers:
        if geom.is_empty or geom.area < sliver:
            continue
        ax.add_geometries([geom], ccrs.PlateCarree(), facecolor=col, alpha=0.35,
                          edgecolor=col, hatch=hatch, linewidth=0.8, zorder=3)
        handles.append(Patch(facecolor=col, alpha=0.45, edgecolor=col, hatch=hatch, label=lab))
    pop_lost = sum(c["population"] for c in lost)
    pop_gained = sum(c["population"] for c in gained)
    if lost:
        handles.append(plt.Line2D([], [], ls="", label=f"cities lost: {len(lost)} "
                                                       f"({pop_lost / 1e6:.1f} M people)"))
    if gained:
        handles.append(plt.Line2D([], [], ls="", label=f"cities gained: {len(gained)} "
                                                       f"({pop_gained / 1e6:.1f} M people)"))
    here = {(b.site.lat_deg, b.site.lon_deg) for b in base.batteries}
    for b in base.batteries:
        ax.plot(b.site.lon_deg, b.site.lat_deg, "^", color="red", ms=10, mec="k",
                transform=ccrs.PlateCarree(), zorder=8)
    for b in other.batteries:  # the batteries that moved (a battery in both is drawn once)
        if (b.site.lat_deg, b.site.lon_deg) not in here:
            ax.plot(b.site.lon_deg, b.site.lat_deg, "v", color="#4575b4", ms=10, mec="k",
                    transform=ccrs.PlateCarree(), zorder=8)
    handles.append(plt.Line2D([], [], marker="^", color="red", mec="k", ls="",
                              label=f"batteries of {base.label}"))
    _launch_areas(fig, ax, ts.launch_areas, handles)
    note = (f"Cities whose defence changes are labelled in dark red (GeoNames, >= 100,000 "
            f"people). Against {ts.name} ({', '.join(ts.missiles)}); {base.grid_km:g} km grid. "
            "Public estimates.")
    finish(fig, ax, path, handles, note)


def probability_map(central, probability, path, *, samples: int, title=None):
    """Share of the uncertainty samples that defend each grid cell (``FootprintUncertainty``).

    Parameters
    ----------
    central : FootprintResult
        The central footprint (its grid and batteries).
    probability : ndarray
        Per cell, the share of samples that defend it (0-1).
    path : str or Path
        Output file.
    samples : int
        Number of samples (for the note).
    title : str, optional
        Title.
    """
    from matplotlib import cm, colors

    fig, ax = base_map(KOREA_EXTENT, title=title or "Probability of being defended over the "
                                                    "uncertain parameters",
                       n_cities=22, min_population=150_000)
    norm = colors.Normalize(0.0, 1.0)
    cmap = plt.get_cmap("viridis")
    sc = ax.scatter(central.lon, central.lat, c=probability, s=(central.grid_km / 10.0) * 22,
                    marker="s", cmap=cmap, norm=norm, transform=ccrs.PlateCarree(), zorder=3,
                    linewidths=0)
    for b in central.batteries:
        ax.plot(b.site.lon_deg, b.site.lat_deg, "^", color="red", ms=10, mec="k",
                transform=ccrs.PlateCarree(), zorder=8)
    cb = fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.02)
    cb.set_label("share of samples in which the cell is defended")
    del sc
    handles = [plt.Line2D([], [], marker="^", color="red", mec="k", ls="",
                          label="THAAD battery (central position)")]
    note = (f"{samples} Latin-hypercube samples of the declared uncertain parameters "
            f"(thaadsim uncertainty footprint); {central.grid_km:g} km grid; against "
            f"{central.threat_set.name}. Public estimates.")
    finish(fig, ax, path, handles, note)
