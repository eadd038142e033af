"""The demo report as one self-contained, offline HTML page (figures embedded), rendered from the
demo's summary dictionary (the same data as summary.json)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"/>' \
           f"<figcaption>{html.escape(alt)}</figcaption></figure>"


def _table(rows: list[dict], cols: list[str]) -> str:
    def cell(v):
        if isinstance(v, float):
            return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
        if isinstance(v, list):
            return ", ".join(map(str, v)) or "-"
        return "-" if v is None else str(v)

    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell(r.get(c)))}</td>" for c in cols)
                   + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(s: dict, d: Path) -> str:
    """report.html from the summary ``s``; the PNG figures are read from ``d``."""
    fpd = s["footprint"]
    frac = 100 * fpd["defended_fraction_of_south_korea"]
    frac19 = 100 * s["footprint_nk2019"]["defended_fraction_of_south_korea"]
    inside = 50 <= frac <= 200 / 3
    comp = s["comparison"]["configurations"]
    cov_rows = []
    for mode, c in s["coverage"].items():
        for la in c["layers"]:
            cov_rows.append({"mode": mode, "altitude_km": la["altitude_km"],
                             "max_ground_range_km": la["max_ground_range_km"],
                             "limited_by": la["limited_by"],
                             "China km2": la["countries"].get("CHN", {}).get("area_km2"),
                             "China depth km": la["countries"].get("CHN", {}).get("max_depth_km"),
                             "North Korea km2": la["countries"].get("PRK", {}).get("area_km2")})
    eng = s["engagement"]
    l2r = [{"test": x["test"], "class": x["missile_class"], "fitted payload kg":
            x["fitted_payload_kg"], "flight time s": x["flight_time_s"],
            "burnout km/s": x["burnout_speed_km_s"], "max range km": x["max_range_km"],
            "reaches orbit": x["reaches_orbit"]} for x in s["loft2range"]]
    css = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222;"
           "line-height:1.45}"
           "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
           "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}"
           "th{background:#eee}figure{margin:1.5em 0}img{max-width:100%}"
           "figcaption{font-size:0.85em;color:#555}.note{background:#fff8e0;padding:0.6em;"
           "border-left:4px solid #e0b000}")
    verdict = (f"The defended fraction, {frac:.0f}% of South Korea's land area, lies inside the "
               "Ministry's 'one-half to two-thirds'." if inside else
               f"The defended fraction, {frac:.0f}%, lies outside the Ministry's 'one-half to "
               "two-thirds'; the assumptions below move it.")
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>thaadsim: THAAD at Seongju"
        f"</title><style>{css}</style></head><body>",
        "<h1>THAAD at Seongju: what it defends, what its radar sees</h1>",
        "<p class='note'>thaadsim report, generated offline. Every parameter is a public estimate "
        "with its source (<code>thaadsim missiles</code>, <code>thaadsim radars</code>); this is "
        "an analysis and teaching tool, not fire-control software.</p>",
        "<h2>1. Defended footprint</h2>",
        f"<p>{verdict} Seoul defended: <b>{fpd['key_cities']['Seoul']}</b>; Daegu: "
        f"<b>{fpd['key_cities']['Daegu']}</b>; Busan: <b>{fpd['key_cities']['Busan']}</b>. With "
        f"two shots (shoot-look-shoot) the area shrinks to "
        f"{100 * fpd['defended_fraction_sls']:.0f}%. Against the newer threat set nk-2019 "
        f"(depressed KN-23) it is {frac19:.0f}%."
        "</p>",
        _img(d / "footprint.png", "Defended footprint of the Seongju battery against nk-default"),
        _table(comp, ["configuration", "area_km2", "defended_fraction_of_south_korea",
                      "defended_population", "area_change_km2", "cities_gained",
                      "cities_lost"]),
        _img(d / "footprint-compare.png", "Seongju vs Pyeongtaek"),
        "<p>What moves the fraction: the interceptor's 40 km floor and 200 km reach, the radar's "
        "firm-track time (reaction 15 s), and above all the short-range threats: Scud-B and "
        "Scud-C aimed at the north-west fly low and far from Seongju; per-threat counts of "
        "undefended grid cells are in summary.json (<code>limiting_threats</code>).</p>",
        "<h2>2. Can the radar see China?</h2>",
        "<p>Terminal mode (THAAD fire control) with the 5° beam floor at Seongju, and the "
        "forward-based mode for comparison, for a 0.01 m² target at several altitudes. Aircraft "
        "(10 km) are seen only within ~100 km; ballistic objects high above China are within "
        "reach of the forward-based mode.</p>",
        _table(cov_rows, ["mode", "altitude_km", "max_ground_range_km", "limited_by",
                          "China km2", "China depth km", "North Korea km2"]),
        _img(d / "coverage-tpy2-terminal.png", "TPY-2 terminal mode at Seongju"),
        _img(d / "coverage-tpy2-forward.png", "TPY-2 forward-based mode at Seongju"),
        _img(d / "vertical-coverage-terminal.png", "Vertical coverage, terminal mode"),
        "<h2>3. Threat trajectories</h2>",
        _table(s["trajectories"], ["case", "range_km", "apogee_km", "flight_time_s",
                                   "burnout_speed_km_s", "reentry_speed_km_s"]),
        _img(d / "trajectories.png", "Representative trajectories"),
        "<h2>4. A raid on the battery's area</h2>",
        f"<p>{len(eng['threats'])} missiles, {eng['trials']:,} Monte Carlo trials (seed "
        f"{eng['seed']}): expected leakers {eng['expected_leakers']} (closed form "
        f"{eng['expected_leakers_analytic']}), interceptors used "
        f"{eng['interceptors_used_mean']} of {eng['batteries'][0]['inventory']}. Doctrine: "
        f"{html.escape(json.dumps(eng['doctrine']))}.</p>",
        _table(eng["threats"], ["id", "missile", "range_km", "track_time_s",
                                "intercept_opportunities", "shots_planned", "p_leak",
                                "p_leak_analytic"]),
        _img(d / "engagement-timeline.png", "Engagement timeline"),
        "<h2>5. From lofted tests to range</h2>",
        _table(l2r, list(l2r[0].keys())),
        "<h2>Assumptions and sources</h2><ul>",
        "<li>Earth: WGS84, J2, rotation; atmosphere: US Standard 1976.</li>",
        "<li>Footprint trajectories: families by range on a non-rotating sphere laid along great "
        "circles (error a few km, below the 5 km grid).</li>",
        "<li>Radar: search radar equation calibrated to 600 km (terminal) / 2,000 km (forward) "
        "against 0.01 m² (USCC 2016), 4/3 Earth, no terrain masking.</li>",
        "<li>Interceptor: 2.8 km/s, 200 km reach (USCC 2016) from kinematics; 40-150 km altitude "
        "window.</li>",
        "<li>Populations: GeoNames cities of 100,000 or more (city proper), not census "
        "districts.</li>",
        "</ul>",
        f"<p>thaadsim {html.escape(str(s['metadata'].get('thaadsim_version', '')))}, run "
        f"{html.escape(str(s['metadata'].get('run_date', '')))} "
        f"(<code>{html.escape(str(s['metadata'].get('command', 'thaadsim demo')))}</code>); "
        f"runtime {s['runtime_s']} s.</p></body></html>",
    ]
    return "\n".join(parts)


