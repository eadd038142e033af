"""The presets' tables shipped in data/tables (tools/make_tables.py, analysis.tables) are what the
code computes today, and a first run reads them instead of computing them.

A shipped table is read only under the name its inputs give today, so a stale file is never
used; these tests make a stale or missing one fail CI (it would silently cost a first run seconds)
and hold each file equal to a fresh computation: the reach tables' times of flight and speeds,
the families' times, ranges and altitudes, the shape tables' ranges, kick elevations and cutoff
times. Tolerance 1e-6 in each array's SI unit (s, m, m/s, deg), for last-bit differences.
On another CPU or with other numpy, scipy or numba versions, such differences can move a flyout
sample across a cell boundary of a reach table, or change which member a shape table keeps;
this test then fails there and the tables are regenerated (a file that no longer matches is
still a valid result of the model, within its numerical noise)."""

from pathlib import Path

import numpy as np
import pytest

from thaadsim.analysis import families, tables
from thaadsim.core import _jit
from thaadsim.interceptors import reach
from thaadsim.interceptors.reach import list_interceptors
from thaadsim.threats import solve

REGEN = "regenerate them: .venv/bin/python tools/make_tables.py"
ENTRIES = tables.manifest()
TOL = 1e-6  # in the array's SI unit


def _id(e):
    return f"{e['kind']}-{e.get('interceptor') or e.get('missile')}-{e['args']}"


def test_the_manifest_lists_every_interceptor_and_the_demo_families():
    assert ENTRIES, f"no data/tables/{tables.MANIFEST}; {REGEN}"
    kinds = {e["kind"] for e in ENTRIES}
    assert kinds == set(tables.KINDS), f"shipped kinds {sorted(kinds)}, expected {tables.KINDS}"
    shipped = {e["interceptor"] for e in ENTRIES if e["kind"] == "reach"}
    presets = {ic.name for ic in list_interceptors()}
    assert shipped == presets, f"reach tables shipped for {sorted(shipped)}, presets {presets}"


def test_no_file_is_shipped_outside_the_manifest():
    files = {p.name for p in _jit.SHIPPED_DIR.glob("*.npz")}
    listed = {e["name"] for e in ENTRIES}
    assert files == listed, (f"files not in the manifest: {sorted(files - listed)}; listed but "
                             f"missing: {sorted(listed - files)}; {REGEN}")


@pytest.mark.parametrize("e", ENTRIES, ids=_id)
def test_shipped_table_is_current_and_equals_a_fresh_computation(e):
    name = tables.current_name(e)
    assert name == e["name"], (
        f"{_id(e)}: its inputs (preset, arguments, sources) changed: the file {e['name']} is "
        f"stale, today's name is {name}; {REGEN}")
    shipped = _jit.load_arrays(_jit.SHIPPED_DIR / name)
    assert shipped is not None, f"{_id(e)}: {name} is missing or unreadable; {REGEN}"
    fresh = tables.compute(e)
    assert sorted(shipped) == sorted(fresh), (
        f"{_id(e)}: arrays {sorted(shipped)}, fresh {sorted(fresh)}")
    for k, want in fresh.items():
        got = shipped[k]
        assert got.shape == want.shape, f"{_id(e)} {k}: shape {got.shape}, fresh {want.shape}"
        finite = np.isfinite(got)
        assert np.array_equal(finite, np.isfinite(want)) and np.array_equal(
            got[~finite], want[~finite], equal_nan=True), (
            f"{_id(e)} {k}: the shipped and fresh tables differ in where they are NaN or inf")
        diff = float(np.max(np.abs(got[finite] - want[finite]), initial=0.0))
        assert diff <= TOL, f"{_id(e)} {k}: shipped differs from fresh by {diff:.3g} > {TOL}"


def test_a_first_run_reads_the_shipped_tables_instead_of_computing(monkeypatch, tmp_path):
    """With an empty cache, the demo's footprint (THAAD at Seongju against nk-default) and the
    reach table of every interceptor preset compute nothing."""

    def computed(*args):
        raise AssertionError(f"computed instead of read from data/tables: {args[:1]}")

    monkeypatch.setattr(_jit, "CACHE_DIR", tmp_path)  # an empty cache folder
    monkeypatch.setattr(reach, "_reach_table", computed)
    monkeypatch.setattr(families, "_family_of", computed)
    monkeypatch.setattr(solve, "_shape_table", computed)
    reach.reach_table.cache_clear()
    families.family_of.cache_clear()
    solve.shape_table.cache_clear()
    try:
        from thaadsim.analysis.footprint import footprint
        from thaadsim.engagement.fire_control import battery_at
        from thaadsim.threats.threat_set import get_threat_set

        for ic in list_interceptors():
            assert reach.reach_table(ic).tof_s.size > 0
        r = footprint([battery_at("seongju")], get_threat_set("nk-default"), 20.0)
        assert r.to_dict()["area_km2"] > 0.0, "the footprint from shipped tables is empty"
        assert not list(Path(tmp_path).glob("*.npz")), "nothing computed, so nothing written"
    finally:
        reach.reach_table.cache_clear()
        families.family_of.cache_clear()
        solve.shape_table.cache_clear()
