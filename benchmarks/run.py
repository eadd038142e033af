"""`make bench`: every benchmark of thaadsim, printed as JSON. Ratios against baselines measured
in the same run; no wall-clock thresholds are asserted anywhere."""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

CMDS = [
    ["bench", "trajectories", "--n", "20000", "--baseline-n", "20"],
    ["bench", "radar", "--n", "10000", "--grid", "500"],
    ["bench", "engage", "--trials", "100000"],
    ["bench", "footprint", "--grid-km", "5"],
    ["bench", "uncertainty", "--samples", "16", "--grid-km", "10"],
    ["bench", "watch", "--threat-set", "cn-icbm"],
    ["bench", "layers"],
    ["bench", "web", "--moves", "20", "--concurrent", "50"],  # loopback only, bounded
    ["bench", "memory", "--n", "100000"],  # own process: peak RSS of that batch alone
]


def bench_demo() -> dict:
    """`thaadsim demo` end to end in fresh processes: first with an empty kernel cache (the
    first run from a fresh clone, JIT compilation included), then warm; wall time and the peak
    resident memory of the slowest process (the figure worker is a child of it)."""
    out = {}
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, THAADSIM_CACHE_DIR=os.path.join(d, "cache"))
        for label in ("first_run_empty_kernel_cache", "warm"):
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "thaadsim", "demo", "--out",
                                os.path.join(d, f"out-{label}")], capture_output=True, text=True,
                               env=env)
            out[f"{label}_seconds"] = round(time.perf_counter() - t0, 1)
            if r.returncode:
                out["error"] = r.stderr.strip()[-400:]
                break
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return out


def main() -> int:
    print("$ thaadsim demo (twice: empty kernel cache, then warm)")
    print(json.dumps(bench_demo(), indent=2))
    for c in CMDS:
        r = subprocess.run([sys.executable, "-m", "thaadsim", *c], capture_output=True, text=True)
        print(f"$ thaadsim {' '.join(c)}")
        print(r.stdout.strip() or r.stderr.strip())
        if r.returncode:
            return r.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
