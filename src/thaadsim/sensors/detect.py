"""Detection and track timelines of trajectories seen by a radar (numba kernel, batched).

For every sample of every trajectory history the kernel checks, in order: line of sight
(``horizon``), the elevation floor and ceiling (``elevation``), the face's azimuth sector
(``sector``), the instrumented range (``instrumented_range``) and the range equation
(``power``). The radar looks at a target every ``look_interval_s``; a firm track needs N
detections in M consecutive looks.

Detection models (``DETECTION_MODELS``): ``deterministic`` detects a look exactly when the SNR
reaches the radar's threshold (slant range <= the detection range for that RCS), so the firm
track is a fixed delay (the analytic tests use it); ``swerling1`` and ``swerling3`` detect a look
with the single-look probability of a square-law detector against a Swerling I or III
fluctuating target at the radar's false-alarm probability, from the SNR of the range equation,
so the firm-track time is a random variable. The draws come from a counter-based hash of
(seed, trajectory, look): the same seed gives the same timelines whatever the number of threads.

Single-look detection probability, threshold T = ln(1/Pfa) on the noise-normalised square-law
output, mean SNR S (derivation: average the Rician density over the chi-square SNR density):
Swerling I: Pd = exp(-T / (1 + S)); Swerling III: Pd = exp(-T / (1 + S/2)) (1 + (S/2) T /
(1 + S/2)^2). [Skolnik, Introduction to Radar Systems, 3rd ed., 2001, sec. 2.8; M. A. Richards,
Fundamentals of Radar Signal Processing, 2nd ed., 2014, sec. 6.3.]

Refraction as in ``Radar.reach`` (``sensors.geometry``): the 4/3 effective Earth in closed form;
above ``FOUR_THIRDS_CEILING_M`` under the ``crpl`` model, the central angles of the horizon,
floor and ceiling rays from a table of the ray trace (``ray_table``), with the straight-ray
closed form above the atmosphere, and the slant range as the straight chord.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core._jit import njit
from thaadsim.core.pool import run_chunks
from thaadsim.limits import check
from thaadsim.sensors import geometry as geom
from thaadsim.sensors.radar import LIMITS, Radar, elevation_floor_deg
from thaadsim.sensors.site import Site


@njit(inline="always", cache=True)
def _ray_angles(h, h0, dh, table, c, offset, r_mean):
    """Central angles (rad) of the horizon, floor and ceiling rays of a ``ray_table`` at
    altitude ``h`` (m): interpolated in the table, the straight-ray closed form above it."""
    n = table.shape[1]
    if h >= h0 + dh * (n - 1):
        rh = r_mean + h
        return (math.acos(min(1.0, c[0] / rh)) + offset[0],
                math.acos(min(1.0, c[1] / rh)) + offset[1],
                math.acos(min(1.0, c[2] / rh)) + offset[2])
    x = max(h - h0, 0.0) / dh
    i = min(int(x), n - 2)
    f = x - i
    return (table[0, i] + f * (table[0, i + 1] - table[0, i]),
            table[1, i] + f * (table[1, i + 1] - table[1, i]),
            table[2, i] + f * (table[2, i + 1] - table[2, i]))


DETECTION_MODELS = ("deterministic", "swerling1", "swerling3")
_MODEL_CODE = {"deterministic": 0, "swerling1": 1, "swerling3": 3}


def detection_probability(snr, pfa: float, model: str):
    """Single-look detection probability of a square-law detector (module docstring).

    Parameters
    ----------
    snr : array_like
        Mean signal-to-noise ratio, linear (-).
    pfa : float
        False-alarm probability per look (-), in (0, 1).
    model : str
        ``"swerling1"`` or ``"swerling3"``.

    Returns
    -------
    ndarray
        Pd in [0, 1].
    """
    s = np.asarray(snr, float)
    t = math.log(1.0 / pfa)
    if model == "swerling1":
        return np.exp(-t / (1.0 + s))
    if model == "swerling3":
        h = 1.0 + 0.5 * s
        return np.exp(-t / h) * (1.0 + 0.5 * s * t / (h * h))
    raise ValueError(f"model must be swerling1 or swerling3, got {model!r}")


@njit(inline="always", cache=True)
def _uniform(seed, i, k):
    """A uniform number in [0, 1) from the counter (seed, i, k): SplitMix64 finaliser (Steele,
    Lea and Flood, OOPSLA 2014), independent of thread scheduling."""
    z = (np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)
         + np.uint64(i) * np.uint64(0xBF58476D1CE4E5B9)
         + np.uint64(k) * np.uint64(0x94D049BB133111EB) + np.uint64(0x632BE59BD9B4E019))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(inline="always", cache=True)
def _pd(snr, t_thr, model):
    """Single-look Pd (module docstring) for Swerling I (model 1) or III (model 3)."""
    if model == 1:
        return math.exp(-t_thr / (1.0 + snr))
    h = 1.0 + 0.5 * snr
    return math.exp(-t_thr / h) * (1.0 + 0.5 * snr * t_thr / (h * h))


# Packed per-radar geometry (``pack_geometry``): indices into the float vector ``rp``
(_RP_SX, _RP_SY, _RP_SZ, _RP_EX, _RP_EY, _RP_EZ, _RP_NX, _RP_NY, _RP_NZ, _RP_HR, _RP_AEFF,
 _RP_RMEAN, _RP_ELMIN, _RP_ELMAX, _RP_AZ0, _RP_HALFW, _RP_RINSTR, _RP_RPOW, _RP_HTRACE, _RP_H0,
 _RP_DH, _RP_C0, _RP_C1, _RP_C2, _RP_O0, _RP_O1, _RP_O2, _RP_UX, _RP_UY, _RP_UZ) = range(30)
NRP = 30


@njit(inline="always", cache=True)
def look_geometry(x, y, z, rp, table):
    """Geometric limits of one look at a target at ECEF (x, y, z) (m).

    Returns ``(code, slant_range_m)``: code -1 when the target is in line of sight, inside the
    beam, the face's sector and the instrumented range; else the first limit that excludes it
    (0 horizon, 1 elevation, 2 sector, 3 instrumented range: ``radar.LIMITS``). The power limit
    (code 4) is the caller's: it depends on the detection model.
    """
    rn = math.sqrt(x * x + y * y + z * z)
    # altitude over the ellipsoid to ~20 m (ample for radar geometry on a sphere)
    sz = z / rn
    alt = rn - E.A_M * (1.0 - E.F * sz * sz)
    c = (x * rp[_RP_UX] + y * rp[_RP_UY] + z * rp[_RP_UZ]) / rn
    psi = math.acos(min(1.0, max(-1.0, c)))  # central angle on the sphere
    hr, r_mean, a_eff = rp[_RP_HR], rp[_RP_RMEAN], rp[_RP_AEFF]
    if alt > rp[_RP_HTRACE]:
        # ray trace: compare the central angle with those of the horizon, floor and ceiling
        # rays at this altitude; the slant range is the straight chord
        rr = r_mean + hr
        rt = r_mean + alt
        rng = math.sqrt(max(rr * rr + rt * rt - 2 * rr * rt * math.cos(psi), 0.0))
        a_hor, a_floor, a_ceil = _ray_angles(alt, rp[_RP_H0], rp[_RP_DH], table,
                                             rp[_RP_C0:_RP_C2 + 1], rp[_RP_O0:_RP_O2 + 1],
                                             r_mean)
        hidden = psi > a_hor
        off_beam = psi > a_floor or psi < a_ceil
    else:
        th = psi * r_mean / a_eff
        rr = a_eff + hr
        rt = a_eff + max(alt, 0.0)
        rng = math.sqrt(max(rr * rr + rt * rt - 2 * rr * rt * math.cos(th), 0.0))
        if rng > 0:
            se = (rt * rt - rr * rr - rng * rng) / (2 * rr * rng)
        else:
            se = 1.0
        el = math.asin(min(1.0, max(-1.0, se)))
        hidden = th > math.acos(a_eff / rr) + math.acos(a_eff / rt)
        off_beam = el < rp[_RP_ELMIN] or el > rp[_RP_ELMAX]
    dx = x - rp[_RP_SX]
    dy = y - rp[_RP_SY]
    dz = z - rp[_RP_SZ]
    de = dx * rp[_RP_EX] + dy * rp[_RP_EY] + dz * rp[_RP_EZ]
    dn = dx * rp[_RP_NX] + dy * rp[_RP_NY] + dz * rp[_RP_NZ]
    az = math.atan2(de, dn)
    daz = abs((az - rp[_RP_AZ0] + math.pi) % (2 * math.pi) - math.pi)
    if hidden:
        return 0, rng
    if off_beam:
        return 1, rng
    if daz > rp[_RP_HALFW]:
        return 2, rng
    if rng > rp[_RP_RINSTR]:
        return 3, rng
    return -1, rng


@njit(inline="always", cache=True)
def track_index(pos, nh, rp, table, stride, n_req, m_win, win):
    """First sample index of firm track (N detections in M consecutive looks) of one history,
    deterministic detection (SNR at the threshold); -1 if never. ``pos`` (steps, >= 4) holds
    t, x, y, z in columns 0-3; ``win`` is scratch of length >= m_win."""
    for k in range(m_win):
        win[k] = 0
    cnt = 0
    look = 0
    j = 0
    r_pow = rp[_RP_RPOW]
    while j < nh:
        code, rng = look_geometry(pos[j, 1], pos[j, 2], pos[j, 3], rp, table)
        det = 1 if (code < 0 and rng <= r_pow) else 0
        slot = look % m_win
        cnt += det - win[slot]
        win[slot] = det
        look += 1
        if cnt >= n_req:
            return j
        j += stride
    return -1


@njit(cache=True, nogil=True)
def _detect_range(i0, i1, hist, nhist, rp, table, stride, n_req, m_win, model, snr_thr, t_thr,
                  seed, first, track, last, reasons):
    """``_detect_kernel`` for trajectories ``i0`` to ``i1 - 1`` (same arguments), without the
    GIL."""
    r_pow = rp[_RP_RPOW]
    for i in range(i0, i1):
        first[i] = -1
        track[i] = -1
        last[i] = -1
        for k in range(5):
            reasons[i, k] = 0
        win = np.zeros(m_win, dtype=np.int64)
        cnt = 0
        look = 0
        j = 0
        while j < nhist[i]:
            code, rng = look_geometry(hist[i, j, 1], hist[i, j, 2], hist[i, j, 3], rp, table)
            if code < 0:
                if model == 0:
                    if rng > r_pow:
                        code = 4
                else:
                    # SNR of the range equation: the threshold SNR at r_pow, scaling as R^-4
                    q = r_pow / max(rng, 1.0)
                    if _uniform(seed, i, look) >= _pd(snr_thr * q * q * q * q, t_thr, model):
                        code = 4
            det = 1 if code < 0 else 0
            if code >= 0:
                reasons[i, code] += 1
            else:
                if first[i] < 0:
                    first[i] = j
                last[i] = j
            # N of M over consecutive looks
            slot = look % m_win
            cnt += det - win[slot]
            win[slot] = det
            look += 1
            if track[i] < 0 and cnt >= n_req:
                track[i] = j
            j += stride


def _detect_kernel(hist, nhist, rp, table, stride, n_req, m_win, model, snr_thr, t_thr, seed,
                   first, track, last, reasons):
    """Per trajectory of ``hist``: the first detection, firm track and last detection (sample
    indices, -1 never) and the looks excluded per limit; chunks of trajectories on the kernels'
    thread pool (``core.pool.run_chunks``), each writing only its own rows."""
    run_chunks(_detect_range, hist.shape[0], hist, nhist, rp, table, stride, n_req, m_win, model,
               snr_thr, t_thr, seed, first, track, last, reasons)


@lru_cache(maxsize=32)
def ray_table(floor_rad: float, ceiling_rad: float, radar_alt_m: float, step_m: float = 100.0):
    """Central angles of the horizon, floor and ceiling rays of the ``crpl`` model, tabulated for
    the detection kernel.

    Parameters
    ----------
    floor_rad, ceiling_rad : float
        Beam floor and ceiling, apparent elevations (rad).
    radar_alt_m : float
        Antenna altitude (m).
    step_m : float, optional
        Largest altitude step of the table (m); default 100 (linear interpolation good to ~1 m
        of ground range).

    Returns
    -------
    h0_m, dh_m : float
        First altitude (``geom.FOUR_THIRDS_CEILING_M``) and step (m).
    table : ndarray, shape (3, n)
        Central angle (rad) of the horizon, floor and ceiling rays at h0 + i dh up to
        ``geom.ATMOSPHERE_TOP_M``; 4 rad (beyond any) where a constraint does not bind.
    c_m, offset_rad : ndarray, shape (3,)
        Above the table: phi(h) = acos(c / (R + h)) + offset (straight rays).
    """
    span = geom.ATMOSPHERE_TOP_M - geom.FOUR_THIRDS_CEILING_M
    n = int(math.ceil(span / step_m)) + 1
    h = np.linspace(geom.FOUR_THIRDS_CEILING_M, geom.ATMOSPHERE_TOP_M, n)
    r_top = geom.R_EARTH_M + geom.ATMOSPHERE_TOP_M
    c0 = (1 + geom.CRPL.n_minus_1(0.0)) * geom.R_EARTH_M
    n_r = (1 + geom.CRPL.n_minus_1(radar_alt_m)) * (geom.R_EARTH_M + radar_alt_m)
    table = np.empty((3, n))
    table[0] = geom.radio_horizon_ground_range(h, radar_alt_m) / geom.R_EARTH_M
    c = np.array([c0, n_r * math.cos(floor_rad), n_r * math.cos(ceiling_rad)])
    for row, e in ((1, floor_rad), (2, ceiling_rad)):
        table[row] = geom.ray_ground_range(e, h, radar_alt_m) / geom.R_EARTH_M
    if floor_rad < float(geom.grazing_elevation_rad(radar_alt_m)):
        table[1], c[1] = geom.UNSEEN_RAD, 0.0
    offset = table[:, -1] - np.arccos(np.clip(c / r_top, -1, 1))
    for arr in (table, c, offset):
        arr.flags.writeable = False  # cached: shared by every call
    return float(h[0]), span / (n - 1), table, c, offset


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Detection and track of each trajectory by one radar; arrays of shape (n,).

    Attributes
    ----------
    first_detection_time_s : ndarray
        First detection (s since launch); NaN if never.
    first_detection_lat_deg, first_detection_lon_deg : ndarray
        Where the threat was then (deg); NaN if never.
    first_detection_alt_km : ndarray
        Its altitude then (km); NaN if never.
    track_time_s : ndarray
        Firm track: N detections in M consecutive looks (s since launch); NaN if never.
    last_detection_time_s : ndarray
        Last detection (s since launch); NaN if never.
    time_in_track_s : ndarray
        Last detection minus firm track (s).
    not_seen_because : list of str or None
        For a trajectory never detected, the limit that excluded most samples (one of
        ``radar.LIMITS``); None if detected.
    reason_samples : ndarray of int, shape (n, 5)
        Samples excluded by each limit, in the order of ``radar.LIMITS``.
    """

    first_detection_time_s: np.ndarray
    first_detection_lat_deg: np.ndarray
    first_detection_lon_deg: np.ndarray
    first_detection_alt_km: np.ndarray
    track_time_s: np.ndarray
    last_detection_time_s: np.ndarray
    time_in_track_s: np.ndarray
    not_seen_because: list
    reason_samples: np.ndarray

    def __repr__(self) -> str:
        n = len(self.track_time_s)
        tracked = int(np.isfinite(self.track_time_s).sum())
        return f"<Timeline {n} trajectories, {tracked} reach firm track>"

    def to_dict(self, i: int = 0) -> dict:
        """Detection and track of one trajectory.

        Parameters
        ----------
        i : int, optional
            Index of the trajectory; default 0.

        Returns
        -------
        dict
            Times (s since launch), first-detection point (deg, km) and ``not_seen_because``; None
            where never.
        """
        def f(x, nd=None):
            return None if not np.isfinite(x) else float(x)

        return {"first_detection_time_s": f(self.first_detection_time_s[i]),
                "first_detection": {"lat_deg": f(self.first_detection_lat_deg[i], 4),
                                    "lon_deg": f(self.first_detection_lon_deg[i], 4),
                                    "alt_km": f(self.first_detection_alt_km[i])},
                "track_time_s": f(self.track_time_s[i]),
                "time_in_track_s": f(self.time_in_track_s[i]),
                "not_seen_because": self.not_seen_because[i]}


def pack_geometry(radar: Radar, site: Site, rcs_m2: float, min_elevation_deg: float,
                  boresight_az_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """The radar's geometry for the kernels: the packed vector ``rp`` (``NRP`` floats: site,
    east-north-up axes, antenna height, effective radius, beam floor and ceiling, face, ranges,
    refraction table parameters, site unit vector) and the ray table (3, m)."""
    lat0, lon0 = math.radians(site.lat_deg), math.radians(site.lon_deg)
    hr = site.antenna_height_m
    site_xyz = E.geodetic_to_ecef(lat0, lon0, hr)
    e, nvec, _ = E.enu_basis(lat0, lon0)
    el_min, el_max = math.radians(min_elevation_deg), math.radians(radar.max_elevation_deg)
    h_trace = geom.FOUR_THIRDS_CEILING_M if radar.refraction == "crpl" else math.inf
    h0, dh, table, c_ray, off_ray = ray_table(el_min, el_max, float(hr))
    ur = site_xyz / np.linalg.norm(site_xyz)
    rp = np.concatenate([site_xyz, e, nvec,
                         [hr, geom.effective_radius_m(radar.refraction_k), E.R_MEAN_M, el_min,
                          el_max, math.radians(boresight_az_deg),
                          math.radians(radar.half_width_deg), radar.instrumented_range_km * 1e3,
                          float(radar.detection_range_m(rcs_m2)), h_trace, h0, dh],
                         c_ray, off_ray, ur]).astype(float)
    assert rp.shape == (NRP,)
    return rp, np.ascontiguousarray(table)


def detection_timeline(radar: Radar, site: Site, batch, rcs_m2: float, *,
                       min_elevation_deg: float | None = None,
                       boresight_az_deg: float | None = None, n_of_m: tuple[int, int] = (3, 5),
                       look_interval_s: float | None = None, detection: str = "deterministic",
                       seed: int = 0) -> Timeline:
    """Detection and firm-track timelines of trajectories seen by a radar.

    Every history sample is checked against line of sight under the radar's refraction model
    (``Radar.reach``), the beam floor and ceiling, the face's sector, the instrumented range and
    the power-limited detection range for ``rcs_m2``, at one look per ``look_interval_s``.

    Parameters
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site.
    batch : TrajectoryBatch
        Trajectories flown with ``history_dt_s`` (e.g. 1 s).
    rcs_m2 : float
        Radar cross-section of the target (m^2), > 0.
    min_elevation_deg : float, optional
        Beam floor (deg); default: the site's, else the radar's.
    boresight_az_deg : float, optional
        Face azimuth, clockwise from north (deg); default: the site's.
    n_of_m : tuple of int, optional
        Firm track after N detections in M consecutive looks; default (3, 5).
    look_interval_s : float, optional
        Time between looks (s); default: the radar's.
    detection : str, optional
        ``"deterministic"`` (default), ``"swerling1"`` or ``"swerling3"`` (module docstring).
    seed : int, optional
        Seed of the detection draws (ignored when deterministic); default 0.

    Returns
    -------
    Timeline
        One entry per trajectory.

    Raises
    ------
    ValueError
        A batch without histories, or ``n_of_m`` without 1 <= N <= M.
    ThaadsimError
        A non-finite or non-positive RCS, or a beam floor outside [-5, 90] deg.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., 2001: eq. 2.63 and sec. 8.2; Bean & Dutton,
    Radio Meteorology, 1966, ch. 3 (ray trace).
    """
    if batch.hist is None:
        raise ValueError("the batch must be flown with history_dt_s")
    rcs = check("rcs_m2", rcs_m2, "rcs_m2")
    emin = elevation_floor_deg(radar, site, min_elevation_deg)
    az0 = site.boresight_az_deg if boresight_az_deg is None else boresight_az_deg
    look = radar.look_interval_s if look_interval_s is None else look_interval_s
    dt = float(batch.hist[0, 1, 0] - batch.hist[0, 0, 0]) if batch.hist.shape[1] > 1 else look
    stride = max(int(round(look / dt)), 1)
    n_req, m_win = n_of_m
    if not (1 <= n_req <= m_win):
        raise ValueError(f"n_of_m must satisfy 1 <= N <= M, got {n_of_m}")
    if detection not in _MODEL_CODE:
        from thaadsim.errors import ThaadsimError

        raise ThaadsimError("detection", "must be one of " + ", ".join(DETECTION_MODELS),
                            detection)
    rp, table = pack_geometry(radar, site, rcs, emin, az0)
    n = len(batch)
    first = np.empty(n, np.int64)
    track = np.empty(n, np.int64)
    last = np.empty(n, np.int64)
    reasons = np.empty((n, 5), np.int64)
    _detect_kernel(np.ascontiguousarray(batch.hist), batch.nhist.astype(np.int64), rp, table,
                   stride, n_req, m_win, _MODEL_CODE[detection],
                   10 ** (radar.snr_threshold_db / 10), math.log(1.0 / radar.pfa),
                   int(seed) & 0x7FFFFFFFFFFFFFFF, first, track, last, reasons)
    rows = np.arange(n)

    def at(idx, col):
        ok = idx >= 0
        out = np.full(n, np.nan)
        out[ok] = batch.hist[rows[ok], idx[ok], col]
        return out

    t_first, t_track, t_last = at(first, 0), at(track, 0), at(last, 0)
    xyz = np.stack([at(first, 1), at(first, 2), at(first, 3)], axis=-1)
    lat, lon, alt = E.ecef_to_geodetic(np.nan_to_num(xyz))
    seen = first >= 0
    why = [None if seen[i] else LIMITS[int(np.argmax(reasons[i]))] for i in range(n)]
    return Timeline(t_first, np.where(seen, np.degrees(lat), np.nan),
                    np.where(seen, np.degrees(lon), np.nan), np.where(seen, alt / 1e3, np.nan),
                    t_track, t_last, t_last - t_track, why, reasons)
