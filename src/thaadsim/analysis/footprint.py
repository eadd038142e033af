"""Defended footprint: the aim points on the ground that a battery (or several) can defend
against every threat of a threat set, i.e. with at least one intercept opportunity (and,
reported separately, two: shoot-look-shoot) for each threat that can reach the point.

Trajectories come from families by range (``analysis.families``) laid along great circles; the
points are the land cells of ``analysis.grid``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import shapely
from shapely.geometry import mapping

from thaadsim import geo
from thaadsim.analysis.families import HISTORY_DT_S, family_of, trajectory_family
from thaadsim.analysis.footprint_kernel import footprint_kernel, pack_batteries
from thaadsim.analysis.grid import GRID_CENTER, Grid, city_cells, south_korea_grid
from thaadsim.engagement.fire_control import Battery, Doctrine
from thaadsim.threats.threat_set import ThreatSet

N_OF_M = (3, 5)  # firm track: 3 detections in 5 looks (as sensors.detect.detection_timeline)


@dataclasses.dataclass(frozen=True, repr=False)
class FootprintResult:
    """The defended cells of South Korea for one configuration against one threat set.

    Arrays are per grid cell (see ``analysis.grid``).

    Attributes
    ----------
    label : str
        Name of the configuration.
    batteries : list of Battery
        The batteries.
    threat_set : ThreatSet
        The threat set.
    grid_km : float
        Grid spacing (km).
    lat, lon : ndarray
        Evaluation point of each cell (deg).
    x, y : ndarray
        The same in the equal-area projection of ``analysis.grid`` (m).
    defended : ndarray of bool
        At least one intercept opportunity against every threat that reaches the cell.
    defended_sls : ndarray of bool
        At least two (shoot-look-shoot).
    cell_area_km2 : ndarray
        Land area of each cell (km^2).
    limiting : dict
        Per threat (missile from launch area): cells it leaves undefended.
    threats : tuple of str
        The threats (``"missile from launch area"``), in the order of ``undefended_by``.
    undefended_by : ndarray of bool, shape (threats, cells), optional
        Whether each threat reaches the cell with no intercept opportunity.
    """

    label: str
    batteries: list[Battery]
    threat_set: ThreatSet
    grid_km: float
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    defended: np.ndarray  # >= 1 opportunity against every threat that reaches the point
    defended_sls: np.ndarray  # >= 2
    cell_area_km2: np.ndarray  # land area of each cell
    limiting: dict
    threats: tuple[str, ...] = ()
    undefended_by: np.ndarray | None = None

    def polygon(self, sls: bool = False):
        """The defended region as a lon/lat (Multi)Polygon: the union of its grid cells.

        Parameters
        ----------
        sls : bool, optional
            The shoot-look-shoot region instead (default False).

        Returns
        -------
        shapely geometry or None
            Lon/lat (deg), clipped to South Korea and simplified; None when nothing is defended.
        """
        m = self.defended_sls if sls else self.defended
        if not m.any():
            return None
        # the cells' squares in lattice units, where their corners are exact integers: they
        # tile the plane, so the fast coverage union applies; then back to metres
        g = south_korea_grid(self.grid_km)
        i, j = g.ix[m].astype(float), g.iy[m].astype(float)
        u = shapely.coverage_union_all(shapely.box(i, j, i + 1.0, j + 1.0))
        step = self.grid_km * 1e3
        u = shapely.transform(u, lambda c: c * step + np.array(g.origin_m))
        u = shapely.intersection(u, g.kor)
        u = u.simplify(self.grid_km * 100.0)
        _, inv = geo.laea(*GRID_CENTER)
        return geo.project(u, inv)

    def cities(self) -> list[dict]:
        """South Korean cities (GeoNames, population >= 100,000) and whether each is defended.

        A city is defended when the nearest cell, within one grid spacing, is.

        Returns
        -------
        list of dict
            ``name``, ``population``, ``defended``, ``defended_sls`` and ``limiting_threats``
            (the threats that reach the city's cell with no intercept opportunity).
        """
        cities, cell = city_cells(self.grid_km)
        out = []
        for c, j in zip(cities, cell, strict=True):
            near = j >= 0
            lim = [] if self.undefended_by is None or not near else \
                [t for t, f in zip(self.threats, self.undefended_by[:, j], strict=True) if f]
            out.append({"name": c["name"], "population": c["population"],
                        "defended": bool(near and self.defended[j]),
                        "defended_sls": bool(near and self.defended_sls[j]),
                        "limiting_threats": lim})
        return out

    def __repr__(self) -> str:
        d = self.to_dict()
        key = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in d["key_cities"].items()
                        if k in ("Seoul", "Daegu", "Busan"))
        return (f"<FootprintResult {self.label} vs {self.threat_set.name} ({self.grid_km:g} km "
                f"grid): {100 * d['defended_fraction_of_south_korea']:.1f} % of South Korea "
                f"({d['area_km2']:,.0f} km2), {d['defended_population'] / 1e6:.1f} M people in "
                f"cities; {key}>")

    def to_dataframe(self):
        """The South Korean cities as a table (GeoNames, population >= 100,000).

        Returns
        -------
        pandas.DataFrame
            One row per city: ``name``, ``population``, ``defended``, ``defended_sls``,
            ``limiting_threats``.
        """
        import pandas as pd

        return pd.DataFrame(self.cities(), columns=["name", "population", "defended",
                                                    "defended_sls", "limiting_threats"])

    def to_dict(self) -> dict:
        """Headline numbers, units in the keys (JSON-ready, no rounding).

        Returns
        -------
        dict
            Configuration and batteries, area (km^2) and fraction of South Korea defended (with one
            and with two opportunities), population of the defended cities, the cities defended,
            key cities (bool) and the limiting threats (cells each leaves undefended).
        """
        area = float(self.cell_area_km2[self.defended].sum())
        area2 = float(self.cell_area_km2[self.defended_sls].sum())
        total = float(self.cell_area_km2.sum())
        cs = self.cities()
        return {
            "configuration": self.label,
            "batteries": [{"name": b.name, "lat_deg": b.site.lat_deg, "lon_deg": b.site.lon_deg,
                           "boresight_az_deg": b.site.boresight_az_deg,
                           "min_elevation_deg": b.site.min_elevation_deg,
                           "site_defaults_applied": list(b.site.defaults_applied)}
                          for b in self.batteries],
            "threat_set": self.threat_set.name,
            "grid_km": self.grid_km,
            "area_km2": area,
            "area_sls_km2": area2,
            "south_korea_area_km2": total,
            "defended_fraction_of_south_korea": area / total,
            "defended_fraction_sls": area2 / total,
            "defended_population": int(sum(c["population"] for c in cs if c["defended"])),
            "defended_population_sls": int(sum(c["population"] for c in cs if c["defended_sls"])),
            "population_in_cities": int(sum(c["population"] for c in cs)),
            "cities_defended": sorted((c["name"] for c in cs if c["defended"]),
                                      key=lambda n: -next(c["population"] for c in cs
                                                          if c["name"] == n)),
            "key_cities": {n: next((c["defended"] for c in cs if c["name"] == n), None)
                           for n in ("Seoul", "Busan", "Daegu", "Incheon", "Daejeon", "Gwangju",
                                     "Ulsan", "Pyeongtaek", "Gunsan")},
            "limiting_threats": self.limiting,
        }

    def to_geojson(self) -> dict:
        """The defended regions as a GeoJSON FeatureCollection.

        Returns
        -------
        dict
            Two features (lon/lat polygons, null when empty): defended (>= 1 opportunity) and
            shoot-look-shoot (>= 2), with area (km^2), fraction and population; the collection's
            properties are ``to_dict``.
        """
        s = self.to_dict()
        props = {k: s[k] for k in ("configuration", "threat_set", "area_km2",
                                   "defended_fraction_of_south_korea", "defended_population",
                                   "grid_km")}
        feats = []
        for sls in (False, True):
            poly = self.polygon(sls)
            fp = dict(props, level="shoot-look-shoot (>= 2 opportunities)" if sls
                      else "defended (>= 1 opportunity)")
            if sls:
                fp.update(area_km2=s["area_sls_km2"],
                          defended_fraction_of_south_korea=s["defended_fraction_sls"],
                          defended_population=s["defended_population_sls"])
            feats.append({"type": "Feature", "properties": fp,
                          "geometry": None if poly is None else mapping(poly)})
        return {"type": "FeatureCollection", "properties": dict(s), "features": feats}


# Cost of one (grid cell, threat pair, configuration) evaluation, measured with `make bench`
# (bench footprint: ~0.5 s for 4,474 cells x 12 pairs with the fused kernel on the 2-core
# reference machine, Nov 2026), rounded up to 2e-5 s. Used only to refuse requests that would
# run for many minutes.
SECONDS_PER_CELL_PAIR = 2e-5
MAX_SECONDS = 600.0  # a sane wait for one command (assumption); longer sweeps belong in scripts


def footprint_work(grid_km: float, n_pairs: int, n_configs: int = 1) -> dict:
    """Estimated size of a footprint request, before any work.

    Parameters
    ----------
    grid_km : float
        Grid spacing (km).
    n_pairs : int
        (missile, launch area) pairs.
    n_configs : int, optional
        Battery configurations; default 1.

    Returns
    -------
    dict
        ``cells``, ``pairs``, ``configurations``, ``memory_bytes`` (B),
        ``cell_threat_evaluations`` and ``seconds`` (s, from a measured cost per evaluation).
    """
    cells = south_korea_grid(grid_km).size
    # per cell and configuration: opportunities (int64) and the defended flags; per thread one
    # laid history (at most ~1,200 samples of 4 floats)
    mem = cells * (n_configs * 8 + n_configs * 2 + 64) + 8 * 1200 * 4 * 8
    evals = cells * n_pairs * n_configs
    return {"cells": cells, "pairs": n_pairs, "configurations": n_configs,
            "memory_bytes": mem, "cell_threat_evaluations": evals,
            "seconds": evals * SECONDS_PER_CELL_PAIR}


def footprint(batteries: list[Battery], threat_set: ThreatSet, grid_km: float = 5.0,
              label: str | None = None, doctrine: Doctrine | None = None,
              progress=None) -> FootprintResult:
    """Defended footprint of batteries against a threat set over South Korea.

    For each missile and launch area, trajectories from the family of that missile and shape are
    laid to every land cell; each battery's detection and intercept windows give the
    opportunities, which add up over batteries. A cell is defended when every threat that
    reaches it has at least one opportunity (two for shoot-look-shoot). The work runs in one
    fused kernel per threat (``analysis.footprint_kernel``).

    Parameters
    ----------
    batteries : list of Battery
        The batteries; empty for none.
    threat_set : ThreatSet
        The threat set.
    grid_km : float, optional
        Grid spacing (km), in [1, 50]; default 5.
    label : str, optional
        Name of the configuration; default the battery names joined by ``"+"``, or
        ``"withdrawn"``.
    doctrine : Doctrine, optional
        Only ``kill_assessment_s`` (s) is used (detection is at the radar's threshold, a
        geometric answer: ``detection`` is not used); default ``Doctrine()``.
    progress : callable, optional
        ``progress(text, done, total)``, called per missile and launch area.

    Returns
    -------
    FootprintResult
        The defended cells.

    Raises
    ------
    ThaadsimError
        A grid spacing outside its bounds, or a shape a missile cannot fly.
    """
    return footprints([batteries], threat_set, grid_km, [label], doctrine, progress)[0]


def footprints(configs: list[list[Battery]], threat_set: ThreatSet, grid_km: float = 5.0,
               labels: list[str | None] | None = None, doctrine: Doctrine | None = None,
               progress=None, descent_only: bool = False,
               missiles: dict | None = None) -> list[FootprintResult]:
    """Footprints of several configurations against one threat set, in one pass.

    Each threat's trajectory is laid to each cell once and every configuration's batteries
    look at it, so a comparison costs little more than one footprint.

    Parameters
    ----------
    configs : list of list of Battery
        The configurations (a configuration may be empty: withdrawn).
    threat_set : ThreatSet
        The threat set.
    grid_km : float, optional
        Grid spacing (km), in [1, 50]; default 5.
    labels : list of str or None, optional
        Names of the configurations (default as in ``footprint``).
    doctrine : Doctrine, optional
        Only ``kill_assessment_s`` (s) is used; default ``Doctrine()``.
    progress : callable, optional
        ``progress(text, done, total)``, called per missile and launch area.
    descent_only : bool, optional
        Count intercept opportunities only after each threat's apogee (the terminal phase, as
        THAAD is described); default False (anywhere in the envelope, ascent included, which
        matters only for a battery close to the launch areas).
    missiles : dict of str to Missile, optional
        Missile objects to use instead of the presets of the threat set's names (variants of
        the uncertainty samples).

    Returns
    -------
    list of FootprintResult
        One per configuration, in order.
    """
    p = _footprint_pass(configs, [(c,) for c in range(len(configs))], threat_set, grid_km,
                        doctrine, progress, descent_only, missiles)
    labels = list(labels) if labels is not None else [None] * len(configs)
    return [_result(p, c, bats, labels[c]) for c, bats in enumerate(configs)]


@dataclasses.dataclass(frozen=True)
class _Pass:
    """What one kernel pass gives per output group (see ``_footprint_pass``)."""

    grid: Grid
    threat_set: ThreatSet
    pairs: list
    defended: np.ndarray  # (groups, cells)
    sls: np.ndarray
    limiting: list
    undefended_by: np.ndarray  # (groups, pairs, cells)
    reach_by: np.ndarray  # (pairs, cells): whether each threat reaches each cell


def _footprint_pass(kconfigs: list[list[Battery]], groups: list[tuple[int, ...]],
                    threat_set: ThreatSet, grid_km: float, doctrine: Doctrine | None,
                    progress, descent_only: bool, missiles: dict | None,
                    layered: dict[int, tuple[int, int]] | None = None) -> _Pass:
    """One fused-kernel pass over the kernel configurations ``kconfigs``; output group k sums
    the opportunities of the kernel configurations ``groups[k]``. A group in ``layered`` (group
    -> (upper kernel configuration, lower one)) is a configuration's layers: defended when the
    layers together have an opportunity; shoot-look-shoot when one layer has two, or the upper
    tier has one and the lower tier a feasible launch at least the kill-assessment time after the
    upper tier's first intercept (the upper tier shoots first, the lower tier at the leaker)."""
    g = south_korea_grid(grid_km)
    d = doctrine or Doctrine()
    n = g.size
    nk = len(kconfigs)
    ng = len(groups)
    defended = np.ones((ng, n), dtype=bool)
    sls = np.ones((ng, n), dtype=bool)
    limiting: list[dict[str, int]] = [{} for _ in range(ng)]
    packed = pack_batteries(kconfigs, HISTORY_DT_S)
    lat, lon = np.radians(g.lat), np.radians(g.lon)
    opp = np.zeros((nk, n), dtype=np.int64)
    reach = np.zeros(n, dtype=bool)
    pairs = [(m, a) for m in threat_set.missiles for a in threat_set.launch_areas]
    undefended_by = np.zeros((ng, len(pairs), n), dtype=bool)
    reach_by = np.zeros((len(pairs), n), dtype=bool)
    layered = layered or {}
    if layered:  # the layered footprint's times (shoot-look-shoot across layers)
        packed = dict(packed, want_times=1, t_first=np.full((nk, n), np.inf),
                      l_last=np.full((nk, n), -np.inf))
    t_first, l_last = packed["t_first"], packed["l_last"]
    for i, (mname, area) in enumerate(pairs):
        if progress:
            progress(f"{mname} from {area[0]}", i, len(pairs))
        if missiles and mname in missiles:
            fam = family_of(missiles[mname], threat_set.depressed.get(mname))
        else:
            fam = trajectory_family(mname, threat_set.depressed.get(mname))
        footprint_kernel(math.radians(area[1]), math.radians(area[2]), lat, lon,
                         fam.ranges_m, np.ascontiguousarray(fam.t),
                         np.ascontiguousarray(fam.s), np.ascontiguousarray(fam.h),
                         fam.n.astype(np.int64),
                         0.5 * float(fam.ranges_m.min()), fam.max_range_m,
                         n_req=N_OF_M[0], m_win=N_OF_M[1], ka=d.kill_assessment_s,
                         descent_only=int(descent_only),
                         opp=opp, reach=reach, **packed)
        reach_by[i] = reach
        for c, members in enumerate(groups):
            o = opp[members[0]] if len(members) == 1 else opp[list(members)].sum(axis=0)
            fail1 = reach & (o < 1)
            if c in layered:
                ku, kl = layered[c]
                across = ((opp[ku] >= 1) & (opp[kl] >= 1)
                          & (l_last[kl] >= t_first[ku] + d.kill_assessment_s))
                fail2 = reach & ~((opp[ku] >= 2) | (opp[kl] >= 2) | across)
            else:
                fail2 = reach & (o < 2)
            limiting[c][f"{mname} from {area[0]}"] = int(fail1.sum())
            undefended_by[c, i] = fail1
            defended[c] &= ~fail1
            sls[c] &= ~fail2
    if progress:
        progress("done", len(pairs), len(pairs))
    return _Pass(g, threat_set, pairs, defended, sls, limiting, undefended_by, reach_by)


def _result(p: _Pass, k: int, bats: list[Battery], label: str | None) -> FootprintResult:
    """The FootprintResult of output group ``k`` of a pass."""
    g = p.grid
    name = label or ("+".join(b.name for b in bats) if bats else "withdrawn")
    return FootprintResult(name, bats, p.threat_set, g.step_km, g.lat, g.lon, g.x, g.y,
                           p.defended[k], p.sls[k], g.cell_area_km2, p.limiting[k],
                           tuple(f"{m} from {a[0]}" for m, a in p.pairs), p.undefended_by[k])


@dataclasses.dataclass(frozen=True, repr=False)
class Comparison:
    """Footprints of several configurations against the first (the baseline).

    Attributes
    ----------
    results : tuple of FootprintResult
        The footprints; the first is the baseline.
    """

    results: tuple[FootprintResult, ...]

    def rows(self) -> list[dict]:
        """One row per configuration, with changes from the baseline.

        Returns
        -------
        list of dict
            ``configuration``, ``area_km2``, ``defended_fraction_of_south_korea``,
            ``defended_population``, ``area_change_km2``, ``population_change``, ``cities_gained``
            and ``cities_lost``.
        """
        base = self.results[0].to_dict()
        out = []
        for r in self.results:
            s = r.to_dict()
            gained = sorted(set(s["cities_defended"]) - set(base["cities_defended"]))
            lost = sorted(set(base["cities_defended"]) - set(s["cities_defended"]))
            out.append({"configuration": s["configuration"], "area_km2": s["area_km2"],
                        "defended_fraction_of_south_korea":
                            s["defended_fraction_of_south_korea"],
                        "defended_population": s["defended_population"],
                        "area_change_km2": s["area_km2"] - base["area_km2"],
                        "population_change": s["defended_population"]
                        - base["defended_population"],
                        "cities_gained": gained, "cities_lost": lost})
        return out

    def to_dict(self) -> dict:
        """The comparison as a JSON-ready dict.

        Returns
        -------
        dict
            ``baseline`` (its label) and ``configurations`` (the ``rows``).
        """
        return {"baseline": self.results[0].label, "configurations": self.rows()}

    def to_dataframe(self):
        """The comparison as a table.

        Returns
        -------
        pandas.DataFrame
            One row per configuration (the ``rows``).
        """
        import pandas as pd

        return pd.DataFrame(self.rows())

    def __repr__(self) -> str:
        parts = ", ".join(f"{r['configuration']} {100 * r['defended_fraction_of_south_korea']:.1f}"
                          " %" for r in self.rows())
        return f"<Comparison vs {self.results[0].label}: {parts}>"


def compare(results) -> Comparison:
    """Compare footprints with the first one (the baseline).

    Parameters
    ----------
    results : iterable of FootprintResult
        The footprints; the first is the baseline.

    Returns
    -------
    Comparison
        Area (km^2), population and cities gained and lost per configuration.
    """
    return Comparison(tuple(results))


# -- layered defence (issue 14) ----------------------------------------------------------------

KEY_CITIES = ("Seoul", "Busan", "Daegu", "Incheon", "Daejeon", "Gwangju", "Ulsan", "Pyeongtaek",
              "Gunsan", "Suwon", "Cheongju-si")


@dataclasses.dataclass(frozen=True, repr=False)
class LayeredFootprint:
    """The footprint of a configuration of mixed systems, per layer and combined.

    A cell is defended by a layer when that layer's batteries have at least one intercept
    opportunity against every threat that reaches it; combined, when for every such threat some
    layer has one. Shoot-look-shoot (``defended_sls``): two opportunities within one layer (as
    ``footprint`` counts them over batteries), or across layers an upper-tier shot followed by a
    lower-tier shot at the leaker, the lower tier able to launch at least the kill-assessment time
    after the upper tier's first intercept.

    Attributes
    ----------
    combined : FootprintResult
        The configuration as a whole: ``defended`` is cell for cell ``footprint`` of all its
        batteries; ``defended_sls`` is within it (across layers the order and the
        kill-assessment time are checked, which ``footprint`` does not do across batteries).
    layers : dict of str to FootprintResult
        Per tier (``engagement.systems.TIERS``), the layer's batteries alone (possibly none).
    reach_by : ndarray of bool, shape (threats, cells)
        Whether each threat (``combined.threats``) reaches each cell.
    """

    combined: FootprintResult
    layers: dict
    reach_by: np.ndarray

    @property
    def label(self) -> str:
        """The configuration's name."""
        return self.combined.label

    def cities(self) -> list[dict]:
        """Every South Korean city (population >= 100,000) with its defence by layer.

        Returns
        -------
        list of dict
            ``name``, ``population``, ``defended``, ``defended_sls``, ``limiting_threats`` (as
            ``FootprintResult.cities``), ``defended_by_layer`` (tier -> whether that layer alone
            defends the city), ``layers_defending`` (those tiers), ``threats_reaching`` and
            ``engaged_by_layer`` (tier -> the threats against which that layer has an intercept
            opportunity at the city), ``defence`` (one phrase: which layer defends it).
        """
        _, cell = city_cells(self.combined.grid_km)
        base = self.combined.cities()
        out = []
        for j, row in zip(cell, base, strict=True):
            near = j >= 0
            threats = self.combined.threats
            reaching = [t for k, t in enumerate(threats) if near and self.reach_by[k, j]]
            by_layer, engaged = {}, {}
            for tier, res in self.layers.items():
                by_layer[tier] = bool(near and res.defended[j])
                engaged[tier] = [t for k, t in enumerate(threats)
                                 if near and self.reach_by[k, j]
                                 and not res.undefended_by[k, j]]
            defending = [t for t, v in by_layer.items() if v]
            if not row["defended"]:
                phrase = "not defended"
            elif not reaching:
                phrase = "no threat reaches it"
            elif len(defending) == 1:
                phrase = f"{defending[0]} tier"
            elif defending:
                phrase = " and ".join(defending) + " tiers (each alone)"
            else:
                phrase = "upper and lower tiers together (neither alone)"
            out.append(dict(row, defended_by_layer=by_layer, layers_defending=defending,
                            threats_reaching=reaching, engaged_by_layer=engaged,
                            defence=phrase))
        return out

    def statements(self, cities=None) -> list[str]:
        """Plain sentences on which layer defends each key city and against which threats.

        Parameters
        ----------
        cities : list of dict, optional
            ``cities()`` already computed.

        Returns
        -------
        list of str
            One sentence per key city that some threat reaches.
        """
        rows = {c["name"]: c for c in (cities or self.cities())}
        uppers = [b for b in self.combined.batteries if b.tier == "upper"]
        out = []
        for name in KEY_CITIES:
            c = rows.get(name)
            if c is None or not c["threats_reaching"]:
                continue
            up = set(c["engaged_by_layer"].get("upper", []))
            low = set(c["engaged_by_layer"].get("lower", []))
            only_low = [t for t in c["threats_reaching"] if t in low and t not in up]
            none = [t for t in c["threats_reaching"] if t not in low and t not in up]
            s = f"{name}: {c['defence']}"
            if only_low:
                s += (f"; against {_short_threats(only_low)} only the lower tier has an intercept "
                      "opportunity, so its defence against them is the lower tier's")
                if uppers:
                    s += " (" + _why_not_upper(name, uppers) + ")"
            elif up and low and up == low:
                s += ("; both tiers engage every threat that reaches it (shoot-look-shoot across "
                      "layers)")
            if none:
                s += f"; undefended against {_short_threats(none)}"
            out.append(s + ".")
        return out

    def to_dict(self) -> dict:
        """The layered footprint (JSON-ready).

        Returns
        -------
        dict
            ``configuration``; ``combined`` (``FootprintResult.to_dict``); ``layers`` (tier ->
            batteries, area_km2, defended_fraction_of_south_korea, defended_population);
            ``key_cities`` (name -> defended, defended_sls, layers_defending,
            defended_by_layer, engaged_by_layer, limiting_threats, defence); ``statements``.
        """
        cs = self.cities()
        layers = {}
        for tier, res in self.layers.items():
            d = res.to_dict()
            layers[tier] = {"batteries": [b["name"] for b in d["batteries"]],
                            "area_km2": d["area_km2"],
                            "defended_fraction_of_south_korea":
                                d["defended_fraction_of_south_korea"],
                            "defended_population": d["defended_population"],
                            "cities_defended": d["cities_defended"]}
        key = {c["name"]: {k: c[k] for k in ("population", "defended", "defended_sls",
                                             "layers_defending", "defended_by_layer",
                                             "engaged_by_layer", "limiting_threats",
                                             "defence")}
               for c in cs if c["name"] in KEY_CITIES}
        return {"configuration": self.label, "combined": self.combined.to_dict(),
                "layers": layers, "key_cities": key, "statements": self.statements(cs)}

    def __repr__(self) -> str:
        d = self.combined.to_dict()
        parts = ", ".join(f"{t} {100 * r.to_dict()['defended_fraction_of_south_korea']:.1f} %"
                          for t, r in self.layers.items())
        return (f"<LayeredFootprint {self.label} vs {self.combined.threat_set.name}: "
                f"{100 * d['defended_fraction_of_south_korea']:.1f} % combined ({parts})>")


def _short_threats(threats: list[str]) -> str:
    """'scud-b (3 launch areas), kn-23 from Wonsan' style summary of threat names."""
    by_missile: dict[str, list[str]] = {}
    for t in threats:
        m, _, area = t.partition(" from ")
        by_missile.setdefault(m, []).append(area)
    parts = []
    for m, areas in by_missile.items():
        parts.append(f"{m} from {areas[0]}" if len(areas) == 1 else f"{m} ({len(areas)} launch "
                                                                    "areas)")
    return ", ".join(parts)


def _why_not_upper(city: str, uppers: list[Battery]) -> str:
    """Why the upper tier has no opportunity: distance to its nearest battery against the
    interceptor's ground range and floor."""
    from thaadsim.geo import gc_distance_m

    cities, _ = city_cells(5.0)
    c = next((x for x in cities if x["name"] == city), None)
    if c is None:
        return "the upper tier has no opportunity there"
    best = min(uppers, key=lambda b: float(gc_distance_m(
        math.radians(c["lat_deg"]), math.radians(c["lon_deg"]), math.radians(b.site.lat_deg),
        math.radians(b.site.lon_deg))))
    dist = float(gc_distance_m(math.radians(c["lat_deg"]), math.radians(c["lon_deg"]),
                               math.radians(best.site.lat_deg),
                               math.radians(best.site.lon_deg))) / 1e3
    env = best.reach.to_dict()
    if dist > env["max_ground_range_km"]:
        return (f"the nearest upper-tier battery, {best.name}, is {dist:.0f} km away, beyond its "
                f"interceptor's {env['max_ground_range_km']:.0f} km ground range")
    return (f"the nearest upper-tier battery, {best.name}, is {dist:.0f} km away, within its "
            f"interceptor's {env['max_ground_range_km']:.0f} km ground range, but these missiles "
            f"stay below its {env['min_altitude_km']:.0f} km floor where it can reach them, or "
            "come too soon after its radar's firm track")


def layered_footprints(configs: list[list[Battery]], threat_set: ThreatSet,
                       grid_km: float = 5.0, labels: list[str | None] | None = None,
                       doctrine: Doctrine | None = None, progress=None,
                       descent_only: bool = False) -> list[LayeredFootprint]:
    """Per-layer and combined footprints of several configurations of mixed systems, in one
    kernel pass (every battery evaluated once).

    Parameters
    ----------
    configs : list of list of Battery
        The configurations (batteries of any system; ``Battery.tier`` says its layer).
    threat_set : ThreatSet
        The threat set.
    grid_km : float, optional
        Grid spacing (km), in [1, 50]; default 5.
    labels : list of str or None, optional
        Names of the configurations.
    doctrine : Doctrine, optional
        Only ``kill_assessment_s`` (s) is used; default ``Doctrine()``.
    progress : callable, optional
        ``progress(text, done, total)``, called per missile and launch area.
    descent_only : bool, optional
        As ``footprints``.

    Returns
    -------
    list of LayeredFootprint
        One per configuration, in order; ``combined.defended`` is cell for cell ``footprints``
        of the same batteries (``defended_sls`` see ``LayeredFootprint``).
    """
    from thaadsim.engagement.systems import TIERS

    kconfigs: list[list[Battery]] = []
    groups: list[tuple[int, ...]] = []
    index: list[tuple[int, dict]] = []
    layered: dict[int, tuple[int, int]] = {}
    for bats in configs:
        per = {}
        kidx = {}
        for tier in TIERS:
            kconfigs.append([b for b in bats if b.tier == tier])
            kidx[tier] = len(kconfigs) - 1
            per[tier] = len(groups)
            groups.append((kidx[tier],))
        combined = len(groups)
        groups.append(tuple(kidx[t] for t in TIERS))
        layered[combined] = (kidx["upper"], kidx["lower"])
        index.append((combined, per))
    p = _footprint_pass(kconfigs, groups, threat_set, grid_km, doctrine, progress,
                        descent_only, None, layered)
    labels = list(labels) if labels is not None else [None] * len(configs)
    out = []
    for c, bats in enumerate(configs):
        combined, per = index[c]
        comb = _result(p, combined, bats, labels[c])
        layers = {t: _result(p, per[t], [b for b in bats if b.tier == t],
                             f"{comb.label} ({t} tier)") for t in TIERS}
        out.append(LayeredFootprint(comb, layers, p.reach_by))
    return out


WITHDRAWAL_CONFIGURATIONS = (("thaad-alone", "seongju"), ("deployed", "rok-deployed"),
                             ("withdrawn", "rok-withdrawn"))


@dataclasses.dataclass(frozen=True, repr=False)
class WithdrawalResult:
    """THAAD alone, THAAD + the lower tier as deployed, and the same with THAAD withdrawn.

    Attributes
    ----------
    results : tuple of LayeredFootprint
        In the order of ``names``.
    names : tuple of str
        ``"thaad-alone"``, ``"deployed"``, ``"withdrawn"`` (or the caller's).
    configurations : tuple of str
        The configuration texts (``rok-deployed`` ...).
    """

    results: tuple[LayeredFootprint, ...]
    names: tuple[str, ...]
    configurations: tuple[str, ...]

    def _by(self, name: str) -> LayeredFootprint:
        return self.results[self.names.index(name)]

    def rows(self) -> list[dict]:
        """One row per configuration: shares, population and key cities with their layer.

        Returns
        -------
        list of dict
            ``case``, ``configuration``, ``batteries``, ``defended_fraction_of_south_korea``,
            ``defended_fraction_sls``, ``defended_population``, ``area_km2``, per layer
            ``upper_fraction`` / ``lower_fraction`` (the layer alone), and ``key_cities``
            (name -> the phrase of ``LayeredFootprint.cities``).
        """
        out = []
        for name, conf, r in zip(self.names, self.configurations, self.results, strict=True):
            d = r.combined.to_dict()
            cs = {c["name"]: c for c in r.cities()}
            row = {"case": name, "configuration": conf, "batteries": len(r.combined.batteries),
                   "defended_fraction_of_south_korea": d["defended_fraction_of_south_korea"],
                   "defended_fraction_sls": d["defended_fraction_sls"],
                   "defended_population": d["defended_population"],
                   "defended_population_sls": d["defended_population_sls"],
                   "area_km2": d["area_km2"]}
            for t, lr in r.layers.items():
                row[f"{t}_fraction"] = lr.to_dict()["defended_fraction_of_south_korea"]
            row["key_cities"] = {k: cs[k]["defence"] for k in KEY_CITIES if k in cs}
            out.append(row)
        return out

    def losses(self) -> dict:
        """What withdrawal takes away (deployed -> withdrawn).

        Returns
        -------
        dict
            ``cities_losing_defence`` and ``population_losing_defence`` (defended with THAAD,
            not without), ``cities_losing_upper_tier`` and ``population_losing_upper_tier``
            (the upper tier alone defended them), ``cities_losing_shoot_look_shoot`` and its
            population, ``area_lost_km2``.
        """
        if "deployed" not in self.names or "withdrawn" not in self.names:
            return {}
        dep, wd = self._by("deployed"), self._by("withdrawn")
        cd = {c["name"]: c for c in dep.cities()}
        cw = {c["name"]: c for c in wd.cities()}

        def pick(f):
            names = [n for n in cd if f(cd[n], cw[n])]
            names.sort(key=lambda n: -cd[n]["population"])
            return names, int(sum(cd[n]["population"] for n in names))

        lost, lost_pop = pick(lambda a, b: a["defended"] and not b["defended"])
        up, up_pop = pick(lambda a, b: a["defended_by_layer"].get("upper", False))
        sls, sls_pop = pick(lambda a, b: a["defended_sls"] and not b["defended_sls"])
        da, dw = dep.combined.to_dict(), wd.combined.to_dict()
        return {"cities_losing_defence": lost, "population_losing_defence": lost_pop,
                "cities_losing_upper_tier": up, "population_losing_upper_tier": up_pop,
                "cities_losing_shoot_look_shoot": sls, "population_losing_shoot_look_shoot":
                    sls_pop, "area_lost_km2": da["area_km2"] - dw["area_km2"]}

    def to_dict(self) -> dict:
        """The comparison (JSON-ready).

        Returns
        -------
        dict
            ``threat_set``, ``grid_km``, ``cases`` (``rows``), ``withdrawal`` (``losses``),
            ``layered`` (case -> ``LayeredFootprint.to_dict``), ``statements`` (case -> list).
        """
        first = self.results[0].combined
        lay = {n: r.to_dict() for n, r in zip(self.names, self.results, strict=True)}
        return {"threat_set": first.threat_set.name, "grid_km": first.grid_km,
                "cases": self.rows(), "withdrawal": self.losses(),
                "layered": lay, "statements": {n: v["statements"] for n, v in lay.items()}}

    def to_dataframe(self):
        """One row per case (``rows`` without the key-city mapping).

        Returns
        -------
        pandas.DataFrame
            The rows.
        """
        import pandas as pd

        return pd.DataFrame([{k: v for k, v in r.items() if k != "key_cities"}
                             for r in self.rows()])

    def __repr__(self) -> str:
        parts = ", ".join(f"{r['case']} {100 * r['defended_fraction_of_south_korea']:.1f} %"
                          for r in self.rows())
        return f"<WithdrawalResult vs {self.results[0].combined.threat_set.name}: {parts}>"


def withdrawal(threat_set: ThreatSet | str = "nk-default", grid_km: float = 5.0,
               cases=WITHDRAWAL_CONFIGURATIONS, progress=None) -> WithdrawalResult:
    """THAAD alone, THAAD + the lower tier as deployed, and the lower tier with THAAD withdrawn,
    in one kernel pass.

    Parameters
    ----------
    threat_set : ThreatSet or str, optional
        The threat set or its name; default ``"nk-default"``.
    grid_km : float, optional
        Grid spacing (km), in [1, 50]; default 5.
    cases : sequence of (str, str), optional
        (case name, configuration text of ``parse_configuration``); default
        ``WITHDRAWAL_CONFIGURATIONS`` (``seongju``, ``rok-deployed``, ``rok-withdrawn``).
    progress : callable, optional
        ``progress(text, done, total)``.

    Returns
    -------
    WithdrawalResult
        The three layered footprints.
    """
    from thaadsim.engagement.fire_control import parse_configuration
    from thaadsim.limits import check
    from thaadsim.threats.threat_set import get_threat_set

    if isinstance(threat_set, str):
        threat_set = get_threat_set(threat_set)
    grid_km = float(check("grid_km", grid_km, "grid_km"))
    parsed = [parse_configuration(text) for _, text in cases]
    res = layered_footprints([b for _, b in parsed], threat_set, grid_km,
                             [lab for lab, _ in parsed], progress=progress)
    return WithdrawalResult(tuple(res), tuple(n for n, _ in cases),
                            tuple(lab for lab, _ in parsed))


__all__ = ["footprint", "footprints", "compare", "footprint_work", "FootprintResult", "Comparison",
           "layered_footprints", "LayeredFootprint", "withdrawal", "WithdrawalResult",
           "WITHDRAWAL_CONFIGURATIONS", "KEY_CITIES"]
