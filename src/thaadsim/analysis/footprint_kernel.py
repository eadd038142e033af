"""The footprint's inner pipeline fused into one numba kernel, parallel over aim points.

For one threat (a missile's trajectory family and a launch area) and every aim point, in one
pass without temporaries: the family member nearest in range is scaled to the distance and laid
along the great circle (the same construction as ``analysis.families.lay_family``, with the
point on the great circle written as cos(d) P + sin(d) T instead of the spherical-trigonometry
formulas); every battery's radar looks at it until firm track (``sensors.detect.track_index``,
deterministic detection); from firm track plus the reaction time on, the interceptor's reach
table gives the launch time each sample needs (``engagement.fire_control.intercept_windows``);
opportunities are counted, each next one at least the kill-assessment time after the previous
intercept. Batteries of several configurations are evaluated on the same laid trajectory, so a
comparison of configurations lays each trajectory once.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core._jit import njit
from thaadsim.core.pool import run_chunks
from thaadsim.sensors.detect import NRP, pack_geometry, track_index

# Opportunities counted per threat and aim point: the footprint needs one (defended) and two
# (shoot-look-shoot); counting stops there
MAX_COUNTED = 2

# Chunks of aim points per thread (``core.pool.run_chunks``): aim points near a battery cost far
# more than those out of reach, so many small chunks balance the threads
CHUNKS_PER_THREAD = 16


@njit(cache=True, nogil=True)
def _aim_points(i0, i1, la0, lo0, cell_lat, cell_lon, ranges, fam_t, fam_s, fam_h, fam_n, r_lo,
                r_hi, rps, tables, strides, n_req, m_win, tofs, g_step, h_step, h_lo, h_hi,
                ground_u, reaction, cos_reach, cfg_ptr, cfg_idx, ka, descent_only, opp, reach,
                want_times, t_first, l_last):
    """``footprint_kernel`` at aim points ``i0`` to ``i1 - 1`` (same arguments), without the
    GIL."""
    steps = fam_t.shape[1]
    nk = ranges.shape[0]
    nb_ = rps.shape[0]
    e2 = E.F * (2.0 - E.F)
    a = E.A_M
    sl0, cl0 = math.sin(la0), math.cos(la0)
    p0 = np.array([cl0 * math.cos(lo0), cl0 * math.sin(lo0), sl0])
    for i in range(i0, i1):
        for c in range(opp.shape[0]):
            opp[c, i] = 0
            if want_times:
                t_first[c, i] = np.inf
                l_last[c, i] = -np.inf
    pos = np.empty((steps, 4))
    win = np.empty(m_win, dtype=np.int64)
    for i in range(i0, i1):
        la, lo = cell_lat[i], cell_lon[i]
        # haversine distance and initial azimuth on the sphere of radius a (geo.gc_*)
        dlat = la - la0
        dlon = lo - lo0
        hv = math.sin(dlat / 2) ** 2 + cl0 * math.cos(la) * math.sin(dlon / 2) ** 2
        d = 2.0 * a * math.asin(math.sqrt(min(max(hv, 0.0), 1.0)))
        reach[i] = d <= r_hi and d >= r_lo
        if not reach[i]:
            continue
        az = math.atan2(math.sin(dlon) * math.cos(la),
                        cl0 * math.sin(la) - sl0 * math.cos(la) * math.cos(dlon))
        # nearest member in range (np.searchsorted, side left)
        k = 0
        while k < nk and ranges[k] < d:
            k += 1
        k = min(max(k, 0), nk - 1)
        if k > 0 and abs(ranges[k - 1] - d) < abs(ranges[k] - d):
            k -= 1
        scale = d / ranges[k]
        nh = fam_n[k]
        # tangent toward the azimuth at the launch point: north and east components
        sa, ca = math.sin(az), math.cos(az)
        tx = ca * (-sl0 * math.cos(lo0)) + sa * (-math.sin(lo0))
        ty = ca * (-sl0 * math.sin(lo0)) + sa * math.cos(lo0)
        tz = ca * cl0
        for j in range(nh):
            dd = fam_s[k, j] * scale / a
            cd, sd = math.cos(dd), math.sin(dd)
            ux = cd * p0[0] + sd * tx
            uy = cd * p0[1] + sd * ty
            uz = cd * p0[2] + sd * tz
            # the spherical latitude of the point used as geodetic latitude (lay_family)
            h = max(fam_h[k, j], -1000.0)
            nn = a / math.sqrt(1.0 - e2 * uz * uz)
            pos[j, 0] = fam_t[k, j]
            pos[j, 1] = (nn + h) * ux
            pos[j, 2] = (nn + h) * uy
            pos[j, 3] = (nn * (1.0 - e2) + h) * uz
        j_apo = 0
        if descent_only:
            for j in range(nh):
                if fam_h[k, j] > fam_h[k, j_apo]:
                    j_apo = j
        for b in range(nb_):
            near = False
            for j in range(j_apo, nh):
                x, y, z = pos[j, 1], pos[j, 2], pos[j, 3]
                rn = math.sqrt(x * x + y * y + z * z)
                sz = z / rn
                alt = rn - a * (1.0 - E.F * sz * sz)
                if alt < h_lo[b] or alt > h_hi[b]:
                    continue
                if (x * ground_u[b, 0] + y * ground_u[b, 1] + z * ground_u[b, 2]) / rn \
                        >= cos_reach[b]:
                    near = True
                    break
            if not near:
                continue
            tr = track_index(pos, nh, rps[b], tables[b], strides[b], n_req, m_win, win)
            if tr < 0:
                continue
            ready = pos[tr, 0] + reaction[b]
            prev = -np.inf
            cnt = 0
            first_t = np.inf
            last_l = -np.inf
            ng, nhh = tofs.shape[1], tofs.shape[2]
            for j in range(max(tr, j_apo), nh):
                x, y, z = pos[j, 1], pos[j, 2], pos[j, 3]
                rn = math.sqrt(x * x + y * y + z * z)
                sz = z / rn
                alt = rn - a * (1.0 - E.F * sz * sz)
                if alt < h_lo[b] or alt > h_hi[b]:
                    continue
                cg = (x * ground_u[b, 0] + y * ground_u[b, 1] + z * ground_u[b, 2]) / rn
                g = math.acos(min(1.0, max(-1.0, cg))) * E.R_MEAN_M
                gi = int(np.rint(g / g_step[b]))
                hi = int(np.rint(alt / h_step[b]))
                if gi < 0 or gi >= ng or hi < 0 or hi >= nhh:
                    continue
                tof = tofs[b, gi, hi]
                if not math.isfinite(tof):
                    continue
                launch = pos[j, 0] - tof
                if want_times and launch >= ready:
                    last_l = max(last_l, launch)
                if launch >= ready and launch >= prev and cnt < MAX_COUNTED:
                    if cnt == 0:
                        first_t = pos[j, 0]
                    cnt += 1
                    prev = pos[j, 0] + ka
                    if cnt >= MAX_COUNTED and not want_times:
                        break
            for q in range(cfg_ptr[b], cfg_ptr[b + 1]):
                opp[cfg_idx[q], i] += cnt
                if want_times:
                    t_first[cfg_idx[q], i] = min(t_first[cfg_idx[q], i], first_t)
                    l_last[cfg_idx[q], i] = max(l_last[cfg_idx[q], i], last_l)


def footprint_kernel(la0, lo0, cell_lat, cell_lon, ranges, fam_t, fam_s, fam_h, fam_n,
                     r_lo, r_hi, rps, tables, strides, n_req, m_win, tofs, g_step, h_step,
                     h_lo, h_hi, ground_u, reaction, cos_reach, cfg_ptr, cfg_idx, ka,
                     descent_only, opp, reach, want_times, t_first, l_last):
    """Opportunities per configuration and aim point against one threat.

    Chunks of aim points run on the kernels' thread pool (``core.pool.run_chunks``); each aim
    point writes only its own column of the outputs.

    Parameters
    ----------
    la0, lo0 : float
        Launch point (rad).
    cell_lat, cell_lon : ndarray, shape (n,)
        Aim points (rad).
    ranges : ndarray, shape (K,)
        Family members' ranges (m), increasing.
    fam_t, fam_s, fam_h : ndarray, shape (K, steps)
        Sample times (s), ground distance (m) and altitude (m) of each member.
    fam_n : ndarray of int, shape (K,)
        Valid samples per member.
    r_lo, r_hi : float
        Distances (m) the family reaches: from half the shortest member to the longest.
    rps : ndarray, shape (B, NRP)
        Each battery's packed radar geometry (``sensors.detect.pack_geometry``).
    tables : ndarray, shape (B, 3, m)
        Their ray tables (padded to a common length).
    strides : ndarray of int, shape (B,)
        History samples per radar look.
    n_req, m_win : int
        Firm track after n_req detections in m_win looks.
    tofs : ndarray, shape (B, n_g, n_h)
        Reach tables: interceptor time of flight (s; inf out of reach), padded with inf.
    g_step, h_step : ndarray, shape (B,)
        Their cell sizes (m).
    h_lo, h_hi : ndarray, shape (B,)
        Lowest and highest reachable altitude of each table (m): samples outside are skipped.
    ground_u : ndarray, shape (B, 3)
        Unit vector of each battery's site at zero altitude (ground range on the mean sphere).
    reaction : ndarray, shape (B,)
        Firm track to the earliest launch (s).
    cos_reach : ndarray, shape (B,)
        Cosine of the central angle of each table's farthest reachable ground range (plus one
        cell): a battery none of whose samples in its altitude band lies within it is skipped
        before its detection is computed (a necessary condition: results are unchanged).
    cfg_ptr, cfg_idx : ndarray of int, shapes (B + 1,) and (sum,)
        The configurations each battery belongs to: ``cfg_idx[cfg_ptr[b]:cfg_ptr[b + 1]]`` (a
        battery shared by several configurations is evaluated once).
    ka : float
        Kill-assessment time (s).
    descent_only : int
        Nonzero: count intercepts only after the threat's apogee (terminal phase).
    opp : ndarray of int, shape (n_config, n)
        Output, overwritten: opportunities (up to MAX_COUNTED per battery, summed).
    reach : ndarray of bool, shape (n,)
        Output, overwritten: whether the threat reaches each aim point.
    want_times : int
        Nonzero: also fill ``t_first`` and ``l_last`` (the layered footprint's shoot-look-shoot
        across layers); every feasible sample is then scanned. Zero: they are not touched (pass
        arrays of any shape, e.g. (1, 1)).
    t_first, l_last : ndarray, shape (n_config, n)
        Outputs when ``want_times``, overwritten: per configuration and aim point, the earliest
        intercept time of any battery's first opportunity (s since launch; inf: none) and the
        latest launch time of any feasible intercept (s; -inf: none).
    """
    run_chunks(_aim_points, cell_lat.shape[0], la0, lo0, cell_lat, cell_lon, ranges, fam_t,
               fam_s, fam_h, fam_n, r_lo, r_hi, rps, tables, strides, n_req, m_win, tofs, g_step,
               h_step, h_lo, h_hi, ground_u, reaction, cos_reach, cfg_ptr, cfg_idx, ka,
               descent_only, opp, reach, want_times, t_first, l_last,
               chunks_per_thread=CHUNKS_PER_THREAD)


def pack_batteries(configs, look_dt_s: float):
    """Kernel inputs for the batteries of several configurations (flattened in order; a battery
    that appears, equal, in several configurations is packed once and counted for each).

    Parameters
    ----------
    configs : list of list of Battery
        The configurations.
    look_dt_s : float
        Sampling interval of the laid histories (s), for the radar's look stride.

    Returns
    -------
    dict
        The keyword arguments ``rps`` to ``cfg_idx`` of ``footprint_kernel`` (zero rows when
        there is no battery), with ``want_times = 0`` and placeholder ``t_first`` and ``l_last``
        (the layered footprint replaces them).
    """
    from thaadsim.sensors.radar import elevation_floor_deg

    uniq: list = []
    members: list[list[int]] = []
    for c, cfg in enumerate(configs):
        for b in cfg:
            k = next((i for i, u in enumerate(uniq) if u is b or u == b), -1)
            if k < 0:
                uniq.append(b)
                members.append([c])
            else:
                members[k].append(c)
    nbat = len(uniq)  # zero rows when no configuration has a battery: the kernel only decides
    # the reach
    rps = np.zeros((nbat, NRP))
    tabs, tofs = [], []
    strides = np.ones(nbat, dtype=np.int64)
    g_step = np.ones(nbat)
    h_step = np.ones(nbat)
    h_lo = np.full(nbat, np.inf)
    h_hi = np.full(nbat, -np.inf)
    ground_u = np.zeros((nbat, 3))
    reaction = np.zeros(nbat)
    cos_reach = np.full(nbat, 2.0)
    cfg_ptr = np.zeros(nbat + 1, dtype=np.int64)
    cfg_idx = np.array([c for m in members for c in m], dtype=np.int64)
    for k, bat in enumerate(uniq):
        radar, site = bat.radar, bat.site
        emin = elevation_floor_deg(radar, site, None)
        rp, tab = pack_geometry(radar, site, bat.rcs_m2, emin, site.boresight_az_deg)
        rps[k] = rp
        tabs.append(tab)
        strides[k] = max(int(round(radar.look_interval_s / look_dt_s)), 1)
        rt = bat.reach
        tofs.append(rt.tof_s)
        g_step[k], h_step[k] = rt.g_step_m, rt.h_step_m
        finite = np.isfinite(rt.tof_s)
        ok_h = np.nonzero(finite.any(axis=0))[0]
        # half a cell beyond the reachable rows: the table rounds to the nearest cell
        h_lo[k] = (ok_h.min() - 0.5) * rt.h_step_m if ok_h.size else np.inf
        h_hi[k] = (ok_h.max() + 0.5) * rt.h_step_m if ok_h.size else -np.inf
        ok_g = np.nonzero(finite.any(axis=1))[0]
        if ok_g.size:  # one cell beyond the farthest reachable row (rounding, with margin)
            cos_reach[k] = math.cos(min((ok_g.max() + 1.0) * rt.g_step_m / E.R_MEAN_M, math.pi))
        s0 = E.geodetic_to_ecef(math.radians(site.lat_deg), math.radians(site.lon_deg), 0.0)
        ground_u[k] = s0 / np.linalg.norm(s0)
        reaction[k] = bat.reaction_time_s
        cfg_ptr[k + 1] = cfg_ptr[k] + len(members[k])
    m = max((t.shape[1] for t in tabs), default=1)
    tables = np.full((nbat, 3, m), 4.0)  # ray tables all have the same length
    for k, t in enumerate(tabs):
        tables[k] = t
    g_max = max((t.shape[0] for t in tofs), default=1)
    h_max = max((t.shape[1] for t in tofs), default=1)
    tof = np.full((nbat, g_max, h_max), np.inf)
    for k, t in enumerate(tofs):
        tof[k, :t.shape[0], :t.shape[1]] = t
    return {"rps": rps, "tables": tables, "strides": strides, "tofs": tof, "g_step": g_step,
            "h_step": h_step, "h_lo": h_lo, "h_hi": h_hi, "ground_u": ground_u,
            "reaction": reaction, "cos_reach": cos_reach, "cfg_ptr": cfg_ptr,
            "cfg_idx": cfg_idx, "want_times": 0, "t_first": np.full((1, 1), np.inf),
            "l_last": np.full((1, 1), -np.inf)}


def warm_footprint_kernel() -> None:
    """Compile (or load from the cache) the footprint kernel and the small geodesy and
    atmosphere kernels, with tiny inputs of the exact types the analyses pass. The demo runs it
    while its worker compiles the trajectory kernel, so a first run compiles them side by side."""
    from thaadsim.core.atmosphere import state_arrays
    from thaadsim.core.earth import ecef_to_geodetic

    ecef_to_geodetic(np.array([[6.4e6, 0.0, 0.0]]))  # impact points of every batch
    z1 = np.zeros(1)
    z2 = np.zeros((1, 1))
    i1 = np.zeros(1, dtype=np.int64)
    r1, r2 = np.ones(1), np.zeros((1, 1))  # families are read-only (analysis.families)
    r1.flags.writeable = r2.flags.writeable = False
    footprint_kernel(0.0, 0.0, z1, z1, r1, r2, r2, r2, i1, 0.0, 0.0,
                     np.zeros((1, NRP)), np.zeros((1, 3, 2)), np.ones(1, dtype=np.int64), 1, 1,
                     np.zeros((1, 1, 1)), np.ones(1), np.ones(1), z1, z1, np.zeros((1, 3)), z1,
                     z1, np.zeros(2, dtype=np.int64), i1, 0.0, 0,
                     np.zeros((1, 1), dtype=np.int64), np.zeros(1, dtype=bool), 0, z2, z2)
    # last: the trajectory kernel compiles the scalar atmosphere meanwhile, read from the cache
    state_arrays(np.zeros(1))  # the interceptor's flyout and the radar's ray trace

