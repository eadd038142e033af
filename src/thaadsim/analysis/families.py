"""Trajectory families: for each missile and shape, trajectories by range flown once on a
non-rotating sphere, then scaled to the exact distance and laid along the great circle from a
launch area to any aim point (DESIGN.md, convention 8: reuse of work).

Earth rotation and J2 move impact points by a few km at these ranges (below the 5 km grid); the
aimed engine (``threats.aim``) includes them when a single trajectory is wanted.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from thaadsim import geo
from thaadsim.core import _jit
from thaadsim.core import earth as E
from thaadsim.errors import ThaadsimError
from thaadsim.threats import get_missile
from thaadsim.threats.missile import Missile
from thaadsim.threats.solve import is_preset, shape_table
from thaadsim.threats.trajectory import TrajectoryBatch, fly

HISTORY_DT_S = 2.0


@dataclasses.dataclass(frozen=True)
class Family:
    """Trajectories by range for one missile and shape, flown on a non-rotating sphere.

    Arrays are (K, steps) unless noted, K members in order of range.

    Attributes
    ----------
    missile : str
        Missile preset name.
    ranges_m : ndarray, shape (K,)
        Ground range of each member (m).
    t : ndarray
        Sample times (s since launch).
    s : ndarray
        Ground distance from launch (m).
    h : ndarray
        Altitude (m).
    n : ndarray of int, shape (K,)
        Valid samples per member.
    apogee_m : ndarray, shape (K,)
        Apogee of each member (m).
    """

    missile: str
    ranges_m: np.ndarray  # (K,)
    t: np.ndarray
    s: np.ndarray  # ground distance from launch (m)
    h: np.ndarray  # altitude (m)
    n: np.ndarray  # valid samples per member
    apogee_m: np.ndarray

    @property
    def max_range_m(self) -> float:
        """Longest range of the family (m)."""
        return float(self.ranges_m.max())


def _sphere_s_h(b: TrajectoryBatch):
    xyz = b.history[0][..., 1:4]
    r = np.linalg.norm(xyz, axis=-1)
    r0 = xyz[:, :1, :]
    with np.errstate(invalid="ignore", divide="ignore"):  # padding past the impact is zeros
        c = np.einsum("ijk,ijk->ij", xyz, np.broadcast_to(r0, xyz.shape)) / (
            r * np.linalg.norm(r0, axis=-1))
    return np.arccos(np.clip(c, -1, 1)) * E.A_M, r - E.A_M


def trajectory_family(missile_name: str, apogee_km: float | None = None,
                      step_km: float = 10.0) -> Family:
    """Trajectories by range of one missile and shape (cached per missile: ``family_of``, so a
    user missile redefined under the same name is flown anew).

    Flown once due east along the equator of a non-rotating sphere without J2: for each range on
    a ``step_km`` grid (from 50 km, or one step if larger, to the maximum range), the
    minimum-energy member (shortest burn), or the member with the apogee ``apogee_km``.

    Parameters
    ----------
    missile_name : str
        Missile preset name.
    apogee_km : float, optional
        Apogee of every member (km); None (default) for minimum energy.
    step_km : float, optional
        Range spacing of the members (km); default 10.

    Returns
    -------
    Family
        The members, sampled every 2 s.

    Raises
    ------
    ThaadsimError
        An unknown missile, or a shape the missile cannot fly at any range.
    """
    return family_of(get_missile(missile_name), apogee_km, step_km)


@lru_cache(maxsize=64)
def family_of(m: Missile, apogee_km: float | None = None, step_km: float = 10.0) -> Family:
    """``trajectory_family`` of a ``Missile`` object (a preset, or a variant of one: the
    uncertainty samples of the missile parameters); cached per missile and shape.

    Parameters
    ----------
    m : Missile
        The missile.
    apogee_km : float, optional
        Apogee of every member (km); None for minimum energy.
    step_km : float, optional
        Range spacing of the members (km); default 10.

    Returns
    -------
    Family
        The members, sampled every 2 s (also kept on disk beside the compiled kernels, keyed by
        the missile, the shape and the sources that fly it).

    Raises
    ------
    ThaadsimError
        A shape the missile cannot fly at any range.
    """
    name = table_name(m, apogee_km, step_km) if is_preset(m) else None
    z = None if name is None else _jit.load_named(name)
    if z is not None:  # flown by an earlier run (the families of a threat set cost seconds)
        return Family(m.name, z["ranges_m"], z["t"], z["s"], z["h"], z["n"], z["apogee_m"])
    fam = _family_of(m, apogee_km, step_km)
    if name is not None:
        _jit.save_named(name, table_arrays(fam))
    return fam


def table_arrays(fam: Family) -> dict[str, np.ndarray]:
    """What is kept of a family (``family_of`` rebuilds it from these)."""
    return {"ranges_m": fam.ranges_m, "t": fam.t, "s": fam.s, "h": fam.h, "n": fam.n,
            "apogee_m": np.asarray(fam.apogee_m)}


def table_name(m: Missile, apogee_km: float | None, step_km: float) -> str:
    """The name under which ``family_of(m, apogee_km, step_km)`` is kept
    (``core._jit.array_name``): its inputs and the sources that fly it."""
    return _jit.array_name(
        "family", repr((m, apogee_km, step_km)),
        [Path(__file__), *sorted(Path(__file__).parents[1].joinpath("threats").glob("*.py"))])


def _family_of(m: Missile, apogee_km: float | None, step_km: float) -> Family:
    missile_name = m.name
    kw = dict(rotating=False, j2=False, ellipsoid=False)
    tab = shape_table(m, None if apogee_km is None else apogee_km * 1e3, step_km)
    if tab is None:
        raise ThaadsimError("threat-set", f"{missile_name} cannot fly the requested shape",
                            apogee_km)
    R, th_sel, tc_sel = tab
    fb = fly(m, 0.0, 0.0, 90.0, th_sel, tc_sel, history_dt_s=HISTORY_DT_S, **kw)
    s, h = _sphere_s_h(fb)
    hist, nhist = fb.history
    fam = Family(missile_name, _true_range(fb), np.ascontiguousarray(hist[..., 0]),
                 np.nan_to_num(s), np.nan_to_num(h), nhist.copy(), fb.col("apogee_alt"))
    # read-only, as when read back from disk: the footprint kernel then sees one array type
    # (numba compiles a kernel again for read-only arrays: ~8 s on a first run)
    for a in (fam.ranges_m, fam.t, fam.s, fam.h, fam.n, fam.apogee_m):
        a.flags.writeable = False
    return fam


def _true_range(b: TrajectoryBatch) -> np.ndarray:
    xyz = b.summary[:, 2:5]
    return np.arccos(np.clip(xyz[:, 0] / np.linalg.norm(xyz, axis=1), -1, 1)) * E.A_M


def lay_family(fam: Family, lat0_deg: float, lon0_deg: float, lat_deg, lon_deg):
    """Histories from one launch point to aim points, laid out from a family.

    The member with the nearest range is scaled to the exact distance and laid along the great
    circle (on a sphere of the WGS84 equatorial radius) to each aim point.

    Parameters
    ----------
    fam : Family
        The family.
    lat0_deg, lon0_deg : float
        Launch point (deg).
    lat_deg, lon_deg : array_like, shape (n,)
        Aim points (deg).

    Returns
    -------
    hist : ndarray, shape (n, steps, 7)
        Histories as from ``TrajectoryBatch``: t (s), ECEF x, y, z (m); velocity columns zero.
    nhist : ndarray of int, shape (n,)
        Valid samples per aim point.
    reach : ndarray of bool, shape (n,)
        True where the distance lies within the family's ranges (from half the shortest to the
        longest).
    """
    la0, lo0 = math.radians(lat0_deg), math.radians(lon0_deg)
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    d = geo.gc_distance_m(la0, lo0, la, lo, r_m=E.A_M)
    az = geo.gc_azimuth(la0, lo0, la, lo)
    reach = (d <= fam.max_range_m) & (d >= fam.ranges_m.min() * 0.5)
    k = np.clip(np.searchsorted(fam.ranges_m, d), 0, fam.ranges_m.size - 1)
    k = np.where((k > 0) & (np.abs(fam.ranges_m[np.maximum(k - 1, 0)] - d)
                            < np.abs(fam.ranges_m[k] - d)), k - 1, k)
    scale = d / fam.ranges_m[k]
    s = fam.s[k] * scale[:, None]
    h = fam.h[k]
    plat, plon = geo.gc_destination(la0, lo0, az[:, None], s, r_m=E.A_M)
    xyz = E.geodetic_to_ecef(plat, plon, np.maximum(h, -1000.0))
    n, steps = s.shape
    hist = np.zeros((n, steps, 7))
    hist[..., 0] = fam.t[k]
    hist[..., 1:4] = xyz
    return hist, fam.n[k].astype(np.int64), reach


