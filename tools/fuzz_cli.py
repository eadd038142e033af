"""A standalone fuzz campaign against the thaadsim CLI (the generators of tests/fuzz).

    .venv/bin/python tools/fuzz_cli.py --n 300 --seed 1

Runs N invocations of ``thaadsim.cli.main(argv)`` in-process, each in a fresh directory under a
temporary folder (never the working directory), and prints a summary table: total, exit 0,
exit 2, other (another exit code, an exception escaping main, a timeout), then every violation
(argv, exit code, stderr) and the violations grouped by class. The exit status is 1 when any
invocation broke a rule, else 0.

Rules: exit code 0 or 2; at most 3 stderr lines (input files: one per problem), under 2,000
characters in all; no traceback, 'internal error' or warning; JSON outputs parse and hold no
NaN/Infinity; user files survive; claimed outputs are written; nothing is left behind after an
error; an answer within --timeout seconds.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.fuzz import strategies as S  # noqa: E402

MIX = {
    "all": lambda: S.any_args(full=True),
    "cli": lambda: S.cli_args(full=True),
    "scenario": S.scenario_args,
    "outputs": S.output_args,
    "data": lambda: S.data_args(full=True),
}


def campaign(n: int, seed_: int, mix: str, timeout_s: float, workdir: Path, verbose: bool,
             keep: bool) -> list[S.Outcome]:
    outcomes: list[S.Outcome] = []
    named = list(S.raw_scenarios().values()) if mix in ("all", "scenario") else []

    seen: set[tuple] = set()

    def one(inv):
        key = S.inv_key(inv)
        if len(outcomes) >= n or key in seen:  # repeats of a mutated example are skipped
            return
        seen.add(key)
        work = workdir / f"{len(outcomes):05d}"
        o = S.run_invocation(inv, work, timeout_s=timeout_s)
        outcomes.append(o)
        if verbose:
            flag = "!" if o.violations else " "
            label = next((f" [{x.label[:60]}]" for x in inv if isinstance(x, S.ScenarioFile)),
                         "")
            print(f"{flag} {len(outcomes):5d} exit {o.code} {o.seconds:6.2f}s "
                  f"{S.show_argv(o.argv)[:160]}{label}", file=sys.stderr, flush=True)
        if not o.violations and not keep:
            shutil.rmtree(work, ignore_errors=True)

    # the named hard scenario cases first (counted in N), then generated inputs
    for sc in named[: n // 4]:
        one(S.scenario_invocation(sc))
    test = given(inv=MIX[mix]())(one)
    test = settings(max_examples=5 * max(n - len(outcomes), 1), database=None, deadline=None,
                    derandomize=False, phases=(Phase.generate,), print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much,
                                           HealthCheck.large_base_example])(test)
    seed(seed_)(test)()
    return outcomes


def report(outcomes: list[S.Outcome], seconds: float) -> str:
    total = len(outcomes)
    c0 = sum(o.code == 0 for o in outcomes)
    c2 = sum(o.code == 2 for o in outcomes)
    other = [o for o in outcomes if o.code not in (0, 2)]
    bad = [o for o in outcomes if o.violations]
    by_cmd = collections.Counter(o.command for o in outcomes)
    lines = [
        "thaadsim CLI fuzz campaign",
        f"  {'inputs tried':<28}{total:>6}",
        f"  {'exit 0':<28}{c0:>6}",
        f"  {'exit 2':<28}{c2:>6}",
        f"  {'other (exit/exception/hang)':<28}{len(other):>6}",
        f"  {'with any violation':<28}{len(bad):>6}",
        f"  {'seconds':<28}{seconds:>6.0f}",
        "  by command: " + ", ".join(f"{k} {v}" for k, v in sorted(by_cmd.items())),
    ]
    if bad:
        lines += ["", "violations (each invocation):"]
        for o in bad:
            kinds = "; ".join(k for k, _ in o.violations)
            lines.append(f"- [{o.command}] {kinds}\n{S.describe(o, max_err=400)}")
        classes = S.dedupe(bad)
        lines += ["", f"defect classes ({len(classes)}):"]
        for (cmd, kind, _), os_ in sorted(classes.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            o = os_[0]
            detail = next(d for k, d in o.violations if k == kind)
            lines.append(f"- [{cmd}] {kind} x{len(os_)}: {detail[:200]}\n"
                         f"    e.g. {S.show_argv(o.argv)[:300]} -> exit {o.code}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=300, help="invocations to run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", choices=sorted(MIX), default="all")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per invocation")
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per invocation")
    a = ap.parse_args(argv)
    os.environ.pop("THAADSIM_DEBUG", None)
    workdir = Path(tempfile.mkdtemp(prefix="thaadsim-fuzz-"))
    t0 = time.perf_counter()
    try:
        outcomes = campaign(a.n, a.seed, a.mix, a.timeout, workdir, a.verbose, a.keep)
    finally:
        if not a.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(outcomes, time.perf_counter() - t0))
    if a.keep:
        print(f"\nwork directories kept in {workdir}")
    return 1 if any(o.violations for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
