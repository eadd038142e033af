"""Solve and ship the guidance of every preset threat set with targets (``thaadsim watch``).

Run by a developer after changing a missile preset, a threat set or the trajectory physics
(``tests/reference/test_shipped_guidance.py`` fails until this is done)::

    .venv/bin/python tools/make_guidance.py

For each set, every flight (missile x launch area x target) is aimed by the solver that
``thaadsim watch`` uses without the file (``analysis.watch.solve_guidance``: ``aim_many``, then
``aim`` for the flights near the edge of reach) and its status, and for the flights that land,
the guidance (launch azimuth, final thrust elevation, cutoff time), is written to
``src/thaadsim/data/guidance.json``, keyed by the set's content. A first run then flies the
shipped guidance (verifying that every flight lands within 200 m of its target) instead of
solving ~170 ICBM flights.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from thaadsim.analysis import watch as W
from thaadsim.threats.threat_set import get_threat_set, list_threat_sets

OUT = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data" / W.GUIDANCE_FILE


def entries(name: str) -> dict:
    """The file's entry for one set: its content key and per flight status and guidance."""
    ts = get_threat_set(name)
    labels, jobs = W._jobs(W._key(ts), ts)
    guidance, status = W.solve_guidance(labels, jobs)
    flights = []
    for lab, g, st in zip(labels, guidance, status, strict=True):
        f: dict = {"flight": lab["flight"], "status": st}
        if g is not None:
            f.update(azimuth_deg=g[0], theta_deg=g[1], t_cut_s=g[2])
        if "status_detail" in lab:
            f["status_detail"] = lab["status_detail"]
        flights.append(f)
    return {"key": W.content_key(ts), "flights": flights}


def main() -> None:
    sets = {}
    for name in list_threat_sets():
        if not get_threat_set(name).targets:
            continue
        t0 = time.perf_counter()
        sets[name] = entries(name)
        n_ok = sum(f["status"] == "ok" for f in sets[name]["flights"])
        print(f"{name}: {n_ok} of {len(sets[name]['flights'])} flights land "
              f"({time.perf_counter() - t0:.1f} s)")
    doc = {"about": "Guidance of the preset threat sets' flights (launch azimuth and final thrust "
                    "elevation in deg, cutoff time in s), solved by tools/make_guidance.py on the "
                    "rotating WGS84 Earth with J2 and drag; a warm start that thaadsim verifies "
                    "at run time (every flight must land within 200 m of its target).",
           "sets": sets}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
