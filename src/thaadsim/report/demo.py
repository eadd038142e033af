"""`thaadsim demo`: the Seongju scenario end to end, written offline to one directory.

The output directory is claimed before any work (``thaadsim.io.files.ReportDir``: a new or empty
directory, or one holding an earlier thaadsim report; never a directory of the user's), the files
are staged inside it and moved into place only when complete, so an interrupted run never leaves
a report that looks finished and never deletes a file thaadsim did not write.
"""

from __future__ import annotations

import collections
import functools
import math
import multiprocessing as mp
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from thaadsim.io.files import ReportDir
from thaadsim.io.kml import demo_kml
from thaadsim.io.output import to_json
from thaadsim.report.render import KMZ_NAME, render_html


class _Job:
    """One piece of work for the worker: run there, or here if it has not been sent yet when
    its result is wanted."""

    __slots__ = ("fn", "fut", "done", "value", "error")

    def __init__(self, fn) -> None:
        self.fn = fn
        self.fut: Future | None = None  # set when sent to the worker
        self.done = False
        self.value = None
        self.error: BaseException | None = None


class _Painter:
    """Draws the report's figures (and computes a few pieces) in a second process while the
    numbers are computed here (the figures take a third of the run and are plain Python).

    The worker is forked at the start of the run and inherits the loaded modules (a spawned
    worker would re-import the caller's script). Warm-ups (``warm``) and computations whose
    results this process needs (``submit``) go to the worker at once, in order. Of the figures
    (``__call__``) it holds at most ``IN_FLIGHT`` at a time; the others wait here, and whenever
    this process waits for a result it draws waiting figures itself: both cores stay busy to the
    end whichever process is ahead (the same jobs, in a different process: the output does not
    depend on who drew what). A job whose worker failed is run here, and where no worker can
    start, every job runs here.
    """

    IN_FLIGHT = 2

    def __init__(self) -> None:
        self.jobs: list[_Job] = []  # the figures, collected by ``wait``
        self.pending: collections.deque[_Job] = collections.deque()  # not sent yet
        self.sent: list[_Job] = []
        self.lock = threading.RLock()
        self.pool: ProcessPoolExecutor | None = None
        if _threads_started():  # forking now could copy a held OpenMP lock: draw inline
            return
        try:
            self.pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"))
            self.pool.submit(int).result(timeout=60)  # fork now, while single-threaded
        except (OSError, ValueError, RuntimeError, TimeoutError, BrokenProcessPool):
            self.close()

    def warm(self, fn) -> None:
        """Queue ``fn()`` in the worker, in order, with no result (compiling kernels that this
        process will load from the cache); nothing without a worker."""
        self._send(_Job(fn))

    def __call__(self, fn, *args, **kw) -> None:
        """Draw ``fn(*args, **kw)`` (in the worker or here); ``wait`` collects it."""
        job = self._add(functools.partial(fn, *args, **kw))
        self.jobs.append(job)

    def submit(self, fn, *args):
        """Run ``fn(*args)`` (a module-level function or a partial of one: it is pickled) in
        the worker, sent at once, in order with the warm-ups and ahead of the figures waiting
        here (a kernel warm-up that this process waits for before using the kernel, work whose
        result it needs before the figures); returns a callable that gives its result (its own
        error, if any, is raised there). Without a worker it runs here when its result is
        wanted."""
        job = _Job(functools.partial(fn, *args))
        with self.lock:
            if not self._send(job):
                self.pending.append(job)
        return functools.partial(self._result, job)

    def _send(self, job: _Job) -> bool:
        """Send ``job`` to the worker; False when there is none (any more)."""
        with self.lock:
            if self.pool is None:
                return False
            try:
                job.fut = self.pool.submit(job.fn)
            except (RuntimeError, BrokenProcessPool):  # the worker is gone: run here
                self.pool = None
                return False
            return True

    def _add(self, fn) -> _Job:
        job = _Job(fn)
        with self.lock:
            self.pending.append(job)
        self._pump()
        return job

    def _pump(self, *_) -> None:
        """Send waiting jobs while the worker holds fewer than IN_FLIGHT (also called when one
        of them finishes)."""
        with self.lock:
            self.sent = [j for j in self.sent if j.fut is not None and not j.fut.done()]
            while self.pending and len(self.sent) < self.IN_FLIGHT:
                job = self.pending.popleft()
                if not self._send(job):
                    self.pending.appendleft(job)
                    break
                self.sent.append(job)
                assert job.fut is not None
                job.fut.add_done_callback(self._pump)

    def _take_pending(self, job: _Job | None = None) -> _Job | None:
        """Remove ``job`` (or, with None, the last waiting job) from the waiting ones."""
        with self.lock:
            if job is None:
                return self.pending.pop() if self.pending else None
            try:
                self.pending.remove(job)
            except ValueError:
                return None
            return job

    @staticmethod
    def _run_here(job: _Job) -> None:
        try:
            job.value = job.fn()
        except Exception as e:  # raised to whoever wants the result
            job.error = e
        job.done = True

    def _result(self, job: _Job):
        while not job.done:
            if self._take_pending(job) is not None:  # not sent: run it here
                self._run_here(job)
                break
            fut = job.fut  # not waiting here, so sent (under the lock)
            assert fut is not None
            if not fut.done():
                other = self._take_pending()
                if other is not None:  # the worker is busy with it: draw a waiting job here
                    self._run_here(other)
                    continue
            try:
                job.value = fut.result(timeout=FIGURE_TIMEOUT_S)
                job.done = True
            except (BrokenProcessPool, TimeoutError):
                self._run_here(job)  # the worker failed or hangs: here
            except Exception as e:
                job.error = e
                job.done = True
        if job.error is not None:
            raise job.error
        return job.value

    def wait(self) -> None:
        """Wait for every figure (drawing here those not sent, and those the worker could not)."""
        try:
            for job in self.jobs:
                self._result(job)
        finally:
            self.jobs = []
            self.close()

    def close(self) -> None:
        """Cancel what has not started, wait for what has, and end the worker (before the
        report directory is released, so no figure is written into a removed folder)."""
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


FIGURE_TIMEOUT_S = 300.0  # assumption: a figure takes seconds; a stuck worker is given up


def _threads_started() -> bool:
    """Whether numba's parallel threading layer already runs in this process (thaadsim's own
    kernels never start it: they run on ``core.pool``'s threads, which a forked child does not
    inherit; a caller's ``parallel=True`` code may have)."""
    try:
        from numba.np.ufunc import parallel

        return bool(getattr(parallel, "_is_initialized", False))
    except ImportError:  # pragma: no cover (numba's layout changed: stay safe)
        return True


def run_demo(out: str | Path, *, trials: int = 20_000, seed: int = 1, progress=None,
             print_summary=print, force: bool = False, metadata: dict | None = None) -> dict:
    """Run the Seongju scenario end to end and write the report into ``out``.

    See the module docstring for the directory rules.

    Parameters
    ----------
    out : str or Path
        The report directory.
    trials : int, optional
        Monte Carlo trials of the engagement; default 20,000.
    seed : int, optional
        Seed of the engagement's random generator; default 1.
    progress : callable, optional
        ``progress(text, done, total)``, called per step.
    print_summary : callable, optional
        Receives the terminal summary (one string); default ``print``.
    force : bool, optional
        Allow a non-empty directory (files thaadsim did not write are kept).
    metadata : dict, optional
        Run metadata stored in summary.json (version, date, command).

    Returns
    -------
    dict
        The summary (the content of summary.json).

    Raises
    ------
    ThaadsimError
        An output directory the rules refuse.
    """
    from thaadsim.analysis import footprint as fp
    from thaadsim.analysis.coverage import coverage
    from thaadsim.analysis.footprint import withdrawal
    from thaadsim.analysis.footprint_kernel import warm_footprint_kernel
    from thaadsim.analysis.loft2range import loft2range
    from thaadsim.analysis.range_height import range_height
    from thaadsim.analysis.watch import warm_watch_kernel
    from thaadsim.engagement.fire_control import battery_at
    from thaadsim.engagement.raid import engage
    from thaadsim.io.scenario import example_path, load_scenario
    from thaadsim.sensors import get_radar, get_site
    from thaadsim.threats import Launch, aim, fly, get_missile
    from thaadsim.threats.threat_set import get_threat_set
    from thaadsim.viz import maps, plots

    rd = ReportDir(out, option="--out", force=force)
    t_start = time.perf_counter()
    steps = 8

    def step(i, text):
        if progress:
            progress(f"[{i}/{steps}] {text} ({time.perf_counter() - t_start:.1f} s)", i - 1, steps)

    draw = _Painter()
    with rd:
        try:
            tmp = rd.staging
            # A first run compiles side by side: the worker compiles the trajectory kernel and
            # the watch kernel and flies the watch flights (the radar's view of China's ICBMs);
            # this process compiles the footprint kernel and computes the footprints (from the
            # shipped reach tables and trajectory families) and the coverage meanwhile. Later
            # runs find the kernels on disk.
            trajectory_kernel = draw.submit(_warm_trajectory_kernel)
            draw.warm(warm_watch_kernel)
            watch_result = draw.submit(_watch_part, tmp)
            warm_footprint_kernel()
            summary: dict = {"generated_by": "thaadsim demo", "public_estimates_only": True,
                             "metadata": metadata or {}}
            # 1. footprints
            step(1, "defended footprint: Seongju, withdrawn, Pyeongtaek (nk-default)")
            ts = get_threat_set("nk-default")
            configs = [("seongju", [battery_at("seongju")]), ("withdrawn", []),
                       ("pyeongtaek", [battery_at("pyeongtaek")])]
            res = fp.footprints([b for _, b in configs], ts, 5.0, [lab for lab, _ in configs])
            (tmp / "footprint.geojson").write_text(to_json(res[0].to_geojson()))
            draw(maps.footprint_map, res[:1], tmp / "footprint.png",
                 title="THAAD at Seongju: defended footprint against nk-default")
            draw(maps.change_map, res[0], res[2], tmp / "change-relocation.png",
                 title="Moving the battery from Seongju to Pyeongtaek: area and cities lost "
                       "and gained")
            summary["footprint"] = res[0].to_dict()
            summary["comparison"] = fp.compare(res).to_dict()
            # what withdrawal leaves: THAAD alone, THAAD + the lower tier, the lower tier alone
            wd = withdrawal(ts, 5.0)
            wdd = wd.to_dict()
            summary["layers"] = {"cases": wdd["cases"], "withdrawal": wdd["withdrawal"],
                                 "statements": wdd["statements"],
                                 "configurations": _configurations(wd)}
            dep, wdn = wd.results[wd.names.index("deployed")], \
                wd.results[wd.names.index("withdrawn")]
            draw(maps.change_map, dep.combined, wdn.combined, tmp / "change-layered.png",
                 title="Withdrawing THAAD from the layered defence: what the lower tier "
                       "keeps and what is lost")
            step(2, "footprint against nk-2019 (adds the lifting KN-23)")
            r19 = fp.footprint(configs[0][1], get_threat_set("nk-2019"), 5.0, label="seongju")
            summary["footprint_nk2019"] = r19.to_dict()
            # 3. radar coverage
            step(3, "radar coverage over Korea and China")
            site = get_site("seongju")
            cov, cov_results = {}, []
            for mode in ("tpy2-terminal", "tpy2-forward"):
                radar = get_radar(mode)
                c = coverage(radar, site, [10.0, 100.0, 300.0, 1000.0], 0.01)
                draw(maps.coverage_map, c, tmp / f"coverage-{mode}.png")
                cov[mode] = c.to_dict()
                cov_results.append(c)
            draw(maps.vertical_coverage, range_height(get_radar("tpy2-terminal"), site, 0.01,
                                                      max_range_km=900),
                 tmp / "vertical-coverage-terminal.png")
            summary["coverage"] = cov
            # 4. trajectories
            step(4, "representative threat trajectories")
            # compiled by the worker (or loaded): not twice at once, as long as the shipped
            # tables are current (else step 1 flies the families here, compiling it meanwhile)
            trajectory_kernel()
            cases = [("nodong", (39.20, 125.67), (35.10, 129.03), None, "Nodong → Busan"),
                     ("scud-c", (39.15, 127.45), (35.87, 128.60), None, "Scud-C → Daegu"),
                     ("scud-b", (38.58, 126.10), (37.57, 126.98), None, "Scud-B → Seoul"),
                     ("kn-23", (39.15, 127.45), (36.03, 128.18), 50e3,
                      "KN-23 (50 km apogee, pull-up) → Seongju")]
            ms, lats, lons, azs, ths, tcs, labels = [], [], [], [], [], [], []
            for m, l0, a0, apo, lab in cases:
                s = aim(get_missile(m), Launch(*l0), *a0, apogee_m=apo)
                ms.append(get_missile(m))
                lats.append(l0[0])
                lons.append(l0[1])
                azs.append(s.azimuth_deg)
                ths.append(s.theta_deg)
                tcs.append(s.t_cut_s)
                labels.append(lab)
            b = fly(ms, lats, lons, azs, ths, tcs, history_dt_s=1.0)
            draw(plots.trajectory_profile, b, labels, tmp / "trajectories.png",
                 title="Representative North Korean threats (aimed, rotating Earth)",
                 note="thaadsim; presets are public estimates (thaadsim missiles); rotating WGS84 "
                      "Earth, J2, US 1976 atmosphere")
            summary["trajectories"] = [dict(b.to_dict(i), case=labels[i]) for i in range(len(b))]
            # Google Earth: the footprints, coverage layers (at their altitudes) and flights
            draw(demo_kml, tmp / KMZ_NAME, footprints=res, coverages=cov_results,
                 trajectories=b, labels=labels)
            # 5. engagement
            step(5, f"engagement Monte Carlo of the example raid ({trials:,} trials)")
            er = engage(load_scenario(example_path()), trials, seed)
            eng = er.to_dict()
            draw(plots.engagement_timeline, er.kinematics, er.plan, tmp / "engagement-timeline.png")
            summary["engagement"] = eng
            # 6. loft2range
            step(6, "loft2range on the 2017 flight tests")
            # the 2017 tests as reported (docs/reference/flight-tests.csv), each fitted with the
            # tested missile's own preset
            tests = [("hwasong-12", 2111.5, 787, 1800, "Hwasong-12, 14 May 2017"),
                     ("hwasong-14", 2802, 933, 2220, "Hwasong-14, 4 Jul 2017"),
                     ("hwasong-14", 3724.9, 998, 2832, "Hwasong-14, 28 Jul 2017"),
                     ("hwasong-15", 4475, 950, 3180, "Hwasong-15, 28 Nov 2017"),
                     ("hwasong-12", 770, 3700, 1140, "Hwasong-12, 15 Sep 2017")]
            summary["loft2range"] = [
                dict(loft2range(apo, rng, t, template=m).to_dict(), test=label)
                for m, apo, rng, t, label in tests]
            # 7. bands, sensitivity and siting (modest sample counts: the CLI's are larger)
            step(7, "uncertainty bands, tornado and siting")
            summary["uncertainty"], summary["siting"] = _robustness(
                configs[0][1][0], ts, tmp, draw, seed, er_scenario=load_scenario(example_path()))
            summary["watch"] = watch_result()
            summary["headline"] = headline(summary, res[0], dep, wdn)
            # 8. report
            step(8, "writing report.html and summary.json")
            draw.wait()
            summary["runtime_s"] = round(time.perf_counter() - t_start, 1)
            (tmp / "summary.json").write_text(to_json(summary))
            (tmp / "report.html").write_text(render_html(summary, tmp))
            rd.commit()
        finally:
            draw.close()  # before the directory is released
    fpd = summary["footprint"]
    lines = [
        f"thaadsim demo: wrote {rd.path / 'report.html'} in {summary['runtime_s']} s",
        "",
        f"{'configuration':<14}{'area km2':>10}{'% of ROK':>10}{'SLS %':>8}{'city pop. (M)':>15}",
    ]
    for r in [x.to_dict() for x in res]:
        lines.append(f"{r['configuration']:<14}{r['area_km2']:>10,.0f}"
                     f"{100 * r['defended_fraction_of_south_korea']:>10.1f}"
                     f"{100 * r['defended_fraction_sls']:>8.1f}"
                     f"{r['defended_population'] / 1e6:>15.1f}")
    n19 = summary["footprint_nk2019"]
    kc = fpd["key_cities"]

    def yes(city):
        return "yes" if kc[city] else "no"

    analytic = eng["expected_leakers_analytic"]
    lo, hi = eng["expected_leakers_ci95"]
    ci = "n/a" if lo is None or hi is None else f"{lo:.2f}-{hi:.2f}"
    lines += ["",
              f"Defended: Seoul {yes('Seoul')}, Daegu {yes('Daegu')}, Busan {yes('Busan')}; "
              f"against nk-2019 the defended area is "
              f"{100 * n19['defended_fraction_of_south_korea']:.1f} % of South Korea",
              f"Raid of {len(eng['threats'])} missiles: expected leakers "
              f"{eng['expected_leakers']:.2f} (95 % CI {ci}; closed form "
              f"{'n/a' if analytic is None else f'{analytic:.2f}'}), interceptors used "
              f"{eng['interceptors_used_mean']:.1f} of {eng['batteries'][0]['inventory']}"]
    print_summary("\n".join(lines))
    return summary


def _warm_trajectory_kernel() -> None:
    """Compile (or load) the trajectory kernel: one short flight."""
    from thaadsim.threats import fly, get_missile

    fly(get_missile("nodong"), 39.0, 125.7, 150.0, [45.0], [100.0])


# The radar's view of China's ICBM flights in the demo: the shipped set of flights to the US,
# the AN/TPY-2 at Seongju in each mode, against the forward-based radars in Japan
WATCH_SET = "cn-icbm"
WATCH_MODES = ("tpy2-forward", "tpy2-terminal")
WATCH_HEADLINE_KEYS = ("flights_in_reach", "flights_seen", "track_s", "others_track_s",
                       "flights_seen_by_others", "marginal_track_s",
                       "flights_seen_only_from_site")


def _watch_part(tmp: Path) -> dict:
    """Per mode, the summary of ``thaadsim watch`` (and its map and time-altitude plot for the
    forward mode, the one that sees anything)."""
    from thaadsim.api import watch
    from thaadsim.viz.watch import time_altitude, watch_map

    out = {}
    for mode in WATCH_MODES:
        r = watch(WATCH_SET, "seongju", mode)
        records = r.records()
        out[mode] = r.summary(records)
        only = [x for x in records if x["seen_only_from_site"]]
        out[mode]["seen_only_from_site_flights"] = [x["flight"] for x in only]
        if mode == "tpy2-forward":
            watch_map(r, tmp / "watch-map.png")
            time_altitude(r, tmp / "watch-time-altitude.png")
    return out


# The cities the headline box names (largest South Korean cities, GeoNames)
HEADLINE_CITIES = 8


def big_first(cities) -> list[dict]:
    """City records, the most populous first."""
    return sorted(cities, key=lambda c: -c["population"])


def _configurations(wd) -> dict:
    """Per case of a WithdrawalResult, its batteries: system, tier and position."""
    out = {}
    for name, r in zip(wd.names, wd.results, strict=True):
        out[name] = [{"name": b.name, "system": b.system, "tier": b.tier,
                      "lat_deg": b.site.lat_deg, "lon_deg": b.site.lon_deg}
                     for b in r.combined.batteries]
    return out


def headline(summary: dict, deployed, layered=None, layered_withdrawn=None) -> dict:
    """The numbers of the report's headline box, from the results (summary.json "headline").

    Parameters
    ----------
    summary : dict
        The summary so far (footprint, its comparison with withdrawal, coverage, uncertainty,
        the layered comparison, the watch).
    deployed : FootprintResult
        The footprint with the battery.
    layered, layered_withdrawn : LayeredFootprint, optional
        THAAD with the lower tier as deployed, and the lower tier alone: Seoul's defence and
        what withdrawal leaves, per layer.

    Returns
    -------
    dict
        ``defends`` (share, people, bands, big cities, Seoul and why), ``china`` (per radar
        mode: the deepest view into China, its area, regions and cities, and the band of the
        area), ``withdrawal`` (cities and people that lose the battery's defence).
    """
    from thaadsim import geo
    from thaadsim.report.render import MND_CLAIM_HIGH, MND_CLAIM_LOW

    fp = summary["footprint"]
    unc = summary.get("uncertainty") or {}
    band = (unc.get("footprint") or {})
    frac = fp["defended_fraction_of_south_korea"]

    def b(q):
        x = band.get(q)
        return [x["p05"], x["p95"]] if x else None

    cities = deployed.cities()
    big = big_first(cities)[:HEADLINE_CITIES]
    seoul = next(c for c in cities if c["name"] == "Seoul")
    bat = deployed.batteries[0]
    env = bat.reach.to_dict()
    row = next(c for c in geo.cities() if c["name"] == "Seoul" and c["country"] == "KR")
    d_km = float(geo.gc_distance_m(math.radians(bat.site.lat_deg), math.radians(bat.site.lon_deg),
                                   math.radians(row["lat_deg"]),
                                   math.radians(row["lon_deg"]))) / 1e3
    china = {}
    cband = unc.get("coverage") or {}
    for mode, cov in summary["coverage"].items():
        best = max(cov["layers"], key=lambda la: la["countries"].get("CHN", {})
                   .get("max_depth_km", 0.0))
        c = best["countries"].get("CHN", {})
        alt = best["altitude_km"]
        key = f"{mode}.{unc.get('coverage_altitude_km', alt):g}km.area_km2"
        china[mode] = {"altitude_km": alt, "area_km2": c.get("area_km2", 0.0),
                       "depth_km": c.get("max_depth_km", 0.0),
                       "regions": c.get("regions_in_view", []),
                       "cities": c.get("cities_in_view", [])[:4],
                       "area_band_km2": [cband[key]["p05"], cband[key]["p95"]]
                       if isinstance(cband.get(key), dict) else None}
    # THAAD alone withdrawn: the comparison's row (cities lost, people), largest cities first
    wrow = next(r for r in summary["comparison"]["configurations"]
                if r["configuration"] == "withdrawn")
    lost = [c for c in big_first(cities) if c["name"] in set(wrow["cities_lost"])]
    watch = summary.get("watch") or {}
    layers = None
    if layered is not None and layered_withdrawn is not None:
        cd = {c["name"]: c for c in layered.cities()}
        cw = {c["name"]: c for c in layered_withdrawn.cities()}
        keep = [c["name"] for c in big_first(cw.values()) if c["defended"]]
        losses = summary["layers"]["withdrawal"]  # WithdrawalResult.losses
        gone = losses["cities_losing_defence"]
        dw = layered_withdrawn.combined.to_dict()
        dd = layered.combined.to_dict()
        layers = {"deployed_fraction": dd["defended_fraction_of_south_korea"],
                  "deployed_population": dd["defended_population"],
                  "withdrawn_fraction": dw["defended_fraction_of_south_korea"],
                  "withdrawn_population": dw["defended_population"],
                  "cities_kept": len(keep), "largest_kept": keep[:5],
                  "lower_batteries": len(layered_withdrawn.combined.batteries),
                  "cities_losing_all": len(gone),
                  "people_losing_all": losses["population_losing_defence"],
                  "largest_losing_all": gone[:5],
                  "seoul_defence": cd["Seoul"]["defence"] if "Seoul" in cd else None,
                  "seoul_by_lower_tier": bool(cd.get("Seoul", {}).get("defended_by_layer", {})
                                              .get("lower", False))}
    return {
        "layers": layers,
        "watch": {mode: {k: w[k] for k in WATCH_HEADLINE_KEYS} for mode, w in watch.items()},
        "defends": {
            "fraction": frac, "fraction_band": b("defended_fraction_of_south_korea"),
            "area_km2": fp["area_km2"], "population": fp["defended_population"],
            "population_band": b("defended_population"),
            "claim_low": MND_CLAIM_LOW, "claim_high": MND_CLAIM_HIGH,
            "claim_inside": MND_CLAIM_LOW <= frac <= MND_CLAIM_HIGH,
            "big_cities": [{"name": c["name"], "population": c["population"],
                            "defended": c["defended"]} for c in big],
            "seoul": {"defended": seoul["defended"], "distance_km": d_km,
                      "reach_km": env["max_ground_range_km"],
                      "floor_km": env["min_altitude_km"],
                      "threats_without_opportunity": seoul["limiting_threats"],
                      "threats": len(deployed.threats)},
        },
        "china": china,
        "withdrawal": {"cities_losing": len(lost),
                       "people_losing": int(sum(c["population"] for c in lost)),
                       "largest_losing": [c["name"] for c in lost[:5]],
                       "fraction_left": wrow["defended_fraction_of_south_korea"]},
    }


# Sample counts and grids of the demo's robustness step (the CLI defaults are larger): the
# whole step costs ~4-6 s on 2 cores, the coverage and raid bands in the figure worker
DEMO_SAMPLES = 16
DEMO_COVERAGE_SAMPLES = 8
DEMO_ENGAGE_SAMPLES = 8
DEMO_ENGAGE_TRIALS = 1000  # per sample: Monte Carlo noise ~0.05 leakers, well inside the band
DEMO_COVERAGE_ALT_KM = 300.0  # where the forward mode's view of China depends on its range
DEMO_BAND_GRID_KM = 10.0
DEMO_SITING_GRID_KM = 20.0
DEMO_SITING_CANDIDATE_KM = 50.0


def _coverage_band(site, seed: int) -> dict:
    """Band of the area of China in view per radar mode (``DEMO_COVERAGE_ALT_KM``)."""
    from thaadsim.analysis.uncertainty import coverage_evaluator, sweep
    from thaadsim.sensors import get_radar

    radars = {m: get_radar(m) for m in ("tpy2-terminal", "tpy2-forward")}
    out = sweep("coverage", coverage_evaluator(site, radars, (DEMO_COVERAGE_ALT_KM,)),
                DEMO_COVERAGE_SAMPLES, seed, {"site": site.name}).to_dict()
    out.pop("records")
    return out


def _engage_band(scenario, seed: int) -> dict:
    """Band of the raid's expected leakers and interceptors used."""
    from thaadsim.analysis.uncertainty import engage_evaluator, sweep

    out = sweep("engage", engage_evaluator(scenario, DEMO_ENGAGE_TRIALS, seed),
                DEMO_ENGAGE_SAMPLES, seed, {"scenario": scenario.name}).to_dict()
    out.pop("records")
    return out


def _robustness(battery, ts, tmp: Path, draw, seed: int, er_scenario) -> tuple[dict, dict]:
    """Bands of the headline numbers, the tornado, the probability map and the best site."""
    from thaadsim.analysis.siting import site_search
    from thaadsim.analysis.uncertainty import (
        footprint_uncertainty,
        is_fast,
        parameters_for,
        sensitivity_oat,
    )
    from thaadsim.viz import maps, plots

    # the coverage band is shapely and KD-tree work on one core: the figure worker computes it
    # while this process runs the footprint kernels
    cov_result = draw.submit(_coverage_band, battery.site, seed)
    # the parameters that cost one kernel pass for all samples; those that need a new flyout fan
    # or trajectory families per sample are varied by the CLI
    side = [p.name for p in parameters_for("footprint") if is_fast(p)]
    fu = footprint_uncertainty(battery, ts, DEMO_BAND_GRID_KM, DEMO_SAMPLES, seed,
                               parameters=side)
    draw(maps.probability_map, fu.central, fu.cell_probability, tmp / "probability-map.png",
         samples=fu.samples)
    oat = sensitivity_oat(battery, ts, DEMO_BAND_GRID_KM, parameters=side)
    draw(plots.tornado, oat, tmp / "tornado.png",
         title="Defended share of South Korea, one parameter at a time")
    # the raid's band is Python-heavy shot planning: the worker takes it too
    eng_result = draw.submit(_engage_band, er_scenario, seed)
    sit = site_search(battery, ts, batteries=1, objective="population",
                      candidate_km=DEMO_SITING_CANDIDATE_KM, grid_km=DEMO_SITING_GRID_KM,
                      final_grid_km=DEMO_BAND_GRID_KM, samples=8, seed=seed)
    draw(maps.footprint_map, [sit.best, sit.seongju], tmp / "siting.png",
         title="Where one battery would defend the most people (filled) vs Seongju (outline)")
    fud = fu.to_dict()
    fud.pop("records")
    covd, engd = cov_result(), eng_result()
    not_varied = [p.name for p in parameters_for("footprint") if p.name not in side]
    return ({"footprint": fud, "footprint_parameters_not_varied": not_varied,
             "cell_probability_grid_km": DEMO_BAND_GRID_KM,
             "coverage_altitude_km": DEMO_COVERAGE_ALT_KM,
             "tornado": oat, "coverage": covd, "engage": engd}, sit.to_dict())


__all__ = ["run_demo"]
