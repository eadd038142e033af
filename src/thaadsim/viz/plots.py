"""Trajectory plots (matplotlib, Agg backend, nothing downloaded)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from thaadsim.core import earth as E  # noqa: E402


def trajectory_profile(batch, labels, path, title="", note=""):
    """Altitude vs ground range and vs time for every trajectory of a batch with histories."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.4))
    for i in range(len(batch)):
        n = int(batch.nhist[i])
        h = batch.hist[i, :n]
        lat, lon, alt = E.ecef_to_geodetic(h[:, 1:4])
        lat0 = np.radians(batch.launch_lat_deg[i])
        lon0 = np.radians(batch.launch_lon_deg[i])
        gr = E.gc_distance_m(lat0, lon0, lat, lon) / 1e3
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
