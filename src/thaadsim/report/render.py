"""The demo report as one self-contained, offline HTML page (figures embedded), rendered from the
demo's summary dictionary (the same data as summary.json) with the Jinja2 template
``templates/report.html.j2`` and its stylesheet ``templates/report.css`` (inlined).

Every number in the page's prose comes from the summary or from the presets the run used (the
``context``, see :func:`preset_context`); the template types none. Formatting for people (units,
thousands separators, percentages, Yes/No) is done by the filters defined here.
"""

from __future__ import annotations

import base64
import datetime
import math
import struct
from fractions import Fraction
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, Undefined, select_autoescape

# The claim the defended footprint is compared with (docs/reference/public-parameters.md).
MND_CLAIM_TEXT = "one-half to two-thirds of South Korea"
MND_CLAIM_SOURCE = "ROK Ministry of National Defense, July 2016"
MND_CLAIM_LOW = 1 / 2  # "one-half" (ROK MND, July 2016)
MND_CLAIM_HIGH = 2 / 3  # "two-thirds" (ROK MND, July 2016)
CI_LEVEL = 0.95  # level of the engagement summary's *_ci95 intervals
BAND_PERCENTILES = (5, 50, 95)  # the uncertainty bands' p05/p50/p95 (analysis.uncertainty)

# Figures the demo writes (coverage-<mode>.png is added per radar mode in the summary).
FIGURES = ("footprint.png", "change-relocation.png", "vertical-coverage-terminal.png",
           "trajectories.png", "engagement-timeline.png")

KMZ_NAME = "thaadsim-demo.kmz"  # written beside the report by the demo (report.demo)

# The cases of the withdrawal comparison, in words (analysis.footprint.WITHDRAWAL_CONFIGURATIONS)
CASE_WORDS = {"thaad-alone": "THAAD alone", "deployed": "THAAD + lower tier",
              "withdrawn": "THAAD withdrawn"}

# Keys of the ``context`` argument of render_html; any missing one is read from the presets.
CONTEXT_KEYS = ("site", "radars", "interceptor", "footprint_battery", "cities")

NBSP = "\u00a0"
DASH = "\u2014"
MINUS = "\u2212"


# ---- filters ---------------------------------------------------------------------------------

def _defined(x):
    """A missing summary key reaches a filter as an Undefined: make StrictUndefined raise (the
    filters below would otherwise print it as a dash)."""
    if isinstance(x, Undefined):
        str(x)  # StrictUndefined raises UndefinedError here
        return None
    return x


def _finite(x) -> bool:
    x = _defined(x)
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def yesno(x) -> str:
    """True/False -> Yes/No; None -> a dash."""
    x = _defined(x)
    return DASH if x is None else ("Yes" if x else "No")


def num(x, digits: int | None = 0) -> str:
    """A number with thousands separators and ``digits`` decimals; None/NaN -> a dash.

    ``digits=None`` prints the number as given, up to six significant digits, for small inputs
    such as 0.01 m².
    """
    if isinstance(_defined(x), bool):
        return yesno(x)
    if not _finite(x):
        return DASH
    text = f"{abs(x):,.6g}" if digits is None else f"{abs(x):,.{digits}f}"
    return (MINUS if x < 0 and any(c in "123456789" for c in text) else "") + text


def signed(x, digits: int | None = 0, unit: str = "") -> str:
    """A change: +1,234 / \u22121,234 / 0, with an optional unit."""
    text = qty(x, unit, digits) if unit else num(x, digits)
    return "+" + text if _finite(x) and x > 0 and any(c in "123456789" for c in text) else text


def pct(x, digits: int | None = 0) -> str:
    """A fraction as a percentage: 0.5434 -> '54 %' (non-breaking space)."""
    return f"{num(100 * x, digits)}{NBSP}%" if _finite(x) else DASH


def qty(x, unit: str, digits: int | None = 0) -> str:
    """A number with its unit: 53537 km² -> '53,537 km²'; degrees take no space."""
    if not _finite(x):
        return DASH
    return num(x, digits) + (unit if unit.startswith("°") else NBSP + unit)


def value(x, unit: str) -> str:
    """A parameter's value with its unit, pascals in MPa: 740000 Pa -> '0.74 MPa'."""
    if not _finite(x):
        return DASH
    if unit == "Pa":
        return qty(x / 1e6, "MPa", None)
    if unit in ("-", ""):
        return num(x, None)
    return qty(x, unit, None)


def people(n) -> str:
    """A head count: 16789675 -> '16.8 million'."""
    if not _finite(n):
        return DASH
    return f"{n / 1e6:,.1f}{NBSP}million" if abs(n) >= 1e6 else num(n)


def ratio(x) -> str:
    """A simple fraction: 1.3333 -> '4/3'."""
    if not _finite(x):
        return DASH
    f = Fraction(x).limit_denominator(12)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def listing(xs) -> str:
    """A list as 'a, b, c'; empty -> a dash."""
    xs = _defined(xs)
    return ", ".join(str(x) for x in xs) if xs else DASH


def words(x) -> str:
    """An identifier for reading: 'instrumented_range' -> 'instrumented range'."""
    x = _defined(x)
    return DASH if x is None else str(x).replace("_", " ")


def when(iso) -> str:
    """An ISO 8601 time stamp for reading: '2026-11-27T23:53:34Z' -> '27 Nov 2026, 23:53 UTC'."""
    iso = _defined(iso)
    try:
        t = datetime.datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    if t.tzinfo is None:
        return f"{t:%d %b %Y, %H:%M}"
    t = t.astimezone(datetime.UTC)
    return f"{t:%d %b %Y, %H:%M} UTC"


def _finalize(x):
    """Applied to every ``{{ }}``: no True/False/None reaches the reader."""
    if isinstance(x, bool) or x is None:
        return yesno(x)
    return x


FILTERS = {"value": value, "yesno": yesno, "num": num, "signed": signed, "pct": pct, "qty": qty,
           "people": people, "ratio": ratio, "listing": listing, "words": words, "when": when}


def environment() -> Environment:
    """The Jinja2 environment of the report template, with the filters of this module.

    Returns
    -------
    jinja2.Environment
        Autoescaping, ``StrictUndefined`` (a missing key raises), ``FILTERS`` installed.
    """
    env = Environment(loader=PackageLoader("thaadsim.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, finalize=_finalize)
    env.filters.update(FILTERS)
    return env


# ---- inputs ----------------------------------------------------------------------------------

def preset_context(site: str = "seongju", modes=("tpy2-terminal", "tpy2-forward")) -> dict:
    """The preset values the report's prose quotes beside the results.

    The keys of ``CONTEXT_KEYS``, read through the models' public functions. The interceptor's
    envelope is the battery's reach table (cached: free once the footprint has been computed).

    Parameters
    ----------
    site : str, optional
        Site preset of the battery; default ``"seongju"``.
    modes : tuple of str, optional
        Radar presets quoted; default the two AN/TPY-2 modes.

    Returns
    -------
    dict
        ``site``, ``radars``, ``interceptor``, ``footprint_battery`` and ``cities``.
    """
    from thaadsim.engagement.fire_control import battery_at
    from thaadsim.geo import cities
    from thaadsim.sensors import get_radar, get_site

    st = get_site(site)
    bat = battery_at(site)
    ic = bat.interceptor
    reach = bat.reach
    env = reach.to_dict()
    kr = [c["population"] for c in cities() if c["country"] == "KR"]
    radars = {}
    for m in modes:
        r = get_radar(m)
        radars[m] = {"description": r.description, "calibration_range_km": r.calibration_range_km,
                     "calibration_rcs_m2": r.calibration_rcs_m2, "sources": list(r.sources)}
    return {
        "site": {"name": st.name, "min_elevation_deg": st.min_elevation_deg,
                 "sources": list(st.sources)},
        "radars": radars,
        "interceptor": {"name": ic.name, "top_speed_km_s": float(reach.speed_m_s.max()) / 1e3,
                        "max_ground_range_km": env["max_ground_range_km"],
                        "min_altitude_km": env["min_altitude_km"],
                        "max_altitude_km": env["max_altitude_km"],
                        "kinematic_ceiling_km": env["kinematic_ceiling_km"],
                        "sources": list(ic.sources)},
        "footprint_battery": {"reaction_time_s": bat.reaction_time_s, "rcs_m2": bat.rcs_m2},
        "cities": {"country": "KR", "count": len(kr), "min_population": min(kr, default=None)},
    }


def presets_used(s: dict) -> list[dict]:
    """Every preset the report's numbers rest on, with the values used and their sources.

    The missiles of the footprint's threat sets, the raid and the loft2range templates; the
    radar modes; the site; the interceptor; the threat sets.

    Returns
    -------
    list of dict
        ``kind``, ``name``, ``description``, ``values`` (list of (field, value) pairs: the
        numeric fields of the preset, stages included) and ``sources``.
    """
    from thaadsim.interceptors.reach import get_interceptor
    from thaadsim.sensors import get_radar, get_site
    from thaadsim.threats.missile import get_missile
    from thaadsim.threats.threat_set import get_threat_set

    def numeric(d: dict, prefix: str = "") -> list:
        out = []
        for k, v in d.items():
            if isinstance(v, bool) or k in ("sources", "notes", "description", "name"):
                continue
            if isinstance(v, int | float) and math.isfinite(v):
                out.append((prefix + k, v))
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                for i, x in enumerate(v):
                    out += numeric(x, f"{k}[{i + 1}].")
        return out

    sets = [s["footprint"]["threat_set"], s.get("footprint_nk2019", {}).get("threat_set")]
    missiles: list[str] = []
    for name in filter(None, sets):
        missiles += [m for m in get_threat_set(name).missiles if m not in missiles]
    for t in s["engagement"]["threats"]:
        if t["missile"] not in missiles:
            missiles.append(t["missile"])
    for x in s.get("loft2range", []):
        m = x.get("template")
        if m and m not in missiles:
            missiles.append(m)
    out = []
    for name in missiles:
        m = get_missile(name).to_dict()
        out.append({"kind": "missile", "name": name, "description": m.get("description", ""),
                    "values": numeric(m), "sources": m.get("sources", [])})
    for mode in s["coverage"]:
        r = get_radar(mode).to_dict()
        out.append({"kind": "radar", "name": mode, "description": r.get("description", ""),
                    "values": numeric(r), "sources": r.get("sources", [])})
    site = next(iter(s["coverage"].values()))["site"]["name"]
    st = get_site(site).to_dict()
    out.append({"kind": "site", "name": site, "description": st.get("description", ""),
                "values": numeric(st), "sources": st.get("sources", [])})
    ic = get_interceptor("thaad").to_dict()
    out.append({"kind": "interceptor", "name": "thaad", "description": ic.get("description", ""),
                "values": numeric(ic), "sources": ic.get("sources", [])})
    for name in filter(None, sets):
        ts = get_threat_set(name)
        out.append({"kind": "threat set", "name": name, "description": ts.description,
                    "values": [(f"{a[0]} (lat, lon deg)", f"{a[1]:g}, {a[2]:g}")
                               for a in ts.launch_areas],
                    "sources": list(ts.sources)})
    return out


# Published claims the report compares its results with (docs/reference/public-parameters.md)
USCC_TERMINAL = ("In terminal mode the radar “would cover minimal Chinese territory near the "
                 "China-North Korea border and part of Shandong Province”",
                 "USCC, 2016 Annual Report to Congress, p. 448 (US defense officials)")
USCC_FORWARD = ("In forward-based mode (about 2,000 km) it “covers most of the eastern half of "
                "China”", "USCC, 2016 Annual Report to Congress, p. 448")
# what "minimal" territory is taken to mean in the comparison: under 1 % of China's land area
MINIMAL_SHARE = 0.01
# "the eastern half of China": the land east of 110 deg E (about half of China's population
# lives far east of it; the line is an assumption of the comparison, stated in the report)
EAST_OF_DEG = 110.0


def claims(s: dict) -> list[dict]:
    """The published claims and what the results say about each: ``claim``, ``source``,
    ``result`` (words and numbers) and ``agrees`` (bool, or None where it is a matter of
    reading)."""
    from shapely.geometry import box

    from thaadsim import geo

    out = []
    fp = s["footprint"]
    frac = fp["defended_fraction_of_south_korea"]
    out.append({"claim": f"The battery protects “{MND_CLAIM_TEXT}”", "source": MND_CLAIM_SOURCE,
                "result": f"{pct(frac)} of South Korea's land defended against "
                          f"{fp['threat_set']}",
                "agrees": MND_CLAIM_LOW <= frac <= MND_CLAIM_HIGH})
    china = geo.countries().get("CHN")
    fwd, _ = geo.laea(35.0, 105.0)
    china_km2 = geo.project(china, fwd).area / 1e6 if china is not None else float("nan")
    cov = s["coverage"]
    if "tpy2-terminal" in cov:
        best = max(cov["tpy2-terminal"]["layers"],
                   key=lambda la: la["countries"].get("CHN", {}).get("area_km2", 0.0))
        c = best["countries"].get("CHN", {})
        share = c.get("area_km2", 0.0) / china_km2
        regions = c.get("regions_in_view", [])
        out.append({"claim": USCC_TERMINAL[0], "source": USCC_TERMINAL[1],
                    "result": f"at most {qty(c.get('area_km2', 0.0), 'km²')} of China "
                              f"({pct(share, 2)} of its land), objects at "
                              f"{qty(best['altitude_km'], 'km')}; regions: "
                              f"{listing(regions)}",
                    "agrees": share < MINIMAL_SHARE and "Shandong" in regions})
    if "tpy2-forward" in cov:
        best = max(cov["tpy2-forward"]["layers"],
                   key=lambda la: la["countries"].get("CHN", {}).get("area_km2", 0.0))
        c = best["countries"].get("CHN", {})
        east = geo.project(china.intersection(box(EAST_OF_DEG, -90, 180, 90)), fwd).area / 1e6 \
            if china is not None else float("nan")
        out.append({"claim": USCC_FORWARD[0], "source": USCC_FORWARD[1],
                    "result": f"{qty(c.get('area_km2', 0.0), 'km²')} of China in view (objects "
                              f"at {qty(best['altitude_km'], 'km')}), "
                              f"{pct(c.get('area_km2', 0.0) / east)} of its land east of "
                              f"{EAST_OF_DEG:g}° E (the ±60° face limits it)",
                    "agrees": c.get("area_km2", 0.0) / east > 0.5})
    return out


def scenario_text() -> tuple[str, str]:
    """The example raid scenario the report ran (file name, TOML text), embedded in the page."""
    from thaadsim.io.scenario import example_path

    p = Path(example_path())
    return p.name, p.read_text()


def _png_size(data: bytes) -> tuple[int, int] | tuple[None, None]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None, None


# Figures of the robustness section, present when the summary has its keys
OPTIONAL_FIGURES = ("tornado.png", "probability-map.png", "siting.png", "watch-map.png",
                    "watch-time-altitude.png", "change-layered.png")


def _figures(s: dict, d: Path) -> dict:
    names = list(FIGURES) + [f"coverage-{m}.png" for m in s["coverage"]]
    names += [n for n in OPTIONAL_FIGURES if (d / n).exists()]
    out = {}
    for name in names:
        data = (d / name).read_bytes()
        w, h = _png_size(data)
        out[name.removesuffix(".png")] = {
            "uri": "data:image/png;base64," + base64.b64encode(data).decode(), "width": w,
            "height": h}
    return out


def _coverage_rows(s: dict) -> list[dict]:
    rows = []
    for mode, c in s["coverage"].items():
        for la in c["layers"]:
            cs = la["countries"]
            rows.append({"mode": mode, "altitude_km": la["altitude_km"],
                         "max_ground_range_km": la["max_ground_range_km"],
                         "limited_by": la["limited_by"],
                         "china_area_km2": cs.get("CHN", {}).get("area_km2"),
                         "china_depth_km": cs.get("CHN", {}).get("max_depth_km"),
                         "nk_area_km2": cs.get("PRK", {}).get("area_km2")})
    return rows


def _deepest(layers: list[dict], iso: str) -> dict | None:
    """The layer that reaches deepest into country ``iso`` (None if none reaches it)."""
    seen = [la for la in layers if (la["countries"].get(iso) or {}).get("max_depth_km")]
    if not seen:
        return None
    la = max(seen, key=lambda la: la["countries"][iso]["max_depth_km"])
    return {"altitude_km": la["altitude_km"], "depth_km": la["countries"][iso]["max_depth_km"],
            "area_km2": la["countries"][iso]["area_km2"]}


def _view(s: dict) -> dict:
    """Derived tables and selections (no formatting: that is the template's)."""
    cov = s["coverage"]
    low = {m: min(c["layers"], key=lambda la: la["altitude_km"]) for m, c in cov.items()}
    meta = s.get("metadata") or {}
    return {
        "coverage_rows": _coverage_rows(s),
        "coverage_altitudes_km": sorted({la["altitude_km"] for c in cov.values()
                                         for la in c["layers"]}),
        "lowest_layer": low,
        "china_reach": {m: _deepest(c["layers"], "CHN") for m, c in cov.items()},
        "limiting": sorted(s["footprint"]["limiting_threats"].items(), key=lambda kv: -kv[1]),
        "meta": {"version": meta.get("thaadsim_version") or "",
                 "run_date": meta.get("run_date") or "",
                 "command": meta.get("command") or "thaadsim demo"},
        "claim": {"text": MND_CLAIM_TEXT, "source": MND_CLAIM_SOURCE, "low": MND_CLAIM_LOW,
                  "high": MND_CLAIM_HIGH},
        "ci_level": CI_LEVEL,
        "coverage_bands": _coverage_bands(s),
        "lo_pct": _ordinal(BAND_PERCENTILES[0]), "hi_pct": _ordinal(BAND_PERCENTILES[-1]),
        "mode_words": {m: _mode_words(c["radar"]) for m, c in cov.items()},
        "case_words": CASE_WORDS,
        "lower_systems": _lower_systems(s),
        "unc_cov_alt": (s.get("uncertainty") or {}).get("coverage_altitude_km"),
    }


def _lower_systems(s: dict) -> list[str]:
    """The lower-tier systems the layered comparison placed, in words (their presets'
    descriptions up to the colon)."""
    from thaadsim.engagement.systems import get_system

    names: list[str] = []
    for bats in ((s.get("layers") or {}).get("configurations") or {}).values():
        for b in bats:
            if b["tier"] == "lower" and b["system"] not in names:
                names.append(b["system"])
    return [get_system(n).description.split(":")[0] for n in names]


def _mode_words(radar: dict) -> str:
    """A radar mode in words from its preset description: 'AN/TPY-2 in terminal mode'."""
    import re

    d = radar.get("description") or radar.get("name") or ""
    return re.sub(r"\s*\([^)]*\)", "", d).split(":")[0]


def _coverage_bands(s: dict) -> list[dict]:
    """The China-area bands of the uncertainty step: mode, altitude (km) and band per row."""
    cov = (s.get("uncertainty") or {}).get("coverage") or {}
    rows = []
    for key, band in cov.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[2] == "area_km2" and isinstance(band, dict):
            rows.append({"mode": parts[0], "altitude_km": float(parts[1].removesuffix("km")),
                         "band": band})
    return rows


def _ordinal(n: int) -> str:
    """5 -> '5th', 1 -> '1st', 22 -> '22nd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def render_html(s: dict, d: Path, context: dict | None = None) -> str:
    """The report page (report.html) from the demo's summary.

    Parameters
    ----------
    s : dict
        The summary (the content of summary.json).
    d : Path
        Directory holding the PNG figures (embedded in the page).
    context : dict, optional
        The preset values quoted beside the results (keys ``CONTEXT_KEYS``, shapes as returned
        by :func:`preset_context`); keys not given are read from the presets of the summary's
        site and radar modes.

    Returns
    -------
    str
        The HTML page.
    """
    ctx = dict(context or {})
    if any(k not in ctx for k in CONTEXT_KEYS):
        site = next(iter(s["coverage"].values()))["site"]["name"]
        ctx = {**preset_context(site, tuple(s["coverage"])), **ctx}
    template = environment().get_template("report.html.j2")
    name, text = scenario_text()
    return template.render(s=s, ctx=ctx, figures=_figures(s, Path(d)), presets=presets_used(s),
                           kmz=KMZ_NAME,
                           claims=claims(s), scenario={"name": name, "text": text,
                           "uri": "data:application/toml;base64,"
                                  + base64.b64encode(text.encode()).decode()}, **_view(s))


__all__ = ["render_html", "preset_context", "environment", "CONTEXT_KEYS", "FIGURES",
           "MND_CLAIM_LOW", "MND_CLAIM_HIGH", "MND_CLAIM_TEXT", "MND_CLAIM_SOURCE"]
