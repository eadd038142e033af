"""Baselines the benchmarks measure against, in the same run: the same physics integrated the
ordinary way (scipy's solve_ivp, one trajectory at a time)."""

from __future__ import annotations

import math

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core.integrate import earth_params
from thaadsim.threats import get_missile
from thaadsim.threats.missile import CD_TABLE, MACH_TABLE
from thaadsim.threats.trajectory import _stage_arrays, guidance


def solve_ivp_baseline(lat, lon, az, th, rtol: float = 1e-8):
    """The kernel's own physics integrated by scipy's RK45, one trajectory at a time.

    Nodong launches, split at burnout, impact found by an event function.

    Parameters
    ----------
    lat, lon : sequence of float
        Launch points (deg).
    az : sequence of float
        Launch azimuths (deg).
    th : sequence of float
        Final thrust elevations (deg).
    rtol : float, optional
        Relative tolerance (-); default 1e-8.

    Returns
    -------
    ndarray
        Flight time of each trajectory (s); NaN where no impact before 5,000 s.
    """
    from scipy.integrate import solve_ivp

    from thaadsim.core.integrate import alt_of, deriv

    m = get_missile("nodong")
    st, nst, mrv, beta = _stage_arrays([m])
    earth = earth_params()
    out = []
    for i in range(len(lat)):
        guid = guidance([m], th[i], az[i], np.inf)[0]
        r0 = E.geodetic_to_ecef(math.radians(lat[i]), math.radians(lon[i]), 0.0)
        om = earth[5]
        y0 = np.array([r0[0], r0[1], r0[2], -om * r0[1], om * r0[0], 0.0])
        tb = m.burn_time_s

        def f(t, y, guid=guid):
            dy = np.empty(6)
            deriv(t, y, dy, st[0], nst[0], mrv[0], beta[0], guid, MACH_TABLE, CD_TABLE, earth, 1)
            return dy

        def hit(t, y):
            return alt_of(y, earth)

        setattr(hit, "terminal", True)  # noqa: B010 (solve_ivp reads event attributes)
        setattr(hit, "direction", -1)  # noqa: B010
        atol = np.array([1e-2] * 3 + [1e-5] * 3)
        # the boost in pieces between the program's kinks (end of the vertical rise, of the
        # kick), as the batched kernel clamps its steps to them
        y = y0
        knots = sorted({0.0, float(guid[0]), float(guid[4]), tb})
        for a, b in zip(knots[:-1], knots[1:], strict=True):
            if b > a:
                y = solve_ivp(f, (a, b), y, method="RK45", rtol=rtol, atol=atol).y[:, -1]
        s2 = solve_ivp(f, (tb, 5000.0), y, method="RK45", rtol=rtol, atol=atol, events=hit)
        out.append(s2.t_events[0][0] if len(s2.t_events[0]) else np.nan)
    return np.array(out)
