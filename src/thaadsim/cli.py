"""The ``thaadsim`` command: a thin shell over the library (parse, call, format)."""

from __future__ import annotations

import datetime as _dt
import math
import os
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as cx
except ImportError:  # pragma: no cover
    from click import exceptions as cx  # type: ignore[no-redef]

from thaadsim import __version__
from thaadsim._progress import bar, set_quiet
from thaadsim.errors import ThaadsimError, show_value
from thaadsim.io.files import check_output_file
from thaadsim.io.output import kv_table, rows_table, rows_to_csv, to_json
from thaadsim.limits import BOUNDS, check, check_budget

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="thaadsim: open, physics-based THAAD simulator (public estimates only).")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks (ratios against baselines).")
app.add_typer(bench_app, name="bench")


_ARGV: list[str] = []


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"thaadsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True,
                                       callback=_version_callback, help="print the version"),
          quiet: bool = typer.Option(False, "--quiet", "-q",
                                     help="no progress on stderr (it is also off when stderr is "
                                          "not a terminal)")) -> None:
    """thaadsim: open, physics-based THAAD simulator (public estimates only)."""
    set_quiet(quiet)


def run_date() -> str:
    """UTC time of the run; SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = None
    if epoch:
        try:
            t = _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC)
        except (ValueError, OverflowError, OSError):
            t = None
    t = t or _dt.datetime.now(tz=_dt.UTC)
    return t.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def metadata() -> dict:
    """What every JSON output carries: version, run date, command line."""
    return {"thaadsim_version": __version__, "run_date": run_date(),
            "command": " ".join(["thaadsim", *_ARGV]),
            "public_estimates_only": True}


def with_metadata(obj):
    if isinstance(obj, dict):
        return {**obj, "metadata": metadata()}
    return obj


class Fmt(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    table = "table"
    json = "json"
    csv = "csv"


def _file_opt(kind: str, listing: str):
    return typer.Option(None, f"--{kind}-file",
                        help=f"a TOML file in the format of the shipped {kind.replace('-', '_')}s"
                             f".toml (repeatable); its entries are usable by name and listed by "
                             f"'thaadsim {listing}'")


MissileFiles = Optional[list[Path]]


def use_files(missile_file=None, radar_file=None, interceptor_file=None,
              threat_set_file=None) -> None:
    """Register the user's data files (validated now, before any work)."""
    from thaadsim.presets import add_user_file

    for files, name in ((missile_file, "missiles.toml"), (radar_file, "radars.toml"),
                        (interceptor_file, "interceptors.toml"),
                        (threat_set_file, "threat_sets.toml")):
        for f in files or []:
            add_user_file(f, name)


def parse_latlon(parameter: str, text: str, allow_height: bool = False):
    """'LAT,LON' (or 'LAT,LON,HEIGHT_M') -> floats, validated."""
    parts = [p.strip() for p in str(text).split(",")]
    n_ok = (2, 3) if allow_height else (2,)
    form = "LAT,LON[,HEIGHT_M]" if allow_height else "LAT,LON"
    if len(parts) not in n_ok:
        raise ThaadsimError(parameter, f"must be {form} in decimal degrees", text)
    try:
        vals = [float(p) for p in parts]
    except ValueError:
        raise ThaadsimError(parameter, f"must be {form} in decimal degrees", text) from None
    lat = check("latitude_deg", vals[0], f"{parameter} latitude")
    lon = check("longitude_deg", vals[1], f"{parameter} longitude")
    if allow_height:
        h = check("height_m", vals[2], f"{parameter} height_m") if len(vals) == 3 else None
        return lat, lon, h
    return lat, lon


def sources_block(rows: list[dict]) -> str:
    """'Sources:' lines for presets (name: sources [notes])."""
    return "\n\nSources:\n" + "\n".join(
        f"  {r['name']}: " + "; ".join(r["sources"])
        + (f" [{r['notes']}]" if r.get("notes") else "") for r in rows if r.get("sources"))


def emit(obj, fmt, *, table: str | None = None, rows: list[dict] | None = None):
    """Print a result as a table, JSON (with ``metadata``) or CSV."""
    if fmt in ("json", "geojson"):
        typer.echo(to_json(with_metadata(obj)))
    elif fmt == "csv":
        typer.echo(rows_to_csv(rows if rows is not None else [obj]), nl=False)
    else:
        typer.echo(table if table is not None else kv_table(obj))


@app.command()
def missiles(fmt: Fmt = typer.Option(Fmt.table, "--format"),
    missile_file: MissileFiles = _file_opt("missile", "missiles"),
):
    """List missile presets (and user entries) with their sources (public estimates)."""
    from thaadsim.threats import list_missiles

    use_files(missile_file)
    rows = []
    for m in list_missiles():
        rows.append({"name": m.name, "class": m.klass, "nominal_range_km": m.nominal_range_km,
                     "stages": len(m.stages), "launch_mass_kg": round(m.launch_mass_kg),
                     "rv_mass_kg": m.rv_mass_kg, "burn_time_s": m.burn_time_s,
                     "ideal_delta_v_km_s": round(m.ideal_delta_v_m_s() / 1e3, 3),
                     "description": m.description, "sources": list(m.sources),
                     "notes": m.notes})
    table = rows_table(rows, ["name", "class", "nominal_range_km", "stages", "launch_mass_kg",
                              "rv_mass_kg", "burn_time_s"])
    table += sources_block(rows)
    emit({"missiles": rows}, fmt, table=table, rows=[{k: v for k, v in r.items()
                                                      if k != "sources"} for r in rows])


@app.command()
def trajectory(
    missile: str = typer.Option(..., "--missile", help="preset name (thaadsim missiles)"),
    from_: str = typer.Option(..., "--from", help="launch point LAT,LON"),
    to: Optional[str] = typer.Option(None, "--to", help="aim point LAT,LON"),
    azimuth_deg: Optional[float] = typer.Option(None, "--azimuth-deg"),
    min_energy: bool = typer.Option(False, "--min-energy"),
    apogee_km: Optional[float] = typer.Option(None, "--apogee-km"),
    plot: Optional[Path] = typer.Option(None, "--plot", help="write a PNG profile"),
    fmt: Fmt = typer.Option(Fmt.table, "--format"),
    missile_file: MissileFiles = _file_opt("missile", "missiles"),
):
    """Fly one missile: minimum energy, a given apogee, or aimed at a point."""
    from thaadsim.threats import Launch, aim, get_missile, solve_apogee, solve_max_range

    use_files(missile_file)
    m = get_missile(missile)
    lat, lon = parse_latlon("from", from_)
    site = Launch(lat, lon)
    if min_energy and apogee_km is not None:
        raise ThaadsimError("--apogee-km", "cannot be combined with --min-energy", apogee_km)
    if apogee_km is not None:
        apogee_km = check("apogee_km", apogee_km, "--apogee-km")
    if (to is None) == (azimuth_deg is None):
        raise ThaadsimError("--to", "exactly one of --to LAT,LON or --azimuth-deg AZ is required",
                            to if to is not None else azimuth_deg)
    if plot is not None:
        plot = check_output_file("--plot", plot)
    if to is not None:
        tlat, tlon = parse_latlon("to", to)
        sol = aim(m, site, tlat, tlon, apogee_m=None if apogee_km is None else apogee_km * 1e3)
        az, th, tc = sol.azimuth_deg, sol.theta_deg, sol.t_cut_s
        rec = sol.batch.to_dict(0)
        rec["miss_distance_m"] = round(sol.miss_m, 1)
        rec["aim"] = {"lat_deg": tlat, "lon_deg": tlon}
    else:
        az = check("azimuth_deg", azimuth_deg, "--azimuth-deg")
        tc = math.inf
        if apogee_km is None:
            th, b = solve_max_range(m, site, az)
        else:
            th, b = solve_apogee(m, site, az, apogee_km * 1e3)
        rec = b.to_dict(0)
    shape = "apogee" if apogee_km is not None else "minimum-energy"
    out = {"missile": m.name, "shape": shape,
           "launch": {"lat_deg": lat, "lon_deg": lon}, **rec,
           "guidance": {"azimuth_deg": round(az, 4), "final_pitch_deg": round(th, 4),
                        "thrust_cutoff_s": None if not math.isfinite(tc) else round(tc, 3)},
           "assumptions": "rotating WGS84 Earth, J2 gravity, US 1976 atmosphere; preset is a "
                          "public estimate"}
    if plot is not None:
        from thaadsim.threats import fly
        from thaadsim.viz.plots import trajectory_profile

        b = fly(m, lat, lon, az, th, tc, history_dt_s=1.0)
        trajectory_profile(b, [f"{m.name} ({shape})"], plot,
                           title=f"{m.name}: range {rec['range_km']} km, apogee "
                                 f"{rec['apogee_km']} km",
                           note="thaadsim; preset = public estimate; rotating WGS84 Earth, J2, "
                                "US 1976 atmosphere")
        out["plot"] = str(plot)
    emit(out, fmt)


@app.command()
def loft2range(
    apogee_km: float = typer.Option(..., "--apogee-km"),
    range_km: float = typer.Option(..., "--range-km"),
    flight_time_s: Optional[float] = typer.Option(None, "--flight-time-s"),
    missile_class: Optional[str] = typer.Option(None, "--class",
                                                help="srbm|mrbm|irbm|icbm (default: from data)"),
    site: str = typer.Option("39.20,125.67", "--from", help="launch site for the rotating table"),
    template: Optional[str] = typer.Option(None, "--template",
                                           help="missile to fit (a preset or user entry; "
                                                "'thaadsim missiles' lists them); default: the "
                                                "class template"),
    fmt: Fmt = typer.Option(Fmt.table, "--format"),
    missile_file: MissileFiles = _file_opt("missile", "missiles"),
):
    """Range on a standard trajectory from a lofted test's apogee and range."""
    from thaadsim.analysis.loft2range import loft2range as run
    from thaadsim.threats import Launch, get_missile

    use_files(missile_file)
    if template is not None:
        get_missile(template)
    lat, lon = parse_latlon("from", site)
    check("apogee_km", apogee_km, "--apogee-km")
    check("range_km", range_km, "--range-km")
    if flight_time_s is not None:
        check("flight_time_s", flight_time_s, "--flight-time-s")
    res = run(apogee_km, range_km, flight_time_s, missile_class=missile_class,
              site=Launch(lat, lon), template=template).to_dict()
    rows = res["rotating_earth"]["by_azimuth"]
    table = kv_table({k: v for k, v in res.items() if k != "rotating_earth"})
    table += "\n\nrotating Earth, maximum range by launch azimuth from " \
             f"{lat:.2f},{lon:.2f}:\n" + rows_table(rows, ["azimuth_deg", "max_range_km",
                                                          "reaches_orbit"])
    emit(res, fmt, table=table, rows=rows)


class EngFmt(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    table = "table"
    json = "json"


@app.command()
def engage(
    scenario: Path = typer.Argument(..., help="scenario TOML (see examples/)"),
    trials: int = typer.Option(10_000, "--trials"),
    seed: int = typer.Option(1, "--seed"),
    timeline: Optional[Path] = typer.Option(None, "--timeline", help="write a PNG timeline"),
    fmt: EngFmt = typer.Option(EngFmt.table, "--format"),
    missile_file: MissileFiles = _file_opt("missile", "missiles"),
    radar_file: MissileFiles = _file_opt("radar", "radars"),
    interceptor_file: MissileFiles = _file_opt("interceptor", "interceptors"),
):
    """Fight a raid: windows, doctrine, inventory; Monte Carlo beside the closed form."""
    from thaadsim.engagement.raid import engage as run
    from thaadsim.io.scenario import load_scenario

    trials, seed = check_trials_seed(trials, seed)
    if timeline is not None:
        timeline = check_output_file("--timeline", timeline)
    use_files(missile_file, radar_file, interceptor_file)
    sc = load_scenario(scenario)
    check_budget("--trials", trials, engage_memory_bytes(trials, len(sc.threat), len(sc.battery)),
                 "use fewer --trials")
    with bar(f"engage: aiming {len(sc.threat)} threats") as progress:
        result = run(sc, trials, seed, progress=progress)
    out = result.to_dict()
    if timeline is not None:
        from thaadsim.viz.plots import engagement_timeline

        engagement_timeline(result.kinematics, result.plan, timeline)
        out["timeline"] = str(timeline)
    if fmt == EngFmt.json:
        emit(out, "json")
        return
    cols = ["id", "missile", "battery", "range_km", "track_time_s", "intercept_opportunities",
            "earliest_intercept_alt_km", "shots_planned", "p_leak", "p_leak_analytic"]
    typer.echo(rows_table(out["threats"], cols))
    typer.echo(f"\n{result!r}")


class FpFmt(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    table = "table"
    json = "json"
    geojson = "geojson"


@app.command()
def footprint(
    battery: str = typer.Option("seongju", "--battery",
                                help="site preset, LAT,LON, 'withdrawn', or sites joined by '+'"),
    threat_set: str = typer.Option("nk-default", "--threat-set",
                                   help="a threat set ('thaadsim threat-sets' lists them)"),
    compare: Optional[list[str]] = typer.Option(None, "--compare",
                                                help="withdrawn | SITE | SITE+SITE (repeatable)"),
    grid_km: float = typer.Option(5.0, "--grid-km"),
    map_: Optional[Path] = typer.Option(None, "--map", help="write a PNG map"),
    fmt: FpFmt = typer.Option(FpFmt.table, "--format"),
    missile_file: MissileFiles = _file_opt("missile", "missiles"),
    threat_set_file: MissileFiles = _file_opt("threat-set", "threat-sets"),
    radar_file: MissileFiles = _file_opt("radar", "radars"),
):
    """Which ground a battery defends against a threat set, and what changes if it moves."""
    from thaadsim.analysis import footprint as fp
    from thaadsim.engagement.fire_control import parse_configuration
    from thaadsim.sensors.radar import site_note
    from thaadsim.threats.threat_set import get_threat_set

    use_files(missile_file, radar_file, threat_set_file=threat_set_file)
    grid_km = check("grid_km", grid_km, "--grid-km")
    ts = get_threat_set(threat_set)
    configs = [parse_configuration(battery)]
    for c in compare or []:
        configs.append(parse_configuration(c, parameter="--compare"))
    work = fp.footprint_work(grid_km, len(ts.missiles) * len(ts.launch_areas), len(configs))
    check_budget("--grid-km", grid_km, work["memory_bytes"], "use a coarser --grid-km")
    if work["seconds"] > fp.MAX_SECONDS:
        raise ThaadsimError("--grid-km", f"asks for too much work: {work['cells']:,} cells x "
                                         f"{work['pairs']} threats x {work['configurations']} "
                                         f"configurations need ~{work['seconds'] / 60:.0f} min "
                                         f"(limit {fp.MAX_SECONDS / 60:.0f} min); use a coarser "
                                         "--grid-km or fewer --compare", grid_km)
    if map_ is not None:
        map_ = check_output_file("--map", map_)
    results = []
    with bar("footprint") as progress:
        for i, (label, bats) in enumerate(configs):
            def prog(text, done, total, i=i, label=label):
                progress(f"{label} ({i + 1}/{len(configs)}): {text}", i * total + done,
                         len(configs) * total)

            results.append(fp.footprint(bats, ts, grid_km, label=label, progress=prog))
    notes = sorted({n for _, bats in configs for b in bats if (n := site_note(b.site))})
    for n in notes:
        typer.echo(f"thaadsim: note: {n}", err=True)
    if map_ is not None:
        from thaadsim.viz.maps import footprint_map

        footprint_map(results, map_)
    if fmt == FpFmt.geojson:
        emit(results[0].to_geojson(), "geojson")
        return
    out = {"threat_set": {"name": ts.name, "description": ts.description,
                          "missiles": list(ts.missiles),
                          "launch_areas": [{"name": a[0], "lat_deg": a[1], "lon_deg": a[2]}
                                           for a in ts.launch_areas],
                          "sources": list(ts.sources)},
           "results": [r.to_dict() for r in results]}
    if map_ is not None:
        out["map"] = str(map_)
    if len(results) > 1:
        out["comparison"] = fp.compare(results).to_dict()
    if fmt == FpFmt.json:
        emit(out, "json")
        return
    rows = [{**r, "key": ", ".join(f"{k}:{'Y' if v else 'n'}" for k, v in r["key_cities"].items()
                                  if k in ("Seoul", "Daegu", "Busan", "Pyeongtaek"))}
            for r in out["results"]]
    typer.echo(rows_table(rows, ["configuration", "area_km2", "defended_fraction_of_south_korea",
                                 "defended_fraction_sls", "defended_population", "key"]))
    if len(results) > 1:
        def short(names):
            return f"{len(names)}" + (": " + ", ".join(names[:5]) + (", ..." if len(names) > 5
                                                                     else "") if names else "")

        crow = [dict(r, cities_gained=short(r["cities_gained"]),
                     cities_lost=short(r["cities_lost"]))
                for r in out["comparison"]["configurations"]]
        typer.echo("")
        typer.echo(rows_table(crow,
                              ["configuration", "area_change_km2", "population_change",
                               "cities_gained", "cities_lost"]))


@app.command()
def demo(out: str = typer.Option("demo-out", "--out",
                                 help="report directory: new, empty, or an earlier thaadsim "
                                      "report (other files in it are kept)"),
         trials: int = typer.Option(20_000, "--trials"),
         seed: int = typer.Option(1, "--seed"),
         force: bool = typer.Option(False, "--force",
                                    help="also write into a non-empty directory (never deletes "
                                         "or overwrites a file thaadsim did not write)")):
    """The main job: the Seongju report (HTML, JSON, GeoJSON, PNG maps), offline."""
    from thaadsim.report import run_demo

    trials, seed = check_trials_seed(trials, seed)
    check_budget("--trials", trials, engage_memory_bytes(trials, 500, 4), "use fewer --trials")
    with bar("demo") as progress:
        run_demo(out, trials=trials, seed=seed, progress=progress, print_summary=typer.echo,
                 force=force, metadata=metadata())


@app.command("threat-sets")
def threat_sets(fmt: Fmt = typer.Option(Fmt.table, "--format"),
    threat_set_file: MissileFiles = _file_opt("threat-set", "threat-sets"),
    missile_file: MissileFiles = _file_opt("missile", "missiles"),
):
    """List threat sets (missiles, launch areas, shapes) with their sources."""
    from thaadsim.threats.threat_set import get_threat_set, list_threat_sets

    use_files(missile_file, threat_set_file=threat_set_file)
    rows = []
    for name in list_threat_sets():
        ts = get_threat_set(name)
        rows.append({"name": ts.name, "missiles": ", ".join(ts.missiles),
                     "launch_areas": ", ".join(a[0] for a in ts.launch_areas),
                     "depressed_apogee_km": dict(ts.depressed), "description": ts.description,
                     "sources": list(ts.sources)})
    table = rows_table(rows, ["name", "missiles", "launch_areas"]) + sources_block(rows)
    emit({"threat_sets": rows}, fmt, table=table,
         rows=[{k: v for k, v in r.items() if k != "sources"} for r in rows])


@app.command()
def radars(fmt: Fmt = typer.Option(Fmt.table, "--format"),
    radar_file: MissileFiles = _file_opt("radar", "radars"),
):
    """List radar and site presets (and user entries) with their sources and calibrations."""
    from thaadsim.sensors import list_radars, list_sites

    use_files(radar_file=radar_file)
    rs = []
    for r in list_radars():
        rs.append({"name": r.name, "description": r.description,
                   "detection_range_km_at_0.01m2": round(float(r.detection_range_m(0.01)) / 1e3, 1),
                   "detection_range_km_at_1m2": round(float(r.detection_range_m(1.0)) / 1e3, 1),
                   "calibration": f"{r.calibration_range_km} km at {r.calibration_rcs_m2} m2",
                   "losses_db": round(r.losses_db, 2), "frequency_ghz": r.frequency_hz / 1e9,
                   "half_width_deg": r.half_width_deg,
                   "instrumented_range_km": r.instrumented_range_km,
                   "sources": list(r.sources), "notes": r.notes})
    ss = [{"name": s.name, "lat_deg": s.lat_deg, "lon_deg": s.lon_deg, "height_m": s.height_m,
           "boresight_az_deg": s.boresight_az_deg, "min_elevation_deg": s.min_elevation_deg,
           "description": s.description, "sources": list(s.sources)} for s in list_sites()]
    table = rows_table(rs, ["name", "detection_range_km_at_0.01m2", "detection_range_km_at_1m2",
                            "calibration", "losses_db", "half_width_deg"])
    table += "\n\nSites:\n" + rows_table(ss, ["name", "lat_deg", "lon_deg", "height_m",
                                               "boresight_az_deg", "min_elevation_deg"])
    table += sources_block(rs + ss)
    emit({"radars": rs, "sites": ss}, fmt, table=table, rows=rs)


@app.command()
def track(
    missile: str = typer.Option(..., "--missile"),
    from_: str = typer.Option(..., "--from", help="launch point LAT,LON"),
    to: str = typer.Option(..., "--to", help="aim point LAT,LON"),
    apogee_km: Optional[float] = typer.Option(None, "--apogee-km"),
    radar: str = typer.Option("tpy2-terminal", "--radar"),
    site: str = typer.Option("seongju", "--site", help="preset or LAT,LON[,HEIGHT_M]"),
    rcs_m2: float = typer.Option(0.01, "--rcs-m2"),
    min_elevation_deg: Optional[float] = typer.Option(None, "--min-elevation-deg"),
    n_of_m: str = typer.Option("3,5", "--n-of-m", help="firm track after N detections in M looks"),
    azimuth_deg: Optional[float] = typer.Option(None, "--azimuth-deg",
                                                help="face boresight (default: the site's)"),
    fmt: Fmt = typer.Option(Fmt.table, "--format"),
    missile_file: MissileFiles = _file_opt("missile", "missiles"),
    radar_file: MissileFiles = _file_opt("radar", "radars"),
):
    """Detection and track timeline of one aimed missile seen by a radar."""
    from thaadsim.sensors import get_radar
    from thaadsim.sensors.detect import detection_timeline
    from thaadsim.threats import Launch, aim, fly, get_missile

    use_files(missile_file, radar_file)
    m = get_missile(missile)
    r = get_radar(radar)
    s = _site_with_options(site, azimuth_deg, min_elevation_deg)
    check("rcs_m2", rcs_m2, "--rcs-m2")
    nm = _float_list("n-of-m", n_of_m)
    if len(nm) != 2 or not (1 <= nm[0] <= nm[1] <= 100) or any(x != int(x) for x in nm):
        raise ThaadsimError("--n-of-m", "must be N,M with 1 <= N <= M <= 100", n_of_m)
    lat, lon = parse_latlon("from", from_)
    tlat, tlon = parse_latlon("to", to)
    if apogee_km is not None:
        check("apogee_km", apogee_km, "--apogee-km")
    sol = aim(m, Launch(lat, lon), tlat, tlon,
              apogee_m=None if apogee_km is None else apogee_km * 1e3)
    b = fly(m, lat, lon, sol.azimuth_deg, sol.theta_deg, sol.t_cut_s, history_dt_s=1.0)
    tl = detection_timeline(r, s, b, rcs_m2, n_of_m=(int(nm[0]), int(nm[1])))
    rec = b.to_dict(0)
    _echo_site_note(s)
    out = {"missile": m.name, "radar": r.name, "site": s.name, "rcs_m2": rcs_m2,
           "boresight_az_deg": s.boresight_az_deg, "min_elevation_deg": s.min_elevation_deg,
           "site_defaults_applied": list(s.defaults_applied),
           "flight_time_s": rec["flight_time_s"], "range_km": rec["range_km"],
           "apogee_km": rec["apogee_km"], **tl.to_dict(0),
           "samples_failing": dict(zip(("horizon", "elevation", "sector", "instrumented_range",
                                        "power"), map(int, tl.reason_samples[0]), strict=True))}
    emit(out, fmt)


class CovFmt(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    table = "table"
    json = "json"
    geojson = "geojson"


def _float_list(parameter: str, text: str) -> list[float]:
    try:
        vals = [float(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise ThaadsimError(parameter, "must be a comma-separated list of numbers", text) from None
    if not vals:
        raise ThaadsimError(parameter, "must list at least one value", text)
    return vals


@app.command()
def coverage(
    radar: str = typer.Option("tpy2-terminal", "--radar"),
    site: str = typer.Option("seongju", "--site", help="preset or LAT,LON[,HEIGHT_M]"),
    altitude_km: str = typer.Option("10,100,300", "--altitude-km"),
    rcs_m2: float = typer.Option(0.01, "--rcs-m2"),
    min_elevation_deg: Optional[float] = typer.Option(None, "--min-elevation-deg"),
    azimuth_deg: Optional[float] = typer.Option(None, "--azimuth-deg",
                                                help="face boresight (default: the site's)"),
    map_: Optional[Path] = typer.Option(None, "--map", help="write a PNG map"),
    vertical: Optional[Path] = typer.Option(None, "--vertical", help="write a range-height PNG"),
    fmt: CovFmt = typer.Option(CovFmt.table, "--format"),
    radar_file: MissileFiles = _file_opt("radar", "radars"),
):
    """Where a target of given altitude and RCS is detectable, per country."""
    from thaadsim.analysis.coverage import coverage as run
    from thaadsim.sensors import get_radar
    from thaadsim.sensors.radar import elevation_floor_deg

    use_files(radar_file=radar_file)
    r = get_radar(radar)
    s = _site_with_options(site, azimuth_deg, min_elevation_deg)
    alts = _float_list("altitude-km", altitude_km)
    b = BOUNDS["altitudes_count"]
    if len(alts) > b.hi:
        raise ThaadsimError("--altitude-km", f"must list at most {int(b.hi)} altitudes",
                            altitude_km)
    for a in alts:
        check("altitude_km", a, "--altitude-km")
    check("rcs_m2", rcs_m2, "--rcs-m2")
    if map_ is not None:
        map_ = check_output_file("--map", map_)
    if vertical is not None:
        vertical = check_output_file("--vertical", vertical)
    with bar("coverage") as progress:
        res = run(r, s, alts, rcs_m2, progress=progress)
    if map_ is not None:
        from thaadsim.viz.maps import coverage_map

        coverage_map(res, map_)
    if vertical is not None:
        from thaadsim.viz.maps import vertical_coverage

        vertical_coverage(r, s, rcs_m2, elevation_floor_deg(r, s, None), vertical)
    _echo_site_note(s)
    if fmt == CovFmt.geojson:
        emit(res.to_geojson(), "geojson")
        return
    d = res.to_dict()
    d["site_defaults_applied"] = list(s.defaults_applied)
    rows = []
    for layer in d["layers"]:
        row = {k: v for k, v in layer.items() if k not in ("countries", "range_limits_km")}
        for iso in ("CHN", "PRK", "KOR", "JPN", "RUS"):
            c = layer["countries"].get(iso, {})
            row[f"{iso}_km2"] = c.get("area_km2")
            row[f"{iso}_depth_km"] = c.get("max_depth_km")
        rows.append(row)
    table = (f"radar {r.name} at {s.name} ({s.lat_deg:.3f}, {s.lon_deg:.3f}), RCS {rcs_m2:g} m2: "
             f"detection range {d['radar']['detection_range_km']} km, beam floor "
             f"{d['radar']['min_elevation_deg']} deg\n" +
             rows_table(rows, ["altitude_km", "max_ground_range_km", "max_slant_range_km",
                               "limited_by", "area_km2", "CHN_km2", "CHN_depth_km", "PRK_km2",
                               "KOR_km2"]))
    if fmt == CovFmt.json:
        emit(d, "json")
    else:
        typer.echo(table)


@bench_app.command("trajectories")
def bench_trajectories(n: int = typer.Option(20_000, "--n"),
                       baseline_n: int = typer.Option(20, "--baseline-n"),
                       fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """Batched Nodong-class trajectories per second vs a scipy solve_ivp baseline."""
    from thaadsim.bench import bench_trajectories as run

    n = check("bench_n", n, "--n")
    baseline_n = check("bench_n", baseline_n, "--baseline-n")
    if baseline_n > n:
        raise ThaadsimError("--baseline-n", f"must not exceed --n ({n})", baseline_n)
    if baseline_n > 1000:
        raise ThaadsimError("--baseline-n", "must be at most 1000 (the baseline runs one "
                                            "trajectory at a time, ~20/s)", baseline_n)
    check_budget("--n", n, n * 400, "use a smaller --n")
    with bar("bench trajectories"):
        res = run(n, baseline_n)
    emit(res, fmt)


@bench_app.command("radar")
def bench_radar(n: int = typer.Option(10_000, "--n"), grid: int = typer.Option(500, "--grid"),
                fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """Coverage raster (4 altitudes) and detection timelines for n trajectories."""
    from thaadsim.bench import bench_radar as run

    n = check("bench_n", n, "--n")
    grid = check("bench_grid", grid, "--grid")
    check_budget("--n", n, n * 2000 * 7 * 8 * 2, "use a smaller --n")
    check_budget("--grid", grid, grid * grid * 4 * 8 * 8, "use a smaller --grid")
    with bar("bench radar"):
        res = run(n, grid)
    emit(res, fmt)


@bench_app.command("engage")
def bench_engage(trials: int = typer.Option(100_000, "--trials"),
                 fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """100,000 trials of a 20-missile raid (kinematics once, outcomes vectorized)."""
    from thaadsim.bench import bench_engage as run

    trials = check("trials", trials, "--trials")
    check_budget("--trials", trials, engage_memory_bytes(trials, 20, 1), "use fewer --trials")
    with bar("bench engage"):
        res = run(trials)
    emit(res, fmt)


@bench_app.command("footprint")
def bench_footprint(grid_km: float = typer.Option(5.0, "--grid-km"),
                    fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """The default footprint vs aiming every (threat, aim point) pair."""
    from thaadsim.bench import bench_footprint as run

    grid_km = check("grid_km", grid_km, "--grid-km")
    with bar("bench footprint"):
        res = run(grid_km)
    emit(res, fmt)


@bench_app.command("memory")
def bench_memory(n: int = typer.Option(100_000, "--n"),
                 fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """Peak memory of n trajectories in summary mode."""
    from thaadsim.bench import bench_memory as run

    n = check("bench_n", n, "--n")
    check_budget("--n", n, n * 400, "use a smaller --n")
    with bar("bench memory"):
        res = run(n)
    emit(res, fmt)


def check_trials_seed(trials: int, seed: int) -> tuple[int, int]:
    """One rule for Monte Carlo sizes and seeds (engage, demo, bench)."""
    return int(check("trials", trials, "--trials")), int(check("seed", seed, "--seed"))


def engage_memory_bytes(trials: int, n_threats: int, n_batteries: int) -> float:
    """Working memory of the engagement Monte Carlo: uniform draws (8 bytes) and two boolean
    arrays per (trial, threat), inventories per (trial, battery)."""
    return trials * (n_threats * (8 + 1 + 1 + 8) + n_batteries * 16 + 64)


def _site_with_options(site: str, azimuth_deg: float | None, min_elevation_deg: float | None):
    """A site preset or LAT,LON[,HEIGHT_M] (user-site defaults, one rule for every command),
    with the boresight and beam floor overridden where given."""
    import dataclasses

    from thaadsim.sensors.radar import parse_site

    s = parse_site(site)
    kw: dict = {}
    applied = list(s.defaults_applied)
    if azimuth_deg is not None:
        kw["boresight_az_deg"] = check("azimuth_deg", azimuth_deg, "--azimuth-deg")
        applied = [a for a in applied if a != "boresight_az_deg"]
    if min_elevation_deg is not None:
        kw["min_elevation_deg"] = check("min_elevation_deg", min_elevation_deg,
                                        "--min-elevation-deg")
        applied = [a for a in applied if a != "min_elevation_deg"]
    return dataclasses.replace(s, **kw, defaults_applied=tuple(applied)) if kw else s


def _echo_site_note(site) -> None:
    from thaadsim.sensors.radar import site_note

    note = site_note(site)
    if note:
        typer.echo(f"thaadsim: note: {note}", err=True)


def _option_names() -> set[str]:
    """Every --option of every command (to name library parameters by their option)."""
    names: set[str] = set()

    def walk(cmd) -> None:
        for prm in getattr(cmd, "params", []):
            names.update(o for o in getattr(prm, "opts", []) if o.startswith("--"))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return names


def _typed_values(argv: list[str]) -> dict[str, str]:
    """--option -> the text typed for it (the last one when repeated)."""
    out: dict[str, str] = {}
    for i, a in enumerate(argv):
        if a.startswith("--"):
            if "=" in a:
                k, v = a.split("=", 1)
                out[k] = v
            elif i + 1 < len(argv):
                out[a] = argv[i + 1]
    return out


def _show_typed(text: str) -> str:
    try:
        float(text)
        return text if len(text) <= 100 else show_value(text)
    except ValueError:
        return show_value(text)


def format_error(e: ThaadsimError, argv: list[str]) -> list[str]:
    """Lines for a bad-input error: the parameter named by its CLI option (``apogee_km`` ->
    ``--apogee-km``) and the value shown as the user typed it."""
    if type(e).__str__ is not ThaadsimError.__str__:  # several problems (scenario files)
        return str(e).splitlines() or [str(e)]
    base, sep, rest = str(e.parameter).partition(" ")
    opt = base if base.startswith("-") else "--" + base.replace("_", "-")
    if opt not in _option_names():
        return str(e).splitlines()
    typed = _typed_values(argv)
    value = _show_typed(typed[opt]) if (not rest and opt in typed) else show_value(e.value)
    msg = f"{opt}{sep}{rest}: {e.rule}. Got {value}."
    if e.hint:
        msg += f" {e.hint}"
    return [msg.replace("\n", " ")]


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings that are not errors reach the terminal as one line, without a source line."""
    text = str(message).replace("\n", " ")[:200]
    typer.echo(f"thaadsim: warning: {category.__name__}: {text}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: one line on stderr and exit code 2 for any bad input, never a traceback.

    numpy floating-point warnings (RuntimeWarning) are errors inside the CLI: a NaN or an overflow
    must never pass silently into a result; other warnings print as one line."""
    from thaadsim.presets import clear_user_files

    argv = list(sys.argv[1:] if argv is None else argv)
    _ARGV[:] = argv
    clear_user_files()  # user files are per invocation (main() may run many times in-process)
    cmd = typer.main.get_command(app)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.showwarning = _one_line_warning
        return _run(cmd, argv)


def _run(cmd, argv: list[str]) -> int:
    try:
        cmd.main(args=argv, prog_name="thaadsim", standalone_mode=False)
    except ThaadsimError as e:
        for line in format_error(e, argv):
            typer.echo(f"thaadsim: error: {line}", err=True)
        return 2
    except cx.NoArgsIsHelpError as e:
        typer.echo(e.format_message() if hasattr(e, "format_message") else str(e), err=True)
        return 2
    except cx.UsageError as e:
        hint = ""
        param = getattr(e, "param", None)
        if param is not None:
            hint = "/".join(param.opts) if getattr(param, "opts", None) else param.name
        msg = e.format_message().replace("\n", " ")
        if isinstance(e, cx.BadParameter) and param is not None and "Got " not in msg:
            typed = _typed_values(argv)
            for o in getattr(param, "opts", []):
                if o in typed:
                    msg = msg.rstrip(". ") + f". Got {show_value(typed[o])}."
                    break
        typer.echo(f"thaadsim: error: {hint + ': ' if hint and hint not in msg else ''}{msg}",
                   err=True)
        return 2
    except (KeyboardInterrupt, getattr(cx, "Abort", KeyboardInterrupt)):
        typer.echo("thaadsim: aborted", err=True)
        return 130
    except getattr(cx, "Exit", SystemExit) as e:
        return int(getattr(e, "exit_code", 0) or 0)
    except BrokenPipeError:
        return 0
    except MemoryError:
        typer.echo("thaadsim: error: out of memory; use a coarser grid or fewer trials", err=True)
        return 2
    except Exception as e:  # an internal error: one line, details with THAADSIM_DEBUG=1
        if os.environ.get("THAADSIM_DEBUG"):
            raise
        text = str(e).replace("\n", " ")[:200]
        typer.echo(f"thaadsim: internal error ({type(e).__name__}: {text}); please report it "
                   "(THAADSIM_DEBUG=1 shows the traceback)", err=True)
        return 1
    return 0


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
