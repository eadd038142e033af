"""``thaadsim watch``: which missile flights a radar observes, when and for how long, and what
it adds to other radars (issue 14; ``thaadsim.api.watch``, docs/watch.md)."""

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
    use_files,
)
from thaadsim.cli.models import RADAR_HELP, SITE_HELP, _site, float_list
from thaadsim.cli.progress import bar
from thaadsim.errors import ThaadsimError
from thaadsim.io.files import check_output_file
from thaadsim.io.kml import KML_SUFFIXES
from thaadsim.io.output import kv_table, rows_table
from thaadsim.limits import check, check_n_of_m

COLUMNS = ["missile", "launch", "target", "status", "seen", "track_s", "first_detection_s",
           "phase_at_first_detection", "firm_track_s", "leave_s", "min_range_km", "limited_by",
           "others_track_s", "marginal_track_s", "seen_only_from_site"]


def _short(name: str) -> str:
    """A launch area's or target's name up to its first comma or parenthesis."""
    for sep in (" (", ","):
        name = name.split(sep)[0]
    return name.strip()


@app.command()
def watch(
    site: str = typer.Option("seongju", "--site", help=SITE_HELP),
    radar: str = typer.Option("tpy2-forward", "--radar",
                              help=RADAR_HELP + "; the mode: tpy2-forward, tpy2-terminal, "
                                                "tpy2-forward-nas"),
    threat_set: str = typer.Option("cn-icbm", "--threat-set",
                                   help="a threat set with targets ('thaadsim threat-sets'): "
                                        "cn-icbm, cn-slbm, cn-irbm-guam"),
    obj: str = typer.Option("rv", "--object",
                            help="object watched: rv (reentry vehicle, 0.01 m2) or booster "
                                 "(booster / post-boost vehicle, 1 m2); both assumptions"),
    rcs_m2: Optional[float] = typer.Option(None, "--rcs-m2", "--rcs",
                                           help="RCS (m2) instead of the object's"),
    compare: str = typer.Option(",".join(api.WATCH_COMPARE), "--compare",
                                help="sites of the radars compared with, comma-separated, or "
                                     "none"),
    compare_radar: Optional[str] = typer.Option(
        None, "--compare-radar",
        help="mode of the compared radars (default: --radar if a forward mode, else "
             "tpy2-forward: the Japan radars are forward-based)"),
    min_elevation_deg: Optional[float] = typer.Option(None, "--min-elevation-deg",
                                                      help="beam floor at --site (default: the "
                                                           "site's)"),
    azimuth_deg: Optional[float] = typer.Option(None, "--azimuth-deg",
                                                help="face boresight at --site (default: the "
                                                     "site's)"),
    n_of_m: str = typer.Option("3,5", "--n-of-m", help="firm track after N detections in M looks"),
    plot: Optional[Path] = typer.Option(None, "--plot",
                                        help="write a map of the flights and the observed "
                                             "segments (.png/.svg/.pdf)"),
    plot_time_altitude: Optional[Path] = typer.Option(
        None, "--plot-time-altitude", help="write a time-altitude plot (.png/.svg/.pdf)"),
    kml: Optional[Path] = typer.Option(None, "--kml", help="write the flights and observed "
                                                           "segments for Google Earth (.kml "
                                                           "or .kmz)"),
    fmt: Fmt = fmt_option(offers="table|json|csv|geojson"),
    missile_file: Files = file_option("missile", "missiles"),
    radar_file: Files = file_option("radar", "radars"),
    threat_set_file: Files = file_option("threat-set", "threat-sets"),
):
    """Which flights of a threat set a radar observes (field of view, detection, firm track,
    phase, ranges, limiting geometry) and what it adds to the radars compared with (marginal
    track time, flights seen only from --site). Public estimates only."""
    require_format(fmt, ("table", "json", "csv", "geojson"))
    use_files(missile_file, radar_file, threat_set_file=threat_set_file)
    ts = api.get_threat_set(threat_set)
    if not ts.targets:
        raise ThaadsimError("--threat-set", "must be a set with targets ([[set.NAME.target]]), "
                                            "e.g. cn-icbm, cn-slbm, cn-irbm-guam", threat_set)
    api.get_radar(radar)
    if compare_radar is not None:
        from thaadsim.sensors.radar import get_radar

        try:
            get_radar(compare_radar)
        except ThaadsimError as e:
            raise ThaadsimError("--compare-radar", e.rule, compare_radar) from None
    s = _site(site, azimuth_deg, min_elevation_deg)
    if obj not in ("rv", "booster"):
        raise ThaadsimError("--object", "must be one of rv, booster", obj)
    if rcs_m2 is not None:
        check("rcs_m2", rcs_m2, "--rcs-m2")
    nm = check_n_of_m(float_list("n-of-m", n_of_m), "--n-of-m", n_of_m)
    plot = None if plot is None else check_output_file("--plot", plot)
    plot_time_altitude = (None if plot_time_altitude is None
                          else check_output_file("--plot-time-altitude", plot_time_altitude))
    kml = None if kml is None else check_output_file("--kml", kml, KML_SUFFIXES)
    with bar("watch"):
        res = api.watch(ts, s, radar, obj=obj, rcs_m2=rcs_m2, compare=compare,
                        compare_radar=compare_radar, n_of_m=nm)
    if plot is not None:
        from thaadsim.viz.watch import watch_map

        watch_map(res, plot)
    if plot_time_altitude is not None:
        from thaadsim.viz.watch import time_altitude

        time_altitude(res, plot_time_altitude)
    if kml is not None:
        from thaadsim.io.kml import write_kml
        from thaadsim.viz.watch import watch_kml

        write_kml(watch_kml(res), kml)
    note(api.site_note(s))
    if fmt == Fmt.geojson:
        emit(res.to_geojson(), fmt)
        return
    d = res.to_dict()
    written = {k: str(v) for k, v in (("plot", plot), ("plot_time_altitude", plot_time_altitude),
                                      ("kml", kml)) if v is not None}
    d.update(written)  # the files written, as every command's JSON names them
    if fmt == Fmt.csv:
        emit(d, fmt, rows=res.to_dataframe().to_dict("records"))
        return
    rows = [{**r, "launch": _short(r["launch_area"]), "target": _short(r["target"])}
            for r in d["flights"]]
    summ = d["summary"]
    table = (rows_table(rows, COLUMNS) + "\n\nSummary (times in s):\n" + kv_table(summ)
             + "\n\nAssumptions:\n"
             + "\n".join(f"  - {a}" for a in d["assumptions"])
             + "".join(f"\n\nwrote {v}" for v in written.values()))
    emit(d, fmt, table=table)
