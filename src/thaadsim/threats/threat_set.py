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
    """Missiles (preset names), launch areas (name, lat_deg, lon_deg) and, per missile, an apogee
    (km) for depressed or lofted shapes; minimum energy otherwise."""

    name: str
    missiles: tuple[str, ...]
    launch_areas: tuple[tuple[str, float, float], ...]
    depressed: dict
    description: str = ""
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"name": self.name, "missiles": list(self.missiles),
                "launch_areas": [{"name": a[0], "lat_deg": a[1], "lon_deg": a[2]}
                                 for a in self.launch_areas],
                "depressed_apogee_km": dict(self.depressed), "description": self.description,
                "sources": list(self.sources)}


def _sets() -> dict:
    return table("threat_sets.toml", "set")


def list_threat_sets() -> list[str]:
    return sorted(_sets())


def get_threat_set(name: str) -> ThreatSet:
    """A threat set (preset or user entry) by name; ``thaadsim threat-sets`` lists them."""
    f = _sets().get(str(name).strip().lower(), {}).get("_file", "thaadsim")
    key, d = lookup(_sets(), "threat-set", name)
    try:
        ts = ThreatSet(key, tuple(str(m).strip().lower() for m in d["missiles"]),
                       tuple((str(a["name"]), check("latitude_deg", a["lat_deg"], "lat_deg"),
                              check("longitude_deg", a["lon_deg"], "lon_deg"))
                             for a in d["launch_area"]),
                       {str(k).lower(): check("apogee_km", v, "apogee_km")
                        for k, v in dict(d.get("depressed", {})).items()},
                       str(d.get("description", "")), d["sources"])
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


