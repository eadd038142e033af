"""Fuzzing the CLI contract: every command's options, output paths and scenario files.

For every generated invocation of ``thaadsim.cli.main(argv)`` (in-process): exit code 0 or 2; at
most 3 stderr lines (input files: one line per problem) and under 2,000 characters in all; no
traceback, no 'internal error', no warning; with --format json/geojson and exit 0, stdout is JSON
without NaN or Infinity; the user's files (a sentinel next to every output and the scenario
itself) survive; outputs claimed are written and nothing is left behind after an error.

The budget is fixed (n distinct invocations per test; repeats Hypothesis makes by mutating an
earlier example are skipped) and derandomised (no database), so CI sees the same inputs every run;
each example is checked without raising, and one failure lists every broken rule, grouped by
class, with the argv, exit code and stderr of the first example of each class.
The same generators drive a longer campaign: ``tools/fuzz_cli.py --n N --seed S``.
"""

from __future__ import annotations

import itertools
import os
import shutil

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from tests.fuzz import strategies as S

TIMEOUT_S = 20.0  # per invocation; a hang is a finding, not a stuck CI job

SETTINGS = dict(database=None, derandomize=True, deadline=None, print_blob=False,
                phases=(Phase.explicit, Phase.generate),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much,
                                       HealthCheck.large_base_example])


def _fuzz(tmp_path, strategy, n: int, examples=()) -> None:
    """Run ``n`` distinct generated invocations (plus ``examples``), then fail once listing every
    broken rule by class."""
    failures: list[S.Outcome] = []
    timings: list[tuple[float, int | None, str]] = []
    seen: set[tuple] = set()
    counter = itertools.count()
    generated = [0]

    def one(inv):
        key = S.inv_key(inv)
        if key in seen or generated[0] >= n + len(examples):
            return
        seen.add(key)
        generated[0] += 1
        work = tmp_path / f"{next(counter):04d}"
        outcome = S.run_invocation(inv, work, timeout_s=TIMEOUT_S)
        timings.append((outcome.seconds, outcome.code, S.show_argv(outcome.argv)[:150]))
        if outcome.violations:
            failures.append(outcome)
        else:
            shutil.rmtree(work, ignore_errors=True)

    test = given(inv=strategy)(one)
    for inv in examples:
        test = example(inv=inv)(test)
    # repeats are skipped at no cost, so ask Hypothesis for more than n examples
    settings(max_examples=4 * n, **SETTINGS)(test)()
    if os.environ.get("THAADSIM_FUZZ_VERBOSE"):  # pytest -s: where the time went
        print(f"\n{len(timings)} invocations, {sum(t for t, _, _ in timings):.1f} s; "
              f"exit 0: {sum(c == 0 for _, c, _ in timings)}, "
              f"exit 2: {sum(c == 2 for _, c, _ in timings)}; slowest:")
        for t, c, a in sorted(timings, reverse=True)[:8]:
            print(f"  {t:6.2f} s  exit {c}  {a}")
    if failures:
        pytest.fail(S.format_failures(failures), pytrace=False)


def test_fuzz_cli_options(tmp_path, monkeypatch):
    """Every command with valid, boundary, non-finite, huge, tiny, empty, unicode, 10,000-char
    and wrong-type values; demo and bench always with an option refused before any work."""
    monkeypatch.delenv("THAADSIM_DEBUG", raising=False)
    monkeypatch.delenv("THAADSIM_DATA", raising=False)
    _fuzz(tmp_path, S.cli_args(), n=130)


def test_fuzz_output_paths(tmp_path, monkeypatch):
    """--plot/--map/--timeline/--vertical/--out: new, existing directory, empty, .txt, /proc,
    missing parent, file as parent, over-long name, /dev/full; sentinels must survive."""
    monkeypatch.delenv("THAADSIM_DEBUG", raising=False)
    monkeypatch.delenv("THAADSIM_DATA", raising=False)
    _fuzz(tmp_path, S.output_args(), n=8, examples=S.output_examples())


def test_fuzz_scenario_files(tmp_path, monkeypatch):
    """engage SCENARIO --trials 100 --format json on mutated scenarios, plus every named hard
    case (encodings, binary, deep nesting, 10,000 threats, directory, missing file) once."""
    monkeypatch.delenv("THAADSIM_DEBUG", raising=False)
    monkeypatch.delenv("THAADSIM_DATA", raising=False)
    named = [S.scenario_invocation(sc) for sc in S.raw_scenarios().values()]
    _fuzz(tmp_path, S.scenario_args(), n=35, examples=named)


def test_fuzz_user_data_files(tmp_path, monkeypatch):
    """--missile-file/--radar-file/--threat-set-file/--interceptor-file: copies of shipped
    entries with mutated values (zero, negative, non-finite, huge, wrong type), dropped or
    unknown fields, renamed entries (shadowing a preset), unreadable files; then used by name."""
    monkeypatch.delenv("THAADSIM_DEBUG", raising=False)
    monkeypatch.delenv("THAADSIM_DATA", raising=False)
    _fuzz(tmp_path, S.data_args(), n=25)
