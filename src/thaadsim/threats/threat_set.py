"""Threat sets: which missiles fly from which launch areas, on which shapes (presets in
data/threat_sets.toml and user files; ``thaadsim threat-sets`` lists them)."""

from __future__ import annotations

import dataclasses

from thaadsim.errors import ThaadsimError
from thaadsim.limits import check
from thaadsim.presets import lookup, table
from thaadsim.threats.missile import get_missile


@dataclasses.dataclass(frozen=True)
class ThreatSet:
    """A threat set: missiles, launch areas, per missile an optional apogee and, optionally,
    targets.

    Missiles fly minimum-energy trajectories unless ``depressed`` gives an apogee for them
    (depressed or lofted shapes). Sets with ``targets`` (``[[set.NAME.target]]``, the shape of a
    launch area) describe aimed flights, one per missile x launch area x target
    (``thaadsim watch``); the footprint analyses ignore the targets.

    Attributes
    ----------
    name : str
        Set name.
    missiles : tuple of str
        Missile preset names.
    launch_areas : tuple of (str, float, float)
        Name, latitude (deg) and longitude (deg) of each launch area.
    depressed : dict
        Missile name to apogee (km).
    description : str
        Free text.
    sources : tuple of str
        Where the set comes from.
    targets : tuple of (str, float, float)
        Name, latitude (deg) and longitude (deg) of each target; empty when the set has none.
    """

    name: str
    missiles: tuple[str, ...]
    launch_areas: tuple[tuple[str, float, float], ...]
    depressed: dict
    description: str = ""
    sources: tuple[str, ...] = ()
    targets: tuple[tuple[str, float, float], ...] = ()

    def to_dict(self) -> dict:
        """The set as a JSON-ready dict.

        Returns
        -------
        dict
            ``name``, ``missiles``, ``launch_areas`` (name, lat_deg, lon_deg),
            ``depressed_apogee_km``, ``description``, ``sources`` and, when the set has
            targets, ``targets`` (name, lat_deg, lon_deg).
        """
        out = {"name": self.name, "missiles": list(self.missiles),
                "launch_areas": [{"name": a[0], "lat_deg": a[1], "lon_deg": a[2]}
                                 for a in self.launch_areas],
                "depressed_apogee_km": dict(self.depressed), "description": self.description,
                "sources": list(self.sources)}
        if self.targets:
            out["targets"] = [{"name": a[0], "lat_deg": a[1], "lon_deg": a[2]}
                              for a in self.targets]
        return out


def _sets() -> dict:
    return table("threat_sets.toml", "set")


def list_threat_sets() -> list[str]:
    """Names of the threat sets (presets and user entries), sorted.

    Returns
    -------
    list of str
        Lower-case names.
    """
    return sorted(_sets())


def get_threat_set(name: str) -> ThreatSet:
    """A threat set (preset or user entry) by name; ``thaadsim threat-sets`` lists them.

    Parameters
    ----------
    name : str
        Name, case and surrounding blanks ignored.

    Returns
    -------
    ThreatSet
        The set; every missile it names exists.

    Raises
    ------
    ThaadsimError
        An unknown name, or an entry with a missing field, an out-of-bounds coordinate or apogee,
        no missiles or launch areas, or an unknown missile.
    """
    f = _sets().get(str(name).strip().lower(), {}).get("_file", "thaadsim")
    key, d = lookup(_sets(), "threat-set", name)
    unknown = sorted(set(d) - {"missiles", "launch_area", "depressed", "description", "sources",
                               "notes", "target"})
    if unknown:
        raise ThaadsimError("--threat-set-file", f"[set.{key}] has unknown key(s) "
                                                 f"{', '.join(unknown)}", f)
    try:
        ts = ThreatSet(key, tuple(str(m).strip().lower() for m in d["missiles"]),
                       tuple((str(a["name"]), check("latitude_deg", a["lat_deg"], "lat_deg"),
                              check("longitude_deg", a["lon_deg"], "lon_deg"))
                             for a in d["launch_area"]),
                       {str(k).lower(): check("apogee_km", v, "apogee_km")
                        for k, v in dict(d.get("depressed", {})).items()},
                       str(d.get("description", "")), d["sources"],
                       tuple((str(a["name"]), check("latitude_deg", a["lat_deg"], "lat_deg"),
                              check("longitude_deg", a["lon_deg"], "lon_deg"))
                             for a in d.get("target", [])))
    except KeyError as e:
        raise ThaadsimError("--threat-set-file", f"[set.{key}] must define {e.args[0]}",
                            f) from None
    except (TypeError, ValueError, AttributeError) as e:
        raise ThaadsimError("--threat-set-file", f"[set.{key}] is invalid ({e})", f) from None
    if not ts.missiles or not ts.launch_areas:
        raise ThaadsimError("--threat-set-file", f"[set.{key}] must list missiles and "
                                                 "launch_area tables", f)
    for m in ts.missiles:
        get_missile(m)
    return ts


