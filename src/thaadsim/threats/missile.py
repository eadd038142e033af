"""Missile model (stages, reentry vehicle, aerodynamics) and the presets in data/missiles.toml."""

from __future__ import annotations

import dataclasses
import tomllib
from functools import lru_cache
from importlib import resources

import numpy as np

from thaadsim.errors import ThaadsimError

# Generic slender-body drag coefficient vs Mach for the boost (V-2 / Scud class wind-tunnel
# data as summarised in Sutton & Biblarz, Rocket Propulsion Elements, 9th ed., Fig. 4-2, and
# Fleeman, Tactical Missile Design, 2nd ed.): subsonic ~0.2, transonic peak ~0.45, ~0.2 at
# high Mach.
MACH_TABLE = np.array([0.0, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0])
CD_TABLE = np.array([0.20, 0.22, 0.40, 0.45, 0.42, 0.36, 0.29, 0.24, 0.21, 0.20])


@dataclasses.dataclass(frozen=True)
class Stage:
    """One rocket stage. Masses in kg, specific impulses in s, burn time in s, diameter in m."""

    propellant_kg: float
    dry_kg: float
    isp_sl_s: float
    isp_vac_s: float
    burn_time_s: float
    diameter_m: float

    @property
    def area_m2(self) -> float:
        return float(np.pi * self.diameter_m**2 / 4.0)

    @property
    def thrust_vac_n(self) -> float:
        return self.propellant_kg / self.burn_time_s * 9.80665 * self.isp_vac_s


@dataclasses.dataclass(frozen=True)
class Missile:
    """A missile: stages (first to last), reentry vehicle and guidance defaults.

    ``rv_mass_kg`` is what flies after burnout (warhead and reentry vehicle; for missiles whose
    body does not separate, e.g. Scud-B, the empty body is included and its ``beta`` is that of
    the tumbling body). ``beta_kg_m2`` is the reentry ballistic coefficient m / (Cd A).
    """

    name: str
    stages: tuple[Stage, ...]
    rv_mass_kg: float
    beta_kg_m2: float
    t_vertical_s: float = 8.0
    klass: str = "srbm"
    nominal_range_km: float = float("nan")
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""
    estimate: bool = True

    @property
    def burn_time_s(self) -> float:
        return float(sum(s.burn_time_s for s in self.stages))

    @property
    def launch_mass_kg(self) -> float:
        return float(self.rv_mass_kg + sum(s.propellant_kg + s.dry_kg for s in self.stages))

    def ideal_delta_v_m_s(self) -> float:
        """Tsiolkovsky delta-v in vacuum (no gravity or drag losses)."""
        m = self.launch_mass_kg
        dv = 0.0
        for s in self.stages:
            dv += 9.80665 * s.isp_vac_s * np.log(m / (m - s.propellant_kg))
            m -= s.propellant_kg + s.dry_kg
        return float(dv)

    def replace(self, **changes) -> Missile:
        """A copy with fields changed (e.g. ``rv_mass_kg``) -- every parameter can be overridden."""
        return dataclasses.replace(self, **changes)

    def scaled(self, *, rv_mass_kg: float | None = None, burn_time_scale: float = 1.0) -> Missile:
        """Same missile with another payload and/or all burn times scaled (thrust / scale)."""
        st = tuple(dataclasses.replace(s, burn_time_s=s.burn_time_s * burn_time_scale)
                   for s in self.stages)
        return dataclasses.replace(self, stages=st,
                                   rv_mass_kg=self.rv_mass_kg if rv_mass_kg is None else rv_mass_kg)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["launch_mass_kg"] = self.launch_mass_kg
        d["burn_time_s"] = self.burn_time_s
        d["ideal_delta_v_km_s"] = self.ideal_delta_v_m_s() / 1000.0
        return d


@lru_cache(maxsize=1)
def _presets() -> dict[str, Missile]:
    text = resources.files("thaadsim.data").joinpath("missiles.toml").read_text()
    raw = tomllib.loads(text)
    out: dict[str, Missile] = {}
    for key, m in raw["missile"].items():
        stages = tuple(Stage(**s) for s in m["stages"])
        out[key] = Missile(
            name=key, stages=stages, rv_mass_kg=m["rv_mass_kg"], beta_kg_m2=m["beta_kg_m2"],
            t_vertical_s=m.get("t_vertical_s", 8.0), klass=m["class"],
            nominal_range_km=m.get("nominal_range_km", float("nan")),
            description=m.get("description", ""), sources=tuple(m.get("sources", ())),
            notes=m.get("notes", ""), estimate=m.get("estimate", True))
    return out


def list_missiles() -> list[Missile]:
    return list(_presets().values())


def get_missile(name: str) -> Missile:
    p = _presets()
    key = name.strip().lower()
    if key not in p:
        raise ThaadsimError("missile", f"must be one of {', '.join(sorted(p))}", name)
    return p[key]
