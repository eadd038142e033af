"""The ``thaadsim`` command: a thin shell over the library (parse, call, format)."""

from __future__ import annotations

import math
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as cx
except ImportError:  # pragma: no cover
    from click import exceptions as cx  # type: ignore[no-redef]

from thaadsim.errors import ThaadsimError, check_finite
from thaadsim.io.output import kv_table, rows_table, rows_to_csv, to_json

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="thaadsim: open, physics-based THAAD simulator (public estimates only).")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks (ratios against baselines).")
app.add_typer(bench_app, name="bench")


class Fmt(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    table = "table"
    json = "json"
    csv = "csv"


def parse_latlon(parameter: str, text: str, allow_height: bool = False):
    """'LAT,LON' (or 'LAT,LON,HEIGHT_M') -> floats, validated."""
    parts = [p.strip() for p in str(text).split(",")]
    n_ok = (2, 3) if allow_height else (2,)
    if len(parts) not in n_ok:
        form = "LAT,LON[,HEIGHT_M]" if allow_height else "LAT,LON"
        raise ThaadsimError(parameter, f"must be {form} in decimal degrees", text)
    try:
        vals = [float(p) for p in parts]
    except ValueError:
        raise ThaadsimError(parameter, "must be LAT,LON in decimal degrees", text) from None
    lat = check_finite(parameter + " latitude", vals[0], lo=-90.0, hi=90.0)
    lon = check_finite(parameter + " longitude", vals[1], lo=-180.0, hi=360.0)
    if allow_height:
        h = check_finite(parameter + " height_m", vals[2], lo=-500.0, hi=10_000.0) \
            if len(vals) == 3 else None
        return lat, lon, h
    return lat, lon


def sources_block(rows: list[dict]) -> str:
    """'Sources:' lines for presets (name: sources [notes])."""
    return "\n\nSources:\n" + "\n".join(
        f"  {r['name']}: " + "; ".join(r["sources"])
        + (f" [{r['notes']}]" if r.get("notes") else "") for r in rows if r.get("sources"))


def emit(obj, fmt: Fmt, *, table: str | None = None, rows: list[dict] | None = None):
    if fmt == Fmt.json:
        typer.echo(to_json(obj))
    elif fmt == Fmt.csv:
        typer.echo(rows_to_csv(rows if rows is not None else [obj]), nl=False)
    else:
        typer.echo(table if table is not None else kv_table(obj))


@app.command()
def missiles(fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """List missile presets with their sources (public estimates)."""
    from thaadsim.threats import list_missiles

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
):
    """Fly one missile: minimum energy, a given apogee, or aimed at a point."""
    from thaadsim.threats import Launch, aim, get_missile, solve_apogee, solve_max_range

    m = get_missile(missile)
    lat, lon = parse_latlon("from", from_)
    site = Launch(lat, lon)
    if min_energy and apogee_km is not None:
        raise ThaadsimError("apogee-km", "cannot be combined with --min-energy", apogee_km)
    if apogee_km is not None:
        apogee_km = check_finite("apogee-km", apogee_km, positive=True)
    if (to is None) == (azimuth_deg is None):
        raise ThaadsimError("to", "exactly one of --to LAT,LON or --azimuth-deg AZ is required",
                            to if to is not None else azimuth_deg)
    if to is not None:
        tlat, tlon = parse_latlon("to", to)
        sol = aim(m, site, tlat, tlon, apogee_m=None if apogee_km is None else apogee_km * 1e3)
        az, th, tc = sol.azimuth_deg, sol.theta_deg, sol.t_cut_s
        rec = sol.batch.record(0)
        rec["miss_distance_m"] = round(sol.miss_m, 1)
        rec["aim"] = {"lat_deg": tlat, "lon_deg": tlon}
    else:
        az = check_finite("azimuth-deg", azimuth_deg, lo=-360.0, hi=360.0)
        tc = math.inf
        if apogee_km is None:
            th, b = solve_max_range(m, site, az)
        else:
            th, b = solve_apogee(m, site, az, apogee_km * 1e3)
        rec = b.record(0)
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

        _check_writable("plot", plot)
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
    fmt: Fmt = typer.Option(Fmt.table, "--format"),
):
    """Range on a standard trajectory from a lofted test's apogee and range."""
    from thaadsim.analysis.loft2range import loft2range as run
    from thaadsim.threats import Launch

    lat, lon = parse_latlon("from", site)
    res = run(apogee_km, range_km, flight_time_s, missile_class=missile_class,
              site=Launch(lat, lon)).to_dict()
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
):
    """Fight a raid: windows, doctrine, inventory; Monte Carlo beside the closed form."""
    from thaadsim.engagement.raid import fight, prepare, report
    from thaadsim.io.scenario import load_scenario

    if trials < 1 or trials > 10_000_000:
        raise ThaadsimError("trials", "must lie in [1, 10000000]", trials)
    if seed < 0:
        raise ThaadsimError("seed", "must be >= 0", seed)
    if timeline is not None:
        _check_writable("timeline", timeline)
    sc = load_scenario(scenario)
    k = prepare(sc)
    res, extra = fight(k, trials, seed)
    out = report(k, res, extra)
    if timeline is not None:
        from thaadsim.viz.plots import engagement_timeline

        engagement_timeline(k, extra["plan"], timeline)
        out["timeline"] = str(timeline)
    if fmt == EngFmt.json:
        typer.echo(to_json(out))
        return
    cols = ["id", "missile", "battery", "range_km", "track_time_s", "intercept_opportunities",
            "earliest_intercept_alt_km", "shots_planned", "p_leak", "p_leak_analytic"]
    typer.echo(rows_table(out["threats"], cols))
    typer.echo(f"\nexpected leakers {out['expected_leakers']} (95% CI "
               f"{out['expected_leakers_ci95']}; closed form {out['expected_leakers_analytic']})"
               f", P(no leaker) {out['p_no_leaker']} (closed form "
               f"{out['p_no_leaker_analytic']}), interceptors used {out['interceptors_used_mean']}"
               f" of {sum(b['inventory'] for b in out['batteries'])}; {trials} trials, "
               f"seed {seed}")


class FpFmt(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    table = "table"
    json = "json"
    geojson = "geojson"


@app.command()
def footprint(
    battery: str = typer.Option("seongju", "--battery",
                                help="site preset, LAT,LON, 'withdrawn', or sites joined by '+'"),
    threat_set: str = typer.Option("nk-default", "--threat-set"),
    compare: Optional[list[str]] = typer.Option(None, "--compare",
                                                help="withdrawn | SITE | SITE+SITE (repeatable)"),
    grid_km: float = typer.Option(5.0, "--grid-km"),
    map_: Optional[Path] = typer.Option(None, "--map", help="write a PNG map"),
    fmt: FpFmt = typer.Option(FpFmt.table, "--format"),
):
    """Which ground a battery defends against a threat set, and what changes if it moves."""
    from thaadsim.analysis import footprint as fp

    check_finite("grid-km", grid_km, positive=True)
    ts = fp.get_threat_set(threat_set)
    configs = [fp.parse_configuration(battery)]
    for c in compare or []:
        configs.append(fp.parse_configuration(c))
    fp.south_korea_grid(grid_km)  # refuses a grid that would not fit, before any work
    if map_ is not None:
        _check_writable("map", map_)
    results = [fp.footprint(bats, ts, grid_km, label=label) for label, bats in configs]
    if map_ is not None:
        from thaadsim.viz.maps import footprint_map

        footprint_map(results, map_)
    if fmt == FpFmt.geojson:
        typer.echo(to_json(results[0].to_geojson()))
        return
    out = {"threat_set": {"name": ts.name, "description": ts.description,
                          "missiles": list(ts.missiles),
                          "launch_areas": [{"name": a[0], "lat_deg": a[1], "lon_deg": a[2]}
                                           for a in ts.launch_areas],
                          "sources": list(ts.sources)},
           "results": [r.summary() for r in results]}
    if len(results) > 1:
        out["comparison"] = fp.compare(results)
    if fmt == FpFmt.json:
        typer.echo(to_json(out))
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
def demo(out: Path = typer.Option(Path("demo-out"), "--out"),
         trials: int = typer.Option(20_000, "--trials"),
         seed: int = typer.Option(1, "--seed")):
    """The main job: the Seongju report (HTML, JSON, GeoJSON, PNG maps), offline."""
    from thaadsim.report import run_demo

    if trials < 1:
        raise ThaadsimError("trials", "must be >= 1", trials)
    run_demo(out, trials=trials, seed=seed, echo=lambda s: typer.echo(s, err=True),
             print_summary=typer.echo)


@app.command()
def radars(fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """List radar and site presets with their sources and calibrations."""
    from thaadsim.sensors import list_radars, list_sites

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
    fmt: Fmt = typer.Option(Fmt.table, "--format"),
):
    """Detection and track timeline of one aimed missile seen by a radar."""
    from thaadsim.sensors import get_radar
    from thaadsim.sensors.detect import detection_timeline
    from thaadsim.sensors.radar import parse_site
    from thaadsim.threats import Launch, aim, fly, get_missile

    m = get_missile(missile)
    r = get_radar(radar)
    s = parse_site(site)
    check_finite("rcs-m2", rcs_m2, positive=True)
    if min_elevation_deg is not None:
        check_finite("min-elevation-deg", min_elevation_deg, lo=-5.0, hi=90.0)
    nm = _float_list("n-of-m", n_of_m)
    if len(nm) != 2 or not (1 <= nm[0] <= nm[1] <= 100) or any(x != int(x) for x in nm):
        raise ThaadsimError("n-of-m", "must be N,M with 1 <= N <= M <= 100", n_of_m)
    lat, lon = parse_latlon("from", from_)
    tlat, tlon = parse_latlon("to", to)
    if apogee_km is not None:
        check_finite("apogee-km", apogee_km, positive=True)
    sol = aim(m, Launch(lat, lon), tlat, tlon,
              apogee_m=None if apogee_km is None else apogee_km * 1e3)
    b = fly(m, lat, lon, sol.azimuth_deg, sol.theta_deg, sol.t_cut_s, history_dt_s=1.0)
    tl = detection_timeline(r, s, b, rcs_m2, min_elevation_deg=min_elevation_deg,
                            n_of_m=(int(nm[0]), int(nm[1])))
    rec = b.record(0)
    out = {"missile": m.name, "radar": r.name, "site": s.name, "rcs_m2": rcs_m2,
           "flight_time_s": rec["flight_time_s"], "range_km": rec["range_km"],
           "apogee_km": rec["apogee_km"], **tl.record(0),
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
):
    """Where a target of given altitude and RCS is detectable, per country."""
    from thaadsim.analysis.coverage import MAX_ALT_KM
    from thaadsim.analysis.coverage import coverage as run
    from thaadsim.sensors import get_radar
    from thaadsim.sensors.radar import elevation_floor_deg, parse_site

    r = get_radar(radar)
    s = parse_site(site)
    alts = _float_list("altitude-km", altitude_km)
    for a in alts:
        check_finite("altitude-km", a, lo=0.0, hi=MAX_ALT_KM)
    check_finite("rcs-m2", rcs_m2, positive=True)
    if min_elevation_deg is not None:
        check_finite("min-elevation-deg", min_elevation_deg, lo=-5.0, hi=90.0)
    for p, name in ((map_, "map"), (vertical, "vertical")):
        if p is not None:
            _check_writable(name, p)
    res = run(r, s, alts, rcs_m2, min_elevation_deg=min_elevation_deg,
              boresight_az_deg=azimuth_deg)
    if map_ is not None:
        from thaadsim.viz.maps import coverage_map

        coverage_map(res, map_)
    if vertical is not None:
        from thaadsim.viz.maps import vertical_coverage

        vertical_coverage(r, s, rcs_m2, elevation_floor_deg(r, s, min_elevation_deg), vertical)
    if fmt == CovFmt.geojson:
        typer.echo(to_json(res.to_geojson()))
        return
    d = res.to_dict()
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
        typer.echo(to_json(d))
    else:
        typer.echo(table)


@bench_app.command("trajectories")
def bench_trajectories(n: int = typer.Option(20_000, "--n"),
                       baseline_n: int = typer.Option(20, "--baseline-n"),
                       fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """Batched Nodong-class trajectories per second vs a scipy solve_ivp baseline."""
    from thaadsim.bench import bench_trajectories as run

    if n < 1 or baseline_n < 1:
        raise ThaadsimError("n", "must be >= 1", n)
    emit(run(n, baseline_n), fmt)


@bench_app.command("radar")
def bench_radar(n: int = typer.Option(10_000, "--n"), grid: int = typer.Option(500, "--grid"),
                fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """Coverage raster (4 altitudes) and detection timelines for n trajectories."""
    from thaadsim.bench import bench_radar as run

    if n < 1 or grid < 2:
        raise ThaadsimError("n", "must be >= 1 (and --grid >= 2)", n)
    emit(run(n, grid), fmt)


@bench_app.command("engage")
def bench_engage(trials: int = typer.Option(100_000, "--trials"),
                 fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """100,000 trials of a 20-missile raid (kinematics once, outcomes vectorized)."""
    from thaadsim.bench import bench_engage as run

    if trials < 1:
        raise ThaadsimError("trials", "must be >= 1", trials)
    emit(run(trials), fmt)


@bench_app.command("footprint")
def bench_footprint(grid_km: float = typer.Option(5.0, "--grid-km"),
                    fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """The default footprint vs aiming every (threat, aim point) pair."""
    from thaadsim.bench import bench_footprint as run

    check_finite("grid-km", grid_km, positive=True)
    emit(run(grid_km), fmt)


@bench_app.command("memory")
def bench_memory(n: int = typer.Option(100_000, "--n"),
                 fmt: Fmt = typer.Option(Fmt.json, "--format")):
    """Peak memory of n trajectories in summary mode."""
    from thaadsim.bench import bench_memory as run

    if n < 1:
        raise ThaadsimError("n", "must be >= 1", n)
    emit(run(n), fmt)


def _check_writable(parameter: str, path: Path):
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise ThaadsimError(parameter, "must be in an existing directory", str(path))
    import os

    if not os.access(parent, os.W_OK):
        raise ThaadsimError(parameter, "must be in a writable directory", str(path))


def main(argv: list[str] | None = None) -> int:
    """Entry point: one line on stderr and exit code 2 for any bad input, never a traceback."""
    cmd = typer.main.get_command(app)
    try:
        cmd.main(args=argv, prog_name="thaadsim", standalone_mode=False)
    except ThaadsimError as e:
        for line in str(e).splitlines():
            typer.echo(f"thaadsim: error: {line}", err=True)
        return 2
    except cx.NoArgsIsHelpError as e:
        typer.echo(e.format_message() if hasattr(e, "format_message") else str(e), err=True)
        return 2
    except cx.UsageError as e:
        hint = ""
        if getattr(e, "param", None) is not None:
            hint = "/".join(e.param.opts) if getattr(e.param, "opts", None) else e.param.name
        msg = e.format_message().replace("\n", " ")
        typer.echo(f"thaadsim: error: {hint + ': ' if hint and hint not in msg else ''}{msg}",
                   err=True)
        return 2
    except (KeyboardInterrupt, getattr(cx, "Abort", KeyboardInterrupt)):
        typer.echo("thaadsim: aborted", err=True)
        return 1
    except getattr(cx, "Exit", SystemExit) as e:
        return int(getattr(e, "exit_code", 0) or 0)
    except BrokenPipeError:
        return 0
    except MemoryError:
        typer.echo("thaadsim: error: out of memory; use a coarser grid or fewer trials", err=True)
        return 2
    except Exception as e:  # an internal error: one line, details with THAADSIM_DEBUG=1
        import os

        if os.environ.get("THAADSIM_DEBUG"):
            raise
        typer.echo(f"thaadsim: internal error ({type(e).__name__}: {e}); please report it "
                   "(THAADSIM_DEBUG=1 shows the traceback)", err=True)
        return 1
    return 0


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
