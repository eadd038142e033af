"""Trajectory plots (matplotlib, Agg backend, nothing downloaded)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from thaadsim import geo  # noqa: E402
from thaadsim.core import earth as E  # noqa: E402


def flight_profile(flight, path):
    """Profile of one ``Flight`` (``api.fly`` / ``api.aim``), titled with its numbers."""
    d = flight.batch.to_dict(0)
    trajectory_profile(flight.batch, [f"{flight.missile.name} ({flight.shape})"], path,
                       title=f"{flight.missile.name}: range {d['range_km']:,.0f} km, apogee "
                             f"{d['apogee_km']:,.0f} km",
                       note="thaadsim; preset = public estimate; rotating WGS84 Earth, J2, "
                            "US 1976 atmosphere")


def trajectory_profile(batch, labels, path, title="", note=""):
    """Altitude vs ground range and vs time for every trajectory of a batch with histories."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.4))
    for i in range(len(batch)):
        n = int(batch.nhist[i])
        h = batch.hist[i, :n]
        lat, lon, alt = E.ecef_to_geodetic(h[:, 1:4])
        lat0 = np.radians(batch.launch_lat_deg[i])
        lon0 = np.radians(batch.launch_lon_deg[i])
        gr = geo.gc_distance_m(lat0, lon0, lat, lon) / 1e3
        a1.plot(gr, alt / 1e3, label=labels[i])
        a2.plot(h[:, 0], alt / 1e3, label=labels[i])
    a1.set_xlabel("ground range from launch (km)")
    a1.set_ylabel("altitude (km)")
    a2.set_xlabel("time since launch (s)")
    a2.set_ylabel("altitude (km)")
    for a in (a1, a2):
        a.grid(alpha=0.3)
        a.set_ylim(bottom=0)
    a1.legend(fontsize=8)
    fig.suptitle(title)
    if note:
        fig.text(0.01, 0.01, note, fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def engagement_timeline(k, plan, path, max_threats: int = 8):
    """Threat altitude vs time with detection/track marks, launches and intercept points."""
    from thaadsim.engagement.fire_control import sample_geometry

    fig, ax = plt.subplots(figsize=(11, 5.5))
    bat = k.batteries[0]
    n = len(k.scenario.threat)
    show = list(np.argsort(k.priority))[:max_threats]
    colors = plt.cm.tab10(np.linspace(0, 1, 10))
    for c, j in enumerate(show):
        col = colors[c % 10]
        m = int(k.batch.nhist[j])
        t = k.batch.hist[j, :m, 0] + k.launch_time_s[j]
        alt, _, _ = sample_geometry(k.batch.hist[j:j + 1, :m], [m], bat.site)
        alt = alt[0] / 1e3
        tid = k.scenario.threat[j].id
        ax.plot(t, alt, color=col, lw=1.3, label=f"{tid} ({k.scenario.threat[j].missile})")
        b = k.assigned[j]
        w = k.windows[b if b >= 0 else 0]
        if np.isfinite(w.t_track[j]):
            tt = w.t_track[j] + k.launch_time_s[j]
            ax.plot(tt, np.interp(tt, t, alt), "s", color=col, ms=6, mfc="none")
        for r in np.nonzero(plan.threat == j)[0]:
            ti, tl = plan.intercept_s[r], plan.launch_s[r]
            ax.plot(ti, np.interp(ti, t, alt), "*", color=col, ms=12, mec="k", mew=0.5)
            ax.plot(tl, 0.5, "^", color=col, ms=7)
            ax.plot([tl, ti], [0.5, np.interp(ti, t, alt)], ":", color=col, lw=0.8)
    env = bat.reach.to_dict()
    ax.axhspan(env["min_altitude_km"], env["max_altitude_km"], color="0.85", alpha=0.5, zorder=0)
    ax.set_xlabel("time since first launch (s)")
    ax.set_ylabel("altitude (km)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.set_title(f"{k.scenario.name}: engagement timeline ({min(n, max_threats)} of {n} threats,"
                 " highest priority)")
    h, labels = ax.get_legend_handles_labels()
    h += [plt.Line2D([], [], marker="s", mfc="none", color="k", ls="", label="firm track"),
          plt.Line2D([], [], marker="^", color="k", ls="", label="interceptor launch"),
          plt.Line2D([], [], marker="*", color="k", ls="", ms=10, label="planned intercept"),
          Patch(color="0.85", label="THAAD intercept altitudes")]
    ax.legend(handles=h, fontsize=7, ncol=2, loc="upper right")
    fig.text(0.01, 0.01, "thaadsim; public estimates; intercepts shown are the fire plan's "
             "(second shots fly only at survivors)", fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def tornado(rows, path, title="Defended share of South Korea: one parameter at a time",
            xlabel="defended share of South Korea (%)", scale: float = 100.0):
    """Tornado plot of ``analysis.uncertainty.sensitivity_oat`` rows (largest swing on top);
    values are multiplied by ``scale`` (100: fractions as per cent)."""
    rows = list(rows)[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(rows) + 1.6))
    c = scale * rows[0]["central_fraction"] if rows else 0.0
    for i, r in enumerate(rows):
        lo, hi = scale * r["fraction_at_low"], scale * r["fraction_at_high"]
        ax.barh(i, lo - c, left=c, color="#d95f02", height=0.6)
        ax.barh(i, hi - c, left=c, color="#1b9e77", height=0.6)
    ax.axvline(c, color="k", lw=1)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{r['parameter']} ({r['low']:g}-{r['high']:g} {r['unit']})"
                        for r in rows], fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.legend(handles=[Patch(color="#d95f02", label="parameter at its low value"),
                       Patch(color="#1b9e77", label="parameter at its high value")],
              fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
