"""The numba kernel cache is keyed by package version and source hash (core/_jit.py).

numba's own ``cache=True`` only checks the file of the decorated kernel, so editing a kernel it
calls in another file left stale machine code running. Each test works on a copy of the package
in a temporary directory, run in subprocesses (the cache folder is chosen at import).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "thaadsim"

# integrate.alt_of (core/integrate.py) calls earth.geodetic_alt_lat_fast (core/earth.py): the
# cheapest cross-file kernel pair. A point on the equator 12,345 m above the ellipsoid.
SCRIPT = """
import json
import numpy as np
import thaadsim
from thaadsim.core import _jit, integrate
from thaadsim.core.earth import A_M, F
v = integrate.alt_of(np.array([A_M + 12345.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
                     np.array([A_M, F, 0.0, 0.0, 0.0, 0.0]))
st = integrate.alt_of.stats
print(json.dumps({"value": float(v), "file": thaadsim.__file__,
                  "hits": sum(st.cache_hits.values()), "info": _jit.cache_info()}))
"""

CALLEE_OLD = ("    return p * cl + z * sl - a * math.sqrt(1.0 - e2 * sl * sl), "
              "math.atan2(num, den)\n")
CALLEE_NEW = ("    return p * cl + z * sl - a * math.sqrt(1.0 - e2 * sl * sl) + 1000.0, "
              "math.atan2(num, den)\n")


def _copy_pkg(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(PKG, src / "thaadsim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc", "*.pyc"))
    return src


def _run(src: Path, **env_extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NUMBA_", "THAADSIM_")) and k != "XDG_CACHE_HOME"}
    env.update(PYTHONPATH=str(src), PYTHONDONTWRITEBYTECODE="1", **env_extra)
    r = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, f"subprocess failed (exit {r.returncode}):\n{r.stderr}"
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert Path(out["file"]).resolve().is_relative_to(src.resolve()), (
        f"imported thaadsim from {out['file']}, expected the copy under {src}")
    return out


def _cache_files(d: Path) -> list[Path]:
    return [p for p in d.rglob("*") if p.suffix in (".nbi", ".nbc")]


def test_edited_callee_changes_caller_result_numba_cache(tmp_path):
    src = _copy_pkg(tmp_path)
    root = tmp_path / "cache"
    env = {"THAADSIM_CACHE_DIR": str(root), "HOME": str(tmp_path / "home")}

    first = _run(src, **env)
    assert first["info"]["enabled"], f"caching unexpectedly disabled: {first['info']}"
    dir1 = Path(first["info"]["cache_dir"])
    assert dir1.parent == root and dir1.name.startswith("numba-"), dir1
    assert _cache_files(dir1), f"no numba cache files written under {dir1}"
    assert abs(first["value"] - 12345.0) < 1e-3, first["value"]

    again = _run(src, **env)
    assert again["hits"] >= 1, f"second run did not load the caller from the cache: {again}"
    assert again["value"] == first["value"]

    callee = src / "thaadsim" / "core" / "earth.py"
    text = callee.read_text()
    assert text.count(CALLEE_OLD) == 1, "callee line to edit not found in core/earth.py"
    callee.write_text(text.replace(CALLEE_OLD, CALLEE_NEW))

    edited = _run(src, **env)
    expected = first["value"] + 1000.0
    assert abs(edited["value"] - expected) < 1e-3, (
        f"after editing the callee in core/earth.py, caller integrate.alt_of returned "
        f"{edited['value']}; expected {expected} (stale cached result was {first['value']})")
    dir2 = Path(edited["info"]["cache_dir"])
    assert dir2 != dir1, f"cache folder did not change after a source edit: {dir1}"
    assert sorted(p.name for p in root.iterdir()) == sorted([dir1.name, dir2.name])
    assert _cache_files(dir2), f"no numba cache files written under {dir2}"
    assert not _cache_files(src), "kernels were cached next to the sources"


def test_unwritable_cache_dir_falls_back_to_no_cache(tmp_path):
    src = _copy_pkg(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = _run(src, THAADSIM_CACHE_DIR=str(blocker / "cache"),
               HOME=str(tmp_path / "no-such-home"))
    assert not out["info"]["enabled"], f"caching should be off: {out['info']}"
    assert out["info"]["cache_dir"] is None
    assert "not writable" in out["info"]["reason"], out["info"]
    assert abs(out["value"] - 12345.0) < 1e-3, out["value"]
    assert not _cache_files(src), "kernels were cached next to the sources"
    assert not (tmp_path / "no-such-home").exists()


def _can_mount_readonly(tmp_path: Path) -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    d = tmp_path / "probe"
    d.mkdir()
    r = subprocess.run(["unshare", "-m", "sh", "-c",
                        f"mount --bind '{d}' '{d}' && mount -o remount,bind,ro '{d}' '{d}'"],
                       capture_output=True)
    return r.returncode == 0


def test_readonly_package_and_home_falls_back_to_no_cache(tmp_path):
    """The reported failure: package directory and $HOME both unwritable (exit 1 with numba's
    'no locator available' before the fix). Needs a private mount namespace (root on Linux)."""
    if not _can_mount_readonly(tmp_path):
        pytest.skip("cannot bind-mount read-only here (needs root and unshare)")
    src = _copy_pkg(tmp_path)
    home = tmp_path / "a-file"
    home.write_text("not a directory")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NUMBA_", "THAADSIM_")) and k != "XDG_CACHE_HOME"}
    env.update(PYTHONPATH=str(src), PYTHONDONTWRITEBYTECODE="1", HOME=str(home / "home"))
    cmd = (f"mount --bind '{src}' '{src}' && mount -o remount,bind,ro '{src}' '{src}' && "
           f"exec '{sys.executable}' -c \"$0\"")
    r = subprocess.run(["unshare", "-m", "sh", "-c", cmd, SCRIPT], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, f"subprocess failed (exit {r.returncode}):\n{r.stderr}"
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert not out["info"]["enabled"], out["info"]
    assert abs(out["value"] - 12345.0) < 1e-3, out["value"]


def test_no_cache_env_disables_caching(tmp_path):
    src = _copy_pkg(tmp_path)
    root = tmp_path / "cache"
    out = _run(src, THAADSIM_CACHE_DIR=str(root), THAADSIM_NO_CACHE="1")
    assert not out["info"]["enabled"], out["info"]
    assert "THAADSIM_NO_CACHE" in out["info"]["reason"]
    assert not root.exists() or not _cache_files(root)
    assert not _cache_files(src)


def test_presets_tables_are_kept_on_disk_and_variants_are_not(tmp_path, monkeypatch):
    """Shape tables, trajectory families and reach tables of presets are kept beside the
    kernels (a warm run skips seconds of flying); a variant (an uncertainty sample) is not,
    so sweeps do not fill the disk; what is read back equals what was computed."""
    import dataclasses

    import numpy as np

    from thaadsim.analysis import families
    from thaadsim.core import _jit
    from thaadsim.threats import get_missile, solve

    monkeypatch.setattr(_jit, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(_jit, "SHIPPED_DIR", tmp_path / "none")  # not the shipped copy
    m = get_missile("scud-b")
    fresh = solve._shape_table(m, None, 10.0)
    solve.shape_table.__wrapped__(m, None, 10.0)  # computes and saves
    saved = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.npz"))
    assert saved == ["shape"], f"expected one shape table on disk, found {saved}"
    again = solve.shape_table.__wrapped__(m, None, 10.0)  # read back
    assert all(np.array_equal(a, b) for a, b in zip(fresh, again, strict=True)), \
        "the shape table read from disk differs from the computed one"
    variant = dataclasses.replace(m, beta_kg_m2=m.beta_kg_m2 * 1.05)
    families.family_of.__wrapped__(variant)
    names = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.npz"))
    assert names == ["shape"], f"a variant's tables were written to disk: {names}"


WARM_SCRIPT = """
import json
from thaadsim.analysis import footprint_kernel as FK, watch as W
FK.warm_footprint_kernel(); W.warm_watch_kernel()
before = {k: len(f.signatures) for k, f in (("footprint", FK._aim_points),
                                             ("watch", W._watch_range))}
from thaadsim import api
api.footprint("seongju", "nk-default", grid_km=50.0)
from thaadsim.engagement.raid import engage
from thaadsim.io.scenario import example_path, load_scenario
engage(load_scenario(example_path()), 200, 1)
api.watch("cn-irbm-guam", "seongju", "tpy2-forward")
after = {k: len(f.signatures) for k, f in (("footprint", FK._aim_points),
                                            ("watch", W._watch_range))}
print(json.dumps({"before": before, "after": after}))
"""


def test_the_demo_s_warm_up_compiles_the_signatures_the_analyses_use():
    """The demo compiles the footprint and watch kernels ahead of the analyses (report.demo):
    with other argument types than the analyses pass it would compile them for nothing, and the
    analyses would compile them again."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    r = subprocess.run([sys.executable, "-c", WARM_SCRIPT], env=env, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, f"subprocess failed (exit {r.returncode}):\n{r.stderr[-2000:]}"
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["before"] == {"footprint": 1, "watch": 1}, out
    assert out["after"] == out["before"], (
        f"the analyses compiled other signatures than the warm-up: warm-up {out['before']}, "
        f"after the analyses {out['after']}")
