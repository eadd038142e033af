"""Compute and ship the presets' tables that a first run would otherwise compute
(``thaadsim.analysis.tables``): every interceptor preset's reach table, and the shape tables and
trajectory families that ``thaadsim demo`` uses.

Run by a developer after changing a preset, the flyout, the trajectory physics or anything in
``core/`` (``tests/reference/test_shipped_tables.py`` fails until this is done)::

    .venv/bin/python tools/make_tables.py

It runs the demo and every preset's reach table with an empty kernel cache and no shipped tables,
records each preset table computed (kind, preset, arguments), and writes those files and the
manifest to ``src/thaadsim/data/tables`` (removing the files no longer needed).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data" / "tables"


def main() -> None:
    cache = Path(tempfile.mkdtemp(prefix="thaadsim-tables-"))
    os.environ["THAADSIM_CACHE_DIR"] = str(cache)
    from thaadsim.analysis import families, tables
    from thaadsim.core import _jit
    from thaadsim.interceptors import reach
    from thaadsim.interceptors.reach import list_interceptors, reach_table
    from thaadsim.report.demo import run_demo
    from thaadsim.threats import solve

    assert _jit.CACHE_DIR is not None, _jit.cache_info()
    _jit.SHIPPED_DIR = cache / "none"  # compute everything
    recorded: dict[str, dict] = {}

    def record(module, fn_name, kind, is_preset):
        fn = getattr(module, fn_name)

        def wrapper(preset, *args):
            if is_preset(preset):
                e = tables.entry(kind, preset.name, args)
                recorded[e["name"]] = e
            return fn(preset, *args)

        setattr(module, fn_name, wrapper)

    record(reach, "_reach_table", "reach", reach._is_preset)
    record(families, "_family_of", "family", solve.is_preset)
    record(solve, "_shape_table", "shape", solve.is_preset)
    t0 = time.perf_counter()
    for ic in list_interceptors():
        reach_table(ic)
    run_demo(cache / "report", progress=None, print_summary=lambda s: None)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npz"):
        if old.name not in recorded:
            old.unlink()
    for name in sorted(recorded):
        shutil.copyfile(_jit.CACHE_DIR / name, OUT / name)
    doc = {"about": "Preset tables shipped so that a first run does not compute them "
                    "(tools/make_tables.py; thaadsim.analysis.tables). Each is read only under "
                    "the name its inputs give today.",
           "tables": [recorded[n] for n in sorted(recorded, key=lambda n: (
               recorded[n]["kind"], json.dumps(recorded[n], sort_keys=True)))]}
    (OUT / tables.MANIFEST).write_text(json.dumps(doc, indent=1) + "\n")
    size = sum(p.stat().st_size for p in OUT.glob("*.npz"))
    print(f"wrote {len(recorded)} tables ({size / 1e6:.2f} MB) to {OUT} in "
          f"{time.perf_counter() - t0:.0f} s")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
