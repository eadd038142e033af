"""Scenario files (TOML) validated with pydantic; every problem is reported with its field."""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from thaadsim.errors import ProblemsError, ThaadsimError, show_value
from thaadsim.limits import BOUNDS, MIN_FLIGHT_KM
from thaadsim.presets import read_toml

MAX_LAUNCHERS = 9  # 6-9 launchers per battery (USCC 2016 Annual Report)
MAX_BATTERIES = 20  # bounds the work of one scenario (assumption)
# strict: TOML has real types, so `launchers = true` or `sspk = "0.8"` is an error, not 1 or 0.8
STRICT = ConfigDict(extra="forbid", strict=True)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _f(quantity: str, default=...):
    return Field(default, **BOUNDS[quantity].pydantic())


class LatLon(BaseModel):
    """A point in decimal degrees (``lat_deg``, ``lon_deg``)."""

    model_config = STRICT
    lat_deg: float = _f("latitude_deg")
    lon_deg: float = _f("longitude_deg")


class BatteryCfg(BaseModel):
    """A battery of a scenario: site, radar and interceptor presets (or user entries), launchers
    x interceptors, reloads, fire channels, reaction time (s) and the RCS it tracks (m^2).
    ``system`` (``engagement.systems``: thaad, l-sam, pac3-mse, pac2-gemt, km-sam2) supplies the
    radar, interceptor, battery size, fire channels, reaction time and tier that the table does
    not set; ``sspk`` overrides the doctrine's single-shot kill probability for this battery."""

    model_config = STRICT
    name: Name = "battery"
    site: Name = "seongju"
    radar: Name = "tpy2-terminal"
    interceptor: Name = "thaad"
    launchers: int = Field(6, ge=1, le=MAX_LAUNCHERS)
    interceptors_per_launcher: int = Field(8, ge=1, le=16)  # 16: PAC-3 MSE on an M903 (max)
    reloads: int = Field(0, ge=0, le=10)
    fire_channels: int = Field(12, ge=1, le=72)
    reaction_time_s: float = _f("reaction_time_s", 15.0)
    rcs_m2: float = _f("rcs_m2", 0.01)
    system: Name | None = None
    sspk: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)


class DoctrineCfg(BaseModel):
    """Firing doctrine: ``salvo`` (one salvo) or ``sls`` (shoot-look-shoot), salvo size, single-shot
    kill probability, tracking probability, kill-assessment time (s), most shots per threat in
    shoot-look-shoot, and the detection model of the firm-track time."""

    model_config = STRICT
    mode: Literal["salvo", "sls", "shoot-look-shoot"] = "sls"
    salvo: int = Field(2, ge=1, le=8)
    sspk: float = Field(0.8, ge=0, le=1, allow_inf_nan=False)
    p_track: float = Field(0.95, ge=0, le=1, allow_inf_nan=False)
    kill_assessment_s: float = Field(10.0, ge=0, le=300, allow_inf_nan=False)
    max_shots: int = Field(2, ge=1, le=4)
    detection: Literal["swerling1", "swerling3", "deterministic"] = "swerling1"
    layered: bool = False  # upper tier first, the lower tier at its leakers (Doctrine.layered)


class AssetCfg(LatLon):
    """A defended asset: threats predicted to land within ``radius_km`` of it are engaged first."""

    name: Name
    radius_km: float = Field(20.0, gt=0, le=500, allow_inf_nan=False)


class ThreatCfg(BaseModel):
    """One threat: a missile preset (or inline/user entry), launch and aim points, launch time (s)
    and, for a lofted or depressed shape, the apogee (km)."""

    model_config = STRICT
    id: Name
    missile: Name
    launch: LatLon
    aim: LatLon
    launch_time_s: float = _f("launch_time_s", 0.0)
    apogee_km: float | None = _f("apogee_km", None)

    @model_validator(mode="after")
    def _a_real_flight(self):
        from thaadsim.geo import gc_distance_m

        d = float(gc_distance_m(math.radians(self.launch.lat_deg),
                                math.radians(self.launch.lon_deg),
                                math.radians(self.aim.lat_deg), math.radians(self.aim.lon_deg)))
        if d < MIN_FLIGHT_KM * 1e3:
            raise ValueError(f"aim must lie at least {MIN_FLIGHT_KM:g} km from launch (it is "
                             f"{d:.0f} m away)")
        return self

    @field_validator("missile")
    @classmethod
    def _known_missile(cls, v: str) -> str:
        from thaadsim.threats.missile import missile_names

        names = missile_names()
        if v.strip().lower() not in names:
            raise ValueError(f"unknown missile preset (known: {', '.join(sorted(names))})")
        return v.strip().lower()


class Scenario(BaseModel):
    """A raid scenario file: batteries, doctrine, defended assets and threats (examples/)."""

    model_config = STRICT
    name: Name = "scenario"
    battery: list[BatteryCfg] = Field(min_length=1, max_length=MAX_BATTERIES)
    doctrine: DoctrineCfg = Field(default_factory=lambda: DoctrineCfg.model_validate({}))
    defended_asset: list[AssetCfg] = Field([], max_length=100)
    threat: list[ThreatCfg] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _unique_ids(self):
        for what, names in (("threat ids", [t.id for t in self.threat]),
                            ("battery names", [b.name for b in self.battery])):
            dup = sorted({i for i in names if names.count(i) > 1})
            if dup:
                shown = show_value(", ".join(dup))[1:-1]
                raise ValueError(f"{what} must be unique; repeated: {shown}")
        inv = sum(b.launchers * b.interceptors_per_launcher * (1 + b.reloads)
                  for b in self.battery)
        if self.doctrine.salvo > inv:
            raise ValueError(f"doctrine.salvo ({self.doctrine.salvo}) exceeds the inventory "
                             f"({inv})")
        return self


ScenarioError = ProblemsError


def _loc(loc) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def example_path() -> Path:
    """The example raid shipped in the package (examples/seongju-raid.toml is the same file,
    kept at the top of the repository for users to copy; a test keeps them equal)."""
    return Path(str(resources.files("thaadsim.data").joinpath("seongju-raid.toml")))


MAX_PROBLEM_LINES = 20


def problem_lines(e: ValidationError, root: str = "scenario") -> list[str]:
    """One line per problem, the field first, echoed values cut to ~100 characters."""
    lines = []
    for err in e.errors():
        where = _loc(err["loc"]) or root
        msg = err["msg"].replace("Value error, ", "")
        got = err.get("input")
        got_s = "" if isinstance(got, dict) else f" (got {show_value(got)})"
        lines.append(f"{where}: {msg}{got_s}")
    if len(lines) > MAX_PROBLEM_LINES:
        lines = lines[:MAX_PROBLEM_LINES] + [f"... and {len(lines) - MAX_PROBLEM_LINES} more "
                                             "problems"]
    return lines


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (see examples/seongju-raid.toml).

    Missiles may be defined inline, as ``[missile.NAME]`` tables in the format of the shipped
    missiles.toml; they are then usable by name in the scenario's threats (and may not redefine a
    preset).

    Parameters
    ----------
    path : str or Path
        The scenario TOML file.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ThaadsimError
        A file that cannot be read; ``ProblemsError`` (one line per problem, each naming its
        field) for a scenario that does not validate."""
    raw = read_toml(path, "scenario")
    inline = raw.pop("missile", None) if isinstance(raw, dict) else None
    if inline is not None:  # missiles defined in the scenario, in the missiles.toml format
        from thaadsim.presets import add_user_entries
        from thaadsim.threats.missile import list_missiles

        add_user_entries("missiles.toml", {"missile": inline}, str(path), "scenario")
        list_missiles()  # validate them now: one clean error naming the missile and field
    sc = _validated(Scenario, raw, path)
    _check_battery_presets(sc.battery)  # presets that only exist in data files
    return sc


def _validated(model, raw, path):
    """``model.model_validate(raw)``, its problems as one line each."""
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        raise ScenarioError(problem_lines(e)) from None
    except RecursionError:
        raise ThaadsimError("scenario", "must not nest arrays or tables that deeply",
                            str(path)) from None


def _check_battery_presets(batteries) -> None:
    """One line per battery site, radar, interceptor or system that names no preset."""
    from thaadsim.engagement.systems import get_system
    from thaadsim.interceptors.reach import get_interceptor
    from thaadsim.sensors.radar import get_radar
    from thaadsim.sensors.site import parse_site

    lines = []
    for i, b in enumerate(batteries):
        for field, fn in (("site", parse_site), ("radar", get_radar),
                          ("interceptor", get_interceptor)):
            try:
                fn(getattr(b, field))
            except ThaadsimError as e:
                lines.append(f"battery[{i}].{field}: {e.rule} "
                             f"(got {show_value(getattr(b, field))})")
        if b.system is not None:
            try:
                s = get_system(b.system)
                for field, fn in (("radar", get_radar), ("interceptor", get_interceptor)):
                    if field not in b.model_fields_set:
                        fn(getattr(s, field))
            except ThaadsimError as e:
                lines.append(f"battery[{i}].system: {e.rule} (got {show_value(b.system)})")
    if lines:
        raise ScenarioError(lines)


class FootprintView(BaseModel):
    """A footprint scenario: batteries (as in a raid scenario, none for withdrawn), a threat set
    and a grid spacing; ``thaadsim footprint --scenario FILE`` and the web map's TOML download."""

    model_config = STRICT
    name: Name = "footprint"
    threat_set: Name = "nk-default"
    grid_km: float = _f("grid_km", 5.0)
    battery: list[BatteryCfg] = Field([], max_length=8)


def load_footprint_view(path: str | Path) -> FootprintView:
    """Read and validate a footprint scenario (``FootprintView``).

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    FootprintView
        The validated scenario (sites, radars and interceptors checked against the presets).

    Raises
    ------
    ThaadsimError
        A file that cannot be read; ``ProblemsError`` (one line per problem) otherwise.
    """
    v = _validated(FootprintView, read_toml(path, "scenario"), path)
    _check_battery_presets(v.battery)
    return v


def _toml_str(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def footprint_scenario_toml(batteries, threat_set: str, grid_km: float,
                            name: str = "footprint", command: str | None = None) -> str:
    """The footprint scenario of batteries as TOML text (``load_footprint_view`` reads it).

    Parameters
    ----------
    batteries : list of Battery
        The batteries (their site coordinates, radar, interceptor and options are written).
    threat_set : str
        Threat-set name.
    grid_km : float
        Grid spacing (km).
    name : str, optional
        Scenario name.
    command : str, optional
        A comment line with the command that reproduces it.

    Returns
    -------
    str
        TOML text.
    """
    lines = ["# thaadsim footprint scenario (public estimates only)",
             f"# reproduce: {command or 'thaadsim footprint --scenario THIS_FILE'}",
             f"name = {_toml_str(name)}", f"threat_set = {_toml_str(threat_set)}",
             f"grid_km = {float(grid_km):g}", ""]
    for b in batteries:
        site = b.site.name if b.site.name and "," not in b.site.name and \
            not b.site.defaults_applied else f"{b.site.lat_deg:.5f},{b.site.lon_deg:.5f}"
        lines += ["[[battery]]", f"name = {_toml_str(b.name)}", f"site = {_toml_str(site)}",
                  f"radar = {_toml_str(b.radar.name)}",
                  f"interceptor = {_toml_str(b.interceptor.name)}",
                  f"launchers = {b.launchers}",
                  f"interceptors_per_launcher = {b.interceptors_per_launcher}",
                  f"fire_channels = {b.fire_channels}",
                  f"reaction_time_s = {float(b.reaction_time_s):g}",
                  f"rcs_m2 = {float(b.rcs_m2):g}"]
        if getattr(b, "system", "thaad") != "thaad":
            lines.append(f"system = {_toml_str(b.system)}")
        lines.append("")
    return "\n".join(lines)
