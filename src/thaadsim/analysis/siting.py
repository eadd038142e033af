"""Where should one or two THAAD batteries stand to defend the most people or land?

Candidate sites on a grid over South Korean land (minus exclusion zones), every candidate's
footprint in one pass of the footprint kernel, pairs of batteries combined exactly from the
per-threat masks (a cell is defended by a pair when, for every threat that reaches it, one of
the two has an intercept opportunity), then a pattern search refines the best around it. The
result is compared with Seongju, with the uncertainty band of the difference from the declared
uncertain parameters (the same samples for both: common random numbers).

Not modelled: terrain, land use, the batteries' own vulnerability near the DMZ, politics. The
search answers the physics question only; the output says so.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import shapely

from thaadsim import geo
from thaadsim.analysis.footprint import FootprintResult, footprints
from thaadsim.analysis.grid import GRID_CENTER, city_cells, south_korea_grid
from thaadsim.engagement.fire_control import Battery
from thaadsim.errors import ThaadsimError

OBJECTIVES = ("population", "area")
CAVEAT = ("physics only: terrain, land use, the battery's own vulnerability near the DMZ and "
          "politics are not modelled; presets are public estimates")


@dataclasses.dataclass(frozen=True)
class Exclusion:
    """A circle where no battery may stand: centre (deg) and radius (km)."""

    lat_deg: float
    lon_deg: float
    radius_km: float


def _score_setup(r: FootprintResult):
    """Per-cell land area (km^2) and, per South Korean city, its cell (or -1) and population."""
    cities, cell = city_cells(r.grid_km)
    return r.cell_area_km2, cell, np.array([c["population"] for c in cities], dtype=np.int64)


def _objective(defended: np.ndarray, objective: str, area, city_cell, city_pop) -> np.ndarray:
    """Objective per row of ``defended`` (rows x cells): people in defended cities, or km^2;
    ties (a second battery that adds no city) are broken by the other measure, weighted so that
    it never outweighs one person or one km^2 of the objective."""
    ok = city_cell >= 0
    people = defended[:, city_cell[ok]] @ city_pop[ok].astype(float)
    km2 = defended @ area
    if objective == "area":
        return km2 + people * 1e-9  # 5e7 people -> < 0.05 km2
    return people + km2 * 1e-6  # 1e5 km2 -> 0.1 person


@dataclasses.dataclass(frozen=True, repr=False)
class SitingResult:
    """The best sites and how they compare with Seongju.

    Attributes
    ----------
    objective : str
        ``"population"`` or ``"area"``.
    best : FootprintResult
        Footprint of the best configuration at the final grid.
    seongju : FootprintResult
        Footprint of the Seongju battery at the same grid.
    alternatives : list of dict
        The next best candidates of the grid search (sites and objective).
    candidates : int
        Candidate sites searched.
    difference_band : dict or None
        Band (``central``, ``p05``, ``p50``, ``p95``) of best minus Seongju in defended fraction
        and population, over the uncertainty samples.
    elapsed_s : float
        Wall time (s).
    settings : dict
        The search's settings.
    """

    objective: str
    best: FootprintResult
    seongju: FootprintResult
    alternatives: list
    candidates: int
    difference_band: dict | None
    elapsed_s: float
    settings: dict

    def __repr__(self) -> str:
        b, s = self.best.to_dict(), self.seongju.to_dict()
        sites = " + ".join(f"{x.site.lat_deg:.2f},{x.site.lon_deg:.2f}"
                           for x in self.best.batteries)
        return (f"<SitingResult {self.objective}: {sites} defends "
                f"{100 * b['defended_fraction_of_south_korea']:.1f} % ({b['defended_population']:,}"
                f" people) vs Seongju {100 * s['defended_fraction_of_south_korea']:.1f} % "
                f"({s['defended_population']:,})>")

    def to_dict(self) -> dict:
        """Best sites, their numbers, Seongju's, the difference (with its band) and settings.

        Returns
        -------
        dict
            JSON-ready (no rounding).
        """
        b, s = self.best.to_dict(), self.seongju.to_dict()
        return {
            "objective": self.objective,
            "best_sites": [{"lat_deg": x.site.lat_deg, "lon_deg": x.site.lon_deg}
                           for x in self.best.batteries],
            "best": {k: b[k] for k in ("defended_fraction_of_south_korea", "area_km2",
                                       "defended_population", "key_cities",
                                       "cities_defended")},
            "seongju": {k: s[k] for k in ("defended_fraction_of_south_korea", "area_km2",
                                          "defended_population", "key_cities")},
            "improvement": {
                "defended_fraction_of_south_korea": b["defended_fraction_of_south_korea"]
                - s["defended_fraction_of_south_korea"],
                "defended_population": b["defended_population"] - s["defended_population"]},
            "improvement_band": self.difference_band,
            "alternatives": self.alternatives,
            "candidates_searched": self.candidates,
            "elapsed_s": self.elapsed_s,
            "settings": self.settings,
            "caveat": CAVEAT,
        }


def candidate_sites(candidate_km: float, exclusions=()) -> tuple[np.ndarray, np.ndarray]:
    """Candidate sites: the land points of a ``candidate_km`` grid over South Korea outside
    the exclusion zones (deg)."""
    g = south_korea_grid(candidate_km)
    keep = np.ones(g.size, dtype=bool)
    for ex in exclusions:
        d = geo.gc_distance_m(np.radians(g.lat), np.radians(g.lon), math.radians(ex.lat_deg),
                              math.radians(ex.lon_deg))
        keep &= d > ex.radius_km * 1e3
    return g.lat[keep], g.lon[keep]


def _allowed(lat: float, lon: float, exclusions) -> bool:
    fwd, _ = geo.laea(*GRID_CENTER)
    x, y = fwd.transform(lon, lat)
    if not shapely.contains_xy(south_korea_grid(50.0).kor, x, y):
        return False
    return all(float(geo.gc_distance_m(math.radians(lat), math.radians(lon),
                                       math.radians(e.lat_deg), math.radians(e.lon_deg)))
               > e.radius_km * 1e3 for e in exclusions)


def site_search(template: Battery, threat_set, *, batteries: int = 1,
                objective: str = "population", exclusions=(), candidate_km: float = 40.0,
                grid_km: float = 10.0, final_grid_km: float = 5.0, samples: int = 16,
                seed: int = 1, descent_only: bool = False, progress=None) -> SitingResult:
    """Search the sites of 1 or 2 batteries that defend the most population or area.

    Parameters
    ----------
    template : Battery
        The battery to place (radar, interceptor and options; its site is replaced).
    threat_set : ThreatSet
        The threat set.
    batteries : int, optional
        1 or 2; default 1.
    objective : str, optional
        ``"population"`` (people in defended cities, GeoNames) or ``"area"`` (km^2).
    exclusions : sequence of Exclusion, optional
        Circles where no battery may stand.
    candidate_km : float, optional
        Spacing of the candidate grid (km); default 40.
    grid_km : float, optional
        Footprint grid during the search (km); default 10.
    final_grid_km : float, optional
        Footprint grid of the reported result (km); default 5.
    samples : int, optional
        Uncertainty samples of the difference from Seongju (0: none); default 16.
    seed : int, optional
        Seed of those samples.
    descent_only : bool, optional
        Count intercept opportunities only after apogee (``footprints``).
    progress : callable, optional
        ``progress(text, done, total)``.

    Returns
    -------
    SitingResult
        The best sites and the comparison with Seongju.
    """
    t0 = time.perf_counter()
    if batteries not in (1, 2):
        raise ThaadsimError("batteries", "must be 1 or 2", batteries)
    if objective not in OBJECTIVES:
        raise ThaadsimError("objective", f"must be one of {', '.join(OBJECTIVES)}", objective)
    lat, lon = candidate_sites(candidate_km, exclusions)
    if lat.size < batteries:
        raise ThaadsimError("exclude", "leaves no candidate site on South Korean land",
                            len(exclusions))

    def at(la: float, lo: float) -> Battery:
        from thaadsim.sensors.site import parse_site

        return dataclasses.replace(template, name=f"{la:.4f},{lo:.4f}",
                                   site=parse_site(f"{la:.4f},{lo:.4f}", parameter="site"))

    def run(configs, g=grid_km):
        return footprints(configs, threat_set, g, descent_only=descent_only)

    if progress:
        progress(f"{lat.size} candidate sites", 0, 4)
    singles = run([[at(float(a), float(o))] for a, o in zip(lat, lon, strict=True)])
    area, city_cell, city_pop = _score_setup(singles[0])
    und = np.stack([r.undefended_by for r in singles])  # (cand, threats, cells)
    if batteries == 1:
        dfd = ~und.any(axis=1)
        score = _objective(np.asarray(dfd), objective, area, city_cell, city_pop)
        order = np.argsort(-score, kind="stable")
        best = [(float(lat[order[0]]), float(lon[order[0]]))]
        best_val = float(score[order[0]])
        alts = [{"sites": [{"lat_deg": float(lat[i]), "lon_deg": float(lon[i])}],
                 "objective_value": float(score[i])} for i in order[1:6]]
    else:
        if progress:
            progress(f"{lat.size * (lat.size - 1) // 2:,} pairs", 1, 4)
        top: list[tuple[float, int, int]] = []
        for i in range(lat.size - 1):
            both = ~(und[i][None] & und[i + 1:]).any(axis=1)  # (cand - i - 1, cells)
            s = _objective(both, objective, area, city_cell, city_pop)
            for k in np.argsort(-s, kind="stable")[:6]:
                top.append((float(s[k]), i, i + 1 + int(k)))
        top.sort(key=lambda t: (-t[0], t[1], t[2]))
        best_val, i0, j0 = top[0]  # exact: the pair's mask arithmetic is the kernel's answer
        best = [(float(lat[i0]), float(lon[i0])), (float(lat[j0]), float(lon[j0]))]
        alts = [{"sites": [{"lat_deg": float(lat[a]), "lon_deg": float(lon[a])},
                           {"lat_deg": float(lat[b_]), "lon_deg": float(lon[b_])}],
                 "objective_value": s} for s, a, b_ in top[1:6]]

    # pattern search around the best: move one battery at a time by +-step in lat/lon
    if progress:
        progress("refining the best sites", 2, 4)

    current = list(best)
    cur_val = best_val  # each configuration's footprint is independent of the others in a pass
    for step_km in (candidate_km / 2, candidate_km / 4):
        for _ in range(4):
            moves = []
            for k in range(len(current)):
                la, lo = current[k]
                dla = step_km / 111.2
                dlo = step_km / (111.2 * math.cos(math.radians(la)))
                for da, do in ((dla, 0), (-dla, 0), (0, dlo), (0, -dlo)):
                    c = list(current)
                    c[k] = (la + da, lo + do)
                    if _allowed(c[k][0], c[k][1], exclusions):
                        moves.append(c)
            if not moves:
                break
            rs = run([[at(a, o) for a, o in m] for m in moves])
            vals = _objective(np.stack([r.defended for r in rs]), objective, area, city_cell,
                              city_pop)
            k = int(np.argmax(vals))
            if vals[k] <= cur_val:
                break
            current, cur_val = moves[k], float(vals[k])
    if progress:
        progress("final footprints and the uncertainty of the difference", 3, 4)
    from thaadsim.engagement.fire_control import battery_at

    seongju = dataclasses.replace(template, name="seongju", site=battery_at("seongju").site)
    best_bats = [at(a, o) for a, o in current]
    fin = footprints([best_bats, [seongju]], threat_set, final_grid_km,
                     ["best", "seongju"], descent_only=descent_only)
    band = None
    if samples:
        band = difference_band(best_bats, [seongju], threat_set, grid_km, samples, seed,
                               descent_only)
    if progress:
        progress("done", 4, 4)
    return SitingResult(objective, fin[0], fin[1], alts, int(lat.size), band,
                        time.perf_counter() - t0,
                        {"batteries": batteries, "candidate_km": candidate_km,
                         "search_grid_km": grid_km, "final_grid_km": final_grid_km,
                         "exclusions": [dataclasses.asdict(e) for e in exclusions],
                         "samples": samples, "seed": seed, "descent_only": descent_only,
                         "threat_set": threat_set.name})


def difference_band(config_a, config_b, threat_set, grid_km: float, samples: int, seed: int,
                    descent_only: bool = False) -> dict:
    """Band of (a minus b) in defended fraction and population over Latin-hypercube samples of
    the declared uncertain parameters, the same values applied to every battery of both
    (common random numbers: what the two share cancels).

    Returns
    -------
    dict
        ``defended_fraction_of_south_korea`` and ``defended_population``, each with
        ``central`` (no variation), ``p05``, ``p50``, ``p95``.
    """
    from thaadsim.analysis.uncertainty import (
        PERCENTILES,
        battery_variant,
        is_fast,
        lhs,
        parameters_for,
    )

    params = [p for p in parameters_for("footprint") if is_fast(p)]  # one kernel pass
    u = lhs(len(params), samples, seed)
    configs = [config_a, config_b]
    for i in range(samples):
        vals = {p.name: p.value(u[i, k]) for k, p in enumerate(params)}
        configs += [[battery_variant(b, params, vals, float(u[i, len(params)])) for b in c]
                    for c in (config_a, config_b)]
    res = [r.to_dict() for r in footprints(configs, threat_set, grid_km,
                                           descent_only=descent_only)]  # one kernel pass
    central = res[:2]
    df = [res[2 + 2 * i]["defended_fraction_of_south_korea"]
          - res[3 + 2 * i]["defended_fraction_of_south_korea"] for i in range(samples)]
    dp = [res[2 + 2 * i]["defended_population"] - res[3 + 2 * i]["defended_population"]
          for i in range(samples)]
    ca, cb = central

    def band(x, c):
        q = np.percentile(x, PERCENTILES)
        return {"central": float(c), "p05": float(q[0]), "p50": float(q[1]),
                "p95": float(q[2])}

    return {"defended_fraction_of_south_korea": band(df, ca["defended_fraction_of_south_korea"]
                                                     - cb["defended_fraction_of_south_korea"]),
            "defended_population": band(dp, ca["defended_population"]
                                        - cb["defended_population"]),
            "samples": samples, "seed": seed, "grid_km": grid_km}
