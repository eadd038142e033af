"""Air and missile defence systems (THAAD, L-SAM, Patriot PAC-3 MSE / PAC-2 GEM-T, KM-SAM II) and
the preset battery configurations of ``data/systems.toml``.

A system is an interceptor preset, a fire-control radar preset, battery defaults (launchers x
interceptors, fire channels, reaction time) and a tier: ``"upper"`` (THAAD, L-SAM) or
``"lower"`` (Patriot, Cheongung-II). Its engagement envelope is not typed in: it follows from the
interceptor's flyout and stated limits (``interceptors.reach``). Layers shoot in ``TIERS``
order: the upper tier first, the lower tier at its leakers.
"""

from __future__ import annotations

import dataclasses

from thaadsim.errors import ThaadsimError
from thaadsim.presets import build, load, lookup

TIERS = ("upper", "lower")  # firing order of the layers


@dataclasses.dataclass(frozen=True)
class System:
    """A defence system: interceptor + radar + battery defaults + tier (public estimates).

    Attributes
    ----------
    name : str
        Preset name (``thaad``, ``pac3-mse``, ...).
    interceptor : str
        Interceptor preset (``interceptors.toml``).
    radar : str
        Fire-control radar preset (``radars.toml``).
    tier : str
        ``"upper"`` or ``"lower"`` (``TIERS``).
    launchers, interceptors_per_launcher : int
        Battery size.
    fire_channels : int
        Engagements in flight at once.
    reaction_time_s : float
        Firm track to the earliest launch (s).
    description, notes : str
        Free text.
    sources : tuple of str
        Where the numbers come from.
    """

    name: str
    interceptor: str
    radar: str
    tier: str
    launchers: int = 6
    interceptors_per_launcher: int = 8
    fire_channels: int = 12
    reaction_time_s: float = 15.0
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""

    def to_dict(self) -> dict:
        """The preset's fields and sources (JSON-ready)."""
        d = dataclasses.asdict(self)
        d["sources"] = list(self.sources)
        return d


def list_systems() -> list[System]:
    """Every system preset and user entry, in file order.

    Returns
    -------
    list of System
        The systems (``thaadsim systems`` prints them with their sources).
    """
    return [get_system(k) for k in load("systems.toml")["system"]]


def system_names() -> list[str]:
    """Names of the systems, in file order."""
    return list(load("systems.toml")["system"])


def get_system(name: str, parameter: str = "system") -> System:
    """A system preset by name.

    Parameters
    ----------
    name : str
        Name, case and surrounding blanks ignored.
    parameter : str, optional
        Name of the argument in error messages; default ``"system"``.

    Returns
    -------
    System
        The system (its interceptor and radar names are checked when a battery is built).

    Raises
    ------
    ThaadsimError
        An unknown name (listing the known ones), a bad tier or battery size.
    """
    s = build(System, load("systems.toml")["system"], parameter, name,
              positive=("launchers", "interceptors_per_launcher", "fire_channels"),
              bounds={"reaction_time_s": (0.0, 600.0), "launchers": (1, 64),
                      "interceptors_per_launcher": (1, 64), "fire_channels": (1, 64)})
    if s.tier not in TIERS:
        raise ThaadsimError("--system-file", f"[system.{s.name}] tier must be one of "
                                             + ", ".join(TIERS), s.tier)
    return dataclasses.replace(s, launchers=int(s.launchers),
                               interceptors_per_launcher=int(s.interceptors_per_launcher),
                               fire_channels=int(s.fire_channels))


@dataclasses.dataclass(frozen=True)
class ConfigurationPreset:
    """A named battery configuration (``[configuration.NAME]``).

    Attributes
    ----------
    name : str
        Preset name.
    batteries : tuple of str
        ``SYSTEM@SITE`` texts (``SITE`` a site preset or ``LAT,LON``).
    description, notes : str
        Free text (which positions are public, which assumed).
    sources : tuple of str
        Where the positions come from.
    """

    name: str
    batteries: tuple[str, ...]
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""


def configuration_names() -> list[str]:
    """Names of the preset configurations."""
    return list(load("systems.toml")["configuration"])


def get_configuration(name: str, parameter: str = "configuration") -> ConfigurationPreset:
    """A preset configuration by name (see ``data/systems.toml``).

    Parameters
    ----------
    name : str
        Name (``rok-deployed``, ``rok-withdrawn``, ``rok-planned`` or a user entry).
    parameter : str, optional
        Name of the argument in error messages; default ``"configuration"``.

    Returns
    -------
    ConfigurationPreset
        Its ``SYSTEM@SITE`` batteries, description and sources.

    Raises
    ------
    ThaadsimError
        An unknown name, or an entry whose ``batteries`` is not a list of strings.
    """
    key, d = lookup(load("systems.toml")["configuration"], parameter, name)
    bats = d.get("batteries")
    if not isinstance(bats, list) or not bats or not all(isinstance(b, str) for b in bats):
        raise ThaadsimError("--system-file", f"[configuration.{key}] batteries must be a "
                                             "non-empty list of 'SYSTEM@SITE' strings", bats)
    return ConfigurationPreset(key, tuple(bats), str(d.get("description", "")),
                               tuple(d.get("sources", ())), str(d.get("notes", "")))


__all__ = ["TIERS", "System", "ConfigurationPreset", "get_system", "list_systems",
           "system_names", "get_configuration", "configuration_names"]
