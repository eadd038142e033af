"""Batched trajectory integrator for powered and ballistic flight (numba kernel).

Physics (all switchable through ``earth`` and ``drag``):
- WGS84 ellipsoid for altitude, J2 gravity, Earth rotation;
- integration in the inertial frame that coincides with ECEF at t = 0 (no fictitious forces);
  the atmosphere turns with the Earth, so drag acts on the air-relative velocity v - omega x r;
- thrust from up to three sequential stages: mass flow m_prop / t_burn, specific impulse blended
  from sea level to vacuum with ambient pressure; thrust direction from the pitch program (vertical
  rise to ``t_vertical``, then the thrust elevation above the local horizontal falls linearly to
  ``theta_final`` at ``t_pitch_end`` (the kick), at fixed azimuth from local north; then a
  gravity turn through all stages (thrust along the Earth-relative velocity), see
  ``core.dynamics``);
- boost-phase drag with Cd(Mach) on the current stage's cross-section; after burnout or thrust
  cutoff the reentry vehicle flies alone with ballistic coefficient beta = m / (Cd A), with lift
  for quasi-ballistic vehicles (``lift_to_drag`` > 0, see ``core.dynamics``).

Integrator: Dormand-Prince 5(4), adaptive step per trajectory, steps clamped to land on staging,
cutoff and output times (the only discontinuities). Impact is located on the cubic Hermite
interpolant of the last step. Chunks of trajectories run on a pool of threads, each on a
compiled kernel that releases the GIL; nothing allocates inside the loop.

Pieces of ``fly_kernel``: ``_next_event_time`` (step clamp), ``_dopri5_step`` (one trial step and
its error norm), ``_locate_impact`` and ``_locate_apogee`` (events inside an accepted step),
``_classify_orbit`` (Keplerian test at burnout), ``_record_burnout`` / ``_record_impact``
(summary columns). ``deriv`` (equations of motion) and ``alt_of`` are public: the benchmark
integrates the same physics with scipy.

Layouts (n = batch size):
  r0_ecef (n, 3) m; v0_rel (n, 3) m/s Earth-relative initial velocity (zero for a launch)
  stages (n, 3, 6): m_prop kg, m_dry kg, isp_sl s, isp_vac s, t_burn s, area m^2; nst (n,) int
  m_rv (n,) kg, beta (n,) kg/m^2, guid (n, NGUID): t_vertical s, theta_final rad, azimuth rad,
  t_cutoff s (inf for full burn), t_pitch_end s (end of the kick; gravity turn after it),
  lift_to_drag (-), pullup_alt m; h_impact (n,) m: altitude of the impact surface.
  earth (6,): a, f, mu, re_j2, j2, omega.
Outputs: summary (n, NSUM) with the columns named in ``SUMMARY_COLUMNS``; hist (n, nh, 7): t, ECEF
x, y, z, Earth-relative vx, vy, vz in ECEF axes, sampled every ``dt_out`` s (0 disables).

References: [DP80] J. R. Dormand, P. J. Prince, "A family of embedded Runge-Kutta formulae",
J. Comput. Appl. Math. 6 (1980) 19-26. [HNW93] E. Hairer, S. P. Norsett, G. Wanner, "Solving
Ordinary Differential Equations I", 2nd ed., Springer 1993, sec. II.4-II.6. [US76] U.S. Standard
Atmosphere 1976, NOAA-S/T 76-1562.
"""

from __future__ import annotations

import math

import numpy as np

from thaadsim.core._jit import njit
from thaadsim.core.dopri5 import (
    _H_INIT_S,
    _H_MAX_POWERED_S,
    _H_MIN_AFTER_BURNOUT_S,
    _clamp_step,
    _dopri5_step,
    _hermite,
    _next_step,
    _step_ratio,
)
from thaadsim.core.dynamics import (  # noqa: F401 (deriv, alt_of, earth_params: public API)
    _EARTH_A,
    _EARTH_MU,
    _EARTH_OMEGA,
    _GUID_LIFT_TO_DRAG,
    _GUID_T_CUTOFF,
    _GUID_T_PITCH_END,
    _GUID_T_VERTICAL,
    _STAGE_T_BURN,
    NGUID,
    alt_of,
    deriv,
    earth_params,
)
from thaadsim.core.pool import run_chunks

SUMMARY_COLUMNS = (
    "status", "t_impact", "x_imp", "y_imp", "z_imp", "apogee_alt", "t_apogee", "t_burnout",
    "burnout_alt", "burnout_speed", "burnout_fpa", "reentry_speed", "impact_speed",
    "burnout_speed_inertial", "x_bo", "y_bo", "z_bo", "steps", "max_q",
)
NSUM = len(SUMMARY_COLUMNS)
COL = {name: i for i, name in enumerate(SUMMARY_COLUMNS)}
STATUS_IMPACT, STATUS_ORBIT, STATUS_MAXSTEPS, STATUS_TIMEOUT = 0, 1, 2, 3  # timeout: also no
# lift-off (thrust below weight)
REENTRY_RTOL_FACTOR = 100.0  # assumption, checked by tests: reentry steps at 100 x rtol
REENTRY_ALT_M = 100_000.0  # assumption: the Karman line (FAI convention) as reentry altitude

# Summary columns by name (module-level ints: compile-time constants in the kernels)
_COL_STATUS = COL["status"]
_COL_T_IMPACT = COL["t_impact"]
_COL_X_IMP, _COL_Y_IMP, _COL_Z_IMP = COL["x_imp"], COL["y_imp"], COL["z_imp"]
_COL_APOGEE_ALT = COL["apogee_alt"]
_COL_T_APOGEE = COL["t_apogee"]
_COL_T_BURNOUT = COL["t_burnout"]
_COL_BURNOUT_ALT = COL["burnout_alt"]
_COL_BURNOUT_SPEED = COL["burnout_speed"]
_COL_BURNOUT_FPA = COL["burnout_fpa"]
_COL_REENTRY_SPEED = COL["reentry_speed"]
_COL_IMPACT_SPEED = COL["impact_speed"]
_COL_BURNOUT_SPEED_INERTIAL = COL["burnout_speed_inertial"]
_COL_X_BO, _COL_Y_BO, _COL_Z_BO = COL["x_bo"], COL["y_bo"], COL["z_bo"]
_COL_STEPS = COL["steps"]
_COL_MAX_Q = COL["max_q"]

# Events
_T_EPS_S = 1e-9  # assumption: times closer than this are the same event / output time
_ROOT_ITERS = 40  # assumption: bisection to 2^-40 of a step, far below any tolerance
_IMPACT_ALT_TOL_M = 1e-3  # assumption: impact root accepted within 1 mm of the surface
_ARM_MARGIN_M = 1.0  # assumption: impact detection arms 1 m above the impact surface
_LIFTOFF_TIMEOUT_S = 60.0  # assumption: not above the surface after 60 s = no lift-off
_ORBIT_PERIGEE_ALT_M = 100_000.0  # assumption: a perigee above the Karman line is an orbit
_ECC_CIRCULAR = 1e-9  # assumption: below this eccentricity the free-flight angle is undefined


@njit(cache=True)
def _r_dot_v(y):
    """r . v (m^2/s): the sign of the radial velocity (the same for inertial and Earth-relative
    velocity, since omega x r is normal to r)."""
    return y[0] * y[3] + y[1] * y[4] + y[2] * y[5]


@njit(cache=True)
def _write_hist(hist, i, j, t, y, om):
    """Row j of trajectory i: t, ECEF position, Earth-relative velocity in ECEF axes."""
    c = math.cos(-om * t)
    s = math.sin(-om * t)
    x = c * y[0] - s * y[1]
    yy = s * y[0] + c * y[1]
    # Earth-relative velocity in inertial axes, then rotate to ECEF axes
    wx = y[3] + om * y[1]
    wy = y[4] - om * y[0]
    hist[i, j, 0] = t
    hist[i, j, 1] = x
    hist[i, j, 2] = yy
    hist[i, j, 3] = y[2]
    hist[i, j, 4] = c * wx - s * wy
    hist[i, j, 5] = s * wx + c * wy
    hist[i, j, 6] = y[5]


@njit(cache=True)
def _rel_speed_fpa(y, om):
    """Earth-relative speed (m/s) and flight-path angle (rad) of an inertial state."""
    wx = y[3] + om * y[1]
    wy = y[4] - om * y[0]
    wz = y[5]
    v = math.sqrt(wx * wx + wy * wy + wz * wz)
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    vr = (wx * y[0] + wy * y[1] + wz * y[2]) / r
    fpa = math.asin(min(1.0, max(-1.0, vr / v))) if v > 0 else 0.0
    return v, fpa


@njit(cache=True)
def _initial_state(r0, v0, om, y):
    """Inertial state y (m, m/s) at t = 0 from ECEF position r0 and Earth-relative velocity v0."""
    for k in range(3):
        y[k] = r0[k]
    y[3] = v0[0] - om * r0[1]
    y[4] = v0[1] + om * r0[0]
    y[5] = v0[2]


@njit(cache=True)
def _thrust_end_time(stages, nst, t_cut):
    """End of powered flight (s): burnout of the last stage or the cutoff, 0 without stages."""
    t_burn_total = 0.0
    for k in range(nst):
        t_burn_total += stages[k, _STAGE_T_BURN]
    return min(t_burn_total, t_cut) if nst > 0 else 0.0


@njit(cache=True)
def _next_event_time(t, stages, nst, t_cut, t_vertical, t_pitch_end):
    """Earliest thrust discontinuity after t (s): a stage end, the cutoff, the end of the
    vertical rise or of the pitch-over; inf if none is left."""
    te = np.inf
    tacc = 0.0
    for k in range(nst):
        tacc += stages[k, _STAGE_T_BURN]
        if tacc > t + _T_EPS_S and tacc < te:
            te = tacc
    if t_cut > t + _T_EPS_S and t_cut < te:
        te = t_cut
    if t_vertical > t + _T_EPS_S and t_vertical < te:
        te = t_vertical
    if t_pitch_end > t + _T_EPS_S and t_pitch_end < te:
        te = t_pitch_end
    return te


@njit(cache=True)
def _locate_impact(t, h, y0, f0, y1, f1, f_lo, f_hi, h_surf, earth, yi):
    """Time (s) at which the step (t, y0) -> (t + h, y1) crosses altitude ``h_surf`` (m).

    Root of altitude - h_surf on the cubic Hermite interpolant (f0, f1: dy/dt at the ends;
    f_lo > 0 >= f_hi: the values at the ends), by secant steps safeguarded by bisection; the
    interpolated state at the root is left in ``yi``.
    """
    lo, hi = 0.0, 1.0
    flo, fhi = f_lo, f_hi
    s = 1.0
    for _it in range(_ROOT_ITERS):
        s = lo + (hi - lo) * flo / (flo - fhi) if flo != fhi else 0.5 * (lo + hi)
        if s <= lo or s >= hi:
            s = 0.5 * (lo + hi)
        _hermite(y0, f0, y1, f1, h, s, yi)
        fs = alt_of(yi, earth) - h_surf
        if abs(fs) < _IMPACT_ALT_TOL_M:
            break
        if fs > 0:
            lo, flo = s, fs
        else:
            hi, fhi = s, fs
    return t + s * h


@njit(cache=True)
def _locate_apogee(t, h, y0, f0, y1, f1, earth, yi):
    """(altitude m, time s) of the apogee inside a step whose radial velocity changes sign from
    positive to non-positive: bisection on r . v of the cubic Hermite interpolant."""
    lo, hi = 0.0, 1.0
    s = 0.5
    for _it in range(_ROOT_ITERS):
        s = 0.5 * (lo + hi)
        _hermite(y0, f0, y1, f1, h, s, yi)
        if _r_dot_v(yi) > 0.0:
            lo = s
        else:
            hi = s
    return alt_of(yi, earth), t + s * h


@njit(cache=True)
def _classify_orbit(y, earth):
    """True if the Keplerian orbit through the inertial state ``y`` counts as an orbit: escape,
    a perigee above ``_ORBIT_PERIGEE_ALT_M``, or a free-flight angle to the equatorial radius of
    half a turn or more (global, fractional-orbit reach)."""
    mu, a = earth[_EARTH_MU], earth[_EARTH_A]
    vin = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
    r = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
    en = 0.5 * vin * vin - mu / r
    hx = y[1] * y[5] - y[2] * y[4]
    hy = y[2] * y[3] - y[0] * y[5]
    hz = y[0] * y[4] - y[1] * y[3]
    h2 = hx * hx + hy * hy + hz * hz
    if en >= 0.0:
        return True
    sma = -mu / (2.0 * en)
    ecc = math.sqrt(max(0.0, 1.0 - h2 / (mu * sma)))
    if sma * (1.0 - ecc) > a + _ORBIT_PERIGEE_ALT_M:
        return True
    semi_p = h2 / mu
    if ecc > _ECC_CIRCULAR:
        cb = min(1.0, max(-1.0, (semi_p / r - 1.0) / ecc))
        nu_b = math.acos(cb)  # true anomaly now
        if _r_dot_v(y) < 0.0:
            nu_b = 2.0 * math.pi - nu_b
        ci = (semi_p / a - 1.0) / ecc
        if -1.0 <= ci <= 1.0:
            nu_i = 2.0 * math.pi - math.acos(ci)  # true anomaly at the descending crossing of a
            if nu_i - nu_b >= math.pi:
                return True
    return False


@njit(cache=True)
def _record_burnout(summary, i, t, alt, y, om):
    """Burnout columns of row i from the inertial state y at time t (s), altitude alt (m)."""
    summary[i, _COL_T_BURNOUT] = t
    summary[i, _COL_BURNOUT_ALT] = alt
    v, fpa = _rel_speed_fpa(y, om)
    summary[i, _COL_BURNOUT_SPEED] = v
    summary[i, _COL_BURNOUT_FPA] = fpa
    summary[i, _COL_BURNOUT_SPEED_INERTIAL] = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
    c = math.cos(-om * t)
    sn = math.sin(-om * t)
    summary[i, _COL_X_BO] = c * y[0] - sn * y[1]
    summary[i, _COL_Y_BO] = sn * y[0] + c * y[1]
    summary[i, _COL_Z_BO] = y[2]


@njit(cache=True)
def _record_impact(summary, i, ti, yi, om, reentry_done):
    """Impact columns of row i from the inertial state yi at time ti (s); the impact speed
    doubles as the reentry speed if the reentry altitude was never crossed."""
    c = math.cos(-om * ti)
    sn = math.sin(-om * ti)
    summary[i, _COL_STATUS] = STATUS_IMPACT
    summary[i, _COL_T_IMPACT] = ti
    summary[i, _COL_X_IMP] = c * yi[0] - sn * yi[1]
    summary[i, _COL_Y_IMP] = sn * yi[0] + c * yi[1]
    summary[i, _COL_Z_IMP] = yi[2]
    v, _ = _rel_speed_fpa(yi, om)
    summary[i, _COL_IMPACT_SPEED] = v
    if not reentry_done:
        summary[i, _COL_REENTRY_SPEED] = v


@njit(cache=True)
def _fly_one(i, r0_ecef, v0_rel, stages, nst, m_rv, beta, guid, h_impact, mach_tab, cd_tab,
             earth, drag, rtol, t_max, dt_out, max_steps, summary, hist, nhist):
    """Trajectory ``i`` of ``fly_kernel`` (same arguments)."""
    om = earth[_EARTH_OMEGA]
    nh = hist.shape[1]
    y = np.empty(6)  # accepted state at t (inertial m, m/s)
    yn = np.empty(6)  # trial state at t + hh
    ytmp = np.empty(6)  # DOPRI5 stage argument
    k1 = np.empty(6)  # DOPRI5 stages; k1 = f(t, y)
    k2 = np.empty(6)
    k3 = np.empty(6)
    k4 = np.empty(6)
    k5 = np.empty(6)
    k6 = np.empty(6)
    k7 = np.empty(6)
    fn = np.empty(6)  # f(t + hh, yn) on the far side of a discontinuity at t + hh
    yi = np.empty(6)  # state interpolated inside a step
    _initial_state(r0_ecef[i], v0_rel[i], om, y)
    st, ns, g, mrv, bt, hs = stages[i], nst[i], guid[i], m_rv[i], beta[i], h_impact[i]
    t_end_thrust = _thrust_end_time(st, ns, g[_GUID_T_CUTOFF])
    for c in range(NSUM):
        summary[i, c] = np.nan
    summary[i, _COL_STATUS] = STATUS_TIMEOUT
    t = 0.0
    alt, q = deriv(t, y, k1, st, ns, mrv, bt, g, mach_tab, cd_tab, earth, drag)
    apo, t_apo, maxq = alt, 0.0, q
    burnt = ns == 0
    if burnt:
        _record_burnout(summary, i, t, alt, y, om)
    reentry_done = False
    armed = False  # impact detection starts once the vehicle is above the impact surface
    h = _H_INIT_S
    steps = 0
    jh = 0
    if dt_out > 0.0 and nh > 0:
        _write_hist(hist, i, np.int64(0), t, y, om)  # not a literal 0: one signature
        jh = 1
    t_next_out = dt_out if dt_out > 0.0 else np.inf
    while True:
        if steps >= max_steps:
            summary[i, _COL_STATUS] = STATUS_MAXSTEPS
            break
        if t >= t_max:
            break
        te = np.inf
        if not burnt:
            te = _next_event_time(t, st, ns, g[_GUID_T_CUTOFF], g[_GUID_T_VERTICAL],
                                 g[_GUID_T_PITCH_END])
            if h > _H_MAX_POWERED_S:
                h = _H_MAX_POWERED_S
        hh, landed_event = _clamp_step(t, h, t_max, te, t_next_out)
        # reentry (unpowered, ballistic, descending below 100 km): the drag grows by e
        # every ~3 s; a looser relative tolerance there keeps the impact within metres
        rt = rtol * REENTRY_RTOL_FACTOR if (burnt and q > 0.0 and alt < REENTRY_ALT_M
                                             and g[_GUID_LIFT_TO_DRAG] == 0.0
                                             and _r_dot_v(y) < 0.0) else rtol
        err = _dopri5_step(t, hh, y, k1, k2, k3, k4, k5, k6, k7, ytmp, yn, st, ns, mrv, bt, g,
                           mach_tab, cd_tab, earth, drag, rt)
        steps += 1
        if err > 1.0:
            h = hh * _step_ratio(err)
            continue
        # accepted
        t_new = t + hh
        alt_new, q_new = deriv(t_new, yn, fn, st, ns, mrv, bt, g, mach_tab, cd_tab, earth,
                               drag)
        if not armed and alt_new > hs + _ARM_MARGIN_M:
            armed = True
        if not armed and t_new > _LIFTOFF_TIMEOUT_S:  # thrust below weight
            summary[i, _COL_STATUS] = STATUS_TIMEOUT
            break
        if not reentry_done and t_new > t_end_thrust and alt_new < alt and \
                alt_new <= min(REENTRY_ALT_M, apo):
            summary[i, _COL_REENTRY_SPEED] = _rel_speed_fpa(yn, om)[0]
            reentry_done = True
        if armed and alt_new <= hs:  # impact, or a crash during the boost
            ti = _locate_impact(t, hh, y, k1, yn, fn, alt - hs, alt_new - hs, hs, earth, yi)
            _record_impact(summary, i, ti, yi, om, reentry_done)
            if dt_out > 0.0 and jh < nh:
                _write_hist(hist, i, jh, ti, yi, om)
                jh += 1
            break
        if _r_dot_v(y) > 0.0 and _r_dot_v(yn) <= 0.0:
            a_top, t_top = _locate_apogee(t, hh, y, k1, yn, fn, earth, yi)
            if a_top > apo:
                apo, t_apo = a_top, t_top
        for k in range(6):
            y[k] = yn[k]
            k1[k] = fn[k]
        t, alt, q = t_new, alt_new, q_new
        if q_new > maxq:
            maxq = q_new
        if alt > apo:
            apo, t_apo = alt, t
        if dt_out > 0.0 and t >= t_next_out - _T_EPS_S:
            if jh < nh:
                _write_hist(hist, i, jh, t, y, om)
                jh += 1
            t_next_out += dt_out
        if not burnt and t >= t_end_thrust - _T_EPS_S:
            burnt = True
            _record_burnout(summary, i, t, alt, y, om)
            if _classify_orbit(y, earth):
                summary[i, _COL_STATUS] = STATUS_ORBIT
                break
            h = max(h, _H_MIN_AFTER_BURNOUT_S)
            continue
        h = _next_step(h, hh, err, landed_event)
    summary[i, _COL_APOGEE_ALT] = apo
    summary[i, _COL_T_APOGEE] = t_apo
    summary[i, _COL_STEPS] = steps
    summary[i, _COL_MAX_Q] = maxq
    nhist[i] = jh


@njit(cache=True, nogil=True)
def _fly_range(i0, i1, r0_ecef, v0_rel, stages, nst, m_rv, beta, guid, h_impact, mach_tab,
               cd_tab, earth, drag, rtol, t_max, dt_out, max_steps, summary, hist, nhist):
    """Trajectories ``i0`` to ``i1 - 1`` of ``fly_kernel``, without the GIL."""
    for i in range(i0, i1):
        _fly_one(i, r0_ecef, v0_rel, stages, nst, m_rv, beta, guid, h_impact, mach_tab, cd_tab,
                 earth, drag, rtol, t_max, dt_out, max_steps, summary, hist, nhist)


_CHUNKS_PER_THREAD = 4  # load balance: trajectories of one batch differ in cost by 10x


def fly_kernel(r0_ecef, v0_rel, stages, nst, m_rv, beta, guid, h_impact, mach_tab, cd_tab,
               earth, drag, rtol, t_max, dt_out, max_steps, summary, hist, nhist):
    """Fly n trajectories in parallel (layouts in the module docstring).

    The trajectories are independent: chunks of them run on the kernels' thread pool
    (``core.pool.run_chunks``, as many threads as ``NUMBA_NUM_THREADS``) on a compiled kernel
    that releases the GIL. Each trajectory writes only its own rows, so the result does not
    depend on the number of threads.

    Dormand-Prince 5(4) with relative tolerance ``rtol``, steps clamped to staging, cutoff and
    output times, until impact on the surface ``h_impact``, orbit, ``t_max`` or ``max_steps``
    trial steps. Impact and apogee are located on the cubic Hermite interpolant of the step.

    Parameters
    ----------
    r0_ecef : ndarray, shape (n, 3)
        Launch positions, ECEF (m).
    v0_rel : ndarray, shape (n, 3)
        Earth-relative initial velocities in ECEF axes (m/s); zero for a launch.
    stages : ndarray, shape (n, 3, 6)
        Per stage: m_prop (kg), m_dry (kg), isp_sl (s), isp_vac (s), t_burn (s), area (m^2).
    nst : ndarray of int, shape (n,)
        Number of stages used (0: unpowered body).
    m_rv : ndarray, shape (n,)
        Reentry-vehicle mass (kg).
    beta : ndarray, shape (n,)
        Ballistic coefficient after burnout (kg/m^2); 0 disables coast drag.
    guid : ndarray, shape (n, NGUID)
        t_vertical (s), theta_final (rad), azimuth (rad), t_cutoff (s; inf for a full burn),
        t_pitch_end (s), lift_to_drag (-), pullup_alt (m).
    h_impact : ndarray, shape (n,)
        Altitude of the impact surface (m).
    mach_tab : ndarray, shape (m,)
        Mach numbers (-) of the boost-phase drag table.
    cd_tab : ndarray, shape (2 m,)
        Drag coefficients (-) at those Mach numbers, then their slopes (``core.aero.CD_TABLE``).
    earth : ndarray, shape (6,)
        See ``earth_params``.
    drag : int
        Nonzero: atmosphere on (drag and the isp blend); 0: vacuum.
    rtol : float
        Relative error tolerance of a step (-).
    t_max : float
        Longest flight time (s).
    dt_out : float
        History sampling interval (s); 0 for none.
    max_steps : int
        Most trial steps per trajectory.
    summary : ndarray, shape (n, NSUM)
        Output, overwritten: the columns of ``SUMMARY_COLUMNS`` (SI units: s, m, m/s, rad, Pa;
        ``status`` one of ``STATUS_*``).
    hist : ndarray, shape (n, nh, 7)
        Output: t (s), ECEF x, y, z (m), Earth-relative velocity in ECEF axes (m/s).
    nhist : ndarray of int, shape (n,)
        Output: history rows written per trajectory.

    Returns
    -------
    None
        Results are written to ``summary``, ``hist`` and ``nhist``.

    References
    ----------
    J. R. Dormand, P. J. Prince, J. Comput. Appl. Math. 6 (1980) 19-26; E. Hairer, S. P. Norsett,
    G. Wanner, Solving Ordinary Differential Equations I, 2nd ed., Springer 1993, sec. II.4-II.6.
    """
    run_chunks(_fly_range, r0_ecef.shape[0], r0_ecef, v0_rel, stages, nst, m_rv, beta, guid,
               h_impact, mach_tab, cd_tab, earth, drag, rtol, t_max, dt_out, max_steps, summary,
               hist, nhist, chunks_per_thread=_CHUNKS_PER_THREAD)


