import numpy as np
import pytest

from thaadsim.core import earth as E


def kepler_from_surface(v, gamma, r=E.A_M, mu=E.MU_M3_S2):
    """Closed-form Kepler ellipse from the surface of a sphere: (range angle, apogee radius,
    time of flight) for speed v (m/s) and flight-path angle gamma (rad)."""
    h = r * v * np.cos(gamma)
    en = 0.5 * v * v - mu / r
    a = -mu / (2 * en)
    p = h * h / mu
    e = np.sqrt(max(0.0, 1 - p / a))
    psi = 2 * (np.pi - np.arccos((p / r - 1) / e))
    ecc_anom = np.arccos((1 - r / a) / e)
    tof = 2 * np.sqrt(a**3 / mu) * (np.pi - (ecc_anom - e * np.sin(ecc_anom)))
    return psi, a * (1 + e), tof


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """`thaadsim demo` written over an earlier thaadsim report to which the user added
    notes.txt (one run per session: the acceptance tests and the report's browser tests read
    it)."""
    import json

    from thaadsim.cli import main
    from thaadsim.io.files import MARKER

    out = tmp_path_factory.mktemp("d") / "demo-out"
    out.mkdir()
    (out / "report.html").write_text("an earlier report")
    (out / "stale.png").write_text("a figure the earlier report wrote")
    (out / MARKER).write_text(json.dumps({"generator": "thaadsim",
                                          "files": ["report.html", "stale.png"]}))
    (out / "notes.txt").write_text("the user's notes")
    assert main(["demo", "--out", str(out), "--trials", "2000"]) == 0
    return out
