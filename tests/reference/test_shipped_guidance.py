"""The guidance shipped for the preset threat sets (data/guidance.json, tools/make_guidance.py)
is what the solver gives today, and a first run uses it only where it still lands.

A first run of ``thaadsim watch`` (and of the demo) flies the shipped guidance instead of solving
~170 ICBM flights; these tests keep that shortcut honest: the file must equal a fresh solve
(same statuses, the same guidance to rounding), every shipped flight must land within aim's
200 m, and guidance that no longer lands must make the set be solved again."""

import math

import numpy as np
import pytest

from thaadsim.analysis import watch as W
from thaadsim.threats.threat_set import get_threat_set, list_threat_sets

REGEN = "regenerate it: .venv/bin/python tools/make_guidance.py"
SETS = sorted(n for n in list_threat_sets() if get_threat_set(n).targets)


def test_every_preset_set_with_targets_is_shipped():
    assert sorted(W.shipped_guidance()) == SETS, (
        f"data/guidance.json holds {sorted(W.shipped_guidance())}, the presets with targets are "
        f"{SETS}; {REGEN}")


@pytest.mark.parametrize("name", SETS)
def test_shipped_guidance_equals_a_fresh_solve(name):
    ts = get_threat_set(name)
    shipped = W.shipped_guidance()[name]
    assert shipped["key"] == W.content_key(ts), (
        f"{name}: the set's content changed (key {W.content_key(ts)}, file {shipped['key']}); "
        f"{REGEN}")
    labels, jobs = W._jobs(W._key(ts), ts)
    guidance, status = W.solve_guidance(labels, jobs)
    got, got_status, details = W._from_shipped(shipped["flights"])
    solver_details = {i: lab["status_detail"] for i, lab in enumerate(labels)
                      if "status_detail" in lab}
    assert details == solver_details, (
        f"{name}: the file's reasons for no solution {details} differ from the solver's "
        f"{solver_details}; {REGEN}")
    differ = [(lab["flight"], a, b)
              for lab, a, b in zip(labels, got_status, status, strict=True) if a != b]
    assert not differ, f"{name}: statuses differ (flight, file, solver): {differ[:3]}; {REGEN}"
    for lab, g, f in zip(labels, guidance, got, strict=True):
        if g is None:
            continue
        # deterministic solver: equal to float rounding (1e-9 deg, 1e-9 s)
        same = all(math.isclose(a, b, rel_tol=0, abs_tol=1e-9) for a, b in zip(g, f, strict=True))
        assert same, (
            f"{name}, {lab['flight']}: solver gives azimuth/elevation/cutoff {g}, file {f}; "
            f"{REGEN}")


@pytest.mark.parametrize("name", SETS)
def test_every_shipped_flight_lands_within_200_m(name):
    ts = get_threat_set(name)
    labels, jobs = W._jobs(W._key(ts), ts)
    guidance, _, _ = W._from_shipped(W.shipped_guidance()[name]["flights"])
    assert W._lands(guidance, jobs), (
        f"{name}: a shipped flight misses its target by 200 m or more; {REGEN}")


def _solve_spy(monkeypatch):
    calls = []
    real = W.solve_guidance

    def spy(labels, jobs):
        calls.append(len(jobs))
        return real(labels, jobs)

    monkeypatch.setattr(W, "solve_guidance", spy)
    from thaadsim.core import _jit

    monkeypatch.setattr(_jit, "CACHE_DIR", None)  # no flight set from the disk cache
    monkeypatch.setattr(W, "_CACHE", {})
    return calls


def test_the_shipped_guidance_is_used_and_gives_the_solver_s_flights(monkeypatch):
    calls = _solve_spy(monkeypatch)
    ts = get_threat_set("cn-irbm-guam")
    shipped = W.fly_set(ts)
    assert calls == [], f"the set was solved ({calls} flights) although its guidance is shipped"
    labels, jobs = W._jobs(W._key(ts), ts)
    solved = W._fly(ts, labels, jobs, *W.solve_guidance(labels, jobs))
    assert shipped.status == solved.status
    d = np.max(np.abs(shipped.hist - solved.hist))
    assert d < 1.0, f"the shipped flight differs from the solved one by {d:.3g} (m, s)"


def test_guidance_that_misses_makes_the_set_be_solved(monkeypatch):
    calls = _solve_spy(monkeypatch)
    good = W.shipped_guidance()
    bad = {k: dict(v, flights=[dict(f) for f in v["flights"]]) for k, v in good.items()}
    bad["cn-irbm-guam"]["flights"][0]["azimuth_deg"] += 0.5  # ~30 km off at 3,000 km
    monkeypatch.setattr(W, "shipped_guidance", lambda: bad)
    ts = get_threat_set("cn-irbm-guam")
    fs = W.fly_set(ts)
    assert calls == [1], f"expected the set (1 flight) to be solved again, solver calls {calls}"
    lat, lon = fs.batch.impact_lat_lon_deg
    _, _, miss = W.GEOD.inv(lon[0], lat[0], ts.targets[0][2], ts.targets[0][1])
    assert miss < 300.0, f"the re-solved flight misses by {miss:.0f} m"


def test_a_set_whose_content_changed_is_solved(monkeypatch):
    calls = _solve_spy(monkeypatch)
    monkeypatch.setattr(W, "content_key", lambda ts: "not-the-shipped-key")
    W.fly_set(get_threat_set("cn-irbm-guam"))
    assert calls == [1], f"expected a solve of the changed set, solver calls {calls}"
