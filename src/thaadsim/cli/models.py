"""Commands about single models: presets, one flight, one radar (parse, call the API, format)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from thaadsim import api
from thaadsim.cli.app import (
    Files,
    Fmt,
    app,
    emit,
    file_option,
    fmt_option,
    note,
    require_format,
    sources_block,
    use_files,
)
from thaadsim.cli.progress import bar
from thaadsim.errors import ThaadsimError
from thaadsim.interceptors import reach_table
from thaadsim.io.files import check_output_file
from thaadsim.io.kml import KML_SUFFIXES, coverage_kml, flight_kml, write_kml
from thaadsim.io.output import history_rows, kv_table, rows_table, rows_to_csv, write_text
from thaadsim.limits import BOUNDS, check, check_n_of_m

MISSILE_HELP = "a missile preset or user entry ('thaadsim missiles' lists them)"
RADAR_HELP = "a radar preset or user entry ('thaadsim radars' lists them)"
SITE_HELP = ("a site preset ('thaadsim radars' lists them) or LAT,LON[,HEIGHT_M] (user-site "
             "defaults: boresight 330 deg, beam floor 5 deg, printed when applied)")


@app.command()
def missiles(fmt: Fmt = fmt_option(), missile_file: Files = file_option("missile", "missiles")):
    """List missile presets (and user entries) with their sources (public estimates), and each
    one's model range beside its published nominal range (residual, %)."""
    require_format(fmt, ("table", "json", "csv"))
    use_files(missile_file)
    from thaadsim.threats.solve import nominal_residual

    rows = [dict(m.to_dict(), **nominal_residual(m)) for m in api.list_missiles()]
    shown = [dict(r, model_range_km=round(r["model_range_km"], 1),
                  residual_pct=None if r["residual_pct"] is None else round(r["residual_pct"], 1))
             for r in rows]
    table = rows_table(shown, ["name", "class", "nominal_range_km", "model_range_km",
                              "residual_pct", "calibration", "launch_mass_kg", "rv_mass_kg",
                              "burn_time_s"]) + sources_block(rows)
    emit({"missiles": rows}, fmt, table=table,
         rows=[{k: v for k, v in r.items() if k != "sources"} for r in rows])


@app.command("threat-sets")
def threat_sets(fmt: Fmt = fmt_option(),
                threat_set_file: Files = file_option("threat-set", "threat-sets"),
                missile_file: Files = file_option("missile", "missiles")):
    """List threat sets (missiles, launch areas, shapes) with their sources."""
    require_format(fmt, ("table", "json", "csv"))
    use_files(missile_file, threat_set_file=threat_set_file)
    rows = [api.get_threat_set(n).to_dict() for n in api.list_threat_sets()]
    shown = [dict(r, missiles=", ".join(r["missiles"]),
                  launch_areas=", ".join(a["name"] for a in r["launch_areas"])) for r in rows]
    table = rows_table(shown, ["name", "missiles", "launch_areas"]) + sources_block(rows)
    emit({"threat_sets": rows}, fmt, table=table,
         rows=[{k: v for k, v in r.items() if k != "sources"} for r in rows])


@app.command()
def interceptors(fmt: Fmt = fmt_option(),
                 interceptor_file: Files = file_option("interceptor", "interceptors")):
    """List interceptor presets (and user entries) with their envelopes and sources."""
    require_format(fmt, ("table", "json", "csv"))
    use_files(interceptor_file=interceptor_file)
    rows = [dict(i.to_dict(), **reach_table(i).to_dict()) for i in api.list_interceptors()]
    table = rows_table(rows, ["name", "launch_mass_kg", "max_ground_range_km", "min_altitude_km",
                              "max_altitude_km", "kinematic_ceiling_km"]) + sources_block(rows)
    emit({"interceptors": rows}, fmt, table=table,
         rows=[{k: v for k, v in r.items() if k != "sources"} for r in rows])


@app.command()
def radars(fmt: Fmt = fmt_option(), radar_file: Files = file_option("radar", "radars")):
    """List radar and site presets (and user entries) with their sources and calibrations."""
    require_format(fmt, ("table", "json", "csv"))
    use_files(radar_file=radar_file)
    rs = [r.to_dict() for r in api.list_radars()]
    ss = [s.to_dict() for s in api.list_sites()]
    table = rows_table(rs, ["name", "detection_range_km_at_0.01m2", "detection_range_km_at_1m2",
                            "calibration_range_km", "calibration_rcs_m2", "losses_db",
                            "half_width_deg"])
    table += "\n\nSites:\n" + rows_table(ss, ["name", "lat_deg", "lon_deg", "height_m",
                                               "boresight_az_deg", "min_elevation_deg"])
    table += sources_block(rs + ss)
    emit({"radars": rs, "sites": ss}, fmt, table=table, rows=rs)


@app.command()
def trajectory(
    missile: str = typer.Option(..., "--missile", help=MISSILE_HELP),
    from_: str = typer.Option(..., "--from", help="launch point LAT,LON"),
    to: Optional[str] = typer.Option(None, "--to", help="aim point LAT,LON"),
    azimuth_deg: Optional[float] = typer.Option(None, "--azimuth-deg",
                                                help="launch azimuth (deg from north)"),
    min_energy: bool = typer.Option(False, "--min-energy",
                                    help="minimum-energy shape (the default)"),
    apogee_km: Optional[float] = typer.Option(None, "--apogee-km",
                                              help="lofted or depressed shape with this apogee"),
    plot: Optional[Path] = typer.Option(None, "--plot", help="write a profile (.png/.svg/.pdf)"),
    kml: Optional[Path] = typer.Option(None, "--kml",
                                       help="write the flight for Google Earth (.kml or .kmz): "
                                            "a line at absolute altitude with launch, burnout, "
                                            "apogee and impact placemarks"),
    history: Optional[Path] = typer.Option(None, "--history",
                                           help="write the sampled flight (.csv, one row per "
                                                "second): t_s, lat_deg, lon_deg, alt_km, "
                                                "speed_km_s, phase (boost, midcourse, terminal "
                                                "below 100 km on the way down)"),
    fmt: Fmt = fmt_option(),
    missile_file: Files = file_option("missile", "missiles"),
):
    """Fly one missile: minimum energy, a given apogee, or aimed at a point."""
    require_format(fmt, ("table", "json", "csv"))
    use_files(missile_file)
    if min_energy and apogee_km is not None:
        raise ThaadsimError("--apogee-km", "cannot be combined with --min-energy", apogee_km)
    if (to is None) == (azimuth_deg is None):
        raise ThaadsimError("--to", "exactly one of --to LAT,LON or --azimuth-deg AZ is required",
                            to if to is not None else azimuth_deg)
    api.get_missile(missile)
    api.launch(from_)
    if apogee_km is not None:
        check("apogee_km", apogee_km, "--apogee-km")
    if plot is not None:
        plot = check_output_file("--plot", plot)
    if kml is not None:
        kml = check_output_file("--kml", kml, KML_SUFFIXES)
    if history is not None:
        history = check_output_file("--history", history, (".csv",))
    with bar("trajectory"):
        if to is not None:
            f = api.aim(missile, from_, to, apogee_km=apogee_km)
        else:
            f = api.fly(missile, from_, azimuth_deg=float(azimuth_deg or 0.0),
                        apogee_km=apogee_km)
    out = f.to_dict()
    if plot is not None:
        from thaadsim.viz.plots import flight_profile

        flight_profile(f, plot)
        out["plot"] = str(plot)
    if kml is not None:
        write_kml(flight_kml(f, name=f"thaadsim trajectory: {f.missile.name}"), kml)
        out["kml"] = str(kml)
    if history is not None:
        write_text(rows_to_csv(history_rows(f), digits=None), history)
        out["history"] = str(history)
    emit(out, fmt)


@app.command()
def loft2range(
    apogee_km: float = typer.Option(..., "--apogee-km", help="apogee of the lofted test (km)"),
    range_km: float = typer.Option(..., "--range-km", help="ground range of the test (km)"),
    flight_time_s: Optional[float] = typer.Option(None, "--flight-time-s",
                                                  help="reported flight time (s): a check and a "
                                                       "share of the band, not the burn time"),
    flight_time_tol_s: Optional[float] = typer.Option(
        None, "--flight-time-tol-s", help="tolerance of the flight time (s); default half its "
                                          "reporting unit (30 s for whole minutes)"),
    missile: Optional[str] = typer.Option(None, "--missile",
                                          help="the tested missile, fitted as the template: "
                                               + MISSILE_HELP),
    template: Optional[str] = typer.Option(None, "--template",
                                           help="same as --missile; default: the class "
                                                "template"),
    missile_class: Optional[str] = typer.Option(None, "--class",
                                                help="srbm|mrbm|irbm|icbm (default: the "
                                                     "missile's, else from the data)"),
    site: str = typer.Option("39.20,125.67", "--from", help="launch site LAT,LON for the "
                                                             "rotating-Earth reach"),
    toward: Optional[str] = typer.Option(None, "--toward",
                                         help="LAT,LON: reach along the great circle from "
                                              "--from toward this point (rotating Earth)"),
    fmt: Fmt = fmt_option(),
    missile_file: Files = file_option("missile", "missiles"),
):
    """Range on a standard trajectory, with a band, from a lofted test's apogee and range."""
    require_format(fmt, ("table", "json", "csv"))
    use_files(missile_file)
    if flight_time_tol_s is not None:
        check("flight_time_s", flight_time_tol_s, "--flight-time-tol-s")
        if flight_time_s is None:
            raise ThaadsimError("--flight-time-tol-s", "needs --flight-time-s", flight_time_tol_s)
    for opt, name in (("--missile", missile), ("--template", template)):
        if name is not None:
            try:
                api.get_missile(name)
            except ThaadsimError as e:
                raise ThaadsimError(opt, e.rule, name) from None
    if missile and template and api.get_missile(missile).name != api.get_missile(template).name:
        raise ThaadsimError("--missile", f"names another missile than --template ({template}); "
                                         "give one of the two", missile)
    point = None if toward is None else api.launch(toward, "--toward")
    with bar("loft2range"):
        res = api.loft2range(apogee_km, range_km, flight_time_s, missile=missile or template,
                             missile_class=missile_class, from_=site,
                             toward=None if point is None else (point.lat_deg, point.lon_deg),
                             flight_time_tol_s=flight_time_tol_s).to_dict()
    rows = res["rotating_earth"]["by_azimuth"]
    s = res["rotating_earth"]["site"]
    table = kv_table({k: v for k, v in res.items() if k not in ("rotating_earth", "band")})
    table += ("\n\nband: fitted members (burn-time scale, payload, flight time, range on a "
              f"standard trajectory; dominant input: {res['band_dominant_input']}):\n"
              + rows_table(res["band"]["members"], ["role", "burn_time_scale",
                                                    "fitted_payload_kg", "flight_time_s",
                                                    "max_range_km", "reaches_orbit"]))
    table += ("\n\nrotating Earth, reach along each impact bearing from "
              f"{s['lat_deg']:.2f},{s['lon_deg']:.2f}:\n"
              + rows_table(rows, ["bearing_deg", "launch_azimuth_deg", "max_range_km",
                                  "reaches_orbit"]))
    emit(res, fmt, table=table, rows=rows)


def _site(site: str, azimuth_deg: float | None, min_elevation_deg: float | None):
    """A site preset or LAT,LON[,HEIGHT_M] (user-site defaults, one rule for every command),
    with the boresight and beam floor overridden where given."""
    from thaadsim.sensors.site import parse_site

    s = parse_site(site)
    if azimuth_deg is not None:
        s = s.with_beam(boresight_az_deg=check("azimuth_deg", azimuth_deg, "--azimuth-deg"))
    if min_elevation_deg is not None:
        s = s.with_beam(min_elevation_deg=check("min_elevation_deg", min_elevation_deg,
                                                "--min-elevation-deg"))
    return s


@app.command()
def track(
    missile: str = typer.Option(..., "--missile", help=MISSILE_HELP),
    from_: str = typer.Option(..., "--from", help="launch point LAT,LON"),
    to: str = typer.Option(..., "--to", help="aim point LAT,LON"),
    apogee_km: Optional[float] = typer.Option(None, "--apogee-km"),
    radar: str = typer.Option("tpy2-terminal", "--radar", help=RADAR_HELP),
    site: str = typer.Option("seongju", "--site", help=SITE_HELP),
    rcs_m2: float = typer.Option(0.01, "--rcs-m2", help="radar cross-section (m2)"),
    min_elevation_deg: Optional[float] = typer.Option(None, "--min-elevation-deg",
                                                      help="beam floor (default: the site's)"),
    n_of_m: str = typer.Option("3,5", "--n-of-m", help="firm track after N detections in M looks"),
    azimuth_deg: Optional[float] = typer.Option(None, "--azimuth-deg",
                                                help="face boresight (default: the site's)"),
    fmt: Fmt = fmt_option(offers="table|json"),
    missile_file: Files = file_option("missile", "missiles"),
    radar_file: Files = file_option("radar", "radars"),
):
    """Detection and track timeline of one aimed missile seen by a radar."""
    require_format(fmt, ("table", "json"))
    use_files(missile_file, radar_file)
    api.get_missile(missile)
    api.get_radar(radar)
    s = _site(site, azimuth_deg, min_elevation_deg)
    check("rcs_m2", rcs_m2, "--rcs-m2")
    nm = check_n_of_m(float_list("n-of-m", n_of_m), "--n-of-m", n_of_m)
    if apogee_km is not None:
        check("apogee_km", apogee_km, "--apogee-km")
    with bar("track"):
        res = api.track(missile, from_, to, radar=radar, site=s, rcs_m2=rcs_m2,
                        apogee_km=apogee_km, n_of_m=nm)
    note(api.site_note(s))
    emit(res.to_dict(), fmt)


def float_list(parameter: str, text: str) -> list[float]:
    """Numbers from a comma-separated option value (exit 2 naming ``--parameter`` if not)."""
    try:
        vals = [float(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise ThaadsimError(f"--{parameter}", "must be a comma-separated list of numbers",
                            text) from None
    if not vals:
        raise ThaadsimError(f"--{parameter}", "must list at least one value", text)
    return vals


@app.command()
def coverage(
    radar: str = typer.Option("tpy2-terminal", "--radar", help=RADAR_HELP),
    site: str = typer.Option("seongju", "--site", help=SITE_HELP),
    altitude_km: str = typer.Option("10,100,300", "--altitude-km",
                                    help="target altitudes (km), comma-separated"),
    rcs_m2: float = typer.Option(0.01, "--rcs-m2", help="radar cross-section (m2)"),
    min_elevation_deg: Optional[float] = typer.Option(None, "--min-elevation-deg",
                                                      help="beam floor (default: the site's)"),
    azimuth_deg: Optional[float] = typer.Option(None, "--azimuth-deg",
                                                help="face boresight (default: the site's)"),
    map_: Optional[Path] = typer.Option(None, "--map", help="write a map (.png/.svg/.pdf)"),
    vertical: Optional[Path] = typer.Option(None, "--vertical",
                                            help="write a range-height diagram (.png/.svg/.pdf)"),
    kml: Optional[Path] = typer.Option(None, "--kml",
                                       help="write the layers for Google Earth (.kml or .kmz): "
                                            "one polygon per altitude, drawn at that altitude, "
                                            "with the area and depth per country"),
    fmt: Fmt = fmt_option(offers="table|json|csv (one row per altitude and country)|geojson"),
    radar_file: Files = file_option("radar", "radars"),
):
    """Where a target of given altitude and RCS is detectable, per country."""
    use_files(radar_file=radar_file)
    r = api.get_radar(radar)
    s = _site(site, azimuth_deg, min_elevation_deg)
    alts = float_list("altitude-km", altitude_km)
    if len(alts) > BOUNDS["altitudes_count"].hi:
        raise ThaadsimError("--altitude-km", f"must list at most "
                                             f"{int(BOUNDS['altitudes_count'].hi)} altitudes",
                            altitude_km)
    for a in alts:
        check("altitude_km", a, "--altitude-km")
    check("rcs_m2", rcs_m2, "--rcs-m2")
    if map_ is not None:
        map_ = check_output_file("--map", map_)
    if vertical is not None:
        vertical = check_output_file("--vertical", vertical)
    if kml is not None:
        kml = check_output_file("--kml", kml, KML_SUFFIXES)
    with bar("coverage"):
        res = api.coverage(r, s, alts, rcs_m2)
    if map_ is not None:
        from thaadsim.viz.maps import coverage_map

        coverage_map(res, map_)
    if vertical is not None:
        from thaadsim.analysis.range_height import range_height
        from thaadsim.viz.maps import vertical_coverage

        vertical_coverage(range_height(r, s, rcs_m2), vertical)
    if kml is not None:
        write_kml(coverage_kml(res), kml)
    note(api.site_note(s))
    if fmt == Fmt.geojson:
        emit(res.to_geojson(), fmt)
        return
    d = res.to_dict()
    if kml is not None:
        d["kml"] = str(kml)
    if fmt == Fmt.csv:
        # one row per (altitude, country), each saying which radar, site and RCS it is for (so
        # that the rows of several runs can share one spreadsheet)
        head = {"radar": r.name, "site": s.name, "rcs_m2": rcs_m2}
        emit(d, fmt, rows=[dict(head, **row) for row in res.to_dataframe().to_dict("records")])
        return
    countries = res.countries_seen()
    rows = []
    for layer in d["layers"]:
        row = {k: v for k, v in layer.items() if k not in ("countries", "range_limits_km")}
        for iso in countries:
            row[f"{iso}_km2"] = layer["countries"].get(iso, {}).get("area_km2")
        rows.append(row)
    table = (f"radar {r.name} at {s.name} ({s.lat_deg:.3f}, {s.lon_deg:.3f}), RCS {rcs_m2:g} m2: "
             f"detection range {d['radar']['detection_range_km']:.1f} km, beam floor "
             f"{d['radar']['min_elevation_deg']:g} deg\n"
             + rows_table(rows, ["altitude_km", "max_ground_range_km", "max_slant_range_km",
                                 "limited_by", "area_km2"] + [f"{i}_km2" for i in countries]))
    emit(d, fmt, table=table)
