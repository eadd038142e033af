"""Layered-defence commands (issue 14): ``systems`` (the defence systems and their envelopes),
``layers`` (one configuration's footprint per layer and combined) and ``withdrawal`` (THAAD
alone, THAAD + the lower tier as deployed, the lower tier with THAAD withdrawn)."""

from __future__ import annotations

import typer

from thaadsim.cli.app import (
    Files,
    Fmt,
    app,
    emit,
    file_option,
    fmt_option,
    require_format,
    use_files,
)
from thaadsim.cli.progress import bar
from thaadsim.errors import ThaadsimError
from thaadsim.io.output import rows_table
from thaadsim.limits import check

# Options shared by ``layers`` and ``withdrawal`` (typer reads each default afresh)
_THREAT_SET = typer.Option("nk-default", "--threat-set",
                           help="a threat set ('thaadsim threat-sets' lists them)")
_GRID_KM = typer.Option(5.0, "--grid-km", help="grid spacing (km), 1 to 50")
_SYSTEM_FILE = file_option("system", "systems")
_MISSILE_FILE = file_option("missile", "missiles")
_THREAT_SET_FILE = file_option("threat-set", "threat-sets")
_RADAR_FILE = file_option("radar", "radars")
_INTERCEPTOR_FILE = file_option("interceptor", "interceptors")


def _prepare(fmt: Fmt, grid_km: float, threat_set: str, files: tuple) -> tuple:
    """The shared first steps: the format, the user's data files, the grid and the threat set
    checked; returns (grid_km, ThreatSet)."""
    from thaadsim.threats.threat_set import get_threat_set

    require_format(fmt, ("table", "json", "csv"))
    system_file, missile_file, radar_file, interceptor_file, threat_set_file = files
    use_files(missile_file, radar_file, interceptor_file, threat_set_file)
    _system_files(system_file)
    return check("grid_km", grid_km, "--grid-km"), get_threat_set(threat_set)


def _system_files(system_file: Files) -> None:
    from thaadsim.presets import add_user_file

    for f in system_file or []:
        add_user_file(f, "systems.toml")


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _work_check(grid_km: float, ts, n_batteries: int) -> None:
    """Refuse a request estimated beyond the footprint's time limit (as ``footprint``)."""
    from thaadsim.analysis import footprint as fp
    from thaadsim.limits import check_budget

    work = fp.footprint_work(grid_km, len(ts.missiles) * len(ts.launch_areas),
                             max(n_batteries, 1))
    check_budget("--grid-km", grid_km, work["memory_bytes"], "use a coarser --grid-km")
    if work["seconds"] > fp.MAX_SECONDS:
        raise ThaadsimError("--grid-km", f"asks for too much work (~{work['seconds'] / 60:.0f} "
                                         f"min, limit {fp.MAX_SECONDS / 60:.0f} min); use a "
                                         "coarser --grid-km", grid_km)


@app.command()
def systems(
    fmt: Fmt = fmt_option(offers="table|json|csv"),
    system_file: Files = file_option("system", "systems"),
    interceptor_file: Files = file_option("interceptor", "interceptors"),
    radar_file: Files = file_option("radar", "radars"),
):
    """The defence systems (public estimates): tier, envelope from the flyout, radar range."""
    from thaadsim.engagement.systems import list_systems
    from thaadsim.interceptors import get_interceptor, reach_table
    from thaadsim.sensors.radar import get_radar

    require_format(fmt, ("table", "json", "csv"))
    use_files(radar_file=radar_file, interceptor_file=interceptor_file)
    _system_files(system_file)
    rows = []
    for s in list_systems():
        env = reach_table(get_interceptor(s.interceptor)).to_dict()
        r = get_radar(s.radar)
        rows.append({"system": s.name, "tier": s.tier, "interceptor": s.interceptor,
                     "radar": s.radar, "max_ground_range_km": env["max_ground_range_km"],
                     "min_altitude_km": env["min_altitude_km"],
                     "max_altitude_km": env["max_altitude_km"],
                     "radar_range_km_at_0.01m2": float(r.detection_range_m(0.01)) / 1e3,
                     "launchers": s.launchers,
                     "interceptors_per_launcher": s.interceptors_per_launcher,
                     "reaction_time_s": s.reaction_time_s, "description": s.description,
                     "sources": "; ".join(s.sources), "notes": s.notes})
    if fmt != Fmt.table:
        emit({"systems": rows}, fmt, rows=rows)
        return
    typer.echo(rows_table(rows, ["system", "tier", "max_ground_range_km", "min_altitude_km",
                                 "max_altitude_km", "radar_range_km_at_0.01m2", "launchers",
                                 "interceptors_per_launcher", "reaction_time_s"]))
    typer.echo("\nPublic estimates; sources and assumptions: 'thaadsim systems --format json'.")


@app.command()
def layers(
    battery: str = typer.Option("rok-deployed", "--battery",
                                help="configuration: SYSTEM@SITE joined by '+', a site (THAAD), "
                                     "or a preset (rok-deployed, rok-withdrawn, rok-planned)"),
    threat_set: str = _THREAT_SET,
    grid_km: float = _GRID_KM,
    fmt: Fmt = fmt_option(offers="table|json|csv (one row per city)"),
    system_file: Files = _SYSTEM_FILE,
    missile_file: Files = _MISSILE_FILE,
    threat_set_file: Files = _THREAT_SET_FILE,
    radar_file: Files = _RADAR_FILE,
    interceptor_file: Files = _INTERCEPTOR_FILE,
):
    """The footprint of a configuration of mixed systems, per layer and combined."""
    from thaadsim.analysis.footprint import layered_footprints
    from thaadsim.engagement.fire_control import parse_configuration

    grid_km, ts = _prepare(fmt, grid_km, threat_set, (system_file, missile_file, radar_file,
                                                       interceptor_file, threat_set_file))
    label, bats = parse_configuration(battery, parameter="--battery")
    _work_check(grid_km, ts, len(bats))
    with bar(f"layers: {label}") as progress:
        res = layered_footprints([bats], ts, grid_km, [label], progress=progress)[0]
    out = res.to_dict()
    if fmt == Fmt.json:
        emit(out, fmt)
        return
    cities = res.cities()
    if fmt == Fmt.csv:
        rows = [{"configuration": label, "name": c["name"], "population": c["population"],
                 "defended": c["defended"], "defended_sls": c["defended_sls"],
                 "layers_defending": " ".join(c["layers_defending"]), "defence": c["defence"],
                 **{f"{t}_engages": "; ".join(v) for t, v in c["engaged_by_layer"].items()},
                 "limiting_threats": "; ".join(c["limiting_threats"])} for c in cities]
        emit(out, fmt, rows=rows)
        return
    comb = out["combined"]
    rows = [{"layer": "combined", "batteries": len(comb["batteries"]),
             "defended": _pct(comb["defended_fraction_of_south_korea"]),
             "defended_population": comb["defended_population"]}]
    rows += [{"layer": t, "batteries": len(v["batteries"]),
              "defended": _pct(v["defended_fraction_of_south_korea"]),
              "defended_population": v["defended_population"]} for t, v in out["layers"].items()]
    typer.echo(f"{label} vs {ts.name} ({grid_km:g} km grid)")
    typer.echo(rows_table(rows, ["layer", "batteries", "defended", "defended_population"]))
    typer.echo("")
    typer.echo("\n".join(out["statements"]))


@app.command()
def withdrawal(
    threat_set: str = _THREAT_SET,
    grid_km: float = _GRID_KM,
    deployed: str = typer.Option("rok-deployed", "--deployed",
                                 help="the configuration as deployed (with THAAD)"),
    withdrawn: str = typer.Option("rok-withdrawn", "--withdrawn",
                                  help="the same configuration with THAAD withdrawn"),
    fmt: Fmt = fmt_option(offers="table|json|csv (one row per case and key city)"),
    system_file: Files = _SYSTEM_FILE,
    missile_file: Files = _MISSILE_FILE,
    threat_set_file: Files = _THREAT_SET_FILE,
    radar_file: Files = _RADAR_FILE,
    interceptor_file: Files = _INTERCEPTOR_FILE,
):
    """What THAAD's withdrawal leaves: THAAD alone, THAAD + the lower tier, the lower tier alone."""
    from thaadsim.analysis.footprint import KEY_CITIES
    from thaadsim.analysis.footprint import withdrawal as run
    from thaadsim.engagement.fire_control import parse_configuration

    grid_km, ts = _prepare(fmt, grid_km, threat_set, (system_file, missile_file, radar_file,
                                                       interceptor_file, threat_set_file))
    n = len(parse_configuration(deployed, parameter="--deployed")[1])
    n += len(parse_configuration(withdrawn, parameter="--withdrawn")[1])
    _work_check(grid_km, ts, n + 1)
    cases = (("thaad-alone", "seongju"), ("deployed", deployed), ("withdrawn", withdrawn))
    with bar("withdrawal: THAAD alone, deployed, withdrawn") as progress:
        res = run(ts, grid_km, cases, progress=progress)
    out = res.to_dict()
    if fmt == Fmt.json:
        emit(out, fmt)
        return
    if fmt == Fmt.csv:
        rows = []
        for name, lay in zip(res.names, res.results, strict=True):
            for c in lay.cities():
                if c["name"] in KEY_CITIES:
                    rows.append({"case": name, "configuration": lay.label, "city": c["name"],
                                 "population": c["population"], "defended": c["defended"],
                                 "defended_sls": c["defended_sls"], "defence": c["defence"],
                                 "layers_defending": " ".join(c["layers_defending"]),
                                 "limiting_threats": "; ".join(c["limiting_threats"])})
        emit(out, fmt, rows=rows)
        return
    typer.echo(f"against {ts.name} ({grid_km:g} km grid); public estimates, assumed positions "
               "where not public (docs/layered-defence.md)")
    rows = [dict(r, defended=_pct(r["defended_fraction_of_south_korea"]),
                 sls=_pct(r["defended_fraction_sls"]), upper_alone=_pct(r["upper_fraction"]),
                 lower_alone=_pct(r["lower_fraction"])) for r in out["cases"]]
    typer.echo(rows_table(rows, ["case", "configuration", "batteries", "defended", "sls",
                                 "defended_population", "upper_alone", "lower_alone"]))
    typer.echo("")
    city_rows = [{"city": k, **{r["case"]: r["key_cities"].get(k, "-") for r in out["cases"]}}
                 for k in KEY_CITIES]
    typer.echo(rows_table(city_rows, ["city"] + [r["case"] for r in out["cases"]]))
    w = out["withdrawal"]
    if w:
        typer.echo("")
        typer.echo(f"withdrawal loses all defence of {len(w['cities_losing_defence'])} cities "
                   f"({w['population_losing_defence']:,} people): "
                   + ", ".join(w["cities_losing_defence"][:8])
                   + (", ..." if len(w["cities_losing_defence"]) > 8 else ""))
        typer.echo(f"upper-tier defence lost by {len(w['cities_losing_upper_tier'])} cities "
                   f"({w['population_losing_upper_tier']:,} people) that THAAD alone defended")
    typer.echo("")
    typer.echo("\n".join(s for s in out["statements"].get("deployed", [])))

