"""`thaadsim demo`: the Seongju scenario end to end, written offline to one directory.

The output directory is claimed before any work (``thaadsim.io.files.ReportDir``: a new or empty
directory, or one holding an earlier thaadsim report; never a directory of the user's), the files
are staged inside it and moved into place only when complete, so an interrupted run never leaves
a report that looks finished and never deletes a file thaadsim did not write.
"""

from __future__ import annotations

import base64
import html
import json
import time
from pathlib import Path

from thaadsim.io.files import ReportDir
from thaadsim.io.output import to_json


def run_demo(out: str | Path, *, trials: int = 20_000, seed: int = 1, progress=None,
             print_summary=print, force: bool = False, metadata: dict | None = None) -> dict:
    """Run the Seongju scenario end to end and write the report into ``out`` (see the module
    docstring for the directory rules); ``progress(text, done, total)`` is called per step."""
    from thaadsim.analysis import footprint as fp
    from thaadsim.analysis.coverage import coverage
    from thaadsim.analysis.loft2range import loft2range
    from thaadsim.engagement.raid import fight, prepare, report
    from thaadsim.io.scenario import example_path, load_scenario
    from thaadsim.sensors import get_radar, get_site
    from thaadsim.sensors.radar import elevation_floor_deg
    from thaadsim.threats import Launch, aim, fly, get_missile
    from thaadsim.viz import maps, plots

    rd = ReportDir(out, option="--out", force=force)
    t_start = time.perf_counter()
    steps = 7

    def step(i, text):
        if progress:
            progress(f"[{i}/{steps}] {text} ({time.perf_counter() - t_start:.1f} s)", i - 1, steps)

    with rd:
        tmp = rd.staging
        summary: dict = {"generated_by": "thaadsim demo", "public_estimates_only": True,
                         "metadata": metadata or {}}
        # 1. footprints
        step(1, "defended footprint: Seongju, withdrawn, Pyeongtaek (nk-default)")
        ts = fp.get_threat_set("nk-default")
        configs = [("seongju", [fp.battery_at("seongju")]), ("withdrawn", []),
                   ("pyeongtaek", [fp.battery_at("pyeongtaek")])]
        res = [fp.footprint(b, ts, 5.0, label=lab) for lab, b in configs]
        (tmp / "footprint.geojson").write_text(to_json(res[0].to_geojson()))
        maps.footprint_map(res[:1], tmp / "footprint.png",
                           title="THAAD at Seongju: defended footprint against nk-default")
        maps.footprint_map([res[0], res[2]], tmp / "footprint-compare.png",
                           title="Seongju (filled) vs the same battery at Pyeongtaek (outline)")
        summary["footprint"] = res[0].summary()
        summary["comparison"] = fp.compare(res)
        step(2, "footprint against nk-2019 (adds depressed KN-23)")
        r19 = fp.footprint(configs[0][1], fp.get_threat_set("nk-2019"), 5.0, label="seongju")
        summary["footprint_nk2019"] = r19.summary()
        # 3. radar coverage
        step(3, "radar coverage over Korea and China")
        site = get_site("seongju")
        cov = {}
        for mode in ("tpy2-terminal", "tpy2-forward"):
            radar = get_radar(mode)
            c = coverage(radar, site, [10.0, 100.0, 300.0, 1000.0], 0.01)
            maps.coverage_map(c, tmp / f"coverage-{mode}.png")
            cov[mode] = c.to_dict()
        maps.vertical_coverage(get_radar("tpy2-terminal"), site, 0.01,
                               elevation_floor_deg(get_radar("tpy2-terminal"), site, None),
                               tmp / "vertical-coverage-terminal.png", max_range_km=900)
        summary["coverage"] = cov
        # 4. trajectories
        step(4, "representative threat trajectories")
        cases = [("nodong", (39.20, 125.67), (35.10, 129.03), None, "Nodong → Busan"),
                 ("scud-c", (39.15, 127.45), (35.87, 128.60), None, "Scud-C → Daegu"),
                 ("scud-b", (38.58, 126.10), (37.57, 126.98), None, "Scud-B → Seoul"),
                 ("kn-23", (39.15, 127.45), (36.03, 128.18), 60e3, "KN-23 (depressed) → Seongju")]
        ms, lats, lons, azs, ths, tcs, labels = [], [], [], [], [], [], []
        for m, l0, a0, apo, lab in cases:
            s = aim(get_missile(m), Launch(*l0), *a0, apogee_m=apo)
            ms.append(get_missile(m))
            lats.append(l0[0])
            lons.append(l0[1])
            azs.append(s.azimuth_deg)
            ths.append(s.theta_deg)
            tcs.append(s.t_cut_s)
            labels.append(lab)
        b = fly(ms, lats, lons, azs, ths, tcs, history_dt_s=1.0)
        plots.trajectory_profile(b, labels, tmp / "trajectories.png",
                                 title="Representative North Korean threats (aimed, rotating "
                                       "Earth)",
                                 note="thaadsim; presets are public estimates (thaadsim missiles); "
                                      "rotating WGS84 Earth, J2, US 1976 atmosphere")
        summary["trajectories"] = [dict(b.record(i), case=labels[i]) for i in range(len(b))]
        # 5. engagement
        step(5, f"engagement Monte Carlo of the example raid ({trials:,} trials)")
        k = prepare(load_scenario(example_path()))
        mc, extra = fight(k, trials, seed)
        eng = report(k, mc, extra)
        plots.engagement_timeline(k, extra["plan"], tmp / "engagement-timeline.png")
        summary["engagement"] = eng
        # 6. loft2range
        step(6, "loft2range on the 2017 flight tests")
        summary["loft2range"] = [
            dict(loft2range(4475, 950).to_dict(), test="Hwasong-15, 28 Nov 2017 (no flight time)"),
            dict(loft2range(4475, 950, 3180).to_dict(), test="Hwasong-15, 28 Nov 2017"),
            dict(loft2range(770, 3700, 1140).to_dict(), test="Hwasong-12, 15 Sep 2017")]
        # 7. report
        step(7, "writing report.html and summary.json")
        summary["runtime_s"] = round(time.perf_counter() - t_start, 1)
        (tmp / "summary.json").write_text(to_json(summary))
        (tmp / "report.html").write_text(_html(summary, tmp))
        rd.commit()
    fpd = summary["footprint"]
    lines = [
        f"thaadsim demo: wrote {rd.path / 'report.html'} in {summary['runtime_s']} s",
        "",
        f"{'configuration':<14}{'area km2':>10}{'% of ROK':>10}{'SLS %':>8}{'city pop. (M)':>15}",
    ]
    for r in [x.summary() for x in res]:
        lines.append(f"{r['configuration']:<14}{r['area_km2']:>10,.0f}"
                     f"{100 * r['defended_fraction_of_south_korea']:>10.1f}"
                     f"{100 * r['defended_fraction_sls']:>8.1f}"
                     f"{r['defended_population'] / 1e6:>15.1f}")
    n19 = summary["footprint_nk2019"]
    lines += ["",
              f"Seoul defended: {fpd['key_cities']['Seoul']}; Daegu: {fpd['key_cities']['Daegu']}"
              f"; Busan: {fpd['key_cities']['Busan']}; against nk-2019 the area is "
              f"{100 * n19['defended_fraction_of_south_korea']:.1f}% of South Korea",
              f"raid of {len(eng['threats'])}: expected leakers {eng['expected_leakers']} "
              f"(closed form {eng['expected_leakers_analytic']}), interceptors used "
              f"{eng['interceptors_used_mean']}"]
    print_summary("\n".join(lines))
    return summary


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


def _html(s: dict, d: Path) -> str:
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


__all__ = ["run_demo"]
