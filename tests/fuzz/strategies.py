"""Hypothesis strategies, an in-process runner and the checks for fuzzing the ``thaadsim`` CLI.

Shared by ``tests/fuzz/test_fuzz_cli.py`` (a fixed, derandomised example budget) and
``tools/fuzz_cli.py`` (a standalone campaign of N invocations with a summary table).

An invocation is a tuple of argv items: plain strings, :class:`OutPath` placeholders (resolved to
paths inside a fresh per-invocation work directory, or to deliberately bad paths) and
:class:`ScenarioFile` placeholders (written into the work directory). The runner changes into the
work directory, so even a relative output path never lands in the caller's working directory.

Cost control (the whole test must stay within about a minute on two cores): expensive commands
only ever get cheap or invalid values. ``footprint`` always gets ``--grid-km`` (cheap or invalid:
never the 5 km default); ``demo`` and ``bench`` always carry at least one option that must be
refused before any work, the other values being small; ``engage`` scenarios fly one or two
short-range missiles. ``full=True`` (the campaign) adds a few costlier valid values.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import json
import math
import os
import re
import signal
import threading
import time
import traceback
import warnings
from pathlib import Path

from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------------
# value pools

LONG_X = "x" * 10_000
LONG_DIGITS = "9" * 10_000
NONFINITE = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "+inf", "1e309", "-1e309"]
HUGE = ["1e308", "-1e308", "1.7976931348623157e308", "10000000000000", "-10000000000000",
        "1" + "0" * 400, LONG_DIGITS]
TINY = ["1e-300", "-1e-300", "5e-324", "0", "-0", "0.0"]
WRONG_TYPE = ["", " ", "\t", "abc", "1,2", "0x1A", "1e", "1..2", "-", "ten", "True", "null",
              "[1]", "{}", "1 2", "1;2", "\u200b1", "٣", "１２", "½", LONG_X]
UNICODE = ["é", "Séoul", "北京", "🚀", "\u202eevil", "e\u0301", "ß" * 50, "Ω≈ç√∫", "\u3000",
           "\ufeffseongju"]
BAD_NUMBER = NONFINITE + HUGE + TINY + WRONG_TYPE + UNICODE[:4]
BAD_INT = ["0", "-1", "-5", "-10000000000000", "10000000000000", str(2**63), str(2**64),
           "1" + "0" * 400, LONG_DIGITS, "1.5", "1e3", "nan", "inf", "", " ", "abc", "0x10",
           "½", LONG_X]
# refused by the option parser or the first line of the command, whatever else is given
SURE_BAD_INT = ["0", "-1", "-10000000000000", "1.5", "1e3", "nan", "", " ", "abc", "0x10", "½",
                LONG_X, LONG_DIGITS]
SURE_BAD_SEED = ["x", "", " ", "1.5", "1e3", "nan", LONG_X]

MISSILES = ["scud-b", "scud-c", "scud-er", "nodong", "kn-23", "hwasong-12", "hwasong-14",
            "hwasong-15"]
BAD_NAMES = ["", " ", "nope", "NODONG", " nodong ", "scud_b", "scud-b,nodong", "../missiles",
             "nan", LONG_X] + UNICODE
RADARS = ["tpy2-terminal", "tpy2-forward"]
SITES = ["seongju", "pyeongtaek", "seoul-north", "wonju"]
THREAT_SETS = ["nk-default", "nk-2019"]

KOREA_POINTS = ["39.0,125.7", "39.15,127.45", "38.70,125.80", "40.03,128.18", "35.10,129.03",
                "36.03,128.18", "37.57,126.98", "35.87,128.60", "36.99,127.09"]
BAD_LATLON = ["90,0", "-90,0", "90,125", "89.9999999,0", "0,0", "0,180", "0,-180", "0,360",
              "39,485.7", "95,125", "-91,0", "39,-181", "39,361", "39", "39,125,0", "39,125,1,2",
              "39;125", "39 125", ",", " , ", "39,", ",125", "", " ", "nan,nan", "inf,0",
              "0,inf", "1e308,0", "0,1e308", "1e-300,1e-300", "-0,-0", "abc,def", "39,12 5",
              "39,125\n", "٣٩,١٢٥", "39.0.0,125", LONG_X, "," * 5000, "1," * 5000] + UNICODE[:3]
SITE_LATLON = ["36.03,128.18", "36.03,128.18,400", "36.03,128.18,-500", "36.03,128.18,9000",
               "36.03,128.18,9001", "36.03,128.18,1e308", "36.03,128.18,nan", "36.03,128.18,",
               "+36,128", "-36,128", ".5,128", "+", "-", ".", "+,", "-.,", "36,128,1,2"]

FORMATS = ["table", "json", "csv"]
BAD_FORMATS = ["", "JSON", "xml", "geojson", "yaml", "json ", "tsv", LONG_X, "é"]


# ---------------------------------------------------------------------------------------------
# placeholders resolved in the work directory


@dataclasses.dataclass(frozen=True)
class OutPath:
    """An output path given to --plot/--map/--timeline/--vertical (``demo=False``) or --out."""

    kind: str
    demo: bool = False

    def __repr__(self) -> str:
        return f"<{'out' if self.demo else 'file'}:{self.kind}>"


FILE_KINDS = ["new", "new", "new", "relative", "unicode", "nested", "existing_png", "dir",
              "empty", "txt", "no_suffix", "proc", "missing_parent", "file_parent", "long_name",
              "trailing_slash", "dev_full"]
# kinds that cannot be a written PNG: exit 0 with one of them means the output was lost
UNWRITABLE_KINDS = {"dir", "empty", "proc", "missing_parent", "file_parent", "long_name",
                    "dev_full"}  # (a trailing slash is dropped by pathlib: out.png/ = out.png)
WRITABLE_KINDS = {"new", "relative", "unicode", "nested", "existing_png"}
DEMO_KINDS = ["new_dir", "dir_user", "empty_dir", "file", "empty", "dot", "proc",
              "missing_parent", "file_parent"]

SENTINEL_TEXT = b"user notes: thaadsim must never delete or change this file\n"


@dataclasses.dataclass(frozen=True)
class ScenarioFile:
    """An input file path (a scenario, or a user data file named ``name``): ``kind`` file (``data``
    written), directory, missing or empty_path (the empty string)."""

    label: str
    data: bytes = b""
    kind: str = "file"
    name: str = "scenario.toml"

    def __repr__(self) -> str:
        return f"<{self.name}:{self.label} ({len(self.data)} bytes)>"


@dataclasses.dataclass
class Prepared:
    argv: list[str]
    sentinels: dict[Path, bytes]
    outputs: list[tuple[str, Path | None]]  # (kind, path) of each file output


def _resolve_out(p: OutPath, work: Path, sentinels: dict[Path, bytes]) -> tuple[str, Path | None]:
    def sentinel_dir(d: Path) -> Path:
        d.mkdir(exist_ok=True)
        sentinels[d / "notes.txt"] = SENTINEL_TEXT
        (d / "notes.txt").write_bytes(SENTINEL_TEXT)
        return d

    k = p.kind
    if p.demo:
        table = {
            "new_dir": lambda: str(work / "report"),
            "dir_user": lambda: str(sentinel_dir(work / "userdir")),
            "empty_dir": lambda: (work / "emptydir").mkdir() or str(work / "emptydir"),
            "file": lambda: str(work / "notes.txt"),
            "empty": lambda: "",
            "dot": lambda: ".",
            "proc": lambda: "/proc/thaadsim-report",
            "missing_parent": lambda: str(work / "a" / "b" / "report"),
            "file_parent": lambda: str(work / "notes.txt" / "report"),
        }
        return table[k](), None
    if k in ("new", "unicode", "relative", "nested", "existing_png"):
        path = {"new": work / "out.png", "unicode": work / "карта 北 é.png",
                "relative": Path("rel-out.png"), "nested": work / "sub" / "deeper.png",
                "existing_png": work / "old.png"}[k]
        if k == "nested":
            (work / "sub").mkdir(exist_ok=True)
        if k == "existing_png":
            path.write_bytes(b"an older picture\n")
        return str(path), (work / path if not path.is_absolute() else path)
    table = {
        "dir": lambda: str(sentinel_dir(work / "adir")),
        "empty": lambda: "",
        "txt": lambda: str(work / "out.txt"),
        "no_suffix": lambda: str(work / "out"),
        "proc": lambda: "/proc/x.png",
        "missing_parent": lambda: str(work / "nope" / "x.png"),
        "file_parent": lambda: str(work / "notes.txt" / "x.png"),
        "long_name": lambda: str(work / ("x" * 300 + ".png")),
        "trailing_slash": lambda: str(work / "out.png") + "/",
        "dev_full": lambda: "/dev/full",
    }
    return table[k](), None


def prepare(inv: tuple, work: Path) -> Prepared:
    """Resolve placeholders in ``work`` (created), write the sentinel user file."""
    work.mkdir(parents=True, exist_ok=True)
    sentinels = {work / "notes.txt": SENTINEL_TEXT}
    (work / "notes.txt").write_bytes(SENTINEL_TEXT)
    argv: list[str] = []
    outputs: list[tuple[str, Path | None]] = []
    for item in inv:
        if isinstance(item, OutPath):
            s, path = _resolve_out(item, work, sentinels)
            argv.append(s)
            outputs.append((item.kind, path))
        elif isinstance(item, ScenarioFile):
            if item.kind == "missing":
                argv.append(str(work / f"no-such-{item.name}"))
            elif item.kind == "empty_path":
                argv.append("")
            elif item.kind == "directory":
                d = work / item.name
                d.mkdir(exist_ok=True)
                sentinels[d / "notes.txt"] = SENTINEL_TEXT
                (d / "notes.txt").write_bytes(SENTINEL_TEXT)
                argv.append(str(d))
            else:
                f = work / item.name
                f.write_bytes(item.data)
                sentinels[f] = item.data
                argv.append(str(f))
        else:
            argv.append(item)
    return Prepared(argv, sentinels, outputs)


# ---------------------------------------------------------------------------------------------
# option helpers


_U32 = st.integers(0, 2**32 - 1)


def pick(seq) -> st.SearchStrategy:
    """Like sampled_from, but uniform: Hypothesis draws small integers (index 0) far more often
    than others, which would make the first value of every pool dominate."""
    seq = list(seq)
    return _U32.map(lambda i: seq[i % len(seq)])


def percent() -> st.SearchStrategy[int]:
    return _U32.map(lambda i: i % 100)


def _weighted(*pairs: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """one_of with integer weights (uniform, see pick)."""
    total = sum(w for w, _ in pairs)
    return _U32.flatmap(lambda i: _pick(pairs, i % total))


def _pick(pairs, i):
    for w, s in pairs:
        if i < w:
            return s
        i -= w
    raise AssertionError


def number(valid: list[str], *, free: bool = True) -> st.SearchStrategy[str]:
    """Valid values, bad values and (``free``) any float/int spelled as text."""
    parts = [(5, pick(valid)), (4, pick(BAD_NUMBER))]
    if free:
        parts.append((2, st.floats(allow_nan=True, allow_infinity=True).map(repr)))
        parts.append((1, st.integers(-10**20, 10**20).map(str)))
    return _weighted(*parts)


def name_value(valid: list[str]) -> st.SearchStrategy[str]:
    return _weighted((6, pick(valid)), (2, pick(BAD_NAMES)),
                     (1, st.text(max_size=30).filter(_argv_ok)))


def _argv_ok(s: str) -> bool:
    return "\x00" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def latlon() -> st.SearchStrategy[str]:
    fl = st.floats(allow_nan=True, allow_infinity=True)
    return _weighted((6, pick(KOREA_POINTS)), (4, pick(BAD_LATLON)),
                     (2, st.tuples(st.floats(-90, 90), st.floats(-180, 360))
                      .map(lambda t: f"{t[0]!r},{t[1]!r}")),
                     (1, st.tuples(fl, fl).map(lambda t: f"{t[0]!r},{t[1]!r}")),
                     (1, st.lists(fl, max_size=4).map(lambda v: ",".join(map(repr, v)))))


def fmt_value(valid: list[str]) -> st.SearchStrategy[str]:
    return _weighted((8, pick(valid)), (1, pick(BAD_FORMATS)))


def out_path() -> st.SearchStrategy[OutPath]:
    return pick(FILE_KINDS).map(OutPath)


def demo_out() -> st.SearchStrategy[OutPath]:
    return pick(DEMO_KINDS).map(lambda k: OutPath(k, demo=True))


@st.composite
def _opt(draw, name: str, values: st.SearchStrategy, omit: int = 30) -> list:
    """``[]`` (omitted, ``omit`` % of the time), ``[name, value]`` or ``[name=value]``."""
    if draw(percent()) < omit:
        return []
    v = draw(values)
    if isinstance(v, str) and draw(percent()) < 10:
        return [f"{name}={v}"]
    return [name, v]


def _flag(name: str, p: int = 30) -> st.SearchStrategy[list]:
    return percent().map(lambda i: [name] if i < p else [])


JUNK_ARGS = ["--bogus", "--bogus=1", "extra", "-x", "--FORMAT", "--format", "--", "-",
             "--help", LONG_X]


@st.composite
def _junk(draw, parts: list[list], sure_bad_only: bool = False) -> list:
    """Shuffle option groups, sometimes duplicate one or add junk (unknown option, positional,
    --help). With ``sure_bad_only`` nothing is added that could make a refused call valid."""
    parts = [p for p in parts if p]
    order = draw(st.permutations(range(len(parts)))) if parts else []
    args = [a for i in order for a in parts[i]]
    r = draw(percent())
    if r < 6:
        junk = draw(pick(JUNK_ARGS[:3] if sure_bad_only else JUNK_ARGS))
        args.insert(draw(pick(range(len(args) + 1))), junk)
    elif r < 12 and parts and not sure_bad_only:
        args += draw(pick(parts))
    return args


# ---------------------------------------------------------------------------------------------
# per-command argv strategies (each returns a tuple: argv items)


@st.composite
def missiles_args(draw):
    return ("missiles", *draw(_junk([draw(_opt("--format", fmt_value(FORMATS)))])))


@st.composite
def radars_args(draw):
    return ("radars", *draw(_junk([draw(_opt("--format", fmt_value(FORMATS)))])))


@st.composite
def threat_sets_args(draw):
    return ("threat-sets", *draw(_junk([draw(_opt("--format", fmt_value(FORMATS)))])))


@st.composite
def trajectory_args(draw):
    frm = draw(latlon())
    to = draw(_weighted((6, latlon()), (1, st.just(frm))))
    parts = [
        draw(_opt("--missile", name_value(MISSILES), omit=5)),
        ["--from", frm] if draw(percent()) >= 5 else [],
        ["--to", to] if draw(percent()) < 50 else [],
        draw(_opt("--azimuth-deg", number(["0", "90", "180", "359.9", "-360", "360", "720"]),
                  omit=50)),
        draw(_flag("--min-energy", 15)),
        draw(_opt("--apogee-km", number(["60", "100", "300", "600", "1000", "4999", "5000"]),
                  omit=60)),
        draw(_opt("--plot", out_path(), omit=75)),
        draw(_opt("--format", fmt_value(FORMATS), omit=20)),
    ]
    return ("trajectory", *draw(_junk(parts)))


@st.composite
def loft2range_args(draw):
    parts = [
        draw(_opt("--apogee-km", number(["4475", "950", "2800", "100", "500"]), omit=5)),
        draw(_opt("--range-km", number(["950", "1000", "100", "20037", "20038"]), omit=5)),
        draw(_opt("--flight-time-s", number(["3000", "2000", "100", "100000", "10800"]),
                  omit=60)),
        draw(_opt("--class", name_value(["srbm", "mrbm", "irbm", "icbm"]), omit=60)),
        draw(_opt("--from", latlon(), omit=70)),
        draw(_opt("--template", name_value(MISSILES), omit=70)),
        draw(_opt("--format", fmt_value(FORMATS), omit=20)),
    ]
    return ("loft2range", *draw(_junk(parts)))


@st.composite
def track_args(draw):
    frm = draw(latlon())
    to = draw(_weighted((6, pick(KOREA_POINTS[4:])), (3, latlon()),
                        (1, st.just(frm))))
    parts = [
        draw(_opt("--missile", name_value(MISSILES[:5]), omit=5)),
        ["--from", frm] if draw(percent()) >= 5 else [],
        ["--to", to] if draw(percent()) >= 5 else [],
        draw(_opt("--apogee-km", number(["60", "100", "300"]), omit=70)),
        draw(_opt("--radar", name_value(RADARS), omit=60)),
        draw(_opt("--site", _weighted((3, pick(SITES)), (3, pick(
            SITE_LATLON)), (1, latlon()), (1, name_value(SITES))), omit=50)),
        draw(_opt("--rcs-m2", number(["0.01", "1", "1e-5", "1000", "1001", "9e-6"]), omit=60)),
        draw(_opt("--min-elevation-deg", number(["-5", "0", "5", "90", "-5.1", "90.1"]),
                  omit=70)),
        draw(_opt("--azimuth-deg", number(["0", "330", "-360", "360", "720"]), omit=80)),
        draw(_opt("--n-of-m", pick(
            ["3,5", "1,1", "100,100", "0,5", "5,3", "3", "3,5,7", "1.5,3", "nan,5", "", ",",
             "3,", "1e308,1e308", "101,101", "-1,5", "3 5", LONG_X, "1," * 5000]), omit=70)),
        draw(_opt("--format", fmt_value(FORMATS), omit=20)),
    ]
    return ("track", *draw(_junk(parts)))


ALTITUDES = ["10,100,300", "0", "10", "600", "5000", "5001", "100000", "-1", "nan", "", ",",
             ",,,", "10,,100", "1e308", "inf,10", "10 100", "10;100", "abc",
             ",".join(str(i) for i in range(1, 13)), ",".join(["10"] * 101), LONG_X]


@st.composite
def coverage_args(draw, full: bool = False):
    alts = ALTITUDES + ([",".join(str(i) for i in range(1, 101)), "1," * 5000] if full else [])
    parts = [
        draw(_opt("--radar", name_value(RADARS), omit=60)),
        draw(_opt("--site", _weighted((3, pick(SITES)),
                                      (3, pick(SITE_LATLON)), (1, latlon()),
                                      (1, name_value(SITES))), omit=50)),
        draw(_opt("--altitude-km", _weighted((4, pick(alts)),
                                             (1, number(["100"]))), omit=40)),
        draw(_opt("--rcs-m2", number(["0.01", "1", "1e-5", "1000", "1001", "9e-6"]), omit=60)),
        draw(_opt("--min-elevation-deg", number(["-5", "0", "5", "90", "-5.1", "90.1"]),
                  omit=70)),
        draw(_opt("--azimuth-deg", number(["0", "330", "-360", "360", "720"]), omit=70)),
        draw(_opt("--map", out_path(), omit=80)),
        draw(_opt("--vertical", out_path(), omit=80)),
        draw(_opt("--format", fmt_value(["table", "json", "geojson"]), omit=20)),
    ]
    return ("coverage", *draw(_junk(parts)))


CONFIGS = ["seongju", "pyeongtaek", "withdrawn", "none", "36.03,128.18", "seongju+pyeongtaek",
           "seongju+seongju", "WITHDRAWN", " seongju ", "", "+", "++", "seongju+", "+seongju",
           "nowhere", "95,0", "90,0", "0,0", "36,128,5", "36;128", "seongju+nowhere",
           "seongju+pyeongtaek+wonju", LONG_X, "é", "nan,nan", "36.03,128.18+35.87,128.60"]
GRID_CHEAP = ["50", "45", "50.0"]
GRID_BAD = ["0", "-5", "1e-300", "1e308", "nan", "inf", "-inf", "abc", "", " ", "0.999", "50.01",
            "51", "100", "1000", "10000000000000", LONG_X, LONG_DIGITS, "5e-324"]


@st.composite
def footprint_args(draw, full: bool = False):
    grid = draw(_weighted((4, pick(GRID_CHEAP + (["25", "20"] if full else []))),
                          (5, pick(GRID_BAD))))
    compares = draw(st.lists(pick(CONFIGS), max_size=2))
    parts = [
        draw(_opt("--battery", pick(CONFIGS), omit=50)),
        draw(_opt("--threat-set", name_value(THREAT_SETS), omit=60)),
        [a for c in compares for a in ("--compare", c)],
        ["--grid-km", grid],
        draw(_opt("--map", out_path(), omit=80)),
        draw(_opt("--format", fmt_value(["table", "json", "geojson"]), omit=20)),
    ]
    # no duplicated options: a repeated --grid-km could bring back the expensive default
    return ("footprint", *draw(_junk(parts, sure_bad_only=True)))


@st.composite
def demo_args(draw):
    """Always at least one option refused before any work, and --out inside the work dir."""
    bad = draw(pick(["trials", "seed", "both", "unknown"]))
    trials = draw(pick(SURE_BAD_INT)) if bad in ("trials", "both") else \
        draw(pick(["1", "10", "20000"]))
    seed = draw(pick(SURE_BAD_SEED)) if bad in ("seed", "both") else \
        draw(pick(["0", "1", "-1", str(2**63), "1" + "0" * 400]))
    parts = [["--out", draw(demo_out())], ["--trials", trials], ["--seed", seed],
             draw(_flag("--force", 30))]
    if bad == "unknown":
        parts.append([draw(pick(["--bogus", "extra", "--trials=abc"]))])
    return ("demo", *draw(_junk(parts, sure_bad_only=True)))


BENCH = {
    "trajectories": [("--n", ["5", "1", "3"]), ("--baseline-n", ["2", "1"])],
    "radar": [("--n", ["5", "1"]), ("--grid", ["3", "2", "10"])],
    "engage": [("--trials", ["5", "1"])],
    "footprint": [("--grid-km", ["50"])],
    "memory": [("--n", ["5", "1"])],
}
BENCH_BAD_FLOAT = ["0", "-1", "nan", "inf", "1e308", "1e-300", "abc", "", "0.5", "51", LONG_X]


@st.composite
def bench_args(draw, full: bool = False):
    """At least one bad option (or, in ``full`` runs, sometimes none); the rest small."""
    sub = draw(pick(sorted(BENCH)))
    opts = BENCH[sub]
    n_bad = draw(pick(range(1, len(opts) + 1)))
    bad_idx = set(draw(st.permutations(range(len(opts))))[:n_bad])
    if full and draw(percent()) < 10:
        bad_idx = set()
    parts = []
    for i, (name, good) in enumerate(opts):
        if i in bad_idx:
            pool = BENCH_BAD_FLOAT if name == "--grid-km" else BAD_INT
            parts.append([name, draw(pick(pool))])
        else:
            parts.append([name, draw(pick(good))])
    parts.append(draw(_opt("--format", fmt_value(FORMATS), omit=50)))
    return ("bench", sub, *draw(_junk(parts, sure_bad_only=True)))


@st.composite
def odd_args(draw):
    """No or unknown command, bare groups, global options."""
    return tuple(draw(pick([
        [], ["bench"], ["--help"], ["--version"], ["-q"], ["--quiet", "missiles"],
        ["-q", "radars", "--format", "json"], ["nosuchcommand"], ["ENGAGE"], [""], ["--"],
        ["bench", "nosuch"], ["bench", "--help"], ["missiles", "--help"], [LONG_X],
        ["missiles", "extra"], ["--bogus"], ["engage"], ["engage", "--help"], ["é"],
        ["interceptors"], ["-q", "-q", "missiles"], ["--version", "missiles"],
        ["missiles", "-q"], ["--quiet=1", "missiles"], ["threat-sets", "--help"],
    ])))


# ---------------------------------------------------------------------------------------------
# scenario files

SKELETON: dict = {
    "name": "fuzz",
    "battery": [{"name": "seongju", "site": "seongju", "radar": "tpy2-terminal",
                 "interceptor": "thaad", "launchers": 2, "interceptors_per_launcher": 8,
                 "fire_channels": 4, "reaction_time_s": 15, "rcs_m2": 0.01}],
    "doctrine": {"mode": "sls", "salvo": 2, "sspk": 0.8, "p_track": 0.95,
                 "kill_assessment_s": 10},
    "defended_asset": [{"name": "Daegu", "lat_deg": 35.87, "lon_deg": 128.6, "radius_km": 20}],
    "threat": [
        {"id": "T1", "missile": "scud-c", "launch": {"lat_deg": 39.15, "lon_deg": 127.45},
         "aim": {"lat_deg": 36.03, "lon_deg": 128.18}, "launch_time_s": 0},
        {"id": "T2", "missile": "scud-b", "launch": {"lat_deg": 38.7, "lon_deg": 125.8},
         "aim": {"lat_deg": 36.99, "lon_deg": 127.09}, "launch_time_s": 20},
    ],
}


class Raw(str):
    """A TOML value written verbatim (a datetime, a malformed token)."""


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else _tstr(k)


def _tstr(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(v) -> str:
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _tstr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def _is_aot(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def to_toml(doc: dict) -> str:
    """Top-level scalars, then [tables], then [[arrays of tables]] (nested tables inline)."""
    lines = [f"{_key(k)} = {toml_value(v)}" for k, v in doc.items()
             if not isinstance(v, dict) and not _is_aot(v)]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines += ["", f"[{_key(k)}]"] + [f"{_key(a)} = {toml_value(b)}" for a, b in v.items()]
    for k, v in doc.items():
        if _is_aot(v):
            for item in v:
                lines += ["", f"[[{_key(k)}]]"]
                lines += [f"{_key(a)} = {toml_value(b)}" for a, b in item.items()]
    return "\n".join(lines) + "\n"


def _paths(doc, prefix=()) -> list[tuple]:
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append(prefix + (k,))
            out += _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append(prefix + (i,))
            out += _paths(v, prefix + (i,))
    return out


def _get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


WRONG_VALUES = [True, False, "12", "abc", "", " ", [1, 2], [], {"x": 1}, {}, 1.5, -1, 0,
                10**30, -(10**30), float("nan"), float("inf"), float("-inf"), 1e308, 1e-300,
                Raw("1979-05-27T07:32:00Z"), Raw("07:32:00"), "x" * 10_000, "Séoul 北京 🚀",
                "\u202e", [[1], ["a"]], [{"lat_deg": 1}], 91, -181, 361, 0.5, 100000, 9, 10, 73]
NUMERIC_FIELDS = {"launchers": [0, 9, 10, -1, 2.5], "interceptors_per_launcher": [0, 8, 9],
                  "reloads": [-1, 10, 11], "fire_channels": [0, 72, 73],
                  "reaction_time_s": [-1, 600, 601, 1e308], "rcs_m2": [0, 1e-6, 1000, 1001],
                  "salvo": [0, 8, 9, 100], "sspk": [-0.1, 0, 1, 1.1], "p_track": [-1, 0, 1, 2],
                  "kill_assessment_s": [-1, 0, 300, 301], "radius_km": [0, -1, 500, 501],
                  "lat_deg": [90, -90, 90.0001, -91, 1e308], "lon_deg": [-180, 360, 361, -181],
                  "launch_time_s": [-1, 0, 36000, 36001], "apogee_km": [0, 1e-300, 59, 60, 5000,
                                                                        5001, -5]}
MUTATIONS = ["drop", "wrong_type", "out_of_range", "unknown_key", "dup_id", "empty_id",
             "dup_battery", "launch_eq_aim", "missile", "site", "mode", "two_batteries",
             "no_threats", "no_battery", "battery_table", "threats_501", "apogee", "big_id"]


@st.composite
def mutated_scenario(draw) -> ScenarioFile:
    doc = json.loads(json.dumps(SKELETON))
    labels = []
    for _ in range(draw(pick([0, 1, 1, 1, 2, 2, 3]))):
        m = draw(pick(MUTATIONS))
        paths = _paths(doc)
        try:
            if m == "drop" and paths:
                path = draw(pick(paths))
                del _get(doc, path[:-1])[path[-1]]
                labels.append(f"drop {'.'.join(map(str, path))}")
            elif m == "wrong_type" and paths:
                path = draw(pick(paths))
                v = draw(pick(WRONG_VALUES))
                _get(doc, path[:-1])[path[-1]] = v
                labels.append(f"{'.'.join(map(str, path))} = {toml_value(v)[:30]}")
            elif m == "out_of_range":
                cands = [p for p in paths if isinstance(p[-1], str) and p[-1] in NUMERIC_FIELDS]
                if cands:
                    path = draw(pick(cands))
                    v = draw(pick(NUMERIC_FIELDS[path[-1]]))
                    _get(doc, path[:-1])[path[-1]] = v
                    labels.append(f"{'.'.join(map(str, path))} = {v!r}")
            elif m == "unknown_key":
                tables = [()] + [p for p in paths if isinstance(_get(doc, p), dict)]
                path = draw(pick(tables))
                key = draw(pick(["bogus", "Launchers", "threats", "é", "x" * 300]))
                _get(doc, path)[key] = 1
                labels.append(f"unknown key {key[:20]} in {'.'.join(map(str, path)) or 'top'}")
            elif m == "dup_id" and len(doc.get("threat", [])) > 1:
                doc["threat"][1]["id"] = doc["threat"][0].get("id", "T1")
                labels.append("duplicate threat id")
            elif m == "empty_id" and doc.get("threat"):
                doc["threat"][0]["id"] = draw(pick(["", " ", "\t", "\u200b"]))
                labels.append("empty threat id")
            elif m == "big_id" and doc.get("threat"):
                doc["threat"][0]["id"] = "I" * 10_000
                labels.append("10,000-char threat id")
            elif m == "dup_battery" and doc.get("battery"):
                doc["battery"] = list(doc["battery"]) + [dict(doc["battery"][0])]
                labels.append("duplicate battery name")
            elif m == "two_batteries" and doc.get("battery"):
                b = dict(doc["battery"][0], name="pyeongtaek", site="pyeongtaek")
                doc["battery"] = list(doc["battery"]) + [b]
                labels.append("second battery")
            elif m == "launch_eq_aim" and doc.get("threat"):
                t = doc["threat"][draw(pick(range(len(doc["threat"]))))]
                if "launch" in t:
                    t["aim"] = json.loads(json.dumps(t["launch"]))
                labels.append("launch == aim")
            elif m == "missile" and doc.get("threat"):
                t = doc["threat"][0]
                t["missile"] = draw(name_value(MISSILES))
                labels.append(f"missile {t['missile'][:20]!r}")
            elif m == "site" and doc.get("battery"):
                b = doc["battery"][0]
                b["site"] = draw(pick(SITES + SITE_LATLON + BAD_LATLON[:12]))
                labels.append(f"site {b['site'][:20]!r}")
            elif m == "mode":
                doc.setdefault("doctrine", {})["mode"] = draw(pick(
                    ["salvo", "shoot-look-shoot", "SLS", "salvo ", "", "sls,salvo"]))
                labels.append(f"mode {doc['doctrine']['mode']!r}")
            elif m == "no_threats":
                doc["threat"] = []
                labels.append("threat = []")
            elif m == "no_battery":
                doc.pop("battery", None)
                labels.append("no battery")
            elif m == "battery_table" and doc.get("battery"):
                doc["battery"] = doc["battery"][0]
                labels.append("[battery] as a table")
            elif m == "threats_501" and doc.get("threat") and isinstance(doc["threat"], list) \
                    and isinstance(doc["threat"][0], dict):
                t0 = doc["threat"][0]
                doc["threat"] = [dict(t0, id=f"M{i}") for i in range(501)]
                labels.append("501 threats")
            elif m == "apogee" and doc.get("threat"):
                t = doc["threat"][0]
                t["missile"] = "kn-23"
                t["apogee_km"] = draw(pick(NUMERIC_FIELDS["apogee_km"] + [50, 100]))
                labels.append(f"kn-23 apogee {t['apogee_km']!r}")
        except (KeyError, IndexError, TypeError, AttributeError):
            labels.append(f"{m} (n/a)")
    text = to_toml(doc)
    return ScenarioFile("; ".join(labels) or "skeleton", text.encode("utf-8"))


def _many_threats(n: int, bad: bool, compact: bool = False) -> bytes:
    """n threats; ``bad``: each with an unknown key (n problems); ``compact``: one inline array,
    about 85 bytes a threat, to stay under a file-size limit."""
    doc = json.loads(json.dumps(SKELETON))
    t0 = doc["threat"][0]
    doc["threat"] = [dict(t0, id=f"M{i}", **({"launchers": 1} if bad else {}))
                     for i in range(n)]
    if not compact:
        return to_toml(doc).encode()
    threats = doc.pop("threat")
    extra = ",x=1" if bad else ""
    body = ",".join(f'{{id="{t["id"]}",missile="scud-c",launch={{lat_deg=39,lon_deg=127}},'
                    f'aim={{lat_deg=36,lon_deg=128}}{extra}}}' for t in threats)
    return (f"threat = [{body}]\n" + to_toml(doc)).encode()


@functools.lru_cache(maxsize=1)
def raw_scenarios() -> dict[str, ScenarioFile]:
    """The named hard cases (each run once by the test, sampled by the campaign)."""
    text = to_toml(SKELETON)
    latin = text.replace('name = "fuzz"', 'name = "Séoul café"')
    deep = 5000
    items = {
        "empty file": b"",
        "whitespace only": b"  \n\t\n",
        "comment only": b"# nothing here\n",
        "binary garbage": bytes(range(256)) * 8,
        "binary with PNG header": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "utf-16 with BOM": text.encode("utf-16"),
        "utf-8 with BOM": b"\xef\xbb\xbf" + text.encode(),
        "latin-1 with a non-ASCII char": latin.encode("latin-1"),
        "NUL byte": text.replace("fuzz", "fu\x00zz").encode(),
        "CRLF line ends": text.replace("\n", "\r\n").encode(),
        "truncated": text.encode()[: len(text) // 2],
        "duplicate key": b'name = "a"\nname = "b"\n' + text.encode().split(b"\n", 1)[1],
        f"{deep}-deep array": b"a = " + b"[" * deep + b"]" * deep + b"\n",
        f"{deep}-deep inline table": b"a = " + b"{b = " * deep + b"1" + b" }" * deep + b"\n",
        f"{deep}-deep dotted key": b".".join([b"a"] * deep) + b" = 1\n",
        "10,000 threats": _many_threats(10_000, bad=False),
        "10,000 bad threats": _many_threats(10_000, bad=True),
        "10,000 threats, compact": _many_threats(10_000, bad=False, compact=True),
        "10,000 bad threats, compact": _many_threats(10_000, bad=True, compact=True),
        "600 threats": _many_threats(600, bad=False),
        "a 1 MB name": text.replace('"fuzz"', '"' + "n" * 1_000_000 + '"').encode(),
        "array of tables empty": b"[[battery]]\n[[threat]]\n",
        "a table, not an array": b"battery = 1\nthreat = 2\n",
        "datetime values": text.replace("launch_time_s = 0", "launch_time_s = 1979-05-27")
                               .encode(),
    }
    out = {k: ScenarioFile(k, v) for k, v in items.items()}
    out["a directory"] = ScenarioFile("a directory", kind="directory")
    out["a missing file"] = ScenarioFile("a missing file", kind="missing")
    out["an empty path"] = ScenarioFile("an empty path", kind="empty_path")
    out["valid skeleton"] = ScenarioFile("valid skeleton", text.encode())
    return out


@st.composite
def text_mutated_scenario(draw) -> ScenarioFile:
    """Random character edits of the skeleton's text."""
    text = list(to_toml(SKELETON))
    n = draw(pick([1, 2, 3, 4]))
    for _ in range(n):
        i = draw(st.integers(0, len(text) - 1))
        op = draw(pick(["del", "ins", "rep"]))
        ch = draw(pick(list("=[]{}\"'#,.\n 0-9aé\\") + ["\x00", "\x7f", "🚀"]))
        if op == "del":
            del text[i]
        elif op == "ins":
            text.insert(i, ch)
        else:
            text[i] = ch
    return ScenarioFile(f"{n} random text edits", "".join(text).encode("utf-8"))


def scenario_file(raw_weight: int = 1) -> st.SearchStrategy[ScenarioFile]:
    raws = list(raw_scenarios().values())
    return _weighted((6, mutated_scenario()), (2, text_mutated_scenario()),
                     (raw_weight, pick(raws)))


@st.composite
def engage_args(draw, scenarios: st.SearchStrategy | None = None):
    sc = draw(scenarios if scenarios is not None else _weighted(
        (3, st.just(raw_scenarios()["valid skeleton"])), (1, scenario_file())))
    parts = [
        draw(_opt("--trials", _weighted((6, pick(["100", "1", "50"])),
                                        (3, pick(BAD_INT + ["10000001"]))), omit=5)),
        draw(_opt("--seed", _weighted((4, pick(["0", "1", "42", str(2**63 - 1)])),
                                      (3, pick(BAD_INT))), omit=50)),
        draw(_opt("--timeline", out_path(), omit=85)),
        draw(_opt("--format", fmt_value(["table", "json"]), omit=10)),
    ]
    # no duplicated options: a repeated --trials could bring back the 10,000 default
    return ("engage", sc, *draw(_junk(parts, sure_bad_only=True)))


def scenario_invocation(sc: ScenarioFile) -> tuple:
    return ("engage", sc, "--trials", "100", "--format", "json")


@st.composite
def scenario_args(draw):
    """engage SCENARIO --trials 100 --format json (mostly) on a mutated scenario file."""
    sc = draw(scenario_file())
    if draw(percent()) < 80:
        return scenario_invocation(sc)
    return draw(engage_args(st.just(sc)))


def cli_args(full: bool = False) -> st.SearchStrategy[tuple]:
    return _weighted(
        (2, missiles_args()), (2, radars_args()), (6, trajectory_args()),
        (4, loft2range_args()), (5, track_args()), (5, coverage_args(full)),
        (4, footprint_args(full)), (2, demo_args()), (4, bench_args(full)), (2, odd_args()),
        (3, engage_args()), (1, threat_sets_args()), (3, data_args(full)))


OUTPUT_BASES = [
    ("trajectory", "--missile", "scud-b", "--from", "38.7,125.8", "--to", "36.99,127.09",
     "--plot"),
    ("engage", ScenarioFile("valid skeleton", to_toml(SKELETON).encode()), "--trials", "100",
     "--timeline"),
    ("coverage", "--altitude-km", "100", "--map"),
    ("coverage", "--altitude-km", "100", "--vertical"),
    ("footprint", "--grid-km", "50", "--map"),
]


@st.composite
def output_args(draw):
    """Cheap valid calls with one output option, so that the path handling is reached; or a
    refused demo with --out."""
    if draw(percent()) < 15:
        return draw(demo_args())
    base = draw(pick(OUTPUT_BASES))
    fmt = draw(pick([(), ("--format", "json")]))
    return (*base, draw(out_path()), *fmt)


def output_examples() -> list[tuple]:
    """Every output-path kind once (rotating over the commands), and demo --out of every kind
    with --trials 0 (refused before any work)."""
    kinds = list(dict.fromkeys(FILE_KINDS))
    out = [(*OUTPUT_BASES[i % len(OUTPUT_BASES)], OutPath(k)) for i, k in enumerate(kinds)]
    out += [("demo", "--out", OutPath(k, demo=True), "--trials", "0") for k in DEMO_KINDS]
    return out


def any_args(full: bool = True) -> st.SearchStrategy[tuple]:
    return _weighted((6, cli_args(full)), (3, scenario_args()), (2, output_args()),
                     (2, data_args(full)))


# ---------------------------------------------------------------------------------------------
# user data files (--missile-file, --radar-file, --threat-set-file, --interceptor-file)


@functools.cache
def shipped(filename: str) -> dict:
    import tomllib
    from importlib import resources

    return tomllib.loads(resources.files("thaadsim.data").joinpath(filename).read_text())


def section_toml(section: str, entries: dict) -> str:
    """[section.NAME] tables; list-of-table fields as [[section.NAME.field]]."""
    lines: list[str] = []
    for name, entry in entries.items():
        head = f"{section}.{_key(name)}"
        if not isinstance(entry, dict):
            lines += [f"{head} = {toml_value(entry)}", ""]
            continue
        lines.append(f"[{head}]")
        aot = {k: v for k, v in entry.items() if _is_aot(v)}
        lines += [f"{_key(k)} = {toml_value(v)}" for k, v in entry.items() if k not in aot]
        for k, items in aot.items():
            for it in items:
                lines += ["", f"[[{head}.{_key(k)}]]"]
                lines += [f"{_key(a)} = {toml_value(b)}" for a, b in it.items()]
        lines.append("")
    return "\n".join(lines) + "\n"


def _base_entries(kind: str) -> dict[str, tuple[str, dict]]:
    """kind -> {entry name: (section, entry)}: copies of cheap shipped entries, renamed."""
    cp = json.loads
    if kind == "missile":
        return {"fuzz-m": ("missile", cp(json.dumps(shipped("missiles.toml")["missile"]
                                                     ["scud-b"])))}
    if kind == "radar":
        d = shipped("radars.toml")
        return {"fuzz-r": ("radar", cp(json.dumps(d["radar"]["tpy2-terminal"]))),
                "fuzz-s": ("site", cp(json.dumps(d["site"]["seongju"])))}
    if kind == "set":
        e = cp(json.dumps(shipped("threat_sets.toml")["set"]["nk-default"]))
        e["missiles"] = ["scud-b", "scud-c"]
        e["launch_area"] = e["launch_area"][1:2]
        return {"fuzz-t": ("set", e)}
    e = cp(json.dumps(shipped("interceptors.toml")["interceptor"]["thaad"]))
    return {"fuzz-i": ("interceptor", e)}


DATA_NAMES = {"missile": "user-missiles.toml", "radar": "user-radars.toml",
              "set": "user-threat-sets.toml", "interceptor": "user-interceptors.toml"}
DATA_OPTIONS = {"missile": "--missile-file", "radar": "--radar-file",
                "set": "--threat-set-file", "interceptor": "--interceptor-file"}
DATA_VALUES = [0, -1, -0.0, 1e-300, 1e308, 1e30, 1e6, 0.5, 2, float("nan"), float("inf"),
               float("-inf"), 10**30, "abc", "12", "", True, [], {}, [1, 2], "x" * 10_000]
RENAMES = ["scud-b", "SCUD-B", "tpy2-terminal", "seongju", "nk-default", "thaad", "", " ",
           "a b", "é北", "x" * 300, "fuzz-m", "fuzz-r", "fuzz-t", "fuzz-i"]


@st.composite
def data_file(draw, kind: str) -> tuple[ScenarioFile, dict[str, str]]:
    """A user data file of ``kind`` with 0-3 mutations; returns it and {base name: name}."""
    entries = _base_entries(kind)
    names = {n: n for n in entries}
    labels = []
    for _ in range(draw(pick([0, 1, 1, 1, 2, 2, 3]))):
        base = draw(pick(sorted(entries)))
        section, e = entries[base]
        m = draw(pick(["value", "value", "value", "drop", "unknown", "rename", "list"]))
        fields = [(k, None) for k in e] + [
            (k, i) for k, v in e.items() if _is_aot(v) for i in range(len(v)) if v[i]]
        if not fields:
            continue
        k, i = draw(pick(fields))
        target = e if i is None else e[k][i]
        if i is not None:
            k = draw(pick(sorted(target)))
        if m == "value":
            v = draw(pick(DATA_VALUES))
            target[k] = v
            labels.append(f"{base}.{k} = {toml_value(v)[:20]}")
        elif m == "drop":
            target.pop(k, None)
            labels.append(f"drop {base}.{k}")
        elif m == "unknown":
            target["bogus"] = 1
            labels.append(f"unknown key in {base}")
        elif m == "rename":
            new = draw(pick(RENAMES))
            entries[new] = entries.pop(base)
            names[base] = new
            labels.append(f"{base} renamed {new[:20]!r}")
        elif m == "list":
            lk = [k for k, v in e.items() if isinstance(v, list)]
            if lk:
                k = draw(pick(lk))
                v = draw(pick(["empty", "many", "dup"]))
                if v == "empty":
                    e[k] = []
                elif v == "many" and e[k]:
                    e[k] = (e[k] * 4)[:4] if k in ("stages", "launch_area") else e[k] * 40
                elif e[k]:
                    e[k] = [e[k][0], e[k][0]]
                labels.append(f"{base}.{k}: {v}")
    by_section: dict[str, dict] = {}
    for name, (section, e) in entries.items():
        by_section.setdefault(section, {})[name] = e
    text = "".join(section_toml(sec, ents) for sec, ents in by_section.items())
    return (ScenarioFile("; ".join(labels) or "valid copy", text.encode("utf-8"),
                         name=DATA_NAMES[kind]), names)


def _raw_data_files(kind: str) -> list[ScenarioFile]:
    n = DATA_NAMES[kind]
    sec = kind
    raws = [ScenarioFile(k, v.data, v.kind, n) for k, v in raw_scenarios().items()
            if k in ("empty file", "binary garbage", "utf-16 with BOM", "5000-deep array",
                     "latin-1 with a non-ASCII char", "a directory", "a missing file",
                     "an empty path", "10,000 threats")]
    raws += [ScenarioFile("section not a table", f"{sec} = 5\n".encode(), name=n),
             ScenarioFile("entry not a table", f"[{sec}]\nfoo = 1\n".encode(), name=n),
             ScenarioFile("another section", b"[bogus.x]\na = 1\n", name=n)]
    return raws


@st.composite
def data_args(draw, full: bool = False):
    """A command that reads one (sometimes two) user data files and uses their entries."""
    # an engage with a user interceptor costs seconds (its reach table): 1 in 8
    kind = draw(pick(["missile"] * 3 + ["radar"] * 2 + ["set"] * 2 + ["interceptor"]))
    if draw(percent()) < 15:
        f, names = draw(pick(_raw_data_files(kind))), dict(_base_entries(kind))
        names = {k: k for k in names}
    else:
        f, names = draw(data_file(kind))
    opt = DATA_OPTIONS[kind]
    files = [opt, f]
    r = draw(percent())
    if r < 8:
        files += [opt, f]  # the same file twice
    elif r < 14:
        g, _ = draw(data_file(kind))
        files += [opt, dataclasses.replace(g, name="second-" + g.name)]
    fmt = draw(pick(["json", "json", "table", "csv"]))
    if kind == "missile":
        m = names.get("fuzz-m", "fuzz-m")
        cmd = draw(pick([
            ("missiles", "--format", fmt),
            ("threat-sets", "--format", fmt),
            ("trajectory", "--missile", m, "--from", "39,125.7", "--azimuth-deg", "180",
             "--format", fmt),
            ("trajectory", "--missile", m, "--from", "38.7,125.8", "--to", "36.99,127.09",
             "--format", fmt),
            ("loft2range", "--apogee-km", "500", "--range-km", "900", "--template", m,
             "--format", fmt),
            ("track", "--missile", m, "--from", "38.7,125.8", "--to", "36.99,127.09",
             "--format", fmt),
        ]))
    elif kind == "radar":
        r_, s_ = names.get("fuzz-r", "fuzz-r"), names.get("fuzz-s", "fuzz-s")
        cmd = draw(pick([
            ("radars", "--format", fmt),
            ("coverage", "--radar", r_, "--site", s_, "--altitude-km", "100", "--format",
             fmt.replace("csv", "geojson")),
            ("track", "--missile", "scud-c", "--from", "39.15,127.45", "--to", "36.03,128.18",
             "--radar", r_, "--site", s_, "--format", fmt),
        ]))
    elif kind == "set":
        t = names.get("fuzz-t", "fuzz-t")
        cmd = draw(pick([
            ("threat-sets", "--format", fmt),
            ("footprint", "--threat-set", t, "--grid-km", "50", "--format",
             fmt.replace("csv", "geojson")),
        ]))
    else:
        doc = json.loads(json.dumps(SKELETON))
        doc["battery"][0]["interceptor"] = names.get("fuzz-i", "fuzz-i")
        doc["threat"] = doc["threat"][:1]
        sc = ScenarioFile("skeleton with a user interceptor", to_toml(doc).encode())
        cmd = ("engage", sc, "--trials", "100", "--format", fmt.replace("csv", "json"))
    return (*cmd, *files)


# ---------------------------------------------------------------------------------------------
# running and checking


def inv_key(inv: tuple) -> tuple:
    """Identity of an invocation, to skip repeats: Hypothesis mutates earlier examples, so a fixed
    budget would otherwise spend a good part of itself on copies."""
    import hashlib

    return tuple((x.name, x.kind, hashlib.sha1(x.data).hexdigest()) if isinstance(x, ScenarioFile)
                 else repr(x) for x in inv)



class _Timeout(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _Timeout()


@dataclasses.dataclass
class Outcome:
    inv: tuple
    argv: list[str]
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    violations: list[tuple[str, str]]  # (kind, detail)

    @property
    def command(self) -> str:
        words = [short_arg(a, 24) for a in self.argv[:2] if a and not a.startswith("-")]
        if not words:
            return "(none)"
        return " ".join(words[:2]) if words[0] == "bench" else words[0]


def _snapshot(work: Path) -> set[Path]:
    return {p for p in work.rglob("*")}


def _effective_format(argv: list[str]) -> str:
    fmt = "json" if argv[:1] == ["bench"] else "table"
    for i, a in enumerate(argv):
        if a == "--format" and i + 1 < len(argv):
            fmt = argv[i + 1]
        elif a.startswith("--format="):
            fmt = a.split("=", 1)[1]
    return fmt


def _no_constants(name):
    raise ValueError(f"non-finite JSON constant {name}")


_WARN_LINE = re.compile(r"\.py:\d+: \w*Warning")  # a warning printed with its source line
_TEXT_NAN = re.compile(r"(?<![\w.])[-+]?(nan|inf|infinity)(?![\w.])", re.IGNORECASE)
IGNORED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                    ResourceWarning)


def run_invocation(inv: tuple, work: Path, timeout_s: float = 30.0, *,
                   scenario: bool | None = None, max_lines: int = 3) -> Outcome:
    """Run ``thaadsim.cli.main(argv)`` in-process inside ``work``; return the outcome with the
    list of broken rules."""
    from thaadsim.cli import main

    prep = prepare(inv, work)
    argv = prep.argv
    before = _snapshot(work)
    out, err = io.StringIO(), io.StringIO()
    exc_text = None
    code: int | None = None
    cwd = os.getcwd()
    use_alarm = threading.current_thread() is threading.main_thread() and timeout_s > 0
    old = signal.signal(signal.SIGALRM, _on_alarm) if use_alarm else None
    t0 = time.perf_counter()
    timed_out = False
    with warnings.catch_warnings(record=True) as caught:
        try:
            os.chdir(work)
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, timeout_s)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(argv))
        except _Timeout:
            timed_out = True
        except BaseException as e:  # noqa: BLE001 (anything escaping main is a finding)
            if isinstance(e, KeyboardInterrupt):
                raise
            exc_text = "".join(traceback.format_exception(e))
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
            os.chdir(cwd)
    seconds = time.perf_counter() - t0
    stdout, stderr = out.getvalue(), err.getvalue()
    v: list[tuple[str, str]] = []
    if scenario is None:
        scenario = any(isinstance(x, ScenarioFile) for x in inv)
    if timed_out:
        v.append(("timeout", f"no answer within {timeout_s:g} s"))
    if exc_text is not None:
        v.append(("exception escaped main", exc_text.strip().splitlines()[-1]))
        stderr += exc_text
    both = stdout + stderr
    if code is not None and code not in (0, 2) and "internal error" not in both:
        v.append((f"exit code {code}", _first(stderr)))
    if "Traceback" in both and exc_text is None:
        v.append(("traceback", _last_tb_line(both)))
    if "internal error" in both:
        v.append(("internal error", _first([ln for ln in stderr.splitlines()
                                            if "internal error" in ln] or [both])))
    for w in caught:
        if not issubclass(w.category, IGNORED_WARNINGS):
            v.append(("warning", f"{w.category.__name__}: {w.message} "
                                 f"({Path(w.filename).name}:{w.lineno})"))
    if _WARN_LINE.search(stderr):
        v.append(("warning with a source line on stderr",
                  _first([ln for ln in stderr.splitlines() if _WARN_LINE.search(ln)])))
    elif "RuntimeWarning" in stderr and "internal error" not in stderr:
        v.append(("RuntimeWarning on stderr", _first([ln for ln in stderr.splitlines()
                                                      if "RuntimeWarning" in ln])))
    lines = stderr.strip().splitlines()
    help_only = not [a for a in argv if a and not a.startswith("-")] or argv == ["bench"]
    if len(stderr) >= 2000 and not help_only:  # e.g. a 10,000-character value echoed back
        v.append(("stderr too long", f"{len(stderr)} chars, {len(lines)} lines; "
                                     f"first: {_first(stderr)}"))
    if not scenario and len(lines) > max_lines and not help_only:
        v.append(("stderr lines", f"{len(lines)} lines; first: {_first(stderr)}"))
    if code == 2 and not stderr.strip():
        v.append(("exit 2 without a message", ""))
    info_only = any(a in ("--help", "--version") for a in argv)
    fmt = _effective_format(argv)
    if code == 0 and not info_only and fmt in ("json", "geojson"):
        try:
            json.loads(stdout, parse_constant=_no_constants)
        except ValueError as e:
            kind = "json NaN/Infinity" if "non-finite" in str(e) else "json invalid"
            v.append((kind, f"{e}; stdout starts {stdout[:80]!r}"))
    elif code == 0 and not info_only and fmt in ("table", "csv"):
        m = _TEXT_NAN.search(stdout)
        if m and not any(_TEXT_NAN.search(a) for a in argv) and not scenario:
            v.append(("nan/inf in text output", stdout[max(0, m.start() - 40): m.end() + 10]))
    # files: sentinels intact, nothing deleted, claimed outputs written, no leftovers on error
    for p, data in prep.sentinels.items():
        if not p.exists():
            v.append(("user file deleted", str(p.relative_to(work))))
        elif p.is_file() and p.read_bytes() != data:
            v.append(("user file changed", str(p.relative_to(work))))
    after = _snapshot(work)
    gone = sorted(str(p.relative_to(work)) for p in before - after
                  if p not in prep.sentinels)
    if gone:
        v.append(("file deleted", ", ".join(gone[:5])))
    if code == 0 and not info_only:
        for kind, path in prep.outputs:
            if kind in WRITABLE_KINDS and path is not None and (
                    not path.is_file() or path.stat().st_size == 0
                    or path.read_bytes() == b"an older picture\n"):
                v.append(("output not written", f"{kind}: {path.name}"))
            if kind in UNWRITABLE_KINDS:
                v.append(("exit 0 with an unwritable output path", kind))
    if code not in (0, None):
        new = sorted(str(p.relative_to(work)) for p in after - before)
        if new:
            v.append(("files left after an error", ", ".join(new[:5])))
    return Outcome(inv, argv, code, stdout, stderr, seconds, v)


def _first(text) -> str:
    if isinstance(text, list):
        text = "\n".join(text)
    for ln in str(text).splitlines():
        if ln.strip():
            return ln.strip()[:300]
    return ""


def _last_tb_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if ln.startswith("Traceback"):
            rest = lines[i + 1:]
            for r in rest:
                if not r.startswith(" "):
                    return r[:300]
    return lines[-1][:300] if lines else ""


def short_arg(a: str, n: int = 60) -> str:
    if len(a) <= n:
        return a
    if a.startswith("/") and len(a) < 400:
        return "…" + a[-45:]
    return f"{a[:20]}…({len(a)} chars)"


def show_argv(argv: list[str]) -> str:
    import shlex

    return "thaadsim " + " ".join(shlex.quote(short_arg(a)) for a in argv)


def _norm(s: str) -> str:
    s = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", s)
    s = re.sub(r"/tmp/\S+|/proc/\S+", "PATH", s)
    s = re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "#", s)
    return re.sub(r"\s+", " ", s)[:140]


def class_key(o: Outcome, kind: str, detail: str) -> tuple[str, str, str]:
    return (o.command, kind, _norm(detail))


def dedupe(outcomes: list[Outcome]) -> dict[tuple, list[Outcome]]:
    classes: dict[tuple, list[Outcome]] = {}
    for o in outcomes:
        for kind, detail in o.violations:
            classes.setdefault(class_key(o, kind, detail), []).append(o)
    return classes


def describe(o: Outcome, max_err: int = 600) -> str:
    err = o.stderr if len(o.stderr) <= max_err else o.stderr[:max_err] + f"…({len(o.stderr)})"
    files = "; ".join(f"{x.name}: {x.label}" for x in o.inv if isinstance(x, ScenarioFile))
    return (f"  argv: {show_argv(o.argv)}\n" + (f"  file: {files[:300]}\n" if files else "")
            + f"  exit: {o.code}  ({o.seconds:.2f} s)\n"
            + "  stderr: " + (err.strip().replace("\n", "\n          ") or "(empty)"))


def format_failures(outcomes: list[Outcome], limit: int = 25) -> str:
    classes = dedupe(outcomes)
    out = [f"{len(outcomes)} invocation(s) broke the CLI contract; {len(classes)} class(es):"]
    for i, ((cmd, kind, _), os_) in enumerate(sorted(classes.items(), key=lambda kv: kv[0])):
        if i >= limit:
            out.append(f"... and {len(classes) - limit} more classes")
            break
        detail = next(d for k, d in os_[0].violations if class_key(os_[0], k, d)[1] == kind)
        out.append(f"[{cmd}] {kind} x{len(os_)}: {detail[:200]}\n{describe(os_[0])}")
    return "\n".join(out)
