"""One Dormand-Prince 5(4) step with its error estimate, the step-size control, and the cubic
Hermite interpolant used to locate events inside a step (numba, inlined into the kernel).

References: [DP80] J. R. Dormand, P. J. Prince, "A family of embedded Runge-Kutta formulae",
J. Comput. Appl. Math. 6 (1980) 19-26. [HNW93] E. Hairer, S. P. Norsett, G. Wanner, "Solving
Ordinary Differential Equations I", 2nd ed., Springer 1993, sec. II.4-II.6.
"""

from __future__ import annotations

import math

from thaadsim.core._jit import njit
from thaadsim.core.dynamics import deriv

# Dormand-Prince 5(4) tableau [DP80], [HNW93] table II.5.2; _E* = b - b_hat (error weights)
_C2, _C3, _C4, _C5 = 1 / 5, 3 / 10, 4 / 5, 8 / 9
_A21 = 1 / 5
_A31, _A32 = 3 / 40, 9 / 40
_A41, _A42, _A43 = 44 / 45, -56 / 15, 32 / 9
_A51, _A52, _A53, _A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
_A61, _A62, _A63, _A64, _A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
_B1, _B3, _B4, _B5, _B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
_E1, _E3, _E4, _E5, _E6, _E7 = (71 / 57600, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525,
                                -1 / 40)

# Step-size control, [HNW93] sec. II.4, eq. (4.13): h_new = h * min(FAC_MAX, max(FAC_MIN,
# SAFETY * err^(-1/(q+1)))) with q = 4, the order of the embedded error estimate
_SAFETY = 0.9  # [HNW93] safety factor (DOPRI5 code default)
_FAC_MIN = 0.2  # [HNW93] smallest step ratio (DOPRI5 code default)
_FAC_MAX = 5.0  # assumption: largest step ratio (the DOPRI5 code default is 10)
_ERR_EXP = -0.2  # -1/(q+1), q = 4
_H_INIT_S = 0.5  # assumption: first trial step
_H_MAX_POWERED_S = 10.0  # assumption: longest step under thrust (pitch program, mass flow)
_H_MIN_AFTER_BURNOUT_S = 1.0  # assumption: the first coast step may grow to at least this
_V_SCALE_MIN_M_S = 100.0  # assumption: floor of the velocity error scale (launch from rest)
_STAGE_END_FRAC = 1.0 - 1e-12  # assumption: the last DOPRI5 stages are evaluated this fraction
# into the step so that a discontinuity at its end belongs to the next step


@njit(cache=True)
def _hermite(y0, f0, y1, f1, h, s, out):
    """Cubic Hermite position/velocity at fraction s of a step of length h (the standard Hermite
    basis on [0, 1] and its derivative; positions from y and dy/dt at both ends)."""
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
def _clamp_step(t, h, t_max, te, t_next_out):
    """(step s, whether it was shortened): the proposal h cut to end no later than t_max, the
    next event te or the next output time."""
    hmax = t_max - t
    if te - t < hmax:
        hmax = te - t
    if t_next_out - t < hmax:
        hmax = t_next_out - t
    hh = min(h, hmax)
    return hh, hh == hmax


@njit(cache=True)
def _step_ratio(err):
    """New step over old step for error norm ``err`` > 0 ([HNW93] eq. II.4.13), at least
    ``_FAC_MIN``; the caller applies ``_FAC_MAX``."""
    return max(_FAC_MIN, _SAFETY * err ** _ERR_EXP)


@njit(cache=True)
def _next_step(h, hh, err, landed_event):
    """Trial step (s) after an accepted step hh with error norm err <= 1 that was proposed as h;
    a step forced short to land on an event or output time does not shrink the proposal."""
    fac = _FAC_MAX if err == 0.0 else min(_FAC_MAX, _step_ratio(err))
    hnew = hh * fac
    if landed_event and hh < h:
        hnew = max(h, hnew) if err < 1.0 else hnew
    return hnew


@njit(cache=True)
def _dopri5_step(t, hh, y, k1, k2, k3, k4, k5, k6, k7, ytmp, yn, stages, nst, m_rv, beta, guid,
                 mach_tab, cd_tab, earth, drag, rtol):
    """One Dormand-Prince 5(4) trial step of length hh (s) from (t, y), with k1 = f(t, y).

    Writes the fifth-order solution to ``yn`` and the stages to k2..k7, k7 = f(t + hh, yn) just
    before the step end (``ytmp`` is scratch); the arguments after ``yn`` are those of ``deriv``;
    returns the error norm: the largest component of the embedded error estimate over its scale,
    rtol * |r| for positions and rtol * max(|v|, _V_SCALE_MIN_M_S) for velocities (accept <= 1).
    """
    for k in range(6):
        ytmp[k] = y[k] + hh * (_A21 * k1[k])
    deriv(t + _C2 * hh, ytmp, k2, stages, nst, m_rv, beta, guid, mach_tab, cd_tab, earth, drag)
    for k in range(6):
        ytmp[k] = y[k] + hh * (_A31 * k1[k] + _A32 * k2[k])
    deriv(t + _C3 * hh, ytmp, k3, stages, nst, m_rv, beta, guid, mach_tab, cd_tab, earth, drag)
    for k in range(6):
        ytmp[k] = y[k] + hh * (_A41 * k1[k] + _A42 * k2[k] + _A43 * k3[k])
    deriv(t + _C4 * hh, ytmp, k4, stages, nst, m_rv, beta, guid, mach_tab, cd_tab, earth, drag)
    for k in range(6):
        ytmp[k] = y[k] + hh * (_A51 * k1[k] + _A52 * k2[k] + _A53 * k3[k] + _A54 * k4[k])
    deriv(t + _C5 * hh, ytmp, k5, stages, nst, m_rv, beta, guid, mach_tab, cd_tab, earth, drag)
    for k in range(6):
        ytmp[k] = y[k] + hh * (_A61 * k1[k] + _A62 * k2[k] + _A63 * k3[k] + _A64 * k4[k]
                               + _A65 * k5[k])
    t_end = t + hh * _STAGE_END_FRAC
    deriv(t_end, ytmp, k6, stages, nst, m_rv, beta, guid, mach_tab, cd_tab, earth, drag)
    for k in range(6):
        yn[k] = y[k] + hh * (_B1 * k1[k] + _B3 * k3[k] + _B4 * k4[k] + _B5 * k5[k] + _B6 * k6[k])
    deriv(t_end, yn, k7, stages, nst, m_rv, beta, guid, mach_tab, cd_tab, earth, drag)
    rn = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
    vn = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
    err = 0.0
    for k in range(6):
        ek = hh * (_E1 * k1[k] + _E3 * k3[k] + _E4 * k4[k] + _E5 * k5[k] + _E6 * k6[k]
                   + _E7 * k7[k])
        scale = rtol * (rn if k < 3 else max(vn, _V_SCALE_MIN_M_S))
        e = abs(ek) / scale
        if e > err:
            err = e
    return err
