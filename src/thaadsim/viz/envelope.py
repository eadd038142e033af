"""The interceptor's engagement envelope: lowest and highest intercept altitude by ground range,
over the minimum time of flight (matplotlib, Agg backend, nothing downloaded)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def envelope_profile(reach, path, others=(), labels=(), title: str = "", note: str = ""):
    """Plot the intercept altitude window against ground range.

    The reachable region of ``reach`` is shaded by its minimum time of flight; its floor
    (``min_intercept_altitude_km``) and ceiling (``max_intercept_altitude_km``) are drawn as
    lines, and so are those of every table in ``others`` (e.g. the same interceptor with another
    airframe limit), dashed.

    Parameters
    ----------
    reach : ReachTable
        The interceptor's reach table (``interceptors.reach_table``).
    path : str or path-like
        Output file (.png, .svg or .pdf).
    others : sequence of ReachTable, optional
        Tables whose floor and ceiling are drawn for comparison.
    labels : sequence of str, optional
        Legend labels: the first for ``reach``, then one per table of ``others``; default the
        interceptor names.
    title : str, optional
        Figure title; default the envelope's headline numbers.
    note : str, optional
        Small print under the plot.

    Returns
    -------
    dict
        ``ground_range_km`` (ndarray, km), ``min_altitude_km`` and ``max_altitude_km`` (ndarray,
        km, NaN out of reach) of ``reach``, as drawn.
    """
    tables = [reach, *others]
    names = list(labels) + [t.interceptor.name for t in tables[len(labels):]]
    fig, ax = plt.subplots(figsize=(8.5, 5.0))
    ng, nh = reach.tof_s.shape
    g_km = np.arange(ng) * reach.g_step_m / 1e3
    h_km = np.arange(nh) * reach.h_step_m / 1e3
    tof = np.where(np.isfinite(reach.tof_s), reach.tof_s, np.nan)
    mesh = ax.pcolormesh(g_km, h_km, tof.T, shading="nearest", cmap="viridis", alpha=0.85)
    fig.colorbar(mesh, ax=ax, label="minimum time of flight (s)")
    out = {}
    for k, (tb, name) in enumerate(zip(tables, names, strict=False)):
        gk = np.arange(tb.tof_s.shape[0]) * tb.g_step_m / 1e3
        lo = tb.min_intercept_altitude_km(gk)
        hi = tb.max_intercept_altitude_km(gk)
        style = "-" if k == 0 else "--"
        color = "k" if k == 0 else f"C{k}"
        ax.plot(gk, lo, style, color=color, lw=1.6, label=f"{name}: lowest intercept")
        ax.plot(gk, hi, style, color=color, lw=0.9, alpha=0.7, label=f"{name}: highest")
        if k == 0:
            out = {"ground_range_km": gk, "min_altitude_km": lo, "max_altitude_km": hi}
    env = reach.to_dict()
    ax.set_xlabel("ground range from the launchers (km)")
    ax.set_ylabel("intercept altitude (km)")
    ax.set_xlim(0, min(g_km[-1], env["max_ground_range_km"] * 1.15 + 5))
    ax.set_ylim(0, min(h_km[-1], env["max_altitude_km"] * 1.4 + 5))  # room for the legend
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper right", ncol=2)
    ax.set_title(title or f"{reach.interceptor.name}: {env['max_ground_range_km']:.0f} km range, "
                          f"{env['min_altitude_km']:.0f}-{env['max_altitude_km']:.0f} km altitude")
    fig.text(0.01, 0.01, note or "thaadsim; preset = public estimate; the floor beyond ~80 km "
             "rests on the airframe's dynamic-pressure limit (an assumption)",
             fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return out
