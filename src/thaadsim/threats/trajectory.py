"""Fly missiles (batched): parameters in, a ``TrajectoryBatch`` out (the shape solvers that use
it are in ``threats.solve``).

Guidance parameters per trajectory: azimuth (from local north, held during the kick), ``theta`` =
thrust elevation above the local horizontal at the end of the kick (the pitch-over after the
vertical rise; a gravity turn follows), and ``t_cut`` = thrust-termination time (inf = full
burn).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from pyproj import Geod

from thaadsim.core import earth as E
from thaadsim.core.integrate import COL, NGUID, NSUM, STATUS_IMPACT, earth_params, fly_kernel
from thaadsim.threats.missile import CD_TABLE, MACH_TABLE, Missile

GEOD = Geod(ellps="WGS84")
DEFAULT_RTOL = 1e-8
# Integrator steps allowed per trajectory: the longest flights (ICBM, 1 s output sampling) take a
# few thousand; a trajectory that needs 100,000 is pathological and stops with status max_steps
# (assumption: bounds the work of one bad input to about a second).
MAX_STEPS = 100_000


@dataclasses.dataclass(frozen=True)
class Launch:
    """A launch point on the WGS84 ellipsoid.

    Attributes
    ----------
    lat_deg : float
        Geodetic latitude (deg).
    lon_deg : float
        East longitude (deg).
    alt_m : float
        Altitude above the ellipsoid (m); default 0.
    """

    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0


@dataclasses.dataclass(frozen=True, repr=False)
class TrajectoryBatch:
    """Result of ``fly``: per-trajectory summary and, when asked for, sampled histories.

    Attributes
    ----------
    summary : ndarray, shape (n, NSUM)
        The kernel's summary columns (``core.integrate.SUMMARY_COLUMNS``, SI units); read them
        with ``col``.
    launch_lat_deg, launch_lon_deg : ndarray, shape (n,)
        Launch points (deg).
    hist : ndarray, shape (n, steps, 7), or None
        Samples: t (s), ECEF x, y, z (m), Earth-relative velocity in ECEF axes (m/s); None
        when flown without ``history_dt_s``.
    nhist : ndarray of int, shape (n,), or None
        Valid samples per trajectory.
    """

    summary: np.ndarray
    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray
    hist: np.ndarray | None = None
    nhist: np.ndarray | None = None

    def __len__(self) -> int:
        return self.summary.shape[0]

    @property
    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """The histories, ``(hist, nhist)``.

        Raises ``ValueError`` for a batch flown without ``history_dt_s``.
        """
        if self.hist is None or self.nhist is None:
            raise ValueError("the batch was flown without history_dt_s")
        return self.hist, self.nhist

    def col(self, name: str) -> np.ndarray:
        """One summary column for every trajectory.

        Parameters
        ----------
        name : str
            A name of ``core.integrate.SUMMARY_COLUMNS``, e.g. ``"apogee_alt"``.

        Returns
        -------
        ndarray, shape (n,)
            The column in SI units (s, m, m/s, rad, Pa); NaN where not reached.
        """
        return self.summary[:, COL[name]]

    @property
    def impacted(self) -> np.ndarray:
        """Whether each trajectory ended on the ground, shape (n,) (bool)."""
        return self.col("status") == STATUS_IMPACT

    @property
    def impact_lat_lon_deg(self) -> tuple[np.ndarray, np.ndarray]:
        """Geodetic latitude and longitude of each impact point (deg), shape (n,) each.

        NaN where the trajectory did not impact.
        """
        xyz = self.summary[:, [COL["x_imp"], COL["y_imp"], COL["z_imp"]]]
        lat, lon, _ = E.ecef_to_geodetic(np.nan_to_num(xyz))
        lat = np.where(self.impacted, np.degrees(lat), np.nan)
        lon = np.where(self.impacted, np.degrees(lon), np.nan)
        return lat, lon

    @property
    def range_m(self) -> np.ndarray:
        """Geodesic (WGS84) ground range from launch to impact (m), shape (n,).

        NaN where the trajectory did not impact.
        """
        lat, lon = self.impact_lat_lon_deg
        ok = self.impacted
        out = np.full(len(self), np.nan)
        if ok.any():
            _, _, d = GEOD.inv(self.launch_lon_deg[ok], self.launch_lat_deg[ok], lon[ok], lat[ok])
            out[ok] = d
        return out

    def __repr__(self) -> str:
        n = len(self)
        hist = "no history" if self.hist is None else f"history {self.hist.shape[1]} samples"
        if n == 1:
            d = self.to_dict(0)
            return (f"<TrajectoryBatch 1 trajectory: {d['status']}, range "
                    f"{_fmt(d['range_km'])} km, apogee {_fmt(d['apogee_km'])} km, flight "
                    f"{_fmt(d['flight_time_s'])} s; {hist}>")
        return f"<TrajectoryBatch {n} trajectories, {int(self.impacted.sum())} impacted; {hist}>"

    def to_dataframe(self):
        """Histories in geodetic coordinates, one row per sample.

        Returns
        -------
        pandas.DataFrame
            Columns ``trajectory``, ``t_s``, ``lat_deg``, ``lon_deg``, ``alt_km``, ``speed_km_s``
            (Earth-relative). Without histories: one row of headline numbers per trajectory
            (the keys of ``to_dict``).
        """
        import pandas as pd

        if self.hist is None or self.nhist is None:
            return pd.DataFrame([dict(self.to_dict(i), trajectory=i)
                                 for i in range(len(self))]).drop(columns=["impact"])
        frames = []
        for i in range(len(self)):
            h = self.hist[i, : int(self.nhist[i])]
            lat, lon, alt = E.ecef_to_geodetic(h[:, 1:4])
            frames.append(pd.DataFrame({
                "trajectory": i, "t_s": h[:, 0], "lat_deg": np.degrees(lat),
                "lon_deg": np.degrees(lon), "alt_km": alt / 1e3,
                "speed_km_s": np.linalg.norm(h[:, 4:7], axis=1) / 1e3}))
        return pd.concat(frames, ignore_index=True)

    def to_dict(self, i: int = 0) -> dict:
        """Headline numbers of one trajectory, units in the keys (JSON-ready).

        Parameters
        ----------
        i : int, optional
            Index of the trajectory; default 0.

        Returns
        -------
        dict
            ``status``; range, apogee, burnout altitude (km); apogee, flight and burnout times (s);
            burnout, reentry and impact speeds (km/s); burnout flight-path angle (deg); the impact
            point (deg). NaN becomes None; no rounding (that is for the shells).
        """
        s = self.summary[i]
        lat, lon = self.impact_lat_lon_deg
        rng = self.range_m[i]
        return {
            "status": ["impact", "orbit", "max_steps", "timeout"][int(s[COL["status"]])],
            "range_km": _r(rng / 1e3),
            "apogee_km": _r(s[COL["apogee_alt"]] / 1e3),
            "apogee_time_s": _r(s[COL["t_apogee"]]),
            "flight_time_s": _r(s[COL["t_impact"]]),
            "burnout_time_s": _r(s[COL["t_burnout"]]),
            "burnout_speed_km_s": _r(s[COL["burnout_speed"]] / 1e3, 4),
            "burnout_altitude_km": _r(s[COL["burnout_alt"]] / 1e3),
            "burnout_flight_path_angle_deg": _r(math.degrees(s[COL["burnout_fpa"]])),
            "reentry_speed_km_s": _r(s[COL["reentry_speed"]] / 1e3, 4),
            "impact_speed_km_s": _r(s[COL["impact_speed"]] / 1e3, 4),
            "impact": {"lat_deg": _r(lat[i], 5), "lon_deg": _r(lon[i], 5)},
        }


def _r(x: float, nd: int | None = None):
    """A finite float, or None (JSON has no NaN). ``nd`` is ignored: models do not round."""
    x = float(x)
    return x if math.isfinite(x) else None


def _fmt(x) -> str:
    return "-" if x is None else f"{x:,.1f}"


def _stage_arrays(missiles: list[Missile]):
    n = len(missiles)
    st = np.zeros((n, 3, 6))
    nst = np.zeros(n, dtype=np.int64)
    mrv = np.empty(n)
    beta = np.empty(n)
    for i, m in enumerate(missiles):
        nst[i] = len(m.stages)
        for k, s in enumerate(m.stages):
            st[i, k] = (s.propellant_kg, s.dry_kg, s.isp_sl_s, s.isp_vac_s, s.burn_time_s,
                        s.area_m2)
        mrv[i] = m.rv_mass_kg
        beta[i] = m.beta_kg_m2
    return st, nst, mrv, beta


def guidance(missiles: list[Missile], theta_deg, azimuth_deg, t_cut_s,
             pitch_over_s=None) -> np.ndarray:
    """The kernel's guidance rows (``core.integrate``, shape (n, NGUID)) for missiles and
    per-trajectory kick elevation (deg), azimuth (deg) and cutoff (s); ``pitch_over_s`` (s,
    broadcast) overrides the missiles' kick durations."""
    n = len(missiles)
    g = np.empty((n, NGUID))
    g[:, 0] = [m.t_vertical_s for m in missiles]
    g[:, 1] = np.radians(theta_deg)
    g[:, 2] = np.radians(azimuth_deg)
    g[:, 3] = t_cut_s
    po = (np.array([m.pitch_over_s for m in missiles]) if pitch_over_s is None
          else np.broadcast_to(np.asarray(pitch_over_s, float), (n,)))
    hold = np.array([m.pitch_program == "programmed" for m in missiles])
    g[:, 4] = np.where(hold, [m.stages[0].burn_time_s for m in missiles], g[:, 0] + po)
    g[:, 5] = [m.lift_to_drag for m in missiles]
    g[:, 6] = [m.pullup_alt_km * 1e3 for m in missiles]
    g[:, 7] = hold
    return g


def fly(missile: Missile | list[Missile], lat_deg, lon_deg, azimuth_deg, theta_deg,
        t_cut_s=np.inf, *, pitch_over_s=None, alt_m=0.0, impact_alt_m=0.0,
        rotating: bool = True, j2: bool = True, ellipsoid: bool = True, drag: bool = True,
        rtol: float = DEFAULT_RTOL,
        t_max_s: float = 20_000.0, history_dt_s: float | None = None,
        history_steps: int | None = None) -> TrajectoryBatch:
    """Fly a batch of missiles from launch points with guidance parameters.

    All array arguments broadcast to one batch shape ``(n,)``. The pitch program: vertical rise
    to the missile's ``t_vertical_s``, a kick in which the thrust elevation falls linearly to
    ``theta_deg`` over the missile's ``pitch_over_s``, then a gravity turn through all stages
    (``core.dynamics``).

    Parameters
    ----------
    missile : Missile or list of Missile
        One missile for the whole batch, or a list of length n.
    lat_deg, lon_deg : array_like
        Launch points (deg).
    azimuth_deg : array_like
        Launch azimuth, clockwise from local north (deg).
    theta_deg : array_like
        Thrust elevation above the local horizontal at the end of the kick (deg).
    t_cut_s : array_like, optional
        Thrust-termination time (s); inf (default) for a full burn.
    pitch_over_s : array_like, optional
        Kick durations (s); default: each missile's ``pitch_over_s``.
    alt_m : array_like, optional
        Launch altitude above the ellipsoid (m); default 0.
    impact_alt_m : array_like, optional
        Altitude of the impact surface (m); default 0.
    rotating, j2, ellipsoid, drag : bool, optional
        Earth rotation, J2 gravity, WGS84 flattening and the atmosphere; all on by default.
    rtol : float, optional
        Relative tolerance of the integrator (-); default 1e-8.
    t_max_s : float, optional
        Longest flight time (s); default 20,000.
    history_dt_s : float, optional
        Sampling interval of the histories (s); None (default): summary only.
    history_steps : int, optional
        Most samples kept per trajectory; when not given, a summary pass first measures the
        longest flight (so histories cost two passes).

    Returns
    -------
    TrajectoryBatch
        Summary of every trajectory and, with ``history_dt_s``, the histories.

    Raises
    ------
    ValueError
        A missile list whose length is not the batch size.

    Notes
    -----
    WGS84 Earth, J2, U.S. Standard Atmosphere 1976; Dormand-Prince 5(4) (Dormand and Prince
    1980), see ``core.integrate``.
    """
    lat, lon, az, th, tc, alt, himp, po = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(a, dtype=float)) for a in
          (lat_deg, lon_deg, azimuth_deg, theta_deg, t_cut_s, alt_m, impact_alt_m,
           np.nan if pitch_over_s is None else pitch_over_s)))
    n = lat.shape[0]
    ms = missile if isinstance(missile, list) else [missile] * n
    if len(ms) != n:
        raise ValueError(f"missile list has {len(ms)} entries for a batch of {n}")
    st, nst, mrv, beta = _stage_arrays(ms)
    guid = guidance(ms, th, az, tc, None if pitch_over_s is None else po)
    r0 = E.geodetic_to_ecef(np.radians(lat), np.radians(lon), alt)
    v0 = np.zeros((n, 3))
    return _run(r0, v0, st, nst, mrv, beta, guid, himp, lat, lon,
                earth_params(rotating, j2, ellipsoid), drag, rtol, t_max_s, history_dt_s,
                history_steps)


def fly_ballistic(r0_ecef_m, v0_rel_m_s, beta_kg_m2=np.inf, *, impact_alt_m=0.0,
                  rotating: bool = True, j2: bool = True, ellipsoid: bool = True,
                  drag: bool = True, rtol: float = DEFAULT_RTOL, t_max_s: float = 20_000.0,
                  history_dt_s: float | None = None,
                  history_steps: int | None = None) -> TrajectoryBatch:
    """Coast unpowered bodies from ECEF states.

    Parameters
    ----------
    r0_ecef_m : array_like, shape (n, 3)
        Initial positions, ECEF (m).
    v0_rel_m_s : array_like, shape (n, 3)
        Initial Earth-relative velocities in ECEF axes (m/s).
    beta_kg_m2 : array_like, optional
        Ballistic coefficient (kg/m^2), broadcast to (n,); inf (default) for no drag.
    impact_alt_m : array_like, optional
        Altitude of the impact surface (m); default 0.
    rotating, j2, ellipsoid, drag : bool, optional
        As in ``fly``.
    rtol : float, optional
        Relative tolerance of the integrator (-); default 1e-8.
    t_max_s : float, optional
        Longest flight time (s); default 20,000.
    history_dt_s : float, optional
        Sampling interval of the histories (s); None (default): summary only.
    history_steps : int, optional
        Most samples kept per trajectory.

    Returns
    -------
    TrajectoryBatch
        As from ``fly``; the launch points are the geodetic points of ``r0_ecef_m``.
    """
    r0 = np.ascontiguousarray(np.atleast_2d(np.asarray(r0_ecef_m, float)))
    v0 = np.ascontiguousarray(np.atleast_2d(np.asarray(v0_rel_m_s, float)))
    n = r0.shape[0]
    beta = np.broadcast_to(np.asarray(beta_kg_m2, float), (n,)).copy()
    beta[~np.isfinite(beta)] = 0.0  # 0 = no drag in the kernel
    lat, lon, _ = E.ecef_to_geodetic(r0)
    guid = np.zeros((n, NGUID))
    return _run(r0, v0, np.zeros((n, 3, 6)), np.zeros(n, dtype=np.int64), np.ones(n), beta, guid,
                np.broadcast_to(np.asarray(impact_alt_m, float), (n,)).copy(), np.degrees(lat),
                np.degrees(lon), earth_params(rotating, j2, ellipsoid), drag, rtol, t_max_s,
                history_dt_s, history_steps)


def _run(r0, v0, st, nst, mrv, beta, guid, himp, lat, lon, earth, drag, rtol, t_max, hdt, hsteps):
    n = r0.shape[0]
    summary = np.empty((n, NSUM))
    if hdt:
        if hsteps is None:
            first = _run(r0, v0, st, nst, mrv, beta, guid, himp, lat, lon, earth, drag, rtol,
                         t_max, None, None)
            tmax_seen = np.nanmax(np.where(first.impacted, first.col("t_impact"), t_max))
            hsteps = int(math.ceil(tmax_seen / hdt)) + 3
        hist = np.zeros((n, hsteps, 7))
    else:
        hist = np.zeros((n, 0, 7))
    nh = np.zeros(n, dtype=np.int64)
    fly_kernel(np.ascontiguousarray(r0), np.ascontiguousarray(v0), st, nst, mrv, beta,
               np.ascontiguousarray(guid), np.ascontiguousarray(himp, dtype=float), MACH_TABLE,
               CD_TABLE, earth, 1 if drag else 0, rtol, t_max, float(hdt or 0.0), MAX_STEPS,
               summary, hist, nh)
    return TrajectoryBatch(summary, np.asarray(lat, float), np.asarray(lon, float),
                           hist if hdt else None, nh if hdt else None)


def _take(b: TrajectoryBatch, i: int) -> TrajectoryBatch:
    return TrajectoryBatch(b.summary[i:i + 1], b.launch_lat_deg[i:i + 1], b.launch_lon_deg[i:i + 1],
                           None if b.hist is None else b.hist[i:i + 1],
                           None if b.nhist is None else b.nhist[i:i + 1])
