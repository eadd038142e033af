"""Batched trajectory integrator for powered and ballistic flight (numba kernel).

Physics (all switchable through ``earth`` and ``drag``):
- WGS84 ellipsoid for altitude, J2 gravity, Earth rotation;
- integration in the inertial frame that coincides with ECEF at t = 0 (no fictitious forces);
  the atmosphere turns with the Earth, so drag acts on the air-relative velocity v - omega x r;
- thrust from up to three sequential stages: mass flow m_prop / t_burn, specific impulse blended
  from sea level to vacuum with ambient pressure; thrust direction from the pitch program (vertical
  rise to ``t_vertical``, then the thrust elevation above the local horizontal falls linearly to
  ``theta_final`` at ``t_pitch_end`` and is held there, at fixed azimuth from local north;
  ``t_pitch_end`` is the end of the first stage by default; upper stages then fly a gravity
  turn (thrust along the Earth-relative velocity), which keeps gravity losses near those of flown
  pitch programs; single-stage missiles follow the program to burnout);
- boost-phase drag with Cd(Mach) on the current stage's cross-section; after burnout or thrust
  cutoff the reentry vehicle flies alone with ballistic coefficient beta = m / (Cd A).

Integrator: Dormand-Prince 5(4), adaptive step per trajectory, steps clamped to land on staging,
cutoff and output times (the only discontinuities). Impact is located on the cubic Hermite
interpolant of the last step. Each trajectory runs in its own thread slot (``prange``); nothing
allocates inside the loop.

Layouts (n = batch size):
  r0_ecef (n, 3) m; v0_rel (n, 3) m/s Earth-relative initial velocity (zero for a launch)
  stages (n, 3, 6): m_prop kg, m_dry kg, isp_sl s, isp_vac s, t_burn s, area m^2; nst (n,) int
  m_rv (n,) kg, beta (n,) kg/m^2, guid (n, 5): t_vertical s, theta_final rad, azimuth rad,
  t_cutoff s (inf for full burn), t_pitch_end s (end of the pitch-over; the elevation is held
  after it); h_impact (n,) m: altitude of the impact surface.
  earth (6,): a, f, mu, re_j2, j2, omega.
Outputs: summary (n, NSUM) with the columns named in ``SUMMARY_COLUMNS``; hist (n, nh, 7): t, ECEF
x, y, z, Earth-relative vx, vy, vz in ECEF axes, sampled every ``dt_out`` s (0 disables).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from thaadsim.core._jit import njit
from thaadsim.core.atmosphere import G0, state
from thaadsim.core.earth import geodetic_alt_lat, gravity_j2

SUMMARY_COLUMNS = (
    "status", "t_impact", "x_imp", "y_imp", "z_imp", "apogee_alt", "t_apogee", "t_burnout",
    "burnout_alt", "burnout_speed", "burnout_fpa", "reentry_speed", "impact_speed",
    "burnout_speed_inertial", "x_bo", "y_bo", "z_bo", "steps", "max_q",
)
NSUM = len(SUMMARY_COLUMNS)
COL = {name: i for i, name in enumerate(SUMMARY_COLUMNS)}
STATUS_IMPACT, STATUS_ORBIT, STATUS_MAXSTEPS, STATUS_TIMEOUT = 0, 1, 2, 3  # timeout: also no
# lift-off (thrust below weight)
REENTRY_ALT_M = 100_000.0

# Dormand-Prince 5(4) tableau
_C2, _C3, _C4, _C5 = 1 / 5, 3 / 10, 4 / 5, 8 / 9
_A21 = 1 / 5
_A31, _A32 = 3 / 40, 9 / 40
_A41, _A42, _A43 = 44 / 45, -56 / 15, 32 / 9
_A51, _A52, _A53, _A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
_A61, _A62, _A63, _A64, _A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
_B1, _B3, _B4, _B5, _B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
_E1, _E3, _E4, _E5, _E6, _E7 = (71 / 57600, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525,
                                -1 / 40)


@njit(cache=True)
def _mass_thrust_area(t, stages, nst, m_rv, t_cut):
    """Mass (kg), thrust mass flow (kg/s), isp_sl, isp_vac, stage area at time t."""
    if nst == 0 or t >= t_cut:
        return m_rv, 0.0, 0.0, 0.0, 0.0
    t0 = 0.0
    for k in range(nst):
        tb = stages[k, 4]
        if t < t0 + tb:
            frac = (t - t0) / tb
            m = m_rv + stages[k, 1] + stages[k, 0] * (1.0 - frac)
            for j in range(k + 1, nst):
                m += stages[j, 0] + stages[j, 1]
            return m, stages[k, 0] / tb, stages[k, 2], stages[k, 3], stages[k, 5]
        t0 += tb
    return m_rv, 0.0, 0.0, 0.0, 0.0


@njit(cache=True)
def _cd(mach, mach_tab, cd_tab):
    n = mach_tab.shape[0]
    if mach <= mach_tab[0]:
        return cd_tab[0]
    if mach >= mach_tab[n - 1]:
        return cd_tab[n - 1]
    j = 0
    while mach_tab[j + 1] < mach:
        j += 1
    w = (mach - mach_tab[j]) / (mach_tab[j + 1] - mach_tab[j])
    return cd_tab[j] + w * (cd_tab[j + 1] - cd_tab[j])


@njit(cache=True)
def _deriv(t, y, dy, stages, nst, m_rv, beta, guid, t_burn_total, mach_tab, cd_tab, earth, drag):
    """dy/dt for y = (r, v) inertial; returns (altitude, dynamic pressure)."""
    a, f, mu, rej2, j2, om = earth[0], earth[1], earth[2], earth[3], earth[4], earth[5]
    x, yy, z = y[0], y[1], y[2]
    vx, vy, vz = y[3], y[4], y[5]
    gx, gy, gz = gravity_j2(x, yy, z, mu, rej2, j2)
    p = math.sqrt(x * x + yy * yy)
    alt, lat = geodetic_alt_lat(p, z, a, f)
    # Earth-relative (air) velocity
    wx = vx + om * yy
    wy = vy - om * x
    wz = vz
    vrel = math.sqrt(wx * wx + wy * wy + wz * wz)
    ax, ay, az = gx, gy, gz
    m, mdot, isp_sl, isp_vac, area = _mass_thrust_area(t, stages, nst, m_rv, guid[3])
    q = 0.0
    rho = 0.0
    pa = 0.0
    csnd = 340.0
    if drag != 0 and alt < 1.0e6:
        _, pa, rho, csnd = state(alt)
        q = 0.5 * rho * vrel * vrel
    if mdot > 0.0:
        isp = isp_vac - (isp_vac - isp_sl) * pa / 101325.0
        thrust = mdot * G0 * isp
        t_pe = guid[4]
        if t < guid[0]:
            th = 0.5 * math.pi
        elif t < t_pe:
            th = 0.5 * math.pi - (0.5 * math.pi - guid[1]) * (t - guid[0]) / (t_pe - guid[0])
        else:
            th = guid[1]
        lon = math.atan2(yy, x)
        sl, cl = math.sin(lat), math.cos(lat)
        so, co = math.sin(lon), math.cos(lon)
        saz, caz = math.sin(guid[2]), math.cos(guid[2])
        st, ct = math.sin(th), math.cos(th)
        # up, north, east in the inertial axes at the current position
        ux, uy, uz = cl * co, cl * so, sl
        nx, ny, nz = -sl * co, -sl * so, cl
        ex, ey = -so, co
        dx = st * ux + ct * (caz * nx + saz * ex)
        dyy = st * uy + ct * (caz * ny + saz * ey)
        dz = st * uz + ct * caz * nz
        if t >= t_pe and nst > 1 and vrel > 0.0:
            # upper stages: gravity turn, thrust along the Earth-relative velocity
            dx = wx / vrel
            dyy = wy / vrel
            dz = wz / vrel
        k = thrust / m
        ax += k * dx
        ay += k * dyy
        az += k * dz
        if q > 0.0 and vrel > 0.0:
            kd = q * _cd(vrel / csnd, mach_tab, cd_tab) * area / (m * vrel)
            ax -= kd * wx
            ay -= kd * wy
            az -= kd * wz
    elif q > 0.0 and vrel > 0.0 and beta > 0.0:
        kd = q / (beta * vrel)
        ax -= kd * wx
        ay -= kd * wy
        az -= kd * wz
    dy[0] = vx
    dy[1] = vy
    dy[2] = vz
    dy[3] = ax
    dy[4] = ay
    dy[5] = az
    return alt, q


@njit(cache=True)
def _alt_of(y, earth):
    return geodetic_alt_lat(math.sqrt(y[0] * y[0] + y[1] * y[1]), y[2], earth[0], earth[1])[0]


@njit(cache=True)
def _hermite(y0, f0, y1, f1, h, s, out):
    """Cubic Hermite position/velocity at fraction s of a step of length h."""
    s2 = s * s
    s3 = s2 * s
    h00 = 2 * s3 - 3 * s2 + 1
    h10 = s3 - 2 * s2 + s
    h01 = -2 * s3 + 3 * s2
    h11 = s3 - s2
    d00 = (6 * s2 - 6 * s) / h
    d10 = 3 * s2 - 4 * s + 1
    d01 = (-6 * s2 + 6 * s) / h
    d11 = 3 * s2 - 2 * s
    for k in range(3):
        out[k] = h00 * y0[k] + h10 * h * f0[k] + h01 * y1[k] + h11 * h * f1[k]
        out[3 + k] = d00 * y0[k] + d10 * f0[k] + d01 * y1[k] + d11 * f1[k]


@njit(cache=True)
def _write_hist(hist, i, j, t, y, om):
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
def _rel_speed_fpa(y, om, earth):
    wx = y[3] + om * y[1]
    wy = y[4] - om * y[0]
    wz = y[5]
    v = math.sqrt(wx * wx + wy * wy + wz * wz)
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    vr = (wx * y[0] + wy * y[1] + wz * y[2]) / r
    fpa = math.asin(min(1.0, max(-1.0, vr / v))) if v > 0 else 0.0
    return v, fpa


@njit(cache=True, parallel=True)
def fly_kernel(r0_ecef, v0_rel, stages, nst, m_rv, beta, guid, h_impact, mach_tab, cd_tab,
               earth, drag, rtol, t_max, dt_out, max_steps, summary, hist, nhist):
    n = r0_ecef.shape[0]
    om = earth[5]
    nh = hist.shape[1]
    for i in nb.prange(n):
        y = np.empty(6)
        yn = np.empty(6)
        ye = np.empty(6)
        ytmp = np.empty(6)
        k1 = np.empty(6)
        k2 = np.empty(6)
        k3 = np.empty(6)
        k4 = np.empty(6)
        k5 = np.empty(6)
        k6 = np.empty(6)
        k7 = np.empty(6)
        sc = np.empty(6)
        yi = np.empty(6)
        for k in range(3):
            y[k] = r0_ecef[i, k]
        y[3] = v0_rel[i, 0] - om * r0_ecef[i, 1]
        y[4] = v0_rel[i, 1] + om * r0_ecef[i, 0]
        y[5] = v0_rel[i, 2]
        st = stages[i]
        ns = nst[i]
        g = guid[i]
        t_cut = g[3]
        # event times: stage ends, cutoff
        t_burn_total = 0.0
        for k in range(ns):
            t_burn_total += st[k, 4]
        t_end_thrust = min(t_burn_total, t_cut) if ns > 0 else 0.0
        for c in range(NSUM):
            summary[i, c] = np.nan
        summary[i, 0] = STATUS_TIMEOUT
        t = 0.0
        alt, q = _deriv(t, y, k1, st, ns, m_rv[i], beta[i], g, t_burn_total, mach_tab, cd_tab,
                        earth, drag)
        apo = alt
        t_apo = 0.0
        maxq = q
        burnt = ns == 0
        if burnt:
            summary[i, 7] = 0.0
            summary[i, 8] = alt
            v, fpa = _rel_speed_fpa(y, om, earth)
            summary[i, 9] = v
            summary[i, 10] = fpa
            summary[i, 13] = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
            summary[i, 14] = r0_ecef[i, 0]
            summary[i, 15] = r0_ecef[i, 1]
            summary[i, 16] = r0_ecef[i, 2]
        reentry_done = False
        h = 0.5
        jh = 0
        if dt_out > 0.0 and nh > 0:
            _write_hist(hist, i, 0, t, y, om)
            jh = 1
        t_next_out = dt_out if dt_out > 0.0 else np.inf
        hs = h_impact[i]
        steps = 0
        armed = False  # impact detection starts once the vehicle is above the impact surface
        while True:
            if steps >= max_steps:
                summary[i, 0] = STATUS_MAXSTEPS
                break
            if t >= t_max:
                break
            # step limits: events and outputs
            hmax = t_max - t
            # next event
            te = np.inf
            if not burnt:
                tacc = 0.0
                for k in range(ns):
                    tacc += st[k, 4]
                    if tacc > t + 1e-9 and tacc < te:
                        te = tacc
                if t_cut > t + 1e-9 and t_cut < te:
                    te = t_cut
                if guid[i, 0] > t + 1e-9 and guid[i, 0] < te:
                    te = guid[i, 0]
                if not burnt and h > 2.0:
                    h = 2.0
            if te - t < hmax:
                hmax = te - t
            if t_next_out - t < hmax:
                hmax = t_next_out - t
            hh = min(h, hmax)
            landed_event = hh == hmax
            # --- DOPRI5 step ---
            for k in range(6):
                ytmp[k] = y[k] + hh * (_A21 * k1[k])
            _deriv(t + _C2 * hh, ytmp, k2, st, ns, m_rv[i], beta[i], g, t_burn_total, mach_tab,
                   cd_tab, earth, drag)
            for k in range(6):
                ytmp[k] = y[k] + hh * (_A31 * k1[k] + _A32 * k2[k])
            _deriv(t + _C3 * hh, ytmp, k3, st, ns, m_rv[i], beta[i], g, t_burn_total, mach_tab,
                   cd_tab, earth, drag)
            for k in range(6):
                ytmp[k] = y[k] + hh * (_A41 * k1[k] + _A42 * k2[k] + _A43 * k3[k])
            _deriv(t + _C4 * hh, ytmp, k4, st, ns, m_rv[i], beta[i], g, t_burn_total, mach_tab,
                   cd_tab, earth, drag)
            for k in range(6):
                ytmp[k] = y[k] + hh * (_A51 * k1[k] + _A52 * k2[k] + _A53 * k3[k] + _A54 * k4[k])
            _deriv(t + _C5 * hh, ytmp, k5, st, ns, m_rv[i], beta[i], g, t_burn_total, mach_tab,
                   cd_tab, earth, drag)
            for k in range(6):
                ytmp[k] = y[k] + hh * (_A61 * k1[k] + _A62 * k2[k] + _A63 * k3[k] + _A64 * k4[k]
                                       + _A65 * k5[k])
            # evaluate the last stage just before the step end so that a thrust or staging
            # discontinuity at t + hh belongs to the next step
            _deriv(t + hh * (1.0 - 1e-12), ytmp, k6, st, ns, m_rv[i], beta[i], g, t_burn_total,
                   mach_tab, cd_tab, earth, drag)
            for k in range(6):
                yn[k] = y[k] + hh * (_B1 * k1[k] + _B3 * k3[k] + _B4 * k4[k] + _B5 * k5[k]
                                     + _B6 * k6[k])
            _deriv(t + hh * (1.0 - 1e-12), yn, k7, st, ns, m_rv[i], beta[i], g, t_burn_total,
                   mach_tab, cd_tab, earth, drag)
            rn = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
            vn = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
            err = 0.0
            for k in range(6):
                ye[k] = hh * (_E1 * k1[k] + _E3 * k3[k] + _E4 * k4[k] + _E5 * k5[k]
                              + _E6 * k6[k] + _E7 * k7[k])
                scale = rtol * (rn if k < 3 else max(vn, 100.0))
                e = abs(ye[k]) / scale
                if e > err:
                    err = e
            steps += 1
            if err > 1.0:
                h = hh * max(0.2, 0.9 * err ** -0.2)
                continue
            # accepted
            h_used = hh
            t_new = t + hh
            alt_new, q_new = _deriv(t_new, yn, sc, st, ns, m_rv[i], beta[i], g, t_burn_total,
                                    mach_tab, cd_tab, earth, drag)
            if not armed and alt_new > hs + 1.0:
                armed = True
            if not armed and t_new > 60.0:
                # thrust below weight: the vehicle never left the ground
                summary[i, 0] = STATUS_TIMEOUT
                break
            # reentry crossing
            if not reentry_done and t_new > t_end_thrust and alt_new < alt and \
                    alt_new <= min(REENTRY_ALT_M, apo):
                v, _ = _rel_speed_fpa(yn, om, earth)
                summary[i, 11] = v
                reentry_done = True
            if armed and alt_new <= hs and t_new > t_end_thrust:
                # locate the crossing on the Hermite interpolant (secant + bisection)
                lo, hi = 0.0, 1.0
                flo = alt - hs
                fhi = alt_new - hs
                s = 1.0
                for _it in range(40):
                    s = lo + (hi - lo) * flo / (flo - fhi) if flo != fhi else 0.5 * (lo + hi)
                    if s <= lo or s >= hi:
                        s = 0.5 * (lo + hi)
                    _hermite(y, k1, yn, sc, h_used, s, yi)
                    fs = _alt_of(yi, earth) - hs
                    if abs(fs) < 1e-3:
                        break
                    if fs > 0:
                        lo, flo = s, fs
                    else:
                        hi, fhi = s, fs
                ti = t + s * h_used
                c = math.cos(-om * ti)
                sn = math.sin(-om * ti)
                summary[i, 0] = STATUS_IMPACT
                summary[i, 1] = ti
                summary[i, 2] = c * yi[0] - sn * yi[1]
                summary[i, 3] = sn * yi[0] + c * yi[1]
                summary[i, 4] = yi[2]
                v, _ = _rel_speed_fpa(yi, om, earth)
                summary[i, 12] = v
                if not reentry_done:
                    summary[i, 11] = v
                if dt_out > 0.0 and jh < nh:
                    _write_hist(hist, i, jh, ti, yi, om)
                    jh += 1
                break
            # apogee inside the step: radial velocity r.v changes sign (r.v is the same for
            # inertial and Earth-relative velocity); bisect on the Hermite interpolant
            rv0 = y[0] * y[3] + y[1] * y[4] + y[2] * y[5]
            rv1 = yn[0] * yn[3] + yn[1] * yn[4] + yn[2] * yn[5]
            if rv0 > 0.0 and rv1 <= 0.0:
                lo, hi = 0.0, 1.0
                for _it in range(40):
                    s = 0.5 * (lo + hi)
                    _hermite(y, k1, yn, sc, h_used, s, yi)
                    if yi[0] * yi[3] + yi[1] * yi[4] + yi[2] * yi[5] > 0.0:
                        lo = s
                    else:
                        hi = s
                a_top = _alt_of(yi, earth)
                if a_top > apo:
                    apo = a_top
                    t_apo = t + s * h_used
            for k in range(6):
                y[k] = yn[k]
                k1[k] = sc[k]
            t = t_new
            alt = alt_new
            if q_new > maxq:
                maxq = q_new
            if alt > apo:
                apo = alt
                t_apo = t
            if dt_out > 0.0 and t >= t_next_out - 1e-9:
                if jh < nh:
                    _write_hist(hist, i, jh, t, y, om)
                    jh += 1
                t_next_out += dt_out
            if not burnt and t >= t_end_thrust - 1e-9:
                burnt = True
                summary[i, 7] = t
                summary[i, 8] = alt
                v, fpa = _rel_speed_fpa(y, om, earth)
                summary[i, 9] = v
                summary[i, 10] = fpa
                vin = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
                summary[i, 13] = vin
                c = math.cos(-om * t)
                sn = math.sin(-om * t)
                summary[i, 14] = c * y[0] - sn * y[1]
                summary[i, 15] = sn * y[0] + c * y[1]
                summary[i, 16] = y[2]
                # Keplerian check: escape or a perigee above the atmosphere is an orbit
                r = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
                en = 0.5 * vin * vin - earth[2] / r
                hx = y[1] * y[5] - y[2] * y[4]
                hy = y[2] * y[3] - y[0] * y[5]
                hz = y[0] * y[4] - y[1] * y[3]
                h2 = hx * hx + hy * hy + hz * hz
                if en >= 0.0:
                    summary[i, 0] = STATUS_ORBIT
                    break
                sma = -earth[2] / (2.0 * en)
                ecc = math.sqrt(max(0.0, 1.0 - h2 / (earth[2] * sma)))
                if sma * (1.0 - ecc) > earth[0] + 100_000.0:
                    summary[i, 0] = STATUS_ORBIT
                    break
                # Keplerian free-flight angle to the equatorial radius: half a turn or more is
                # global (fractional-orbit) reach, reported as orbit
                semi_p = h2 / earth[2]
                if ecc > 1e-9:
                    cb = min(1.0, max(-1.0, (semi_p / r - 1.0) / ecc))
                    nu_b = math.acos(cb)
                    if y[0] * y[3] + y[1] * y[4] + y[2] * y[5] < 0.0:
                        nu_b = 2.0 * math.pi - nu_b
                    ci = (semi_p / earth[0] - 1.0) / ecc
                    if -1.0 <= ci <= 1.0:
                        nu_i = 2.0 * math.pi - math.acos(ci)
                        if nu_i - nu_b >= math.pi:
                            summary[i, 0] = STATUS_ORBIT
                            break
                h = max(h, 1.0)
                continue
            # step-size update (not after a forced event landing that was much shorter)
            fac = 5.0 if err == 0.0 else min(5.0, max(0.2, 0.9 * err ** -0.2))
            hnew = h_used * fac
            if landed_event and hh < h:
                hnew = max(h, hnew) if err < 1.0 else hnew
            h = hnew
        summary[i, 5] = apo
        summary[i, 6] = t_apo
        summary[i, 17] = steps
        summary[i, 18] = maxq
        nhist[i] = jh


def earth_params(rotating: bool = True, j2: bool = True, ellipsoid: bool = True) -> np.ndarray:
    """The ``earth`` vector for ``fly_kernel``: WGS84 by default; each effect can be switched off.

    With ``ellipsoid=False`` the Earth is a sphere of the WGS84 equatorial radius.
    """
    from thaadsim.core import earth as e

    return np.array([e.A_M, e.F if ellipsoid else 0.0, e.MU_M3_S2, e.A_M,
                     e.J2 if j2 else 0.0, e.OMEGA_RAD_S if rotating else 0.0])
