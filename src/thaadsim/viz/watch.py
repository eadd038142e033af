"""Pictures of ``thaadsim watch``: a map of the flights with the segments each radar holds in
firm track, and a time-altitude plot (matplotlib, Agg; the shipped countries, nothing is
downloaded)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import cartopy.crs as ccrs  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from thaadsim import geo  # noqa: E402
from thaadsim.viz.maps import LAYER_COLORS, save_tight  # noqa: E402

NOTE = ("thaadsim watch; public estimates only. Grey: flights (minimum energy, rotating Earth); "
        "colour: firm track per radar. Boresights of the Japan radars are estimates.")


def _unwrap(lon: np.ndarray) -> np.ndarray:
    """Longitudes made continuous (deg) so that a line across the antimeridian stays whole."""
    return np.degrees(np.unwrap(np.radians(lon)))


def _colors(result) -> dict:
    views = (result.view, *result.others)
    return {v.label: ("#d62728" if i == 0 else LAYER_COLORS[(i - 1) % len(LAYER_COLORS)])
            for i, v in enumerate(views)}


def _title(result) -> str:
    """The plots' title in words: what is watched, by which radar, and what it adds."""
    from thaadsim.viz.maps import radar_title

    s = result.summary()
    others = ", ".join(v.site.name.title() for v in result.others)
    head = (f"{radar_title(result.view.radar, result.view.site)}: "
            f"{s['flights_seen']} of {s['flights_in_reach']} flights of {s['threat_set']} in "
            f"firm track, {s['track_s']:,.0f} s")
    if not others:
        return head
    return (f"{head};\nadds {s['marginal_track_s']:,.0f} s to {others}; "
            f"{s['flights_seen_only_from_site']} flights seen only from "
            f"{result.view.site.name.title()}")


def _northern_land() -> list:
    """The world's countries north of 5 deg S (an azimuthal map centred on the North Pacific
    would draw the far side of the globe as a ring around it)."""
    from shapely.geometry import box

    clip = box(-180.0, -5.0, 180.0, 90.0)
    out = []
    for g in geo.world().values():
        part = g.intersection(clip)
        if not part.is_empty:
            out.append(part)
    return out


def watch_map(result, path) -> None:
    """Map of the flights (grey) with each radar's firm-track segments (colour) and sites, on
    an equal-area projection centred on the flights (the shipped world outline).

    Parameters
    ----------
    result : WatchResult
        The analysis.
    path : str or Path
        Output image (.png, .svg, .pdf).
    """
    import textwrap

    segs = result.segments()
    pts = [p for seg in segs for p in seg["track"]]
    pts += [(v.site.lon_deg, v.site.lat_deg) for v in (result.view, *result.others)]
    lon = _unwrap(np.array([p[0] for p in pts])) if pts else np.array([140.0])
    lat = np.array([p[1] for p in pts]) if pts else np.array([40.0])
    lon0 = float((0.5 * (lon.min() + lon.max()) + 180.0) % 360.0 - 180.0)
    lat0 = float(np.clip(0.5 * (lat.min() + lat.max()) + 10.0, 20.0, 70.0))
    proj = ccrs.LambertAzimuthalEqualArea(central_longitude=lon0, central_latitude=lat0)
    fig = plt.figure(figsize=(11, 9))
    ax = fig.add_subplot(1, 1, 1, projection=proj)
    pc = ccrs.PlateCarree()
    xy = proj.transform_points(pc, lon, lat)[:, :2]
    xy = xy[np.isfinite(xy).all(axis=1)]
    pad = 0.06 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e6)
    ax.set_extent((xy[:, 0].min() - pad, xy[:, 0].max() + pad, xy[:, 1].min() - 3 * pad,
                   xy[:, 1].max() + pad), crs=proj)
    ax.set_facecolor("#dbe9f4")
    x0, x1, y0, y1 = ax.get_extent(crs=proj)
    # land, projected here point by point and clipped to the view (cartopy's own projection
    # of the world's polygons cost ~3 s), then drawn in the map's own coordinates
    view = shapely.box(x0, y0, x1, y1)

    def to_map(xy):
        p = proj.transform_points(pc, xy[:, 0], xy[:, 1])[:, :2]
        return np.where(np.isfinite(p), p, 0.0)

    land = [g for g in (shapely.make_valid(shapely.transform(g, to_map)).intersection(view)
                        for g in _northern_land()) if not g.is_empty]
    ax.add_geometries(land, proj, facecolor="#f4f1e8", edgecolor="#888888", linewidth=0.4,
                      zorder=1)
    colors = _colors(result)
    handles = [plt.Line2D([], [], color="0.55", lw=0.8, label="flight (not in firm track)")]

    def lines(tracks):  # lon/lat polylines (dense: straight in the map's coordinates)
        out = []
        for tr in tracks:
            a = np.asarray(tr, float)
            p = proj.transform_points(pc, a[:, 0], a[:, 1])[:, :2]
            out.append(p[np.isfinite(p).all(axis=1)])
        return out

    ax.add_collection(LineCollection(lines([seg["track"] for seg in segs]), colors="0.55",
                                     linewidths=0.6, alpha=0.6, zorder=2))
    labels = list(colors)
    for i, label in reversed(list(enumerate(labels))):  # the site's own segments on top
        parts = [sg for seg in segs for sg in seg["observed"].get(label, [])]
        if parts:
            ax.add_collection(LineCollection(lines(parts), colors=colors[label],
                                             linewidths=2.4 - 0.6 * min(i, 2), alpha=0.85,
                                             zorder=4 - min(i, 2) * 0.1))
    for v in (result.view, *result.others):
        ax.plot(v.site.lon_deg, v.site.lat_deg, marker="^", ms=8, color=colors[v.label],
                markeredgecolor="k", transform=pc, zorder=6)
        handles.append(plt.Line2D([], [], color=colors[v.label], lw=2.4, marker="^",
                                  label=f"firm track from {v.site.name.title()} "
                                        f"({v.radar.name})"))
    gl = ax.gridlines(linewidth=0.3, color="gray", alpha=0.5)
    del gl
    ax.set_title(_title(result), fontsize=10)
    leg = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.01),
                    fontsize=8, frameon=False, ncol=2)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg
    bb = leg.get_window_extent(renderer).transformed(fig.transFigure.inverted())
    ab = ax.get_position()
    fig.text(ab.x0, bb.y0 - 0.01, textwrap.fill(NOTE, 150), fontsize=7, color="0.25", va="top")
    save_tight(fig, path)


def time_altitude(result, path) -> None:
    """Altitude against time since launch of every flight (grey) with each radar's firm-track
    looks (colour) and the burn-out of each flight (dot).

    Parameters
    ----------
    result : WatchResult
        The analysis.
    path : str or Path
        Output image (.png, .svg, .pdf).
    """
    fs = result.flights
    fig, ax = plt.subplots(figsize=(11, 5.5))
    colors = _colors(result)
    handles = [plt.Line2D([], [], color="0.55", lw=0.8, label="flight")]
    if fs.batch is not None:
        _, _, alt = fs.geodetic()
        t = fs.batch.hist[:, :, 0]
        views = (result.view, *result.others)
        for k in range(len(fs.batch)):
            nh = int(fs.batch.nhist[k])
            ax.plot(t[k, :nh], alt[k, :nh], color="0.6", lw=0.5, alpha=0.5, zorder=1)
            jb = min(int(round(fs.burnout_s[k])), nh - 1)
            ax.plot(t[k, jb], alt[k, jb], ".", color="0.3", ms=2.5, zorder=2)
            for i, v in enumerate(views):
                m = v.mask[k, :nh]
                if m.any():
                    ax.plot(np.where(m, t[k, :nh], np.nan), alt[k, :nh], color=colors[v.label],
                            lw=2.2 - 0.6 * min(i, 2), alpha=0.85, zorder=3 + (i == 0))
        for v in views:
            handles.append(plt.Line2D([], [], color=colors[v.label], lw=2.2,
                                      label=f"firm track: {v.label}"))
    handles.append(plt.Line2D([], [], color="0.3", marker=".", lw=0, label="burn-out"))
    ax.set_xlabel("time since launch (s)")
    ax.set_ylabel("altitude (km)")
    ax.grid(alpha=0.3)
    ax.set_title(_title(result), fontsize=9.5)
    ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
    fig.text(0.01, 0.005, NOTE, fontsize=7, color="0.25")
    save_tight(fig, path, pad_inches=0.1)


def _kml_color(hex_rgb: str, alpha: str = "ff") -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    h = hex_rgb.lstrip("#")
    return alpha + h[4:6] + h[2:4] + h[0:2]


def watch_kml(result) -> str:
    """KML of the flights (grey) and of each radar's firm-track segments (one folder and colour
    per radar), at absolute altitude, with the radar sites (for Google Earth). Lines sampled
    every ``analysis.watch.LINE_STEP_S`` s, ends exact.

    Parameters
    ----------
    result : WatchResult
        The analysis.

    Returns
    -------
    str
        The KML document.
    """
    import simplekml

    kml = simplekml.Kml(name=f"thaadsim watch: {result.flights.threat_set.name} from "
                             f"{result.view.label}", description=NOTE)
    colors = _colors(result)
    flights = kml.newfolder(name="flights")
    folders = {v.label: kml.newfolder(name=f"firm track: {v.label}")
               for v in (result.view, *result.others)}
    for v in (result.view, *result.others):
        p = folders[v.label].newpoint(name=v.label, coords=[(v.site.lon_deg, v.site.lat_deg)])
        p.description = f"boresight {v.boresight_az_deg:g} deg, beam floor " \
                        f"{v.min_elevation_deg:g} deg, RCS {v.rcs_m2:g} m2"
    for seg in result.segments():
        ls = flights.newlinestring(name=seg["flight"],
                                   coords=[(p[0], p[1], p[2] * 1e3) for p in seg["track"]])
        ls.altitudemode = simplekml.AltitudeMode.absolute
        ls.style.linestyle.color = _kml_color("#888888", "b0")
        ls.style.linestyle.width = 1
        for label, segs in seg["observed"].items():
            for sg in segs:
                o = folders[label].newlinestring(
                    name=seg["flight"], coords=[(p[0], p[1], p[2] * 1e3) for p in sg],
                    description=f"firm track {sg[0][3]:.0f}-{sg[-1][3]:.0f} s after launch")
                o.altitudemode = simplekml.AltitudeMode.absolute
                o.style.linestyle.color = _kml_color(colors[label])
                o.style.linestyle.width = 4
    return kml.kml()
