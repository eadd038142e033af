"""Scenario files (TOML) validated with pydantic; every problem is reported with its field."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from thaadsim.errors import ThaadsimError

MAX_LAUNCHERS = 9  # 6-9 launchers per battery (USCC 2016 Annual Report)


class LatLon(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lat_deg: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon_deg: float = Field(ge=-180, le=360, allow_inf_nan=False)


class BatteryCfg(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = "battery"
    site: str = "seongju"
    radar: str = "tpy2-terminal"
    interceptor: str = "thaad"
    launchers: int = Field(6, ge=1, le=MAX_LAUNCHERS)
    interceptors_per_launcher: int = Field(8, ge=1, le=8)
    reloads: int = Field(0, ge=0, le=10)
    fire_channels: int = Field(12, ge=1, le=72)
    reaction_time_s: float = Field(15.0, ge=0, le=600, allow_inf_nan=False)
    rcs_m2: float = Field(0.01, gt=0, le=1000, allow_inf_nan=False)


class DoctrineCfg(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["salvo", "sls", "shoot-look-shoot"] = "sls"
    salvo: int = Field(2, ge=1, le=8)
    sspk: float = Field(0.8, ge=0, le=1, allow_inf_nan=False)
    p_track: float = Field(0.95, ge=0, le=1, allow_inf_nan=False)
    kill_assessment_s: float = Field(10.0, ge=0, le=300, allow_inf_nan=False)


class AssetCfg(LatLon):
    name: str
    radius_km: float = Field(20.0, gt=0, le=500)


class ThreatCfg(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    missile: str
    launch: LatLon
    aim: LatLon
    launch_time_s: float = Field(0.0, ge=0, le=36_000, allow_inf_nan=False)
    apogee_km: float | None = Field(None, gt=0, le=5000, allow_inf_nan=False)

    @field_validator("missile")
    @classmethod
    def _known_missile(cls, v: str) -> str:
        from thaadsim.threats.missile import _presets

        if v.strip().lower() not in _presets():
            raise ValueError(f"unknown missile preset (known: {', '.join(sorted(_presets()))})")
        return v.strip().lower()


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = "scenario"
    battery: list[BatteryCfg] = Field(min_length=1)
    doctrine: DoctrineCfg = DoctrineCfg()
    defended_asset: list[AssetCfg] = []
    threat: list[ThreatCfg] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _unique_ids(self):
        ids = [t.id for t in self.threat]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"threat ids must be unique; repeated: {', '.join(dup)}")
        inv = sum(b.launchers * b.interceptors_per_launcher * (1 + b.reloads)
                  for b in self.battery)
        if self.doctrine.salvo > inv:
            raise ValueError(f"doctrine.salvo ({self.doctrine.salvo}) exceeds the inventory "
                             f"({inv})")
        return self


class ScenarioError(ThaadsimError):
    """Several problems at once: ``lines`` holds one message per problem."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("scenario", "is invalid", f"{len(lines)} problem(s)")
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _loc(loc) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def example_path() -> Path:
    """The example raid shipped in the package (examples/seongju-raid.toml is the same file,
    kept at the top of the repository for users to copy; a test keeps them equal)."""
    return Path(str(resources.files("thaadsim.data").joinpath("seongju-raid.toml")))


def load_scenario(path: str | Path) -> Scenario:
    p = Path(path)
    if not p.is_file():
        raise ThaadsimError("scenario", "must be an existing TOML file", str(path))
    try:
        raw = tomllib.loads(p.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ThaadsimError("scenario", f"must be valid TOML ({e})", str(path)) from None
    try:
        sc = Scenario.model_validate(raw)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            where = _loc(err["loc"]) or "scenario"
            msg = err["msg"].replace("Value error, ", "")
            got = err.get("input")
            got_s = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"{where}: {msg}{got_s}")
        raise ScenarioError(lines) from None
    # presets that only exist in data files
    from thaadsim.interceptors.reach import get_interceptor
    from thaadsim.sensors.radar import get_radar, parse_site

    lines = []
    for i, b in enumerate(sc.battery):
        for field, fn in (("site", parse_site), ("radar", get_radar),
                          ("interceptor", get_interceptor)):
            try:
                fn(getattr(b, field))
            except ThaadsimError as e:
                lines.append(f"battery[{i}].{field}: {e.rule} (got {getattr(b, field)!r})")
    if lines:
        raise ScenarioError(lines)
    return sc
