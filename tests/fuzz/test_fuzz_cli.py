"""Fuzzing the CLI contract: every command's options, output paths and scenario files.

For every generated invocation of ``thaadsim.cli.main(argv)`` (in-process): exit code 0 or 2; at
most 3 stderr lines (scenario files: one line per problem, under 2,000 characters in all); no
traceback, no 'internal error', no warning; with --format json/geojson and exit 0, stdout is JSON
without NaN or Infinity; the user's files (a sentinel next to every output and the scenario
itself) survive; outputs claimed are written and nothing is left behind after an error.

The example budget is fixed and derandomised (no database), so CI sees the same inputs every
run; each example is checked without raising, and one failure lists every broken rule, grouped
by class, with the argv, exit code and stderr of the first example of each class.
The same generators drive a longer campaign: ``tools/fuzz_cli.py --n N --seed S``.
"""

from __future__ import annotations

import itertools
import shutil

from hypothesis import HealthCheck, Phase, example, given, settings

from tests.fuzz import strategies as S

TIMEOUT_S = 20.0  # per invocation; a hang is a finding, not a stuck CI job

SETTINGS = dict(database=None, derandomize=True, deadline=None, print_blob=False,
                phases=(Phase.explicit, Phase.generate),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much,
                                       HealthCheck.large_base_example])


def _fuzz(tmp_path, strategy, max_examples: int, examples=()) -> None:
    failures: list[S.Outcome] = []
    counter = itertools.count()

    def one(inv):
        work = tmp_path / f"{next(counter):04d}"
        outcome = S.run_invocation(inv, work, timeout_s=TIMEOUT_S)
        if outcome.violations:
            failures.append(outcome)
        else:
            shutil.rmtree(work, ignore_errors=True)

    test = given(inv=strategy)(one)
    for inv in examples:
        test = example(inv=inv)(test)
    settings(max_examples=max_examples, **SETTINGS)(test)()
    assert not failures, S.format_failures(failures)


def test_fuzz_cli_options(tmp_path, monkeypatch):
    """Every command with valid, boundary, non-finite, huge, tiny, empty, unicode, 10,000-char
    and wrong-type values; demo and bench always with an option refused before any work."""
    monkeypatch.delenv("THAADSIM_DEBUG", raising=False)
    _fuzz(tmp_path, S.cli_args(), max_examples=110)


def test_fuzz_output_paths(tmp_path, monkeypatch):
    """--plot/--map/--timeline/--vertical/--out: new, existing directory, empty, .txt, /proc,
    missing parent, file as parent, over-long name, /dev/full; sentinels must survive."""
    monkeypatch.delenv("THAADSIM_DEBUG", raising=False)
    _fuzz(tmp_path, S.output_args(), max_examples=22)


def test_fuzz_scenario_files(tmp_path, monkeypatch):
    """engage SCENARIO --trials 100 --format json on mutated scenarios, plus every named hard
    case (encodings, binary, deep nesting, 10,000 threats, directory, missing file) once."""
    monkeypatch.delenv("THAADSIM_DEBUG", raising=False)
    named = [S.scenario_invocation(sc) for sc in S.raw_scenarios().values()]
    _fuzz(tmp_path, S.scenario_args(), max_examples=45, examples=named)
