"""Commands that run analyses over many flights: footprint, engage, demo."""

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
    metadata,
    note,
    require_format,
    use_files,
)
from thaadsim.cli.progress import bar
from thaadsim.errors import ThaadsimError
from thaadsim.io.files import check_output_file
from thaadsim.io.output import rows_table
from thaadsim.limits import check, check_budget
from thaadsim.sensors.detect import DETECTION_MODELS


def check_trials_seed(trials: int, seed: int) -> tuple[int, int]:
    """One rule for Monte Carlo sizes and seeds (engage, demo, bench)."""
    return int(check("trials", trials, "--trials")), int(check("seed", seed, "--seed"))


def engage_memory_bytes(trials: int, n_threats: int, n_batteries: int) -> float:
    """Working memory of the engagement Monte Carlo: uniform draws (8 bytes) and two boolean
    arrays per (trial, threat), inventories per (trial, battery)."""
    return trials * (n_threats * (8 + 1 + 1 + 8) + n_batteries * 16 + 64)


@app.command()
def engage(
    scenario: Path = typer.Argument(..., help="scenario TOML (see examples/)"),
    trials: int = typer.Option(10_000, "--trials", help="Monte Carlo trials"),
    seed: int = typer.Option(1, "--seed", help="random seed (same seed, same output)"),
    timeline: Optional[Path] = typer.Option(None, "--timeline",
                                            help="write a timeline (.png/.svg/.pdf)"),
    detection: Optional[str] = typer.Option(
        None, "--detection", help="deterministic|swerling1|swerling3: how the firm-track time "
                                  "is drawn (default: the scenario's doctrine, else swerling1)"),
    fmt: Fmt = fmt_option(offers="table|json|csv (one row per threat)"),
    missile_file: Files = file_option("missile", "missiles"),
    radar_file: Files = file_option("radar", "radars"),
    interceptor_file: Files = file_option("interceptor", "interceptors"),
):
    """Fight a raid: windows, doctrine, inventory; Monte Carlo beside the closed form."""
    require_format(fmt, ("table", "json", "csv"))
    trials, seed = check_trials_seed(trials, seed)
    if timeline is not None:
        timeline = check_output_file("--timeline", timeline)
    use_files(missile_file, radar_file, interceptor_file)
    if detection is not None and detection not in DETECTION_MODELS:
        raise ThaadsimError("--detection", "must be one of " + ", ".join(DETECTION_MODELS),
                            detection)
    sc = api.load_scenario(scenario)
    if detection is not None:
        sc = sc.model_copy(update={"doctrine": sc.doctrine.model_copy(
            update={"detection": detection})})
    check_budget("--trials", trials, engage_memory_bytes(trials, len(sc.threat), len(sc.battery)),
                 "use fewer --trials")
    with bar(f"engage: aiming {len(sc.threat)} threats") as progress:
        result = api.engage(sc, trials, seed, progress=progress)
    out = result.to_dict()
    if timeline is not None:
        from thaadsim.viz.plots import engagement_timeline

        engagement_timeline(result.kinematics, result.plan, timeline)
        out["timeline"] = str(timeline)
    if fmt != Fmt.table:
        emit(out, fmt, rows=result.to_dataframe().to_dict("records"))
        return
    cols = ["id", "missile", "battery", "range_km", "track_time_s", "intercept_opportunities",
            "earliest_intercept_alt_km", "shots_planned", "p_leak", "p_leak_analytic"]
    if any("lower_tier_battery" in t for t in out["threats"]):  # a layered doctrine
        cols.insert(3, "lower_tier_battery")
    typer.echo(rows_table(out["threats"], cols))
    typer.echo(f"\n{result!r}")


@app.command()
def footprint(
    battery: str = typer.Option("seongju", "--battery",
                                help="site preset ('thaadsim radars'), LAT,LON, SYSTEM@SITE "
                                     "('thaadsim systems'), a preset configuration "
                                     "(rok-deployed, rok-withdrawn, rok-planned), 'withdrawn', "
                                     "or these joined by '+'"),
    threat_set: str = typer.Option("nk-default", "--threat-set",
                                   help="a threat set ('thaadsim threat-sets' lists them)"),
    compare: Optional[list[str]] = typer.Option(None, "--compare",
                                                help="withdrawn | SITE | SYSTEM@SITE | "
                                                     "CONFIGURATION, joined by '+' "
                                                     "(repeatable)"),
    grid_km: float = typer.Option(5.0, "--grid-km", help="grid spacing (km), 1 to 50"),
    map_: Optional[Path] = typer.Option(None, "--map", help="write a map (.png/.svg/.pdf)"),
    kml: Optional[Path] = typer.Option(None, "--kml", help="write the footprints for Google "
                                                           "Earth (.kml or .kmz)"),
    scenario: Optional[Path] = typer.Option(None, "--scenario",
                                            help="a footprint scenario (TOML: [[battery]] "
                                                 "tables, threat_set, grid_km; the web map's "
                                                 "download): replaces --battery, --threat-set "
                                                 "and --grid-km"),
    fmt: Fmt = fmt_option(offers="table|json|csv (one row per city)|geojson"),
    missile_file: Files = file_option("missile", "missiles"),
    threat_set_file: Files = file_option("threat-set", "threat-sets"),
    radar_file: Files = file_option("radar", "radars"),
):
    """Which ground a battery defends against a threat set, and what changes if it moves."""
    from thaadsim.analysis import footprint as fp
    from thaadsim.engagement.fire_control import parse_configuration

    use_files(missile_file, radar_file, threat_set_file=threat_set_file)
    if kml is not None:
        from thaadsim.io.kml import KML_SUFFIXES

        kml = check_output_file("--kml", kml, KML_SUFFIXES)
    if scenario is not None:
        view = api.load_footprint_scenario(scenario)
        configs = [(view.name, view.batteries)]
        threat_set, grid_km = view.threat_set, view.grid_km
    grid_km = check("grid_km", grid_km, "--grid-km")
    ts = api.get_threat_set(threat_set)
    if scenario is None:
        configs = [parse_configuration(battery)]
    configs += [parse_configuration(c, parameter="--compare") for c in compare or []]
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
    with bar("footprint: " + ", ".join(label for label, _ in configs)) as progress:
        results = fp.footprints([bats for _, bats in configs], ts, grid_km,
                                [label for label, _ in configs], progress=progress)
    for n in sorted({api.site_note(b.site) or "" for _, bats in configs for b in bats} - {""}):
        note(n)
    if map_ is not None:
        from thaadsim.viz.maps import footprint_map

        footprint_map(results, map_)
    if kml is not None:
        from thaadsim.io.kml import footprint_kml, write_kml

        write_kml(footprint_kml(*results), kml)
    if fmt == Fmt.geojson:
        emit(results[0].to_geojson(), fmt)
        return
    comparison = api.compare(*results) if len(results) > 1 else None
    out = {"threat_set": ts.to_dict(), "results": [r.to_dict() for r in results]}
    if map_ is not None:
        out["map"] = str(map_)
    if kml is not None:
        out["kml"] = str(kml)
    if comparison is not None:
        out["comparison"] = comparison.to_dict()
    if fmt == Fmt.csv:
        rows = [dict(r, configuration=res.label, limiting_threats="; ".join(
                    r["limiting_threats"])) for res in results
                for r in res.to_dataframe().to_dict("records")]
        emit(out, fmt, rows=rows)
        return
    if fmt == Fmt.json:
        emit(out, fmt)
        return
    rows = [{**r, "key": ", ".join(f"{k}:{'Y' if v else 'n'}" for k, v in r["key_cities"].items()
                                  if k in ("Seoul", "Daegu", "Busan", "Pyeongtaek"))}
            for r in out["results"]]
    typer.echo(rows_table(rows, ["configuration", "area_km2", "defended_fraction_of_south_korea",
                                 "defended_fraction_sls", "defended_population", "key"]))
    if comparison is not None:
        def short(names):
            return f"{len(names)}" + (": " + ", ".join(names[:5]) + (", ..." if len(names) > 5
                                                                     else "") if names else "")

        crow = [dict(r, cities_gained=short(r["cities_gained"]),
                     cities_lost=short(r["cities_lost"])) for r in comparison.rows()]
        typer.echo("")
        typer.echo(rows_table(crow, ["configuration", "area_change_km2", "population_change",
                                     "cities_gained", "cities_lost"]))


@app.command()
def demo(out: str = typer.Option("demo-out", "--out",
                                 help="report directory: new, empty, or an earlier thaadsim "
                                      "report (other files in it are kept)"),
         trials: int = typer.Option(20_000, "--trials", help="Monte Carlo trials of the raid"),
         seed: int = typer.Option(1, "--seed", help="random seed"),
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


def _max_seconds_option():
    return typer.Option(None, "--max-seconds",
                        help="refuse the sweep (before any work) if its estimated time exceeds "
                             "this many seconds; default 600, at most 86,400")


def _check_max_seconds(v: float | None) -> float | None:
    if v is None:
        return None
    if not 1.0 <= v <= 86_400.0:
        raise ThaadsimError("--max-seconds", "must be a number in [1, 86400]", v)
    return float(v)


_PARAMETERS = typer.Option(None, "--parameters",
                           help="vary only these declared parameters (comma-separated names; "
                                "default: all that enter the quantity)")


def _names(text: str | None) -> list[str] | None:
    """The --parameters list (None: all)."""
    if text is None:
        return None
    names = [t.strip() for t in str(text).split(",") if t.strip()]
    if not names:
        raise ThaadsimError("--parameters", "must name at least one parameter", text)
    return names


uncertainty_app = typer.Typer(help="Bands of the headline numbers over the uncertain parameters "
                                   "(data/uncertainty.toml: each with its range, reason and "
                                   "sources)", no_args_is_help=True)
app.add_typer(uncertainty_app, name="uncertainty")


@uncertainty_app.command("footprint")
def uncertainty_footprint(
    battery: str = typer.Option("seongju", "--battery", help="site preset or LAT,LON"),
    threat_set: str = typer.Option("nk-default", "--threat-set",
                                   help="a threat set ('thaadsim threat-sets' lists them)"),
    samples: int = typer.Option(64, "--samples", help="Latin-hypercube samples, 2 to 4096"),
    seed: int = typer.Option(1, "--seed", help="random seed (same seed, same output)"),
    grid_km: float = typer.Option(5.0, "--grid-km", help="grid spacing (km), 1 to 50"),
    scheduler: str = typer.Option("local", "--scheduler",
                                  help="local (a Dask LocalCluster on 127.0.0.1), none (in this "
                                       "process) or tcp://HOST:PORT (an existing Dask "
                                       "scheduler); same seed, same output on any of them"),
    workers: int = typer.Option(2, "--workers", help="LocalCluster worker processes, 1 to 64"),
    parameters: Optional[str] = _PARAMETERS,
    max_seconds: Optional[float] = _max_seconds_option(),
    map_: Optional[Path] = typer.Option(None, "--map", help="write the map of the probability "
                                                            "of being defended (.png/.svg/.pdf)"),
    fmt: Fmt = fmt_option(offers="table|json|csv (one row per sample)|geojson (cells with "
                                 "their probability)"),
    uncertainty_file: Files = typer.Option(None, "--uncertainty-file",
                                           help="a TOML file in the format of the shipped "
                                                "uncertainty.toml (repeatable): more parameters"),
    missile_file: Files = file_option("missile", "missiles"),
    threat_set_file: Files = file_option("threat-set", "threat-sets"),
    radar_file: Files = file_option("radar", "radars"),
):
    """Defended fraction, population and key cities with their 5-50-95 % band."""
    from thaadsim.analysis.uncertainty import (
        dask_scheduler,
        footprint_uncertainty,
        is_fast,
        parameters_for,
    )

    require_format(fmt, ("table", "json", "csv", "geojson"))
    if map_ is not None:
        map_ = check_output_file("--map", map_)
    use_files(missile_file, radar_file, threat_set_file=threat_set_file,
              uncertainty_file=uncertainty_file)
    samples = int(check("samples", samples, "--samples"))
    seed = int(check("seed", seed, "--seed"))
    sched = dask_scheduler(scheduler, "--scheduler")
    workers = int(check("workers", workers, "--workers"))
    grid_km = check("grid_km", grid_km, "--grid-km")
    ts = api.get_threat_set(threat_set)
    label, bat = _one_battery(battery)
    only = _names(parameters)
    chosen = parameters_for("footprint", only, "--parameters")  # a bad file fails here
    # threat parameters need trajectory families per sample (~1.2 s for nk-default), flight
    # parameters of the interceptor a new flyout fan (~1 s)
    per_threat = 0.0 if all(is_fast(p) for p in chosen) else 2.2
    _refuse_long_sweep("--samples", samples, grid_km, ts, samples + 1,
                       _check_max_seconds(max_seconds), extra_s=per_threat * samples)
    with bar(f"uncertainty footprint: {label}, {samples} samples") as progress:
        res = footprint_uncertainty(bat, ts, grid_km, samples, seed, progress=progress,
                                    scheduler=sched, workers=workers, parameters=only)
    if map_ is not None:
        from thaadsim.viz.maps import probability_map

        probability_map(res.central, res.cell_probability, map_, samples=res.samples)
    if fmt == Fmt.geojson:
        emit(res.to_geojson(), fmt)
        return
    out = res.to_dict()
    if map_ is not None:
        out["map"] = str(map_)
    if fmt != Fmt.table:
        emit(out, fmt, rows=out["records"])
        return
    d, pop = out["defended_fraction_of_south_korea"], out["defended_population"]
    typer.echo(f"defended fraction of South Korea: {100 * d['central']:.1f} % (p05 "
               f"{100 * d['p05']:.1f} %, p50 {100 * d['p50']:.1f} %, p95 {100 * d['p95']:.1f} %)")
    typer.echo(f"defended population in cities: {pop['central'] / 1e6:.1f} M (p05 "
               f"{pop['p05'] / 1e6:.1f}, p95 {pop['p95'] / 1e6:.1f} M)")
    typer.echo("probability of being defended: " + ", ".join(
        f"{k} {v:.2f}" for k, v in out["probability_defended"].items()))
    typer.echo(f"\n{res!r}")


_SWEEP_SAMPLES = typer.Option(32, "--samples", help="Latin-hypercube samples, 2 to 4096")
_SWEEP_SEED = typer.Option(1, "--seed", help="random seed (same seed, same output)")
_SWEEP_FMT = fmt_option(offers="table|json|csv (one row per sample)")
_UNCERTAINTY_FILE = typer.Option(None, "--uncertainty-file",
                                 help="more parameters (uncertainty.toml format, repeatable)")


def _num(v: float) -> str:
    """A number for a person: thousands separators from 10,000 up, else 4 significant digits."""
    return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}"


def _sweep_out(sw, fmt, headline: list[str]) -> None:
    """Print a ``Sweep``: JSON/CSV as is, else one line per headline output with its band."""
    out = sw.to_dict()
    if fmt != Fmt.table:
        emit(out, fmt, rows=out["records"])
        return
    for k in headline:
        b = out[k]
        typer.echo(f"{k}: {_num(b['central'])} (p05 {_num(b['p05'])}, p50 {_num(b['p50'])}, "
                   f"p95 {_num(b['p95'])}); {sw.samples} samples, seed {sw.seed}")


def _sweep_common(samples: int, seed: int, uncertainty_file, max_seconds, per_run_s: float,
                  runs_per_sample: int = 1):
    samples = int(check("samples", samples, "--samples"))
    seed = int(check("seed", seed, "--seed"))
    use_files(uncertainty_file=uncertainty_file)
    ms = _check_max_seconds(max_seconds)
    est = per_run_s * runs_per_sample * (samples + 1)
    limit = 600.0 if ms is None else ms
    if est > limit:
        raise ThaadsimError("--samples", f"asks for too much work: ~{est:,.0f} s estimated "
                                         f"(limit {limit:,.0f} s, --max-seconds)", samples)
    return samples, seed


def _coverage_setup(site: str, altitudes: str, rcs_m2: float):
    from thaadsim.sensors.site import parse_site

    s = parse_site(site, parameter="--site")
    try:
        alts = [float(a) for a in altitudes.split(",") if a.strip()]
    except ValueError:
        raise ThaadsimError("--altitudes", "must be comma-separated numbers (km)",
                            altitudes) from None
    if not alts or len(alts) > 10:
        raise ThaadsimError("--altitudes", "must list 1 to 10 altitudes (km)", altitudes)
    alts = [check("altitude_km", a, "--altitudes") for a in alts]
    rcs = check("rcs_m2", rcs_m2, "--rcs-m2")
    radars = {m: api.get_radar(m) for m in ("tpy2-terminal", "tpy2-forward")}
    return s, alts, rcs, radars


@uncertainty_app.command("coverage")
def uncertainty_coverage(
    site: str = typer.Option("seongju", "--site", help="site preset or LAT,LON"),
    altitudes: str = typer.Option("100,300", "--altitudes", help="target altitudes (km), "
                                                                 "comma-separated"),
    rcs_m2: float = typer.Option(0.01, "--rcs-m2", help="radar cross-section (m2)"),
    samples: int = _SWEEP_SAMPLES, seed: int = _SWEEP_SEED, parameters: Optional[str] = _PARAMETERS,
    max_seconds: Optional[float] = _max_seconds_option(), fmt: Fmt = _SWEEP_FMT,
    uncertainty_file: Files = _UNCERTAINTY_FILE,
):
    """Area and depth of China in view of the radar, per mode and altitude, with bands."""
    from thaadsim.analysis.uncertainty import coverage_evaluator, sweep

    require_format(fmt, ("table", "json", "csv"))
    s, alts, rcs, radars = _coverage_setup(site, altitudes, rcs_m2)
    samples, seed = _sweep_common(samples, seed, uncertainty_file, max_seconds, 0.3 * len(alts))
    ev = coverage_evaluator(s, radars, alts, rcs)
    with bar(f"uncertainty coverage: {site}, {samples} samples") as progress:
        sw = sweep("coverage", ev, samples, seed, {"site": s.name, "altitudes_km": alts,
                                                   "rcs_m2": rcs, "country": "CHN"}, progress,
                   parameters=_names(parameters))
    _sweep_out(sw, fmt, [k for k in sw.outputs if k.endswith("area_km2")])


@uncertainty_app.command("engage")
def uncertainty_engage(
    scenario: Path = typer.Argument(..., help="scenario TOML (see examples/)"),
    trials: int = typer.Option(2000, "--trials", help="Monte Carlo trials per sample"),
    samples: int = _SWEEP_SAMPLES, seed: int = _SWEEP_SEED, parameters: Optional[str] = _PARAMETERS,
    max_seconds: Optional[float] = _max_seconds_option(), fmt: Fmt = _SWEEP_FMT,
    uncertainty_file: Files = _UNCERTAINTY_FILE,
):
    """Expected leakers of a raid (and interceptors used) with their bands."""
    from thaadsim.analysis.uncertainty import engage_evaluator, sweep

    require_format(fmt, ("table", "json", "csv"))
    trials, seed = check_trials_seed(trials, seed)
    sc = api.load_scenario(scenario)
    samples, seed = _sweep_common(samples, seed, uncertainty_file, max_seconds,
                                  0.3 + trials * len(sc.threat) * 2e-7)
    ev = engage_evaluator(sc, trials, seed)
    with bar(f"uncertainty engage: {sc.name}, {samples} samples") as progress:
        sw = sweep("engage", ev, samples, seed, {"scenario": sc.name, "trials": trials},
                   progress, parameters=_names(parameters))
    _sweep_out(sw, fmt, ["expected_leakers", "interceptors_used_mean"])


@uncertainty_app.command("loft2range")
def uncertainty_loft2range(
    apogee_km: float = typer.Option(..., "--apogee-km", help="reported apogee (km)"),
    range_km: float = typer.Option(..., "--range-km", help="reported ground range (km)"),
    flight_time_s: Optional[float] = typer.Option(None, "--flight-time-s",
                                                  help="reported flight time (s)"),
    missile_class: Optional[str] = typer.Option(None, "--class", help="missile class "
                                                "(srbm, mrbm, irbm, icbm) or preset"),
    samples: int = _SWEEP_SAMPLES, seed: int = _SWEEP_SEED, parameters: Optional[str] = _PARAMETERS,
    max_seconds: Optional[float] = _max_seconds_option(), fmt: Fmt = _SWEEP_FMT,
    uncertainty_file: Files = _UNCERTAINTY_FILE,
):
    """Standard range of a lofted test with the band from the reports' errors."""
    from thaadsim.analysis.uncertainty import loft2range_evaluator, sweep

    require_format(fmt, ("table", "json", "csv"))
    apogee_km = check("apogee_km", apogee_km, "--apogee-km")
    range_km = check("range_km", range_km, "--range-km")
    if flight_time_s is not None:
        flight_time_s = check("flight_time_s", flight_time_s, "--flight-time-s")
    samples, seed = _sweep_common(samples, seed, uncertainty_file, max_seconds, 1.0)
    api.loft2range(apogee_km, range_km, flight_time_s, missile_class=missile_class)  # checks
    ev = loft2range_evaluator(apogee_km, range_km, flight_time_s, missile_class=missile_class)
    with bar(f"uncertainty loft2range: {samples} samples") as progress:
        sw = sweep("loft2range", ev, samples, seed,
                   {"apogee_km": apogee_km, "range_km": range_km,
                    "flight_time_s": flight_time_s}, progress, parameters=_names(parameters))
    _sweep_out(sw, fmt, ["max_range_km", "reaches_orbit"])


sensitivity_app = typer.Typer(help="Which uncertain parameter moves a headline number: one at a "
                                   "time (tornado) or Sobol indices (SALib)",
                              no_args_is_help=True)
app.add_typer(sensitivity_app, name="sensitivity")


@sensitivity_app.command("footprint")
def sensitivity_footprint(
    battery: str = typer.Option("seongju", "--battery", help="site preset or LAT,LON"),
    threat_set: str = typer.Option("nk-default", "--threat-set",
                                   help="a threat set ('thaadsim threat-sets' lists them)"),
    method: str = typer.Option("oat", "--method", help="oat (one at a time, ranked) or sobol "
                                                       "(first-order and total indices)"),
    samples: int = typer.Option(8, "--samples", help="sobol: base samples, a power of two "
                                                     "(n (2 d + 2) footprints)"),
    seed: int = typer.Option(1, "--seed", help="sobol: random seed"),
    grid_km: float = typer.Option(5.0, "--grid-km", help="grid spacing (km), 1 to 50"),
    plot: Optional[Path] = typer.Option(None, "--plot", help="oat: write a tornado plot "
                                                             "(.png/.svg/.pdf)"),
    parameters: Optional[str] = _PARAMETERS,
    max_seconds: Optional[float] = _max_seconds_option(),
    fmt: Fmt = fmt_option(offers="table|json"),
    uncertainty_file: Files = typer.Option(None, "--uncertainty-file",
                                           help="a TOML file in the format of the shipped "
                                                "uncertainty.toml (repeatable): more parameters"),
):
    """The parameters that move the defended share of South Korea, ranked."""
    from thaadsim.analysis.uncertainty import (
        is_fast,
        parameters_for,
        sensitivity_oat,
        sensitivity_sobol,
    )

    require_format(fmt, ("table", "json"))
    use_files(uncertainty_file=uncertainty_file)
    if method not in ("oat", "sobol"):
        raise ThaadsimError("--method", "must be oat or sobol", method)
    grid_km = check("grid_km", grid_km, "--grid-km")
    seed = int(check("seed", seed, "--seed"))
    samples = int(check("samples", samples, "--samples"))
    if method == "sobol" and samples & (samples - 1):
        raise ThaadsimError("--samples", "must be a power of two for Sobol sampling", samples)
    if plot is not None:
        if method != "oat":
            raise ThaadsimError("--plot", "draws the one-at-a-time tornado (--method oat)",
                                str(plot))
        plot = check_output_file("--plot", plot)
    ts = api.get_threat_set(threat_set)
    label, bat = _one_battery(battery)
    only = _names(parameters)
    chosen = parameters_for("footprint", only, "--parameters")
    d = len(chosen)
    ms = _check_max_seconds(max_seconds)
    per_threat = 0.0 if all(is_fast(p) for p in chosen) else 2.2
    if method == "oat":
        _refuse_long_sweep("--grid-km", grid_km, grid_km, ts, 2 * d + 1, ms,
                           extra_s=per_threat * 2 * d)
    else:
        runs = samples * (2 * d + 2)
        _refuse_long_sweep("--samples", samples, grid_km, ts, runs, ms, extra_s=per_threat * runs)
    with bar(f"sensitivity footprint ({method}): {label}") as progress:
        if method == "oat":
            rows = sensitivity_oat(bat, ts, grid_km, progress=progress, parameters=only)
            out: dict = {"configuration": label, "threat_set": ts.name, "grid_km": grid_km,
                         "method": "oat", "ranking": rows}
        else:
            idx = sensitivity_sobol(bat, ts, grid_km, samples, seed, progress=progress,
                                    parameters=only)
            out = {"configuration": label, "threat_set": ts.name, "grid_km": grid_km,
                   "method": "sobol", "samples": samples, "seed": seed,
                   "indices": idx, "ranking": sorted(idx, key=lambda k: -idx[k]["ST"])}
    if plot is not None:
        from thaadsim.viz.plots import tornado

        tornado(out["ranking"], plot)
        out["plot"] = str(plot)
    if fmt != Fmt.table:
        emit(out, fmt)
        return
    if method == "oat":
        for r in out["ranking"]:
            typer.echo(f"{r['parameter']:<22} {100 * r['fraction_at_low']:5.1f} % .. "
                       f"{100 * r['fraction_at_high']:5.1f} %  (swing {100 * r['swing']:.1f} "
                       "points)")
    else:
        for k in out["ranking"]:
            v = out["indices"][k]
            typer.echo(f"{k:<22} S1 {v['S1']:.2f} +- {v['S1_conf']:.2f}   ST {v['ST']:.2f} +- "
                       f"{v['ST_conf']:.2f}")


def _sensitivity_generic(quantity: str, ev, output: str, method: str, samples: int, seed: int,
                         fmt, plot, context: dict) -> None:
    from thaadsim.analysis.uncertainty import one_at_a_time, sobol_of

    require_format(fmt, ("table", "json"))
    if method not in ("oat", "sobol"):
        raise ThaadsimError("--method", "must be oat or sobol", method)
    seed = int(check("seed", seed, "--seed"))
    samples = int(check("samples", samples, "--samples"))
    if method == "sobol" and samples & (samples - 1):
        raise ThaadsimError("--samples", "must be a power of two for Sobol sampling", samples)
    if plot is not None:
        if method != "oat":
            raise ThaadsimError("--plot", "draws the one-at-a-time tornado (--method oat)",
                                str(plot))
        plot = check_output_file("--plot", plot)
    with bar(f"sensitivity {quantity} ({method})") as progress:
        if method == "oat":
            rows = one_at_a_time(quantity, ev, output, progress=progress)
            out: dict = {"quantity": quantity, **context, "output": output, "method": "oat",
                         "ranking": rows}
        else:
            idx = sobol_of(quantity, ev, output, samples, seed, progress=progress)
            out = {"quantity": quantity, **context, "output": output, "method": "sobol",
                   "samples": samples, "seed": seed, "indices": idx,
                   "ranking": sorted(idx, key=lambda k: -idx[k]["ST"])}
    if plot is not None:
        from thaadsim.viz.plots import tornado

        tornado([dict(r, fraction_at_low=r["at_low"], fraction_at_high=r["at_high"],
                      central_fraction=r["central"]) for r in out["ranking"]], plot,
                title=f"{quantity}: one parameter at a time", xlabel=output, scale=1.0)
        out["plot"] = str(plot)
    if fmt != Fmt.table:
        emit(out, fmt)
        return
    if method == "oat":
        for r in out["ranking"]:
            typer.echo(f"{r['parameter']:<24} {_num(r['at_low'])} .. {_num(r['at_high'])}  "
                       f"(swing {_num(r['swing'])})")
    else:
        for k in out["ranking"]:
            v = out["indices"][k]
            typer.echo(f"{k:<24} S1 {v['S1']:.2f} +- {v['S1_conf']:.2f}   ST {v['ST']:.2f} +- "
                       f"{v['ST_conf']:.2f}")


_METHOD = typer.Option("oat", "--method", help="oat (one at a time, ranked) or sobol")
_SOBOL_N = typer.Option(8, "--samples", help="sobol: base samples, a power of two")
_SOBOL_SEED = typer.Option(1, "--seed", help="sobol: random seed")
_TORNADO = typer.Option(None, "--plot", help="oat: tornado plot")
_SENSITIVITY_FMT = fmt_option(offers="table|json")


@sensitivity_app.command("coverage")
def sensitivity_coverage(
    site: str = typer.Option("seongju", "--site", help="site preset or LAT,LON"),
    altitude_km: float = typer.Option(300.0, "--altitude-km", help="target altitude (km)"),
    mode: str = typer.Option("tpy2-forward", "--radar", help="tpy2-terminal or tpy2-forward"),
    rcs_m2: float = typer.Option(0.01, "--rcs-m2", help="radar cross-section (m2)"),
    method: str = _METHOD, samples: int = _SOBOL_N,
    seed: int = _SOBOL_SEED,
    plot: Optional[Path] = _TORNADO,
    fmt: Fmt = _SENSITIVITY_FMT, uncertainty_file: Files = _UNCERTAINTY_FILE,
):
    """The parameters that move the area of China in view, ranked."""
    from thaadsim.analysis.uncertainty import coverage_evaluator

    use_files(uncertainty_file=uncertainty_file)
    if mode not in ("tpy2-terminal", "tpy2-forward"):
        raise ThaadsimError("--radar", "must be tpy2-terminal or tpy2-forward", mode)
    s, alts, rcs, radars = _coverage_setup(site, f"{altitude_km}", rcs_m2)
    ev = coverage_evaluator(s, {mode: radars[mode]}, alts, rcs)
    _sensitivity_generic("coverage", ev, f"{mode}.{alts[0]:g}km.area_km2", method, samples,
                         seed, fmt, plot, {"site": s.name, "radar": mode,
                                           "altitude_km": alts[0]})


@sensitivity_app.command("engage")
def sensitivity_engage(
    scenario: Path = typer.Argument(..., help="scenario TOML (see examples/)"),
    trials: int = typer.Option(2000, "--trials", help="Monte Carlo trials per run"),
    method: str = _METHOD, samples: int = _SOBOL_N,
    seed: int = typer.Option(1, "--seed", help="random seed"),
    plot: Optional[Path] = _TORNADO,
    fmt: Fmt = _SENSITIVITY_FMT, uncertainty_file: Files = _UNCERTAINTY_FILE,
):
    """The parameters that move the expected leakers of a raid, ranked."""
    from thaadsim.analysis.uncertainty import engage_evaluator

    use_files(uncertainty_file=uncertainty_file)
    trials, seed = check_trials_seed(trials, seed)
    sc = api.load_scenario(scenario)
    _sensitivity_generic("engage", engage_evaluator(sc, trials, seed), "expected_leakers",
                         method, samples, seed, fmt, plot, {"scenario": sc.name})


@sensitivity_app.command("loft2range")
def sensitivity_loft2range(
    apogee_km: float = typer.Option(..., "--apogee-km", help="reported apogee (km)"),
    range_km: float = typer.Option(..., "--range-km", help="reported ground range (km)"),
    flight_time_s: Optional[float] = typer.Option(None, "--flight-time-s",
                                                  help="reported flight time (s)"),
    missile_class: Optional[str] = typer.Option(None, "--class", help="missile class or "
                                                                     "preset"),
    method: str = _METHOD, samples: int = _SOBOL_N,
    seed: int = _SOBOL_SEED,
    plot: Optional[Path] = _TORNADO,
    fmt: Fmt = _SENSITIVITY_FMT, uncertainty_file: Files = _UNCERTAINTY_FILE,
):
    """Which reported quantity of a lofted test moves its standard range most."""
    from thaadsim.analysis.uncertainty import loft2range_evaluator

    use_files(uncertainty_file=uncertainty_file)
    apogee_km = check("apogee_km", apogee_km, "--apogee-km")
    range_km = check("range_km", range_km, "--range-km")
    if flight_time_s is not None:
        flight_time_s = check("flight_time_s", flight_time_s, "--flight-time-s")
    api.loft2range(apogee_km, range_km, flight_time_s, missile_class=missile_class)
    ev = loft2range_evaluator(apogee_km, range_km, flight_time_s, missile_class=missile_class)
    _sensitivity_generic("loft2range", ev, "max_range_km", method, samples, seed, fmt, plot,
                         {"apogee_km": apogee_km, "range_km": range_km})


def _one_battery(text: str):
    """(label, battery) of a --battery that names one site or LAT,LON."""
    from thaadsim.engagement.fire_control import parse_configuration

    label, bats = parse_configuration(text)
    if len(bats) != 1:
        raise ThaadsimError("--battery", "must name one battery (a site or LAT,LON)", text)
    return label, bats[0]


def _refuse_long_sweep(option: str, value, grid_km: float, ts, runs: int,
                       max_seconds: float | None = None, extra_s: float = 0.0) -> float:
    """Refuse a sweep of ``runs`` footprints estimated beyond ``max_seconds`` (default the
    footprint's time limit), naming ``option``; returns the estimate (s)."""
    from thaadsim.analysis import footprint as fp

    limit = fp.MAX_SECONDS if max_seconds is None else max_seconds
    # each run also packs its battery geometry and may mask a new reach table: ~0.1 s
    seconds = fp.footprint_work(grid_km, len(ts.missiles) * len(ts.launch_areas),
                                runs)["seconds"] + 0.1 * runs + extra_s
    if seconds > limit:
        raise ThaadsimError(option, f"asks for too much work: ~{seconds:,.0f} s estimated "
                                    f"(limit {limit:,.0f} s, --max-seconds); use fewer "
                                    "--samples, a coarser --grid-km or a larger --max-seconds",
                            value)
    return seconds


@app.command()
def siting(
    batteries: int = typer.Option(1, "--batteries", help="1 or 2 batteries to place"),
    threat_set: str = typer.Option("nk-default", "--threat-set",
                                   help="a threat set ('thaadsim threat-sets' lists them)"),
    objective: str = typer.Option("population", "--objective",
                                  help="population (people in defended cities) or area (km2)"),
    exclude: Optional[list[str]] = typer.Option(None, "--exclude",
                                                help="LAT,LON,RADIUS_KM: no battery within "
                                                     "this circle (repeatable)"),
    candidate_km: float = typer.Option(40.0, "--candidate-km",
                                       help="spacing of the candidate sites (km), 10 to 50"),
    grid_km: float = typer.Option(10.0, "--grid-km",
                                  help="footprint grid of the search (km), 1 to 50"),
    samples: int = typer.Option(16, "--samples",
                                help="uncertainty samples of the difference from Seongju "
                                     "(0: none), up to 4096"),
    seed: int = typer.Option(1, "--seed", help="random seed of those samples"),
    descent_only: bool = typer.Option(False, "--descent-only",
                                      help="count intercepts only after the threat's apogee "
                                           "(terminal phase)"),
    max_seconds: Optional[float] = _max_seconds_option(),
    fmt: Fmt = fmt_option(offers="table|json|geojson (the best footprint)"),
    uncertainty_file: Files = typer.Option(None, "--uncertainty-file",
                                           help="a TOML file in the format of the shipped "
                                                "uncertainty.toml (repeatable): more parameters"),
    threat_set_file: Files = file_option("threat-set", "threat-sets"),
    missile_file: Files = file_option("missile", "missiles"),
):
    """Where 1 or 2 THAAD batteries would defend the most people or land, vs Seongju."""
    from thaadsim.analysis.siting import Exclusion, candidate_sites, site_search
    from thaadsim.limits import parse_latlon

    require_format(fmt, ("table", "json", "geojson"))
    use_files(missile_file, None, threat_set_file=threat_set_file,
              uncertainty_file=uncertainty_file)
    if batteries not in (1, 2):
        raise ThaadsimError("--batteries", "must be 1 or 2", batteries)
    if objective not in ("population", "area"):
        raise ThaadsimError("--objective", "must be population or area", objective)
    if not 10.0 <= candidate_km <= 50.0:
        raise ThaadsimError("--candidate-km", "must be a number in [10, 50]", candidate_km)
    grid_km = check("grid_km", grid_km, "--grid-km")
    if samples != 0:
        samples = int(check("samples", samples, "--samples"))
    seed = int(check("seed", seed, "--seed"))
    max_seconds = _check_max_seconds(max_seconds)
    zones = []
    for text in exclude or []:
        parts = str(text).rsplit(",", 1)
        if len(parts) != 2:
            raise ThaadsimError("--exclude", "must be LAT,LON,RADIUS_KM", text)
        la, lo = parse_latlon("--exclude", parts[0])
        try:
            rad = float(parts[1])
        except ValueError:
            raise ThaadsimError("--exclude", "must be LAT,LON,RADIUS_KM with a radius in km",
                                text) from None
        if not 0.0 < rad <= 1000.0:
            raise ThaadsimError("--exclude", "needs a radius in (0, 1000] km", text)
        zones.append(Exclusion(la, lo, rad))
    ts = api.get_threat_set(threat_set)
    n_cand = candidate_sites(candidate_km, zones)[0].size
    if n_cand < batteries:
        raise ThaadsimError("--exclude", "leaves no candidate site on South Korean land",
                            ", ".join(exclude or []))
    runs = n_cand + 40 + 2 * samples
    _refuse_long_sweep("--candidate-km", candidate_km, grid_km, ts, runs, max_seconds)
    template = api.battery("seongju")
    with bar(f"siting: {batteries} battery(ies), {objective}") as progress:
        res = site_search(template, ts, batteries=batteries, objective=objective,
                          exclusions=zones, candidate_km=candidate_km, grid_km=grid_km,
                          samples=samples, seed=seed, descent_only=descent_only,
                          progress=progress)
    if fmt == Fmt.geojson:
        emit(res.best.to_geojson(), fmt)
        return
    out = res.to_dict()
    if fmt == Fmt.json:
        emit(out, fmt)
        return
    b, s0 = out["best"], out["seongju"]
    sites = " + ".join(f"{x['lat_deg']:.3f} N, {x['lon_deg']:.3f} E" for x in out["best_sites"])
    typer.echo(f"best site(s) for {objective}: {sites}")
    typer.echo(f"  defends {100 * b['defended_fraction_of_south_korea']:.1f} % of South Korea, "
               f"{b['defended_population']:,} people in cities; Seoul "
               f"{'yes' if b['key_cities'].get('Seoul') else 'no'}")
    typer.echo(f"Seongju: {100 * s0['defended_fraction_of_south_korea']:.1f} %, "
               f"{s0['defended_population']:,} people")
    band = out["improvement_band"]
    imp = out["improvement"]
    line = (f"improvement: {100 * imp['defended_fraction_of_south_korea']:+.1f} points, "
            f"{imp['defended_population']:+,} people")
    if band:
        f = band["defended_fraction_of_south_korea"]
        line += (f" (p05-p95 over {band['samples']} samples: {100 * f['p05']:+.1f} to "
                 f"{100 * f['p95']:+.1f} points)")
    typer.echo(line)
    typer.echo(f"({out['candidates_searched']} candidates; {out['caveat']})")
