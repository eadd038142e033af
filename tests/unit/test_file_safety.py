"""Data safety (issue: hardening): thaadsim never deletes or replaces a file it did not write.

Each test is named after the defect it keeps fixed. The CLI checks run in-process and are refused
before any computation (the demo is never actually run here: ``run_demo`` is replaced by a probe
that fails the test if reached, except where the report writer itself is under test).
"""

import json
import os
import stat
from pathlib import Path

import pytest

from thaadsim.cli import main
from thaadsim.errors import ThaadsimError
from thaadsim.io.files import LOCK, MARKER, ReportDir, check_output_file

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "seongju-raid.toml")


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_demo_work(monkeypatch):
    """Any computation of the demo fails the test: refusals must come before work."""
    def boom(*a, **k):
        raise AssertionError("the demo started computing; the refusal must come first")

    import thaadsim.analysis.footprint as fp
    monkeypatch.setattr(fp, "footprint", boom)
    return boom


def one_line_naming_out(code, err, path_text):
    lines = err.strip().splitlines()
    assert code == 2, f"expected exit 2, got {code}; stderr {err!r}"
    assert len(lines) == 1, f"expected one line, got {lines}"
    assert "--out" in lines[0] and path_text in lines[0], lines[0]


def test_demo_out_with_user_notes_is_refused_and_notes_kept(tmp_path, capsys, no_demo_work):
    x = tmp_path / "x"
    x.mkdir()
    (x / "notes.txt").write_text("t")
    code, _, err = run(capsys, "demo", "--out", x)
    one_line_naming_out(code, err, str(x))
    assert (x / "notes.txt").read_text() == "t", "the user's notes.txt was changed or deleted"
    assert sorted(os.listdir(x)) == ["notes.txt"], f"thaadsim left files in x: {os.listdir(x)}"


@pytest.mark.parametrize("which", [".", "", "home", "parent-of-cwd", "root"])
def test_demo_out_dot_empty_home_and_ancestors_refused(tmp_path, monkeypatch, capsys,
                                                      no_demo_work, which):
    home = tmp_path / "home"
    work = home / "a" / "b"
    work.mkdir(parents=True)
    (work / "mine.txt").write_text("keep")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    text = {".": ".", "": "", "home": str(home), "parent-of-cwd": str(home / "a"),
            "root": "/"}[which]
    code, _, err = run(capsys, "demo", "--out", text)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--out" in err, err
    assert (work / "mine.txt").read_text() == "keep"
    assert not (work / MARKER).exists() and not (work / LOCK).exists()


def test_demo_refuses_bad_seed_and_trials_before_work(tmp_path, capsys, no_demo_work):
    for args, needle in ((["--seed", "-1"], "--seed"), (["--trials", str(10**12)], "--trials"),
                         (["--trials", "0"], "--trials")):
        code, _, err = run(capsys, "demo", "--out", tmp_path / "r", *args)
        assert code == 2 and needle in err, (args, code, err)
        assert not (tmp_path / "r").exists(), "the report directory was created before refusing"


def _fake_report(rd: ReportDir, names=("report.html", "summary.json"), text="v1"):
    for n in names:
        (rd.staging / n).write_text(text)
    rd.commit()


def test_new_directory_gets_umask_permissions_not_0700(tmp_path):
    old = os.umask(0o022)
    try:
        with ReportDir(tmp_path / "new") as rd:
            _fake_report(rd)
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "new").stat().st_mode)
    assert mode == 0o755, f"expected 0o755 under umask 022, got {oct(mode)}"
    fmode = stat.S_IMODE((tmp_path / "new" / "report.html").stat().st_mode)
    assert fmode == 0o644, f"report files: expected 0o644, got {oct(fmode)}"


def test_existing_directory_keeps_its_permissions(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    os.chmod(d, 0o750)
    with ReportDir(d) as rd:
        _fake_report(rd)
    assert stat.S_IMODE(d.stat().st_mode) == 0o750


def test_earlier_report_is_replaced_and_user_files_kept(tmp_path):
    d = tmp_path / "d"
    with ReportDir(d) as rd:
        _fake_report(rd, ("report.html", "summary.json", "old-only.png"), "v1")
    (d / "my-notes.md").write_text("mine")
    with ReportDir(d) as rd:
        _fake_report(rd, ("report.html", "summary.json"), "v2")
    assert (d / "report.html").read_text() == "v2"
    assert (d / "my-notes.md").read_text() == "mine", "a user file in the report dir was lost"
    assert not (d / "old-only.png").exists(), "a file of the earlier report was left stale"
    assert json.loads((d / MARKER).read_text())["files"] == ["report.html", "summary.json"]


def test_force_never_overwrites_a_file_thaadsim_did_not_write(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "report.html").write_text("the user's own report")
    with pytest.raises(ThaadsimError, match="did not write"):
        with ReportDir(d, force=True) as rd:
            _fake_report(rd)
    assert (d / "report.html").read_text() == "the user's own report"
    with ReportDir(d, force=True) as rd:  # no name clash: written beside the user's files
        _fake_report(rd, ("summary.json",))
    assert (d / "summary.json").exists() and (d / "report.html").read_text().startswith("the")


def test_interrupted_run_leaves_no_report_and_no_new_directory(tmp_path):
    d = tmp_path / "d"
    with pytest.raises(KeyboardInterrupt):
        with ReportDir(d) as rd:
            (rd.staging / "report.html").write_text("half")
            raise KeyboardInterrupt
    assert not d.exists(), f"an interrupted first run left {os.listdir(d)}"


def test_two_runs_into_one_directory_the_second_refuses(tmp_path):
    d = tmp_path / "d"
    with ReportDir(d) as first:
        with pytest.raises(ThaadsimError, match="another thaadsim run"):
            with ReportDir(d):
                pass
        _fake_report(first)
    with ReportDir(d) as again:  # the lock is released with the first run
        _fake_report(again, text="v2")
    assert (d / "report.html").read_text() == "v2"


@pytest.mark.parametrize("kind", ["existing-dir", "empty", "suffix", "proc", "no-parent"])
@pytest.mark.parametrize("cmd", ["trajectory-plot", "footprint-map", "coverage-map",
                                 "coverage-vertical", "engage-timeline"])
def test_output_file_options_refused_before_any_computation(tmp_path, monkeypatch, capsys,
                                                           kind, cmd):
    import thaadsim.api as api

    def boom(*a, **k):
        raise AssertionError("computation started before the output path was checked")

    for name in ("footprint", "coverage", "aim", "fly", "load_scenario", "engage"):
        monkeypatch.setattr(api, name, boom)
    (tmp_path / "adir").mkdir()
    path = {"existing-dir": str(tmp_path / "adir"), "empty": "", "suffix":
            str(tmp_path / "x.txt"), "proc": "/proc/x.png",
            "no-parent": str(tmp_path / "missing" / "x.png")}[kind]
    base = {"trajectory-plot": ["trajectory", "--missile", "scud-b", "--from", "39,125.7",
                                "--azimuth-deg", "180", "--plot"],
            "footprint-map": ["footprint", "--grid-km", "50", "--map"],
            "coverage-map": ["coverage", "--map"],
            "coverage-vertical": ["coverage", "--vertical"],
            "engage-timeline": ["engage", EXAMPLE, "--timeline"]}[cmd]
    code, _, err = run(capsys, *base, path)
    opt = base[-1]
    assert code == 2, f"{cmd} {kind}: exit {code}, stderr {err!r}"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and opt in lines[0], lines


def test_printed_path_is_the_path_written(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    target = tmp_path / "sub" / "p.png"
    code, out, err = run(capsys, "trajectory", "--missile", "scud-b", "--from", "39,125.7",
                         "--azimuth-deg", "180", "--plot", target, "--format", "json")
    assert code == 0, err
    printed = json.loads(out)["plot"]
    assert Path(printed).resolve() == target.resolve() and target.stat().st_size > 1000, printed
    p = check_output_file("--plot", str(tmp_path / "sub" / ".." / "a.png"))
    assert not p.exists(), "the writability probe must not leave a file behind"
