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


def base_map(extent, *, title="", figsize=(9, 8), n_cities=25, city_countries=("KR", "KP"),
             min_population=0):
    """Figure and axes with shipped countries, the Korean DMZ line and labelled cities."""
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
    rows = [c for c in geo.cities() if c["country"] in city_countries
            and extent[0] <= c["lon_deg"] <= extent[1] and extent[2] <= c["lat_deg"] <= extent[3]
            and c["population"] >= min_population]
    rows.sort(key=lambda c: -c["population"])
    for c in rows[:n_cities]:
        ax.plot(c["lon_deg"], c["lat_deg"], "o", ms=3, color="k", transform=ccrs.PlateCarree(),
                zorder=6)
        ax.text(c["lon_deg"] + 0.05, c["lat_deg"] + 0.04, c["name"], fontsize=7,
                transform=ccrs.PlateCarree(), zorder=6)
    gl = ax.gridlines(draw_labels=True, linewidth=0.3, color="gray", alpha=0.5)
    gl.top_labels = gl.right_labels = False
    if title:
        ax.set_title(title, fontsize=11)
    return fig, ax


def finish(fig, ax, path, handles, note):
    """Add the legend (with the DMZ line) and the note, save the figure and close it.

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
    handles = list(handles) + [plt.Line2D([], [], color="#b22222", ls="--",
                                          label="DMZ / inter-Korean border")]
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.9)
    fig.text(0.01, 0.01, note, fontsize=7, color="0.25", wrap=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def coverage_map(result, path, extent=None):
    """Detectable regions of a CoverageResult, one colour per altitude."""
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
    fig, ax = base_map(extent, title=f"{r.name} at {site.name}: where a {result.rcs_m2:g} m² "
                                     "target is detectable",
                       city_countries=("KR", "KP", "CN", "JP"), min_population=1_000_000,
                       n_cities=30)
    handles = []
    order = np.argsort([-layer["area_km2"] for layer in result.layers])
    for i in order:
        layer, poly = result.layers[i], result.polygons[i]
        col = LAYER_COLORS[i % len(LAYER_COLORS)]
        if poly is not None:
            ax.add_geometries([poly], ccrs.PlateCarree(), facecolor=col, alpha=0.25,
                              edgecolor=col, linewidth=1.2, zorder=3)
        chn = layer["countries"].get("CHN", {}).get("area_km2", 0.0)
        handles.append(Patch(facecolor=col, alpha=0.4, edgecolor=col,
                             label=f"{layer['altitude_km']:g} km alt: to "
                                   f"{layer['max_ground_range_km']:.0f} km "
                                   f"({layer['limited_by']}); China {chn:,.0f} km²"))
    ax.plot(site.lon_deg, site.lat_deg, "^", color="red", ms=9, transform=ccrs.PlateCarree(),
            zorder=7)
    handles.append(plt.Line2D([], [], marker="^", color="red", ls="", label="radar"))
    note = (f"Assumptions: detection range {r.detection_range_m(result.rcs_m2) / 1e3:.0f} km for "
            f"{result.rcs_m2:g} m² (calibrated {r.calibration_range_km} km at "
            f"{r.calibration_rcs_m2} m²), beam floor {result.min_elevation_deg:g}°, face "
            f"{result.boresight_az_deg:g}° ± {r.half_width_deg:g}°, {r.refraction_note}, "
            "no terrain. "
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

    title = (f"{rh.radar.description or rh.radar.name} at {rh.site.name}: vertical coverage, "
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
    for _name, la, lo in (launch_areas or ts.launch_areas):
        ax.plot(lo, la, "x", color="k", ms=8, mew=2, transform=ccrs.PlateCarree(), zorder=8)
    handles.append(plt.Line2D([], [], marker="x", color="k", ls="", mew=2,
                              label="threat launch areas"))
    handles.append(plt.Line2D([], [], marker="^", color="red", mec="k", ls="",
                              label="THAAD battery"))
    note = (f"Defended = at least one intercept opportunity against every {ts.name} threat "
            f"({', '.join(ts.missiles)}) aimed at the point; {first.grid_km:g} km grid"
            + _battery_note(next((r.batteries[0] for r in results if r.batteries), None))
            + ". Public estimates; populations: GeoNames cities >= 100,000.")
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
