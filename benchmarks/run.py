"""`make bench`: every benchmark of thaadsim, printed as JSON. Ratios against baselines measured
in the same run; no wall-clock thresholds are asserted anywhere."""

import subprocess
import sys

CMDS = [
    ["bench", "trajectories", "--n", "20000", "--baseline-n", "20"],
    ["bench", "radar", "--n", "10000", "--grid", "500"],
    ["bench", "engage", "--trials", "100000"],
    ["bench", "footprint", "--grid-km", "5"],
    ["bench", "memory", "--n", "100000"],  # own process: peak RSS of that batch alone
]


def main() -> int:
    for c in CMDS:
        r = subprocess.run([sys.executable, "-m", "thaadsim", *c], capture_output=True, text=True)
        print(f"$ thaadsim {' '.join(c)}")
        print(r.stdout.strip() or r.stderr.strip())
        if r.returncode:
            return r.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
