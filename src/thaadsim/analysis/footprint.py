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
from thaadsim.analysis.grid import GRID_CENTER, city_cells, south_korea_grid
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
    g = south_korea_grid(grid_km)
    d = doctrine or Doctrine()
    n = g.size
    nc = len(configs)
    labels = list(labels) if labels is not None else [None] * nc
    defended = np.ones((nc, n), dtype=bool)
    sls = np.ones((nc, n), dtype=bool)
    limiting: list[dict[str, int]] = [{} for _ in range(nc)]
    packed = pack_batteries(configs, HISTORY_DT_S)
    lat, lon = np.radians(g.lat), np.radians(g.lon)
    opp = np.zeros((nc, n), dtype=np.int64)
    reach = np.zeros(n, dtype=bool)
    pairs = [(m, a) for m in threat_set.missiles for a in threat_set.launch_areas]
    undefended_by = np.zeros((nc, len(pairs), n), dtype=bool)
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
        for c in range(nc):
            fail1 = reach & (opp[c] < 1)
            fail2 = reach & (opp[c] < 2)
            limiting[c][f"{mname} from {area[0]}"] = int(fail1.sum())
            undefended_by[c, i] = fail1
            defended[c] &= ~fail1
            sls[c] &= ~fail2
    if progress:
        progress("done", len(pairs), len(pairs))
    out = []
    for c, bats in enumerate(configs):
        name = labels[c] or ("+".join(b.name for b in bats) if bats else "withdrawn")
        out.append(FootprintResult(name, bats, threat_set, g.step_km, g.lat, g.lon, g.x, g.y,
                                   defended[c], sls[c], g.cell_area_km2, limiting[c],
                                   tuple(f"{m} from {a[0]}" for m, a in pairs),
                                   undefended_by[c]))
    return out


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


__all__ = ["footprint", "footprints", "compare", "footprint_work", "FootprintResult", "Comparison"]
