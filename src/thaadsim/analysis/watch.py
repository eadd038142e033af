"""Which missile flights a radar observes, when and for how long (``thaadsim watch``, issue 14).

A threat set with targets (``[[set.NAME.target]]``) defines flights: one per missile x launch
area x target, aimed at the target at minimum energy (or at the set's apogee for the missile)
on the rotating WGS84 Earth. A flight beyond the missile's reach is reported as
``out_of_range``; one the solver cannot land within 200 m (at the very edge of reach) as
``no_solution``; neither is dropped. All flights of a set are flown in one batch (cached per
set) and every radar runs one kernel pass over all of them.

Per flight and radar, one look per the radar's look interval: the geometric field of view
(line of sight, beam floor and ceiling, the face's sector, the instrumented range:
``sensors.detect.look_geometry``), deterministic detection (slant range within the detection
range for the RCS of the object watched) and firm track (N detections in M consecutive looks,
held while looks detect, re-confirmed N of M after a miss). ``track_s`` counts the looks in firm
track times the look interval, so that track times of several radars add and unite look by look:
the marginal track time of a radar is the time in firm track that no other radar of the
comparison has at the same look.

Phases: ``boost`` up to burn-out (the flight's thrust cut-off), ``reentry`` after apogee below
``REENTRY_ALT_KM``, ``midcourse`` otherwise. A post-boost (bus) phase is not modelled: the RV is
taken to separate at burn-out, so detections during a real bus phase of MIRVed missiles are
labelled midcourse.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from pathlib import Path

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core._jit import njit
from thaadsim.core.pool import run_chunks
from thaadsim.errors import OutOfReachError, ThaadsimError
from thaadsim.limits import check
from thaadsim.sensors.detect import look_geometry, pack_geometry
from thaadsim.sensors.radar import LIMITS, Radar, elevation_floor_deg
from thaadsim.sensors.site import Site
from thaadsim.threats.missile import Missile, get_missile
from thaadsim.threats.solve import GEOD, aim, aim_many, shape_table
from thaadsim.threats.threat_set import ThreatSet
from thaadsim.threats.trajectory import Launch, TrajectoryBatch, fly

HISTORY_DT_S = 1.0  # sampling of the flights (s): the radars' 1 s look interval
REENTRY_ALT_KM = 100.0  # below this after apogee a flight is in reentry (convention)
# A flight whose great-circle distance exceeds the missile's longest minimum-energy range on a
# non-rotating sphere by more than this factor is out of range without a full solve (Earth
# rotation changes the reach by a few per cent; the full solve decides closer to the edge).
QUICK_OUT_OF_RANGE_FACTOR = 1.08

# RCS of the object watched (m^2); --rcs overrides. ASSUMPTIONS (no public measurement):
OBJECT_RCS_M2 = {"rv": 0.01, "booster": 1.0}
OBJECT_WHY = {
    "rv": "reentry vehicle, nose-on: 0.01 m2, the reference RCS against which the public TPY-2 "
          "ranges are quoted by this project (radars.toml: USCC 2016 / National Academies 2012 "
          "readings); an assumption, no public figure",
    "booster": "booster / post-boost vehicle: 1 m2, an ASSUMPTION for a metre-diameter, "
               "10 m-class body at a broad aspect (no public figure); detection range scales as "
               "RCS^(1/4): x3.2 the 0.01 m2 range, capped by the instrumented range",
}
PHASES = ("boost", "midcourse", "reentry")
LINE_STEP_S = 10.0  # sampling of the lines in GeoJSON, KML and maps (s; line ends exact)


# ---- flights ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class FlightSet:
    """The flights of a threat set, flown: labels for every flight, trajectories for those in
    reach.

    Attributes
    ----------
    threat_set : ThreatSet
        The set.
    labels : list of dict
        Per flight: ``flight`` (id), ``missile``, ``launch_area``, ``target``, launch and target
        points (deg) and great-circle ``distance_km``.
    status : list of str
        Per flight: ``ok``, ``out_of_range`` or ``no_solution``.
    flown : ndarray of int
        Index into ``batch`` per flight; -1 where not flown.
    batch : TrajectoryBatch or None
        The flown trajectories with 1 s histories; None when none is in reach.
    burnout_s : ndarray
        Thrust cut-off or burn-out time per flown trajectory (s).
    """

    threat_set: ThreatSet
    labels: list
    status: list
    flown: np.ndarray
    batch: TrajectoryBatch | None
    burnout_s: np.ndarray
    _cache: dict = dataclasses.field(default_factory=dict, compare=False)

    @property
    def hist(self) -> np.ndarray:
        """Histories of the flown trajectories, shape (n, steps, 7); empty when none."""
        b = self.batch
        return np.zeros((0, 0, 7)) if b is None or b.hist is None else b.hist

    @property
    def nhist(self) -> np.ndarray:
        """Valid samples per flown trajectory, shape (n,)."""
        b = self.batch
        return np.zeros(0, np.int64) if b is None or b.nhist is None else b.nhist

    def col(self, name: str) -> np.ndarray:
        """A summary column of the flown trajectories (``TrajectoryBatch.col``, SI units)."""
        return np.zeros(0) if self.batch is None else self.batch.col(name)

    def geodetic(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Latitude, longitude (deg) and altitude (km) of every history sample, shape
        (n, steps) each (computed once)."""
        if "geodetic" not in self._cache:
            with np.errstate(all="ignore"):  # samples past a flight's end are padding
                lat, lon, alt = E.ecef_to_geodetic(self.hist[:, :, 1:4])
            self._cache["geodetic"] = (np.degrees(lat), np.degrees(lon), alt / 1e3)
        return self._cache["geodetic"]

    def __repr__(self) -> str:
        return (f"<FlightSet {self.threat_set.name}: {len(self.labels)} flights, "
                f"{int((self.flown >= 0).sum())} in reach>")


def _key(ts: ThreatSet) -> tuple:
    return (tuple(get_missile(m) for m in ts.missiles), ts.launch_areas, ts.targets,
            tuple(sorted(ts.depressed.items())))


def fly_set(ts: ThreatSet) -> FlightSet:
    """Aim and fly every flight of a threat set with targets (cached per set content).

    Parameters
    ----------
    ts : ThreatSet
        A set with ``targets``.

    Returns
    -------
    FlightSet
        Labels, statuses and the flown batch.

    Raises
    ------
    ThaadsimError
        A set without targets.
    """
    if not ts.targets:
        raise ThaadsimError("--threat-set", "must be a set with targets ([[set.NAME.target]]), "
                                            "e.g. cn-icbm", ts.name)
    key = _key(ts)
    if key not in _CACHE:
        if len(_CACHE) >= CACHE_SETS:
            _CACHE.pop(next(iter(_CACHE)))
        name = _disk_name(key)
        fs = _load(name, ts)
        if fs is None:
            fs = _fly_set(key, ts)
            _save(name, fs)
        _CACHE[key] = fs
    return _CACHE[key]


def _disk_name(key: tuple) -> str:
    """The name of a flight set's on-disk copy in the kernel cache folder (which changes with
    the package version and kernel sources; ``THAADSIM_NO_CACHE`` disables it): a hash of the
    set's content (every missile parameter, launch areas, targets, apogees) and of the solver
    and trajectory sources."""
    from thaadsim.core import _jit

    here = Path(__file__).resolve()
    return _jit.array_name(
        "watch-flights", _content(key),
        sorted(here.parent.parent.joinpath("threats").glob("*.py")) + [here])


def _content(key: tuple) -> str:
    """A set's content as text: every missile parameter, launch areas, targets, apogees."""
    return json.dumps([[m.to_dict() for m in key[0]], key[1], key[2], key[3]], sort_keys=True,
                      default=str)


def content_key(ts: ThreatSet) -> str:
    """SHA-256 (16 hex digits) of a set's content: what the shipped guidance is keyed by.

    Parameters
    ----------
    ts : ThreatSet
        A set with targets.

    Returns
    -------
    str
        The key.
    """
    return hashlib.sha256(_content(_key(ts)).encode()).hexdigest()[:16]


# The guidance of the shipped sets' flights, solved by ``tools/make_guidance.py`` with ``aim``
# (``solve_guidance``) and shipped so that a first run does not solve ~170 ICBM flights (seconds
# per set). Used only for a set whose content key matches; every shipped guidance is flown as
# ``aim`` flies it and must land within GUIDANCE_TOL_M of its target, else the whole set is
# solved again. A test checks that the file equals what the solver gives today.
GUIDANCE_FILE = "guidance.json"
GUIDANCE_TOL_M = 200.0  # aim's tolerance


@functools.lru_cache(maxsize=1)
def shipped_guidance() -> dict:
    """The shipped guidance file's sets: ``{name: {"key": ..., "flights": [...]}}``.

    Returns
    -------
    dict
        Per set, its content key and per flight ``status`` (with ``azimuth_deg``,
        ``theta_deg`` and ``t_cut_s`` when ``ok``, ``status_detail`` when ``no_solution``).
    """
    from importlib import resources

    try:
        text = resources.files("thaadsim.data").joinpath(GUIDANCE_FILE).read_text()
        return dict(json.loads(text)["sets"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _save(name: str, fs: FlightSet) -> None:
    from thaadsim.core import _jit

    if fs.batch is None:
        return
    b = fs.batch
    # uncompressed: ~18 MB for cn-icbm, written in 0.03 s instead of 14 MB in 0.8 s
    _jit.save_named(name, {
        "summary": b.summary, "lat": b.launch_lat_deg, "lon": b.launch_lon_deg, "hist": fs.hist,
        "nhist": fs.nhist, "flown": fs.flown, "burnout": fs.burnout_s,
        "meta": np.array(json.dumps({"labels": fs.labels, "status": fs.status}))},
        compress=False)


def _load(name: str, ts: ThreatSet) -> FlightSet | None:
    from thaadsim.core import _jit

    z = _jit.load_named(name)
    if z is None:
        return None
    try:
        meta = json.loads(str(z["meta"]))
        b = TrajectoryBatch(z["summary"], z["lat"], z["lon"], z["hist"], z["nhist"])
        return FlightSet(ts, meta["labels"], meta["status"], z["flown"], b, z["burnout"])
    except (ValueError, KeyError):
        return None


CACHE_SETS = 8  # flight sets kept per process (a set of ~170 ICBM flights is ~20 MB)
_CACHE: dict[tuple, FlightSet] = {}


def _fly_set(key: tuple, ts_: ThreatSet) -> FlightSet:
    labels, jobs = _jobs(key, ts_)
    shipped = shipped_guidance().get(ts_.name)
    if shipped is not None and shipped.get("key") == content_key(ts_) \
            and len(shipped.get("flights", [])) == len(jobs):
        guidance, status, details = _from_shipped(shipped["flights"])
        if _lands(guidance, jobs):
            for i, detail in details.items():
                labels[i]["status_detail"] = detail
            return _fly(ts_, labels, jobs, guidance, status)
        # else the physics changed since the file was made: solve
    return _fly(ts_, labels, jobs, *solve_guidance(labels, jobs))


def _jobs(key: tuple, ts_: ThreatSet) -> tuple[list[dict], list[tuple]]:
    """Per flight of the set (missile x launch area x target), its label and aim job."""
    missiles: tuple[Missile, ...] = key[0]
    dep = dict(key[3])
    labels, jobs = [], []
    for m in missiles:
        for la in ts_.launch_areas:
            for tg in ts_.targets:
                _, _, d = GEOD.inv(la[2], la[1], tg[2], tg[1])
                labels.append({"flight": f"{m.name} {la[0]} -> {tg[0]}", "missile": m.name,
                               "launch_area": la[0], "target": tg[0],
                               "launch": {"lat_deg": la[1], "lon_deg": la[2]},
                               "aim": {"lat_deg": tg[1], "lon_deg": tg[2]},
                               "distance_km": d / 1e3})
                apo = dep.get(m.name)
                jobs.append((m, Launch(la[1], la[2]), tg[1], tg[2],
                             None if apo is None else apo * 1e3))
    return labels, jobs


def solve_guidance(labels: list[dict], jobs: list[tuple]) -> tuple[list, list[str]]:
    """Aim every flight: ``aim_many`` for all at once, ``aim`` for those it leaves.

    Parameters
    ----------
    labels : list of dict
        Per flight its label (``status_detail`` is added to a flight without solution).
    jobs : list of tuple
        Per flight ``(missile, launch, target_lat_deg, target_lon_deg, apogee_m)``.

    Returns
    -------
    guidance : list of tuple or None
        Per flight its guidance ``(azimuth_deg, theta_deg, t_cut_s)`` (None: out of range or
        no solution).
    status : list of str
        Per flight ``ok``, ``out_of_range`` or ``no_solution``.
    """
    with np.errstate(all="ignore"):
        sols: list = list(aim_many(jobs))
        status = ["ok"] * len(jobs)
        for i, s in enumerate(sols):
            if s is not None:
                continue
            m, launch, tlat, tlon, apo = jobs[i]
            tab = shape_table(m, apo)
            if tab is not None and labels[i]["distance_km"] * 1e3 > (QUICK_OUT_OF_RANGE_FACTOR
                                                                     * tab[0][-1]):
                status[i] = "out_of_range"
                continue
            try:
                sols[i] = aim(m, launch, tlat, tlon, apogee_m=apo)
            except OutOfReachError:
                status[i] = "out_of_range"
            except ThaadsimError as e:  # at the edge of reach: the solver does not converge
                status[i] = "no_solution"
                labels[i]["status_detail"] = e.rule
    return [None if s is None else (s.azimuth_deg, s.theta_deg, s.t_cut_s) for s in sols], status


def _from_shipped(flights: list[dict]) -> tuple[list, list[str], dict[int, str]]:
    """Guidance and status per flight of the file's entry, and the solver's detail of each
    flight without solution (by index)."""
    guidance = [None if f["status"] != "ok" else
                (float(f["azimuth_deg"]), float(f["theta_deg"]), float(f["t_cut_s"]))
                for f in flights]
    details = {i: f["status_detail"] for i, f in enumerate(flights) if "status_detail" in f}
    return guidance, [f["status"] for f in flights], details


def _lands(guidance: list, jobs: list[tuple]) -> bool:
    """Whether every flight with guidance passes ``aim``'s own test: flown as ``aim`` flies it
    (summary only), it lands within GUIDANCE_TOL_M of its target."""
    ok = [i for i, g in enumerate(guidance) if g is not None]
    if not ok:
        return True
    with np.errstate(all="ignore"):
        b = fly(*_fly_args(jobs, guidance, ok), alt_m=[jobs[i][1].alt_m for i in ok])
        lat, lon = b.impact_lat_lon_deg
        if not (np.all(b.impacted) and np.all(np.isfinite(lat)) and np.all(np.isfinite(lon))):
            return False
        _, _, miss = GEOD.inv(lon, lat, np.array([jobs[i][3] for i in ok], float),
                              np.array([jobs[i][2] for i in ok], float))
    return bool(np.all(np.asarray(miss) < GUIDANCE_TOL_M))


def _fly_args(jobs: list[tuple], guidance: list, ok: list[int]) -> tuple[list, ...]:
    """``fly``'s missiles, launch latitudes and longitudes, azimuths, kick elevations and cutoff
    times of the flights ``ok``."""
    return ([jobs[i][0] for i in ok], [jobs[i][1].lat_deg for i in ok],
            [jobs[i][1].lon_deg for i in ok], *([guidance[i][k] for i in ok] for k in range(3)))


def _fly(ts_: ThreatSet, labels: list[dict], jobs: list[tuple], guidance: list,
         status: list[str]) -> FlightSet:
    """Fly the flights that have guidance, with histories."""
    ok = [i for i, g in enumerate(guidance) if g is not None]
    flown = np.full(len(jobs), -1, np.int64)
    flown[ok] = np.arange(len(ok))
    if not ok:
        return FlightSet(ts_, labels, status, flown, None, np.zeros(0))
    args = _fly_args(jobs, guidance, ok)
    b = fly(*args, history_dt_s=HISTORY_DT_S)
    burn = np.minimum(args[5], [m.burn_time_s for m in args[0]])
    for h in (b.hist, b.nhist, b.summary):
        if h is not None:
            h.flags.writeable = False  # cached: shared by every call
    return FlightSet(ts_, labels, status, flown, b, np.asarray(burn, float))


# ---- one radar ----------------------------------------------------------------------------------

@njit(cache=True, nogil=True)
def _watch_range(i0, i1, hist, nhist, rp, table, stride, n_req, m_win, idx, rng_out, reasons,
                 near, mask):
    """``_watch_kernel`` for trajectories ``i0`` to ``i1 - 1`` (same arguments), without the
    GIL."""
    r_pow = rp[17]  # _RP_RPOW of sensors.detect.pack_geometry
    r_reach = min(r_pow, rp[16])  # and _RP_RINSTR
    for i in range(i0, i1):
        for k in range(6):
            idx[i, k] = -1
        idx[i, 5] = 0
        for k in range(5):
            reasons[i, k] = 0
            near[i, k] = 0
        rng_out[i, 0] = np.inf
        rng_out[i, 1] = np.nan
        win = np.zeros(m_win, dtype=np.int64)
        cnt = 0
        look = 0
        firm = False
        j = 0
        while j < nhist[i]:
            code, rng = look_geometry(hist[i, j, 1], hist[i, j, 2], hist[i, j, 3], rp, table)
            if rng < rng_out[i, 0]:
                rng_out[i, 0] = rng
            if code < 0:
                if idx[i, 0] < 0:
                    idx[i, 0] = j
                idx[i, 1] = j
                if rng > r_pow:
                    code = 4
            det = 1 if code < 0 else 0
            if code >= 0:
                reasons[i, code] += 1
                if rng <= r_reach:
                    near[i, code] += 1
            elif idx[i, 2] < 0:
                idx[i, 2] = j
                rng_out[i, 1] = rng
            slot = look % m_win
            cnt += det - win[slot]
            win[slot] = det
            look += 1
            if det == 1:
                if not firm and cnt >= n_req:
                    firm = True
                    if idx[i, 3] < 0:
                        idx[i, 3] = j
            else:
                firm = False
            if firm:
                mask[i, j] = 1
                idx[i, 4] = j
                idx[i, 5] += 1
            j += stride


def _watch_kernel(hist, nhist, rp, table, stride, n_req, m_win, idx, rng_out, reasons, near,
                  mask):
    """Per trajectory: idx = [enter field of view, leave it, first detection, firm track, last
    look in firm track, looks in firm track] (sample indices, -1 never); rng_out = [minimum
    slant range, slant range at first detection] (m); reasons = looks excluded per limit
    (``radar.LIMITS``); near = the same over the looks within reach (slant range within both
    the detection and the instrumented range); mask[i, j] = 1 where sample j is a look in firm
    track. Chunks of trajectories run on the kernels' thread pool
    (``core.pool.run_chunks``), each writing only its own rows."""
    run_chunks(_watch_range, hist.shape[0], hist, nhist, rp, table, stride, n_req, m_win, idx,
               rng_out, reasons, near, mask)


def warm_watch_kernel() -> None:
    """Compile (or load from the cache) the watch kernel and the geodesy of read-only flights,
    with tiny inputs of the exact types ``observe`` and ``FlightSet.geodetic`` pass (the demo's
    worker does it while the main process computes the footprints)."""
    from thaadsim.sensors.detect import NRP

    hist = np.zeros((1, 1, 7))
    table = np.zeros((3, 2))
    xyz = np.full((1, 3), 6.4e6)
    for a in (hist, table, xyz):
        a.flags.writeable = False  # as the cached flights and ray tables
    _watch_kernel(hist, np.zeros(1, np.int64), np.zeros(NRP), table, 1, 1, 1,
                  np.empty((1, 6), np.int64), np.empty((1, 2)), np.empty((1, 5), np.int64),
                  np.empty((1, 5), np.int64), np.zeros((1, 1), np.uint8))
    E.ecef_to_geodetic(xyz)


@dataclasses.dataclass(frozen=True, repr=False)
class RadarView:
    """What one radar at one site observes of a flight set; arrays per flown trajectory.

    Attributes
    ----------
    radar : Radar
        The radar (mode).
    site : Site
        Its site.
    rcs_m2 : float
        RCS of the object watched (m^2).
    min_elevation_deg, boresight_az_deg : float
        Beam floor and face azimuth used (deg).
    look_interval_s : float
        Time between looks (s).
    idx : ndarray of int, shape (n, 6)
        Sample indices: enter and leave the field of view, first detection, firm track, last
        look in firm track (-1 never); looks in firm track.
    ranges_m : ndarray, shape (n, 2)
        Minimum slant range over the flight, slant range at first detection (m; NaN never).
    reasons : ndarray of int, shape (n, 5)
        Looks without detection per limit (``radar.LIMITS``).
    near : ndarray of int, shape (n, 5)
        The same over the looks within reach (slant range within the detection range for the
        RCS and the instrumented range).
    mask : ndarray of bool, shape (n, steps)
        Samples that are looks in firm track.
    n_of_m : tuple of int
        Firm track after N detections in M consecutive looks.
    """

    radar: Radar
    site: Site
    rcs_m2: float
    min_elevation_deg: float
    boresight_az_deg: float
    look_interval_s: float
    idx: np.ndarray
    ranges_m: np.ndarray
    reasons: np.ndarray
    near: np.ndarray
    mask: np.ndarray
    n_of_m: tuple = (3, 5)

    def __repr__(self) -> str:
        return (f"<RadarView {self.radar.name} at {self.site.name}: "
                f"{int((self.idx[:, 3] >= 0).sum())} of {len(self.idx)} flights in firm track>")

    @property
    def label(self) -> str:
        """``site (radar)``."""
        return f"{self.site.name} ({self.radar.name})"

    @property
    def out_of_reach_limit(self) -> str:
        """The limit of a flight that never comes within reach: ``power`` when the detection
        range for the RCS is the shorter, else ``instrumented_range``."""
        short = self.radar.detection_range_m(self.rcs_m2) <= self.radar.instrumented_range_km * 1e3
        return "power" if short else "instrumented_range"

    @property
    def track_s(self) -> np.ndarray:
        """Time in firm track per trajectory: looks in firm track x look interval (s)."""
        return self.idx[:, 5] * self.look_interval_s


def observe(radar: Radar, site: Site, flights: FlightSet, rcs_m2: float, *,
            n_of_m: tuple[int, int] = (3, 5)) -> RadarView:
    """One kernel pass: what ``radar`` at ``site`` observes of every flown trajectory.

    Parameters
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site (beam floor and boresight: the site's).
    flights : FlightSet
        From ``fly_set``.
    rcs_m2 : float
        RCS of the object watched (m^2), > 0.
    n_of_m : tuple of int, optional
        Firm track after N detections in M consecutive looks; default (3, 5).

    Returns
    -------
    RadarView
        Per trajectory: times (as sample indices), ranges, limits and the firm-track mask.
    """
    rcs = check("rcs_m2", rcs_m2, "rcs_m2")
    emin = elevation_floor_deg(radar, site, None)
    az0 = float(site.boresight_az_deg)
    rp, table = pack_geometry(radar, site, rcs, emin, az0)
    stride = max(int(round(radar.look_interval_s / HISTORY_DT_S)), 1)
    b = flights.batch
    n = 0 if b is None else len(b)
    steps = flights.hist.shape[1]
    idx = np.empty((n, 6), np.int64)
    rng = np.empty((n, 2))
    reasons = np.empty((n, 5), np.int64)
    near = np.empty((n, 5), np.int64)
    mask = np.zeros((n, steps), np.uint8)
    if n:
        _watch_kernel(flights.hist, flights.nhist.astype(np.int64), rp, table, stride,
                      int(n_of_m[0]), int(n_of_m[1]), idx, rng, reasons, near, mask)
    return RadarView(radar, site, rcs, emin, az0, stride * HISTORY_DT_S, idx, rng, reasons,
                     near, mask.astype(bool), (int(n_of_m[0]), int(n_of_m[1])))


# ---- the analysis -------------------------------------------------------------------------------

def _phase(t: float, alt_km: float, burnout_s: float, apogee_t_s: float) -> str:
    if t <= burnout_s:
        return "boost"
    if t > apogee_t_s and alt_km < REENTRY_ALT_KM:
        return "reentry"
    return "midcourse"


def _none(x, scale: float = 1.0):
    return None if x is None or not math.isfinite(float(x)) else float(x) * scale


@dataclasses.dataclass(frozen=True, repr=False)
class WatchResult:
    """Which flights of a threat set a radar observes, and what it adds to other radars.

    Attributes
    ----------
    flights : FlightSet
        The flights.
    view : RadarView
        The radar watched (``site``, ``radar``).
    others : tuple of RadarView
        The radars compared with (e.g. Shariki and Kyogamisaki in forward mode).
    object : str
        ``rv`` or ``booster`` (the RCS's meaning), or ``custom`` for a given RCS.
    """

    flights: FlightSet
    view: RadarView
    others: tuple
    object: str

    def __repr__(self) -> str:
        s = self.summary()
        return (f"<WatchResult {self.flights.threat_set.name} seen from {self.view.label}: "
                f"{s['flights_seen']} of {s['flights_in_reach']} flights in firm track, "
                f"{s['track_s']:.0f} s; marginal over {s['compare_sites']}: "
                f"{s['marginal_track_s']:.0f} s, {s['flights_seen_only_from_site']} seen only "
                f"from {self.view.site.name}>")

    def _hist_point(self, k: int, j: int) -> tuple[float, float, float]:
        h = self.flights.hist[k, j]
        lat, lon, alt = E.ecef_to_geodetic(h[1:4])
        return float(np.degrees(lat)), float(np.degrees(lon)), float(alt) / 1e3

    def records(self) -> list[dict]:
        """One record per flight (JSON-ready; s since launch, km).

        Returns
        -------
        list of dict
            ``flight``, ``missile``, ``launch_area``, ``target``, ``status``, ``seen`` (in firm
            track at least once), ``track_s``, ``enter_fov_s``, ``first_detection_s``,
            ``phase_at_first_detection``, ``firm_track_s``, ``leave_s`` (last look in firm
            track), ``leave_fov_s``, ``min_range_km``, ``first_detection_range_km``,
            ``first_detection_alt_km``, ``limited_by`` (the limit that excluded most looks
            without detection among the looks within reach, i.e. within the detection range
            for the RCS and the instrumented range; for a flight never within reach, ``power``
            or ``instrumented_range``, whichever is shorter), ``looks_excluded`` (all looks)
            and ``looks_excluded_in_reach``, flight numbers and the comparison:
            ``others_track_s`` (union of the other radars), ``marginal_track_s`` (looks in firm
            track from this site and no other), ``seen_only_from_site`` and per other radar its
            ``track_s``.
        """
        fs, v = self.flights, self.view
        b = fs.batch
        union = None
        if self.others and b is not None:
            union = np.zeros_like(v.mask)
            for o in self.others:
                union |= o.mask
        out = []
        for i, lab in enumerate(fs.labels):
            k = int(fs.flown[i])
            rec = {"flight": lab["flight"], "missile": lab["missile"],
                   "launch_area": lab["launch_area"], "target": lab["target"],
                   "status": fs.status[i], "distance_km": lab["distance_km"]}
            if "status_detail" in lab:
                rec["status_detail"] = lab["status_detail"]
            if k < 0:
                rec.update({"seen": False, "track_s": 0.0, "enter_fov_s": None,
                            "first_detection_s": None, "phase_at_first_detection": None,
                            "firm_track_s": None, "leave_s": None, "leave_fov_s": None,
                            "min_range_km": None, "first_detection_range_km": None,
                            "first_detection_alt_km": None, "limited_by": None,
                            "looks_excluded": dict.fromkeys(LIMITS),
                            "looks_excluded_in_reach": dict.fromkeys(LIMITS),
                            "flight_time_s": None,
                            "apogee_km": None,
                            "burnout_s": None, "others_track_s": 0.0, "marginal_track_s": 0.0,
                            "seen_only_from_site": False,
                            "track_s_by_radar": {o.label: 0.0 for o in self.others}})
                out.append(rec)
                continue
            t = fs.hist[k, :, 0]
            ix = v.idx[k]

            def at(j, t=t):
                return None if j < 0 else float(t[j])

            first = int(ix[2])
            if first >= 0:
                _, _, alt = self._hist_point(k, first)
                phase = _phase(float(t[first]), alt, float(fs.burnout_s[k]),
                               float(fs.col("t_apogee")[k]))
            else:
                alt, phase = None, None
            r = v.reasons[k]
            track = float(v.track_s[k])
            near = v.near[k]
            rec.update({"seen": bool(ix[3] >= 0), "track_s": track,
                        "enter_fov_s": at(ix[0]), "first_detection_s": at(first),
                        "phase_at_first_detection": phase, "firm_track_s": at(ix[3]),
                        "leave_s": at(ix[4]), "leave_fov_s": at(ix[1]),
                        "min_range_km": _none(v.ranges_m[k, 0], 1e-3),
                        "first_detection_range_km": _none(v.ranges_m[k, 1], 1e-3),
                        "first_detection_alt_km": alt,
                        "limited_by": (LIMITS[int(np.argmax(near))] if near.sum()
                                       else v.out_of_reach_limit if not ix[3] >= 0 else None),
                        "looks_excluded": dict(zip(LIMITS, map(int, r), strict=True)),
                        "looks_excluded_in_reach": dict(zip(LIMITS, map(int, near),
                                                            strict=True)),
                        "flight_time_s": _none(fs.col("t_impact")[k]),
                        "apogee_km": _none(fs.col("apogee_alt")[k], 1e-3),
                        "burnout_s": float(fs.burnout_s[k])})
            if union is not None:
                oth = float(union[k].sum()) * v.look_interval_s
                marg = float((v.mask[k] & ~union[k]).sum()) * v.look_interval_s
                seen_o = bool(union[k].any())
            else:
                oth, marg, seen_o = 0.0, track, False
            rec.update({"others_track_s": oth, "marginal_track_s": marg,
                        "seen_only_from_site": bool(rec["seen"] and not seen_o),
                        "track_s_by_radar": {o.label: float(o.track_s[k])
                                             for o in self.others}})
            out.append(rec)
        return out

    def summary(self, records: list[dict] | None = None) -> dict:
        """Counts and totals (s) over the set.

        Parameters
        ----------
        records : list of dict, optional
            ``records()`` when already computed.

        Returns
        -------
        dict
            Flights in the set, in reach, out of range and without solution; flights seen
            (firm track) from the site, by the others, only from the site; track time from the
            site, from the others' union, marginal (s); seen per phase at first detection; the
            dominant limit over the flights not seen.
        """
        recs = self.records() if records is None else records
        ok = [r for r in recs if r["status"] == "ok"]
        seen = [r for r in ok if r["seen"]]
        unseen = [r for r in ok if not r["seen"]]
        lim: dict[str, int] = {}
        for r in unseen:
            if r["limited_by"]:
                lim[r["limited_by"]] = lim.get(r["limited_by"], 0) + 1
        return {"threat_set": self.flights.threat_set.name, "site": self.view.site.name,
                "radar": self.view.radar.name, "object": self.object,
                "rcs_m2": self.view.rcs_m2,
                "compare_sites": ",".join(o.site.name for o in self.others) or None,
                "compare_radar": self.others[0].radar.name if self.others else None,
                "flights": len(recs), "flights_in_reach": len(ok),
                "flights_out_of_range": sum(r["status"] == "out_of_range" for r in recs),
                "flights_no_solution": sum(r["status"] == "no_solution" for r in recs),
                "flights_seen": len(seen),
                "flights_seen_by_others": sum(r["others_track_s"] > 0 for r in ok),
                "flights_seen_only_from_site": sum(r["seen_only_from_site"] for r in ok),
                "track_s": sum(r["track_s"] for r in ok),
                "others_track_s": sum(r["others_track_s"] for r in ok),
                "marginal_track_s": sum(r["marginal_track_s"] for r in ok),
                "first_detection_phase": {p: sum(r["phase_at_first_detection"] == p
                                                 for r in seen) for p in PHASES},
                "not_seen_limited_by": lim,
                "min_range_km": min((r["min_range_km"] for r in ok), default=None)}

    def to_dict(self) -> dict:
        """Summary, assumptions, radars and one record per flight (JSON-ready).

        Returns
        -------
        dict
            ``summary``, ``assumptions``, ``radars`` (site, mode, beam floor, boresight, RCS,
            detection range) and ``flights`` (``records``).
        """
        recs = self.records()
        return {"summary": self.summary(recs), "assumptions": assumptions(self),
                "radars": [radar_dict(v) for v in (self.view, *self.others)],
                "flights": recs}

    def to_dataframe(self):
        """One row per flight (``records`` flattened: ``looks_excluded.horizon``, ...).

        Returns
        -------
        pandas.DataFrame
            The records.
        """
        import pandas as pd

        return pd.json_normalize(self.records(), sep=".")

    def to_geojson(self) -> dict:
        """GeoJSON FeatureCollection: per flight its ground track (``kind`` = ``flight``) and,
        per radar, its firm-track segments (``kind`` = ``observed``), split at the antimeridian
        (RFC 7946); the radar sites as points (``kind`` = ``radar``). Coordinates are lon, lat,
        altitude (m).

        Returns
        -------
        dict
            The FeatureCollection.
        """
        recs = {r["flight"]: r for r in self.records()}
        feats = []
        for v in (self.view, *self.others):
            feats.append({"type": "Feature", "geometry": {
                "type": "Point", "coordinates": [v.site.lon_deg, v.site.lat_deg]},
                "properties": {"kind": "radar", **{k: x for k, x in radar_dict(v).items()
                                                   if not k.endswith("sources")}}})
        for seg in self.segments():
            r = recs[seg["flight"]]
            props = {k: r[k] for k in ("flight", "missile", "launch_area", "target", "seen",
                                       "track_s", "marginal_track_s", "seen_only_from_site",
                                       "phase_at_first_detection", "limited_by")}
            feats.append({"type": "Feature", "geometry": _lines([seg["track"]]),
                          "properties": {"kind": "flight", **props}})
            for label, segs in seg["observed"].items():
                if segs:
                    feats.append({"type": "Feature", "geometry": _lines(segs),
                                  "properties": {"kind": "observed", "radar": label,
                                                 "flight": seg["flight"],
                                                 "start_s": [s_[0][3] for s_ in segs],
                                                 "end_s": [s_[-1][3] for s_ in segs]}})
        return {"type": "FeatureCollection", "features": feats,
                "properties": {"summary": self.summary(list(recs.values())),
                               "assumptions": assumptions(self)}}

    def segments(self, step_s: float = LINE_STEP_S) -> list[dict]:
        """Ground tracks and firm-track segments for maps and files.

        Parameters
        ----------
        step_s : float, optional
            Sampling of the lines (s); the ends of every line are exact; default
            ``LINE_STEP_S``.

        Returns
        -------
        list of dict
            Per flown flight: ``flight``, ``missile``, ``track`` (the whole flight) and
            ``observed``: per radar label, a list of firm-track segments; every line a list of
            (lon_deg, lat_deg, alt_km, t_s) points.
        """
        fs = self.flights
        b = fs.batch
        if b is None:
            return []
        lat, lon, alt = fs.geodetic()
        stride = max(int(round(step_s / HISTORY_DT_S)), 1)

        def line(k, j0, j1):
            js = np.unique(np.r_[np.arange(j0, j1 + 1, stride), j1])
            return np.stack([lon[k, js], lat[k, js], alt[k, js], fs.hist[k, js, 0]], 1).tolist()

        out = []
        for i, lab in enumerate(fs.labels):
            k = int(fs.flown[i])
            if k < 0:
                continue
            nh = int(fs.nhist[k])
            obs = {}
            for v in (self.view, *self.others):
                js = np.flatnonzero(v.mask[k, :nh])
                segs = []
                if js.size:
                    # runs of looks in firm track (a gap of one look stride does not split)
                    gap = round(v.look_interval_s / HISTORY_DT_S)
                    for run in np.split(js, np.flatnonzero(np.diff(js) > gap) + 1):
                        segs.append(line(k, int(run[0]), int(run[-1])))
                obs[v.label] = segs
            out.append({"flight": lab["flight"], "missile": lab["missile"],
                        "track": line(k, 0, nh - 1), "observed": obs})
        return out


def _split(points: list) -> list[list]:
    """A line of (lon, lat, alt_km, ...) points as lines that do not cross the antimeridian
    (the crossing point interpolated onto +-180 deg); coordinates (lon, lat, alt_m)."""
    lines: list[list] = [[]]
    prev = None
    if len(points) == 1:  # a single look in firm track: a degenerate segment
        points = [points[0], points[0]]
    for p in points:
        q = [p[0], p[1], p[2] * 1e3]
        if prev is not None and abs(q[0] - prev[0]) > 180.0:
            east = prev[0] > 0  # crossing eastward: +180 then -180
            lon_p = prev[0] if east else prev[0] + 360.0
            lon_q = q[0] + 360.0 if east else q[0]
            f = (180.0 - lon_p) / (lon_q - lon_p)
            lat = prev[1] + f * (q[1] - prev[1])
            alt = prev[2] + f * (q[2] - prev[2])
            lines[-1].append([180.0 if east else -180.0, lat, alt])
            lines.append([[-180.0 if east else 180.0, lat, alt]])
        lines[-1].append(q)
        prev = q
    return [ln for ln in lines if len(ln) >= 2]


def _lines(segs: list) -> dict:
    parts = [ln for s in segs for ln in _split(s)]
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def radar_dict(v: RadarView) -> dict:
    """A radar of the analysis: site, mode, beam, RCS and detection range (deg, m^2, km)."""
    return {"label": v.label, "site": v.site.name, "radar": v.radar.name,
            "lat_deg": v.site.lat_deg, "lon_deg": v.site.lon_deg,
            "boresight_az_deg": v.boresight_az_deg, "half_width_deg": v.radar.half_width_deg,
            "min_elevation_deg": v.min_elevation_deg, "rcs_m2": v.rcs_m2,
            "detection_range_km": float(v.radar.detection_range_m(v.rcs_m2)) / 1e3,
            "instrumented_range_km": v.radar.instrumented_range_km,
            "site_sources": list(v.site.sources), "radar_sources": list(v.radar.sources)}


def assumptions(r: WatchResult) -> list[str]:
    """The assumptions a result rests on, as sentences."""
    return [
        "public estimates only; missile presets calibrated to published ranges (missiles.toml)",
        "flights: minimum energy (or the set's apogee), rotating WGS84 Earth, J2, US 1976 "
        "atmosphere; one per missile x launch area x target",
        f"object watched: {OBJECT_WHY.get(r.object, f'RCS {r.view.rcs_m2:g} m2 (given)')}",
        "detection deterministic (slant range within the detection range for the RCS); firm "
        f"track after {r.view.n_of_m[0]} detections in {r.view.n_of_m[1]} looks, one look per "
        f"{r.view.look_interval_s:g} s; track_s = looks in firm track x the look interval",
        "boresights of the Japan radars (Shariki 265 deg, Kyogamisaki 296 deg: toward "
        "Pyongyang) are ESTIMATES; sector +-60 deg for every mode; forward mode modelled as the "
        "same face with a longer calibrated range (a cued fence's elevation extent is not "
        "modelled)",
        "post-boost (bus) phase not modelled: RV separation at burn-out",
    ]


def watch(flights: FlightSet, radar: Radar, site: Site, rcs_m2: float, *, obj: str = "rv",
          others: tuple[tuple[Radar, Site], ...] = (),
          n_of_m: tuple[int, int] = (3, 5)) -> WatchResult:
    """What ``radar`` at ``site`` observes of ``flights`` and adds to ``others``.

    Parameters
    ----------
    flights : FlightSet
        From ``fly_set``.
    radar : Radar
        The radar (mode) watched.
    site : Site
        Its site.
    rcs_m2 : float
        RCS of the object (m^2).
    obj : str, optional
        Label of the object (``rv``, ``booster`` or ``custom``); default ``rv``.
    others : tuple of (Radar, Site), optional
        Radars compared with; default none.
    n_of_m : tuple of int, optional
        Firm track after N detections in M consecutive looks; default (3, 5).

    Returns
    -------
    WatchResult
        The result.

    Raises
    ------
    ThaadsimError
        Radars of different look intervals (the marginal time is counted look by look).
    """
    v = observe(radar, site, flights, rcs_m2, n_of_m=n_of_m)
    ov = tuple(observe(r, s, flights, rcs_m2, n_of_m=n_of_m) for r, s in others)
    for o in ov:
        if o.look_interval_s != v.look_interval_s:
            raise ThaadsimError("--compare-radar", "must have the look interval of --radar "
                                                   f"({v.look_interval_s:g} s)", o.radar.name)
    return WatchResult(flights, v, ov, obj)
