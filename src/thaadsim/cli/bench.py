"""``thaadsim bench ...``: benchmarks as ratios against baselines measured in the same run."""

from __future__ import annotations

import typer

from thaadsim.cli.analyses import engage_memory_bytes
from thaadsim.cli.app import Fmt, bench_app, emit, fmt_option, require_format
from thaadsim.cli.progress import bar
from thaadsim.errors import ThaadsimError
from thaadsim.limits import check, check_budget

BASELINE_MAX = 1000  # the solve_ivp baseline runs one trajectory at a time, ~20/s
BYTES_PER_TRAJECTORY = 400  # summary mode, measured by `bench memory` (220 MB / 100,000 / 5)


def _fmt(fmt: Fmt) -> None:
    require_format(fmt, ("json", "table"))


@bench_app.command("trajectories")
def bench_trajectories(n: int = typer.Option(20_000, "--n", help="batch size"),
                       baseline_n: int = typer.Option(20, "--baseline-n",
                                                      help="trajectories of the baseline"),
                       fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """Batched Nodong-class trajectories per second vs a scipy solve_ivp baseline."""
    from thaadsim.bench import bench_trajectories as run

    _fmt(fmt)
    n = int(check("bench_n", n, "--n"))
    baseline_n = int(check("bench_n", baseline_n, "--baseline-n"))
    if baseline_n > n:
        raise ThaadsimError("--baseline-n", f"must not exceed --n ({n})", baseline_n)
    if baseline_n > BASELINE_MAX:
        raise ThaadsimError("--baseline-n", f"must be at most {BASELINE_MAX} (the baseline runs "
                                            "one trajectory at a time, ~20/s)", baseline_n)
    check_budget("--n", n, n * BYTES_PER_TRAJECTORY, "use a smaller --n")
    with bar("bench trajectories"):
        res = run(n, baseline_n)
    emit(res, fmt)


@bench_app.command("radar")
def bench_radar(n: int = typer.Option(10_000, "--n", help="detection timelines"),
                grid: int = typer.Option(500, "--grid", help="raster side (cells)"),
                fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """Coverage raster (4 altitudes) and detection timelines for n trajectories."""
    from thaadsim.bench import bench_radar as run

    _fmt(fmt)
    n = int(check("bench_n", n, "--n"))
    grid = int(check("bench_grid", grid, "--grid"))
    check_budget("--n", n, n * 2000 * 7 * 8 * 2, "use a smaller --n")
    check_budget("--grid", grid, grid * grid * 4 * 8 * 8, "use a smaller --grid")
    with bar("bench radar"):
        res = run(n, grid)
    emit(res, fmt)


@bench_app.command("engage")
def bench_engage(trials: int = typer.Option(100_000, "--trials", help="Monte Carlo trials"),
                 fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """100,000 trials of a 20-missile raid (kinematics once, outcomes vectorized)."""
    from thaadsim.bench import bench_engage as run

    _fmt(fmt)
    trials = int(check("trials", trials, "--trials"))
    check_budget("--trials", trials, engage_memory_bytes(trials, 20, 1), "use fewer --trials")
    with bar("bench engage"):
        res = run(trials)
    emit(res, fmt)


@bench_app.command("footprint")
def bench_footprint(grid_km: float = typer.Option(5.0, "--grid-km", help="grid spacing (km)"),
                    fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """The default footprint vs aiming every (threat, aim point) pair."""
    from thaadsim.bench import bench_footprint as run

    _fmt(fmt)
    grid_km = check("grid_km", grid_km, "--grid-km")
    with bar("bench footprint"):
        res = run(grid_km)
    emit(res, fmt)


@bench_app.command("memory")
def bench_memory(n: int = typer.Option(100_000, "--n", help="batch size"),
                 fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """Peak memory of n trajectories in summary mode."""
    from thaadsim.bench import bench_memory as run

    _fmt(fmt)
    n = int(check("bench_n", n, "--n"))
    check_budget("--n", n, n * BYTES_PER_TRAJECTORY, "use a smaller --n")
    with bar("bench memory"):
        res = run(n)
    emit(res, fmt)


@bench_app.command("uncertainty")
def bench_uncertainty(samples: int = typer.Option(16, "--samples", help="samples per run"),
                      grid_km: float = typer.Option(10.0, "--grid-km", help="grid spacing (km)"),
                      fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """Footprint uncertainty: samples per second in process and on a LocalCluster of 1 and 2
    workers (scaling and overhead)."""
    from thaadsim.bench import bench_uncertainty as run

    _fmt(fmt)
    samples = int(check("samples", samples, "--samples"))
    grid_km = check("grid_km", grid_km, "--grid-km")
    with bar("bench uncertainty"):
        res = run(samples, grid_km)
    emit(res, fmt)


@bench_app.command("web")
def bench_web(moves: int = typer.Option(20, "--moves", help="sequential moved-battery requests, "
                                                            "1 to 200"),
              concurrent: int = typer.Option(50, "--concurrent",
                                             help="requests sent at once, 1 to 200"),
              fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """Web map on loopback: moved-battery latency (p50/p95) and a burst of concurrent requests."""
    from thaadsim.bench.web import bench_web as run

    _fmt(fmt)
    if not 1 <= moves <= 200:
        raise ThaadsimError("--moves", "must be an integer in [1, 200]", moves)
    if not 1 <= concurrent <= 200:
        raise ThaadsimError("--concurrent", "must be an integer in [1, 200]", concurrent)
    with bar("bench web"):
        res = run(moves, concurrent)
    emit(res, fmt)


@bench_app.command("watch")
def bench_watch(threat_set: str = typer.Option("cn-icbm", "--threat-set",
                                               help="a threat set with targets"),
                fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """Watch analysis: flights/s of the solve and of detection, the warm default call."""
    from thaadsim.bench.watch import bench_watch as run

    _fmt(fmt)
    with bar("bench watch"):
        res = run(threat_set)
    emit(res, fmt)


@bench_app.command("layers")
def bench_layers(fmt: Fmt = fmt_option(Fmt.json, "json|table")):
    """Layered footprint and the withdrawal comparison against THAAD alone (5 km grid)."""
    from thaadsim.bench.layers import bench_layers as run

    _fmt(fmt)
    with bar("bench layers"):
        res = run()
    emit(res, fmt)
