"""The documentation stays true to the code: docs/parameters.md is what
tools/make_parameters_doc.py generates from the shipped data files and bounds, and nothing in the
repository points outside it."""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from thaadsim import presets

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = "../" + "shared"  # spelled in two parts so that this file does not match itself


def _tool():
    spec = importlib.util.spec_from_file_location("make_parameters_doc",
                                                  ROOT / "tools" / "make_parameters_doc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_parameters_doc_is_up_to_date(monkeypatch):
    monkeypatch.delenv("THAADSIM_DATA", raising=False)
    presets.clear_user_files()  # only the shipped presets belong on the page
    expected = _tool().render()
    path = ROOT / "docs" / "parameters.md"
    actual = path.read_text(encoding="utf-8") if path.is_file() else ""
    if actual != expected:
        exp, act = expected.splitlines(), actual.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(exp, act, strict=False)) if a != b),
                     min(len(exp), len(act)))
        pytest.fail(
            "docs/parameters.md is out of date with the data files or the bounds: run "
            "`python tools/make_parameters_doc.py` and commit the result.\n"
            f"first difference at line {first + 1}:\n"
            f"  expected: {exp[first] if first < len(exp) else '<end of file>'!r}\n"
            f"  actual:   {act[first] if first < len(act) else '<end of file>'!r}",
            pytrace=False)


def _tracked_files() -> list[Path]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n]


def test_no_tracked_file_points_outside_the_repository():
    hits = []
    for p in _tracked_files():
        try:
            data = p.read_bytes()
        except (FileNotFoundError, IsADirectoryError):  # deleted in the work tree, submodule
            continue
        if b"\0" in data:  # binary
            continue
        text = data.decode("utf-8", "replace")
        for i, line in enumerate(text.splitlines(), 1):
            if OUTSIDE in line:
                hits.append(f"{p.relative_to(ROOT)}:{i}: {line.strip()[:100]}")
    assert not hits, (
        f"expected no tracked text file to mention {OUTSIDE!r} (the repository must be "
        "self-contained: the design is docs/design.md, the public figures are in "
        f"docs/reference/); found {len(hits)}:\n" + "\n".join(hits))
