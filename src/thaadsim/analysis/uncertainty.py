"""Uncertainty of the defended footprint: Latin-hypercube samples of the uncertain parameters
declared in ``data/uncertainty.toml``, a footprint per sample, and the bands of the headline
numbers (first step of the uncertainty issue: battery-level parameters), in process or on Dask
(a ``LocalCluster`` on this machine, or an existing scheduler).

Each sample's values come from its own row of a scrambled Latin hypercube drawn once for the
seed (``lhs``), and the site offset's bearing from the same row, so
a sample's result depends only on the seed and its index: the same seed gives the same output
however the samples are run.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np

from thaadsim.analysis.footprint import FootprintResult
from thaadsim.errors import ThaadsimError
from thaadsim.presets import table

DISTRIBUTIONS = ("uniform", "log-uniform")
PERCENTILES = (5, 50, 95)

# What each quantity's model lets a parameter set (``applies_to``); the others do not enter it
APPLIES_TO = {
    "footprint": ("radar.calibration_range_km", "battery.rcs_m2", "battery.reaction_time_s",
                  "site.min_elevation_deg", "site.offset_km",
                  "interceptor.max_flight_dynamic_pressure_pa",
                  "interceptor.max_flyout_time_s", "interceptor.kv_divert_delta_v_m_s",
                  "interceptor.max_dynamic_pressure_pa", "interceptor.launcher_elevation_deg",
                  "interceptor.max_lateral_accel_g", "interceptor.isp_scale",
                  "missile.isp_scale", "missile.payload_scale", "missile.beta_scale",
                  "missile.burn_time_scale", "missile.cd_scale", "threat.launch_offset_km"),
    "coverage": ("radar.calibration_range_km", "forward_radar.calibration_range_km",
                 "battery.rcs_m2", "site.min_elevation_deg", "site.offset_km"),
    "engage": ("battery.rcs_m2", "battery.reaction_time_s", "battery.fire_channels",
               "doctrine.sspk", "doctrine.p_track"),
    "loft2range": ("observation.apogee_pct", "observation.range_pct",
                   "observation.flight_time_pct"),
}




@dataclasses.dataclass(frozen=True, repr=False)
class Parameter:
    """One uncertain parameter.

    Attributes
    ----------
    name : str
        Its name in ``data/uncertainty.toml``.
    applies_to : str
        What it sets (``battery.rcs_m2``, ``radar.calibration_range_km``, ...).
    low, central, high : float
        Range and the preset's value (units as ``unit``).
    distribution : str
        ``"uniform"`` or ``"log-uniform"`` over [low, high].
    unit, why : str
        Unit, and the reason for the range.
    sources : tuple of str
        Where the range comes from.
    """

    name: str
    applies_to: str
    low: float
    central: float
    high: float
    distribution: str = "uniform"
    unit: str = ""
    why: str = ""
    sources: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (f"<Parameter {self.name}: {self.central:g} {self.unit} in [{self.low:g}, "
                f"{self.high:g}] ({self.distribution}), {self.applies_to}>").replace("  ", " ")

    def to_dict(self) -> dict:
        """All fields (JSON-ready).

        Returns
        -------
        dict
            ``name``, ``applies_to``, ``low``, ``central``, ``high``, ``distribution``,
            ``unit``, ``why`` and ``sources``.
        """
        return {**dataclasses.asdict(self), "sources": list(self.sources)}

    def value(self, u: float) -> float:
        """The value at quantile ``u`` in [0, 1] of the distribution."""
        if self.high == self.low:
            return self.low
        if self.distribution == "log-uniform":
            return float(math.exp(math.log(self.low)
                                  + u * (math.log(self.high) - math.log(self.low))))
        return float(self.low + u * (self.high - self.low))


def list_parameters() -> list[Parameter]:
    """The uncertain parameters of ``data/uncertainty.toml`` (and user files).

    Returns
    -------
    list of Parameter
        In file order.

    Raises
    ------
    ThaadsimError
        An entry without a reason or sources, with low > central > high, or with an unknown
        distribution.
    """
    out = []
    for name, e in table("uncertainty.toml", "parameter").items():
        try:
            p = Parameter(name, str(e["applies_to"]), float(e["low"]), float(e["central"]),
                          float(e["high"]), str(e.get("distribution", "uniform")),
                          str(e.get("unit", "")), str(e["why"]),
                          tuple(map(str, e["sources"])))
        except (KeyError, TypeError, ValueError) as err:
            raise ThaadsimError("uncertainty", f"[parameter.{name}] is incomplete or invalid "
                                               f"({err})", name) from None
        known = sorted({a for q in APPLIES_TO.values() for a in q})
        if p.applies_to not in known:
            raise ThaadsimError("uncertainty", f"[parameter.{name}] applies_to must be one of "
                                               f"{', '.join(known)}", p.applies_to)
        if not (p.low <= p.central <= p.high) or p.distribution not in DISTRIBUTIONS or \
                not p.why or not p.sources or (p.distribution == "log-uniform" and p.low <= 0):
            raise ThaadsimError("uncertainty", f"[parameter.{name}] needs low <= central <= "
                                               "high, a distribution of "
                                               f"{', '.join(DISTRIBUTIONS)} (log-uniform: low "
                                               "> 0), a reason and sources", name)
        out.append(p)
    return out


def lhs(n_params: int, samples: int, seed: int) -> np.ndarray:
    """Latin-hypercube quantiles, shape (samples, n_params + 2): column n_params draws the site
    offset's bearing, the last the launch areas' offset bearing.

    Each column takes one value in each of the ``samples`` equal strata of [0, 1), uniformly
    within it, in a random order (McKay, Beckman & Conover 1979; what
    ``scipy.stats.qmc.LatinHypercube`` draws with ``scramble=True``). Written out here because
    importing ``scipy.stats`` costs ~1 s, a tenth of the demo's robustness step.
    """
    rng = np.random.default_rng(seed)
    d = n_params + 2
    strata = np.argsort(rng.random((d, samples)), axis=1).T  # a permutation per column
    return (strata + rng.random((samples, d))) / samples


# Parameters that change the threats (a trajectory family per sample, not one kernel pass for
# all samples)
THREAT_PREFIXES = ("missile.", "threat.")
# Interceptor parameters that change the flight itself: a new flyout fan (~1 s) per value
FAN_PARAMETERS = ("interceptor.max_dynamic_pressure_pa", "interceptor.launcher_elevation_deg",
                  "interceptor.max_lateral_accel_g", "interceptor.isp_scale")


def is_fast(p: Parameter) -> bool:
    """Whether a footprint parameter costs only a re-mask or a new battery (all samples in one
    kernel pass), not a new flyout fan or trajectory families per sample."""
    return not p.applies_to.startswith(THREAT_PREFIXES) and p.applies_to not in FAN_PARAMETERS


def threat_variant(threat_set, params: list[Parameter], values: dict[str, float],
                   bearing_u: float):
    """The threat set and its missiles with the sampled values applied: (ThreatSet, dict of
    missile name to Missile), or (threat_set, None) when no threat parameter is declared."""
    from thaadsim import geo
    from thaadsim.threats.missile import get_missile

    mine = [p for p in params if p.applies_to.startswith(THREAT_PREFIXES)]
    if not mine:
        return threat_set, None
    missiles = {}
    for name in threat_set.missiles:
        m = get_missile(name)
        for p in mine:
            v = values[p.name]
            if p.applies_to == "missile.isp_scale":
                m = dataclasses.replace(m, stages=tuple(
                    dataclasses.replace(st, isp_sl_s=st.isp_sl_s * v, isp_vac_s=st.isp_vac_s * v)
                    for st in m.stages))
            elif p.applies_to == "missile.payload_scale":
                m = dataclasses.replace(m, rv_mass_kg=m.rv_mass_kg * v)
            elif p.applies_to == "missile.beta_scale":
                m = dataclasses.replace(m, beta_kg_m2=m.beta_kg_m2 * v)
            elif p.applies_to == "missile.cd_scale":  # drag = q Cd(M) A: scale A by v
                m = dataclasses.replace(m, stages=tuple(
                    dataclasses.replace(st, diameter_m=st.diameter_m * math.sqrt(v))
                    for st in m.stages))
            elif p.applies_to == "missile.burn_time_scale":  # same propellant and Isp
                m = dataclasses.replace(m, stages=tuple(
                    dataclasses.replace(st, burn_time_s=st.burn_time_s * v) for st in m.stages))
        missiles[name] = m
    areas = list(threat_set.launch_areas)
    for p in mine:
        v = values[p.name]
        if p.applies_to == "threat.launch_offset_km" and v > 0:
            moved = []
            for name, la, lo in areas:
                a, b = geo.gc_destination(math.radians(la), math.radians(lo),
                                          2 * math.pi * bearing_u, v * 1e3)
                moved.append((name, math.degrees(float(a)), math.degrees(float(b))))
            areas = moved
    return dataclasses.replace(threat_set, launch_areas=tuple(areas)), missiles


def battery_variant(bat, params: list[Parameter], values: dict[str, float], bearing_u: float):
    """The battery with the sampled values applied (``applies_to`` of each parameter)."""
    site = _moved_site(bat.site, params, values, bearing_u)
    radar, ic = bat.radar, bat.interceptor
    kw: dict = {}
    for p in params:
        v = values[p.name]
        what = p.applies_to
        if what in ("site.min_elevation_deg", "site.offset_km"):
            continue  # _moved_site
        elif what == "radar.calibration_range_km":
            radar = radar.replace(calibration_range_km=v, losses_db=None)
        elif what == "battery.rcs_m2":
            kw["rcs_m2"] = v
        elif what == "battery.reaction_time_s":
            kw["reaction_time_s"] = v
        elif what == "interceptor.max_flight_dynamic_pressure_pa":
            ic = ic.replace(max_flight_dynamic_pressure_pa=v)  # one flyout fan, re-masked
        elif what == "interceptor.max_flyout_time_s":
            ic = ic.replace(max_flyout_time_s=v)  # the same fan, cut at v
        elif what == "interceptor.kv_divert_delta_v_m_s":
            ic = ic.replace(kv_divert_delta_v_m_s=v)
        elif what == "interceptor.max_dynamic_pressure_pa":  # a new fan: the seeker window
            ic = ic.replace(max_dynamic_pressure_pa=v)       # sets the separation
        elif what == "interceptor.launcher_elevation_deg":
            ic = ic.replace(launcher_elevation_deg=v)
        elif what == "interceptor.max_lateral_accel_g":
            ic = ic.replace(max_lateral_accel_g=v)
        elif what == "interceptor.isp_scale":  # the burnout speed, through the motor
            ic = ic.replace(isp_sl_s=ic.isp_sl_s * v, isp_vac_s=ic.isp_vac_s * v)
        elif what.startswith(THREAT_PREFIXES):
            continue  # the threats' parameters: threat_variant
        else:
            raise ThaadsimError("uncertainty", f"[parameter.{p.name}] applies_to "
                                               "is not supported by the footprint yet", what)
    return dataclasses.replace(bat, site=site, radar=radar, interceptor=ic, **kw)


@dataclasses.dataclass(frozen=True, repr=False)
class FootprintUncertainty:
    """Bands of the footprint's headline numbers over the samples.

    Attributes
    ----------
    central : FootprintResult
        The footprint with every parameter at its central value.
    parameters : list of Parameter
        What was varied.
    values : ndarray, shape (samples, n_params)
        The sampled values.
    fraction : ndarray, shape (samples,)
        Defended fraction of South Korea per sample (-).
    population : ndarray, shape (samples,)
        Defended population in cities per sample.
    cities : dict of str to ndarray of bool
        Per key city, whether each sample defends it.
    cell_probability : ndarray, shape (cells,)
        Share of the samples that defend each grid cell.
    samples, seed : int
        The sample count and seed.
    """

    central: FootprintResult
    parameters: list
    values: np.ndarray
    fraction: np.ndarray
    population: np.ndarray
    cities: dict
    cell_probability: np.ndarray
    samples: int
    seed: int

    def __repr__(self) -> str:
        d = self.to_dict()["defended_fraction_of_south_korea"]
        return (f"<FootprintUncertainty {self.central.label} vs {self.central.threat_set.name}: "
                f"{100 * d['central']:.1f} % (p05-p95 {100 * d['p05']:.1f}-"
                f"{100 * d['p95']:.1f} %), {self.samples} samples, seed {self.seed}>")

    def to_geojson(self) -> dict:
        """The grid cells with the share of samples that defend each (a probability map), and
        the bands as the collection's properties.

        Returns
        -------
        dict
            A GeoJSON FeatureCollection (lon/lat squares, ``probability_defended``).
        """
        fc = _cells_geojson(self.central, self.cell_probability)
        d = self.to_dict()
        fc["properties"] = {k: v for k, v in d.items() if k != "records"}
        return fc

    def to_dict(self) -> dict:
        """Bands (``central``, ``p05``, ``p50``, ``p95``) of the defended fraction and
        population, per key city the probability of being defended, the parameters and the
        per-sample records.

        Returns
        -------
        dict
            JSON-ready (no rounding).
        """
        c = self.central.to_dict()

        def band(x, central):
            q = np.percentile(x, PERCENTILES)
            return {"central": float(central), "p05": float(q[0]), "p50": float(q[1]),
                    "p95": float(q[2])}

        recs = [dict({p.name: float(self.values[i, k]) for k, p in enumerate(self.parameters)},
                     sample=i, defended_fraction_of_south_korea=float(self.fraction[i]),
                     defended_population=int(self.population[i]))
                for i in range(self.samples)]
        return {
            "configuration": c["configuration"], "threat_set": c["threat_set"],
            "grid_km": c["grid_km"], "samples": self.samples, "seed": self.seed,
            "defended_fraction_of_south_korea": band(self.fraction,
                                                     c["defended_fraction_of_south_korea"]),
            "defended_population": band(self.population, c["defended_population"]),
            "probability_defended": {k: float(np.mean(v)) for k, v in self.cities.items()},
            "parameters": [dataclasses.asdict(p) | {"sources": list(p.sources)}
                           for p in self.parameters],
            "records": recs,
        }


def _cells_geojson(result, probability) -> dict:
    """Grid cells (their squares, lon/lat) with the probability of being defended."""
    import shapely
    from shapely.geometry import mapping

    from thaadsim import geo
    from thaadsim.analysis.grid import GRID_CENTER, south_korea_grid

    g = south_korea_grid(result.grid_km)
    step = result.grid_km * 1e3
    x0, y0 = g.origin_m
    boxes = shapely.box(x0 + g.ix * step, y0 + g.iy * step, x0 + (g.ix + 1) * step,
                        y0 + (g.iy + 1) * step)
    _, inv = geo.laea(*GRID_CENTER)
    feats = []
    for k, b in enumerate(boxes):
        poly = geo.project(b, inv)
        feats.append({"type": "Feature", "geometry": mapping(poly),
                      "properties": {"probability_defended": float(probability[k]),
                                     "lat_deg": float(result.lat[k]),
                                     "lon_deg": float(result.lon[k])}})
    return {"type": "FeatureCollection", "features": feats}


def _sample_chunk(battery, threat_set, grid_km: float, params: list, rows: list,
                  central: bool = False) -> list:
    """Footprints of some samples: rows of (index, values, (site bearing, launch bearing)
    quantiles) -> per sample (index, defended fraction, population, key cities defended,
    defended cells). Without threat parameters all the samples' batteries go through one pass
    of the footprint kernel (each threat laid to each cell once); with them, one pass per
    sample (its own trajectory families). With ``central``, the battery itself too, its
    FootprintResult appended last. Runs in a Dask worker or in process; depends only on its
    arguments."""
    from thaadsim.analysis.footprint import footprints

    names = [p.name for p in params]
    bat_params = [p for p in params if not p.applies_to.startswith(THREAT_PREFIXES)]
    bats = [[battery_variant(battery, bat_params, dict(zip(names, vals, strict=True)), bu[0])]
            for _, vals, bu in rows]
    if central:
        bats.append([battery])
    if len(bat_params) == len(params):
        res = footprints(bats, threat_set, grid_km, [battery.name] * len(bats))
    else:
        res = []
        for (_, vals, bu), b in zip(rows, bats, strict=False):
            ts, ms = threat_variant(threat_set, params, dict(zip(names, vals, strict=True)),
                                    bu[1])
            res += footprints([b], ts, grid_km, [battery.name], missiles=ms)
        if central:
            res += footprints([[battery]], threat_set, grid_km, [battery.name])
    out: list = []
    for (i, _, _), r in zip(rows, res, strict=False):
        d = r.to_dict()
        out.append((i, d["defended_fraction_of_south_korea"], d["defended_population"],
                    {k: bool(v) for k, v in d["key_cities"].items()}, r.defended))
    if central:
        out.append(res[-1])
    return out


# Samples per task (and per pass of the footprint kernel): seconds of numba work each, only
# summaries shipped back
CHUNK_SAMPLES = 8
IN_PROCESS_CHUNK = 32  # samples per kernel pass in process (memory: 32 x cells x 8 bytes)


def dask_scheduler(value: str | None, parameter: str = "scheduler") -> str | None:
    """Where a sweep runs: None (or ``"none"``) in this process, ``"local"`` a Dask
    LocalCluster on 127.0.0.1, ``"tcp://HOST:PORT"`` an existing Dask scheduler.

    Parameters
    ----------
    value : str or None
        As given.
    parameter : str, optional
        Name of the parameter in the error message; default ``"scheduler"``.

    Returns
    -------
    str or None
        None, ``"local"`` or the address.

    Raises
    ------
    ThaadsimError
        Anything else.
    """
    if value is None or value == "none":
        return None
    if value == "local" or re.fullmatch(r"tcp://[\w.\-]+:\d{1,5}", str(value)):
        return str(value)
    raise ThaadsimError(parameter, "must be local, none or tcp://HOST:PORT", value)


def _run_dask(scheduler: str, workers: int, jobs: list, progress=None) -> list:
    """Run the chunks on Dask: a LocalCluster on 127.0.0.1 (``"local"``) or an existing
    scheduler (``"tcp://HOST:PORT"``); results in submission order."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout=30)
    try:
        futs = [client.submit(_sample_chunk, *j, pure=False) for j in jobs]
        done = 0
        for _ in as_completed(futs):
            done += 1
            if progress:
                progress(f"chunk {done}/{len(futs)}", done, len(futs))
        return [f.result() for f in futs]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def footprint_uncertainty(battery, threat_set, grid_km: float = 5.0, samples: int = 64,
                          seed: int = 1, progress=None, scheduler: str | None = None,
                          workers: int = 2, parameters=None) -> FootprintUncertainty:
    """The defended footprint of one battery over Latin-hypercube samples of the declared
    parameters (``list_parameters``).

    Parameters
    ----------
    battery : Battery
        The battery at its central values.
    threat_set : ThreatSet
        The threat set.
    grid_km : float, optional
        Grid spacing (km); default 5.
    samples : int, optional
        Number of samples; default 64.
    seed : int, optional
        Seed of the hypercube; default 1.
    progress : callable, optional
        ``progress(text, done, total)``, called per sample (per chunk on Dask).
    scheduler : str, optional
        None (default): in this process; ``"local"``: a Dask ``LocalCluster`` of ``workers``
        processes on 127.0.0.1; ``"tcp://HOST:PORT"``: an existing Dask scheduler. The result
        is the same whichever runs it (a sample depends only on the seed and its index). Dask
        workers see the shipped presets and the objects passed in, not the caller's user data
        files.
    workers : int, optional
        Worker processes of the LocalCluster; default 2.
    parameters : sequence of str, optional
        Vary only these declared parameters (default: every parameter of the footprint).

    Returns
    -------
    FootprintUncertainty
        The central footprint and the bands.
    """
    from thaadsim.analysis.footprint import footprints

    params = parameters_for("footprint", parameters)
    u = lhs(len(params), samples, seed)
    vals = np.array([[p.value(u[i, k]) for k, p in enumerate(params)] for i in range(samples)])
    nb = len(params)
    rows = [(i, [float(x) for x in vals[i]], (float(u[i, nb]), float(u[i, nb + 1])))
            for i in range(samples)]
    if scheduler is None:  # larger passes in process (the central footprint rides along)
        size = IN_PROCESS_CHUNK
        parts = []
        for c0 in range(0, samples, size):
            if progress:
                progress(f"samples {c0 + 1}-{min(samples, c0 + size)} of {samples}", c0,
                         samples)
            part = _sample_chunk(battery, threat_set, grid_km, params, rows[c0:c0 + size],
                                 central=c0 == 0)
            if c0 == 0:
                central = part.pop()
            parts.append(part)
    else:
        central = footprints([[battery]], threat_set, grid_km, [battery.name])[0]
        jobs = [(battery, threat_set, grid_km, params, rows[c:c + CHUNK_SAMPLES])
                for c in range(0, samples, CHUNK_SAMPLES)]
        parts = _run_dask(scheduler, workers, jobs, progress)
    results = sorted((r for part in parts for r in part), key=lambda r: r[0])
    frac = np.array([r[1] for r in results], dtype=float)
    pop = np.array([r[2] for r in results], dtype=np.int64)
    key = list(central.to_dict()["key_cities"])
    cities = {k: np.array([r[3][k] for r in results], dtype=bool) for k in key}
    count = np.sum([r[4] for r in results], axis=0)
    if progress:
        progress("done", samples, samples)
    return FootprintUncertainty(central, params, vals, frac, pop, cities, count / samples,
                                samples, seed)


def _fraction_at(battery, threat_set, grid_km: float, params: list, values) -> float:
    """Defended fraction with the parameters at ``values`` (site offset bearing north)."""
    return _sample_chunk(battery, threat_set, grid_km, params,
                         [(0, list(values), (0.0, 0.0))])[0][1]


def sensitivity_oat(battery, threat_set, grid_km: float = 5.0, progress=None,
                    parameters=None) -> list[dict]:
    """One-at-a-time sensitivity of the defended fraction: each parameter at its low and its
    high value, the others central; ranked by the swing (a tornado).

    Parameters
    ----------
    battery : Battery
        The battery at its central values.
    threat_set : ThreatSet
        The threat set.
    grid_km : float, optional
        Grid spacing (km); default 5.
    progress : callable, optional
        ``progress(text, done, total)``, per parameter.
    parameters : sequence of str, optional
        Only these declared parameters (default: every parameter of the footprint).

    Returns
    -------
    list of dict
        Per parameter, largest swing first: ``parameter``, ``low``, ``high`` (its values),
        ``fraction_at_low``, ``fraction_at_high``, ``central_fraction`` and ``swing`` (-).
    """
    params = parameters_for("footprint", parameters)
    central = [p.central for p in params]
    rows_in = [(0, list(central), (0.0, 0.0))]
    for k, p in enumerate(params):
        lo = list(central)
        hi = list(central)
        lo[k], hi[k] = p.low, p.high
        rows_in += [(2 * k + 1, lo, (0.0, 0.0)), (2 * k + 2, hi, (0.0, 0.0))]
    if progress:
        progress(f"{len(rows_in)} footprints in one pass", 0, 1)
    res = {i: f for i, f, *_ in _sample_chunk(battery, threat_set, grid_km, params, rows_in)}
    c = res[0]
    rows = []
    for k, p in enumerate(params):
        f_lo, f_hi = res[2 * k + 1], res[2 * k + 2]
        rows.append({"parameter": p.name, "unit": p.unit, "low": p.low, "high": p.high,
                     "fraction_at_low": f_lo, "fraction_at_high": f_hi, "central_fraction": c,
                     "swing": abs(f_hi - f_lo)})
    return sorted(rows, key=lambda r: -r["swing"])


def sobol_indices(func, names: list[str], bounds: list[list[float]], n: int, seed: int) -> dict:
    """First-order and total Sobol indices of ``func`` (vectorised over rows of parameter values)
    by Saltelli sampling (SALib); n base samples (a power of two), n (2 d + 2) evaluations.

    Parameters
    ----------
    func : callable
        ``func(X) -> y`` with X of shape (m, d).
    names : list of str
        Parameter names.
    bounds : list of [low, high]
        Uniform ranges.
    n : int
        Base samples.
    seed : int
        Seed of the Sobol sequence's scrambling.

    Returns
    -------
    dict
        Per name ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (-).

    References
    ----------
    A. Saltelli et al., Computer Physics Communications 181 (2010) 259-270; J. Herman and
    W. Usher, SALib, JOSS 2 (2017).
    """
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    x = sobol_sample.sample(problem, n, calc_second_order=True, seed=seed)
    y = np.asarray(func(x), float)
    si = sobol.analyze(problem, y, calc_second_order=True, seed=seed)
    return {nm: {"S1": float(si["S1"][k]), "S1_conf": float(si["S1_conf"][k]),
                 "ST": float(si["ST"][k]), "ST_conf": float(si["ST_conf"][k])}
            for k, nm in enumerate(names)}


def sensitivity_sobol(battery, threat_set, grid_km: float = 10.0, n: int = 8,
                      seed: int = 1, progress=None, parameters=None) -> dict:
    """Sobol indices of the defended fraction over the declared parameters (uniform over each
    range in the quantile space of its distribution). n (2 d + 2) footprints.

    Parameters
    ----------
    battery, threat_set
        As for ``footprint_uncertainty``.
    grid_km : float, optional
        Grid spacing (km); default 10.
    n : int, optional
        Base samples (a power of two); default 8.
    seed : int, optional
        Seed; default 1.
    progress : callable, optional
        ``progress(text, done, total)``, per footprint.
    parameters : sequence of str, optional
        Only these declared parameters (default: every parameter of the footprint).

    Returns
    -------
    dict
        Per parameter its indices (``sobol_indices``).
    """
    params = parameters_for("footprint", parameters)

    def evaluate(values: dict, bearing_u: float) -> dict:
        return {"fraction": _fraction_at(battery, threat_set, grid_km, params,
                                         [values[p.name] for p in params])}

    return sobol_of("footprint", evaluate, "fraction", n, seed, progress, parameters)


# ---- the other headline quantities: coverage, engage, loft2range ---------------------------

def parameters_for(quantity: str, only=None, option: str = "parameters") -> list[Parameter]:
    """The declared parameters that enter ``quantity`` (``APPLIES_TO``), in file order; with
    ``only`` (names), just those (each must be one of them; errors name ``option``)."""
    if quantity not in APPLIES_TO:
        raise ThaadsimError("quantity", f"must be one of {', '.join(APPLIES_TO)}", quantity)
    ps = [p for p in list_parameters() if p.applies_to in APPLIES_TO[quantity]]
    if only is None:
        return ps
    names = [p.name for p in ps]
    for n in only:
        if n not in names:
            raise ThaadsimError(option, f"must name parameters that enter the {quantity} (the "
                                        "[parameter.NAME] tables of uncertainty.toml)", n)
    return [p for p in ps if p.name in set(only)]


def band(x, central) -> dict:
    """``central`` and the 5th, 50th and 95th percentiles of the samples ``x``."""
    q = np.percentile(np.asarray(x, float), PERCENTILES)
    return {"central": float(central), "p05": float(q[0]), "p50": float(q[1]),
            "p95": float(q[2])}


@dataclasses.dataclass(frozen=True)
class Sweep:
    """Samples of a quantity: the parameters, their values and the outputs per sample.

    Attributes
    ----------
    quantity : str
        ``coverage``, ``engage`` or ``loft2range``.
    parameters : list of Parameter
        What was varied.
    values : ndarray, shape (samples, n_params)
        The sampled values.
    central : dict
        Outputs with every parameter central.
    outputs : dict of str to ndarray
        Per output key, the value per sample.
    samples, seed : int
        Sample count and seed.
    context : dict
        What was computed (site, scenario, test...).
    """

    quantity: str
    parameters: list
    values: np.ndarray
    central: dict
    outputs: dict
    samples: int
    seed: int
    context: dict

    def to_dict(self) -> dict:
        """Per output key (at the top level) its band (``central``, ``p05``, ``p50``, ``p95``),
        the parameters and the per-sample records; JSON-ready."""
        recs = [dict({p.name: float(self.values[i, k]) for k, p in enumerate(self.parameters)},
                     sample=i, **{k: float(v[i]) for k, v in self.outputs.items()})
                for i in range(self.samples)]
        return {"quantity": self.quantity, **self.context, "samples": self.samples,
                "seed": self.seed,
                **{k: band(v, self.central[k]) for k, v in self.outputs.items()},
                "parameters": [dataclasses.asdict(p) | {"sources": list(p.sources)}
                               for p in self.parameters],
                "records": recs}


def sweep(quantity: str, evaluate, samples: int, seed: int, context: dict,
          progress=None, parameters=None) -> Sweep:
    """Latin-hypercube samples of the parameters of ``quantity``; ``evaluate(values, bearing_u)``
    returns the outputs (dict of float) for one sample (values by parameter name; those not
    varied, with ``parameters`` naming a subset, stay central)."""
    params = parameters_for(quantity, parameters)
    u = lhs(len(params), samples, seed)
    central = evaluate({p.name: p.central for p in params}, 0.0)
    vals = np.array([[p.value(u[i, k]) for k, p in enumerate(params)] for i in range(samples)])
    vals = vals.reshape(samples, len(params))
    outs: dict[str, list] = {k: [] for k in central}
    for i in range(samples):
        if progress:
            progress(f"sample {i + 1} of {samples}", i, samples)
        o = evaluate({p.name: float(vals[i, k]) for k, p in enumerate(params)},
                     float(u[i, len(params)]))
        for k in outs:
            outs[k].append(o[k])
    if progress:
        progress("done", samples, samples)
    return Sweep(quantity, params, vals, central, {k: np.array(v, float) for k, v in outs.items()},
                 samples, seed, context)


def sobol_of(quantity: str, evaluate, output: str, n: int = 8, seed: int = 1,
             progress=None, parameters=None) -> dict:
    """Sobol indices (``sobol_indices``) of one output of ``quantity`` over its parameters,
    uniform in the quantile space of each distribution; n (2 d + 2) evaluations."""
    params = parameters_for(quantity, parameters)

    def f(q):
        out = []
        for i, row in enumerate(q):
            if progress:
                progress(f"run {i + 1} of {len(q)}", i, len(q))
            vals = {p.name: p.value(float(u)) for p, u in zip(params, row, strict=True)}
            out.append(evaluate(vals, 0.0)[output])
        return out

    return sobol_indices(f, [p.name for p in params], [[0.0, 1.0]] * len(params), n, seed)


def one_at_a_time(quantity: str, evaluate, output: str, progress=None,
                  parameters=None) -> list[dict]:
    """Each parameter of ``quantity`` at its low and high value, the others central: the
    ``output`` at both and the swing, largest first (a tornado)."""
    params = parameters_for(quantity, parameters)
    central = {p.name: p.central for p in params}
    c = evaluate(central, 0.0)[output]
    rows = []
    for k, p in enumerate(params):
        if progress:
            progress(p.name, k, len(params))
        lo = evaluate(dict(central, **{p.name: p.low}), 0.0)[output]
        hi = evaluate(dict(central, **{p.name: p.high}), 0.0)[output]
        rows.append({"parameter": p.name, "unit": p.unit, "low": p.low, "high": p.high,
                     "output": output, "at_low": float(lo), "at_high": float(hi),
                     "central": float(c), "swing": abs(float(hi) - float(lo))})
    return sorted(rows, key=lambda r: -r["swing"])


def _moved_site(site, params: list, values: dict, bearing_u: float):
    """The site with its sampled beam floor and position offset (at bearing ``bearing_u`` x
    360 deg); parameters absent from ``values`` stay central."""
    from thaadsim import geo

    for p in params:
        v = values.get(p.name, p.central)
        if p.applies_to == "site.min_elevation_deg":
            site = dataclasses.replace(site, min_elevation_deg=v)
        elif p.applies_to == "site.offset_km" and v > 0:
            la, lo = geo.gc_destination(math.radians(site.lat_deg), math.radians(site.lon_deg),
                                        2 * math.pi * bearing_u, v * 1e3)
            site = dataclasses.replace(site, lat_deg=math.degrees(float(la)),
                                       lon_deg=math.degrees(float(lo)))
    return site


# Depth in view per coverage sample: points 20 km apart (depth to ~15 km, against the ~100 km
# the declared radar ranges move it)
SWEEP_DEPTH_SPACING_KM = 20.0


def coverage_evaluator(site, radars: dict, altitudes_km=(100.0, 300.0), rcs_m2: float = 0.01,
                       country: str = "CHN"):
    """``evaluate(values, bearing_u)`` for the coverage: per radar mode and altitude, the area
    (km^2) and greatest depth (km) of ``country`` in view. ``radars`` maps a label to a Radar;
    the forward-mode parameter applies to radars whose name starts with ``tpy2-forward``."""
    from thaadsim.analysis.coverage import coverage

    params = parameters_for("coverage")

    def evaluate(values: dict, bearing_u: float) -> dict:
        s = _moved_site(site, params, values, bearing_u)
        rcs = rcs_m2
        out = {}
        for label, radar in radars.items():
            r = radar
            for p in params:
                v = values.get(p.name, p.central)
                fwd = radar.name.startswith("tpy2-forward")
                if p.applies_to == "radar.calibration_range_km" and not fwd:
                    r = r.replace(calibration_range_km=v, losses_db=None)
                elif p.applies_to == "forward_radar.calibration_range_km" and fwd:
                    r = r.replace(calibration_range_km=v, losses_db=None)
                elif p.applies_to == "battery.rcs_m2":
                    rcs = v
            c = coverage(r, s, list(altitudes_km), rcs, countries=(country,),
                         depth_spacing_km=SWEEP_DEPTH_SPACING_KM)
            for layer in c.layers:
                cc = layer["countries"].get(country, {})
                key = f"{label}.{layer['altitude_km']:g}km"
                out[f"{key}.area_km2"] = float(cc.get("area_km2", 0.0))
                out[f"{key}.max_depth_km"] = float(cc.get("max_depth_km", 0.0))
        return out

    return evaluate


def engage_evaluator(scenario, trials: int = 2000, seed: int = 1):
    """``evaluate(values, bearing_u)`` for a raid: expected leakers and interceptors used (the
    Monte Carlo seed is fixed, so samples differ by their parameters only)."""
    from thaadsim.engagement.raid import engage

    params = parameters_for("engage")

    def evaluate(values: dict, bearing_u: float) -> dict:
        bat_kw: dict = {}
        doc_kw: dict = {}
        for p in params:
            v = values.get(p.name, p.central)
            if p.applies_to == "battery.rcs_m2":
                bat_kw["rcs_m2"] = v
            elif p.applies_to == "battery.reaction_time_s":
                bat_kw["reaction_time_s"] = v
            elif p.applies_to == "battery.fire_channels":
                bat_kw["fire_channels"] = int(round(v))
            elif p.applies_to == "doctrine.sspk":
                doc_kw["sspk"] = v
            elif p.applies_to == "doctrine.p_track":
                doc_kw["p_track"] = v
        sc = scenario.model_copy(update={
            "battery": [b.model_copy(update=bat_kw) for b in scenario.battery],
            "doctrine": scenario.doctrine.model_copy(update=doc_kw)})
        d = engage(sc, trials, seed).to_dict()
        return {"expected_leakers": float(d["expected_leakers"]),
                "interceptors_used_mean": float(d["interceptors_used_mean"])}

    return evaluate


ORBIT_RANGE_KM = 20_037.0  # half the Earth's circumference: "any target"


def loft2range_evaluator(apogee_km: float, range_km: float, flight_time_s: float | None,
                         **kw):
    """``evaluate(values, bearing_u)`` for a lofted test: the standard (maximum) range with the
    observed apogee, range and flight time off by the sampled percentages."""
    from thaadsim.analysis.loft2range import loft2range

    params = parameters_for("loft2range")

    def evaluate(values: dict, bearing_u: float) -> dict:
        a, r, t = apogee_km, range_km, flight_time_s
        for p in params:
            f = 1.0 + values.get(p.name, p.central) / 100.0
            if p.applies_to == "observation.apogee_pct":
                a = a * f
            elif p.applies_to == "observation.range_pct":
                r = r * f
            elif p.applies_to == "observation.flight_time_pct" and t is not None:
                t = t * f
        d = loft2range(a, r, t, **kw).to_dict()
        orbit = bool(d["reaches_orbit"]) or d["max_range_km"] is None
        # an orbital fit reaches any point on Earth: counted as half the circumference
        return {"max_range_km": ORBIT_RANGE_KM if orbit else float(d["max_range_km"]),
                "reaches_orbit": float(orbit)}

    return evaluate
