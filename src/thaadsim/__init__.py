"""thaadsim: an open, physics-based simulator of the THAAD missile-defense system.

Open literature only; presets are public estimates. An analysis and teaching tool, not
fire-control software.

The public API (``thaadsim.api``) is available from the package itself, loaded on first use:

>>> import thaadsim as t
>>> r = t.footprint(t.battery("seongju"), t.get_threat_set("nk-default"))   # doctest: +SKIP
"""

__version__ = "0.1.0"

__all__ = [
    "fly", "aim", "loft2range", "coverage", "track", "footprint", "footprints", "compare",
    "engage", "watch", "layered_footprints", "withdrawal", "footprint_uncertainty",
    "battery", "batteries", "load_scenario", "load_footprint_scenario", "launch",
    "use_data_file", "site_note",
    "get_missile", "get_radar", "get_site", "get_interceptor", "get_threat_set",
    "list_missiles", "list_radars", "list_sites", "list_interceptors", "list_threat_sets",
    "get_system", "list_systems", "get_configuration", "WITHDRAWAL_CONFIGURATIONS",
    "list_parameters",
    "Missile", "Radar", "Site", "Interceptor", "ThreatSet", "Battery", "Doctrine", "Launch",
    "Scenario", "FootprintScenario", "TrajectoryBatch", "AimSolution", "Flight", "LoftResult",
    "CoverageResult",
    "TrackResult", "FootprintResult", "Comparison", "EngageResult", "WatchResult",
    "LayeredFootprint", "WithdrawalResult", "System", "FootprintUncertainty", "Parameter",
    "ThaadsimError",
]


import sys as _sys

if "pdoc" in _sys.modules:  # the API pages: pdoc reads the module's namespace, not __getattr__
    from thaadsim.api import *  # noqa: E402, F403


def __getattr__(name: str):
    # PEP 562: the API is imported on first use, so that `thaadsim --version` and the numba
    # kernels in thaadsim.core do not pay for importing every analysis.
    if name in __all__:
        from thaadsim import api

        return getattr(api, name)
    raise AttributeError(f"module 'thaadsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
