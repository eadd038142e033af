"""Accepted ranges of user inputs: one rule per quantity, used by the CLI, scenario files and the
library alike (a value refused on the command line is refused in a scenario, with the same words).

Each bound says why it is where it is. Bounds keep inputs physical and the work finite; they are
not claims about any real system.
"""

from __future__ import annotations

import dataclasses
import math
import os

from thaadsim.errors import ThaadsimError


@dataclasses.dataclass(frozen=True)
class Bound:
    """Accepted range of one input quantity.

    Attributes
    ----------
    lo, hi : float
        Bounds, in the quantity's unit (the unit is in its ``BOUNDS`` key).
    lo_open : bool
        True if ``lo`` itself is refused.
    integer : bool
        True if only integers are accepted.
    why : str
        Why the bound lies where it does.
    """
    lo: float
    hi: float
    lo_open: bool = False
    integer: bool = False
    why: str = ""

    @property
    def rule(self) -> str:
        """The rule as the error messages word it, e.g. ``must be a number in [-90, 90]``."""
        lo = f"{self.lo:g}" if not self.integer else f"{int(self.lo):,}".replace(",", "")
        hi = f"{self.hi:g}" if not self.integer else f"{int(self.hi):,}".replace(",", "")
        kind = "an integer" if self.integer else "a number"
        left = "(" if self.lo_open else "["
        return f"must be {kind} in {left}{lo}, {hi}]"

    def pydantic(self) -> dict:
        """Keyword arguments for ``pydantic.Field`` expressing the same rule.

        Returns
        -------
        dict
            ``ge`` or ``gt``, ``le`` and, for non-integer bounds, ``allow_inf_nan=False``.
        """
        kw: dict = {"le": self.hi}
        kw["gt" if self.lo_open else "ge"] = self.lo
        if not self.integer:
            kw["allow_inf_nan"] = False
        return kw


BOUNDS: dict[str, Bound] = {
    "latitude_deg": Bound(-90.0, 90.0, why="geodetic latitude"),
    "longitude_deg": Bound(-180.0, 360.0, why="east longitude; 180-360 accepted as -180-0"),
    "height_m": Bound(-500.0, 9000.0, why="ground sites: Dead Sea shore to above Everest"),
    "azimuth_deg": Bound(-360.0, 360.0, why="clockwise from north, one turn either way"),
    "apogee_km": Bound(0.0, 5000.0, lo_open=True,
                       why="lofted tests reach ~4,500 km (Hwasong-15, 2017)"),
    "altitude_km": Bound(0.0, 5000.0, why="target altitudes for coverage; above any apogee "
                                          "the presets fly"),
    "rcs_m2": Bound(1e-5, 1000.0, why="from below a stealthy reentry vehicle to a large "
                                      "booster (assumption)"),
    "min_elevation_deg": Bound(-5.0, 90.0, why="beam floor: slightly below the horizon to "
                                               "zenith"),
    "grid_km": Bound(1.0, 50.0, why="finer than 1 km is below the accuracy of the trajectory "
                                    "families; coarser than 50 km misrepresents South Korea"),
    "trials": Bound(1, 10_000_000, integer=True, why="Monte Carlo trials; 1e7 gives a "
                                                        "standard error below 2e-4"),
    "seed": Bound(0, 2**63 - 1, integer=True, why="numpy SeedSequence entropy, non-negative"),
    "samples": Bound(2, 4096, integer=True, why="uncertainty samples; 64-256 resolve 5-95 % "
                                                "bands, 4,096 footprints take about an hour"),
    "range_km": Bound(0.0, 20_037.0, lo_open=True, why="up to half the Earth's circumference"),
    "flight_time_s": Bound(0.0, 10_800.0, lo_open=True, why="up to three hours"),
    "launch_time_s": Bound(0.0, 36_000.0, why="raid timing within ten hours"),
    "reaction_time_s": Bound(0.0, 600.0, why="fire-control reaction"),
    "bench_n": Bound(1, 1_000_000, integer=True, why="bounded benchmark sizes"),
    "bench_grid": Bound(2, 4000, integer=True, why="raster side; 4000^2 x 4 altitudes fits in "
                                                   "memory"),
    "altitudes_count": Bound(1, 100, integer=True, why="coverage layers per call"),
    "workers": Bound(1, 64, integer=True, why="Dask LocalCluster worker processes on one "
                                             "machine"),
}

N_OF_M_RULE = "must be N,M with 1 <= N <= M <= 100"  # firm track: N detections in M looks

MIN_FLIGHT_KM = 1.0  # launch and aim points closer than this are not a ballistic flight


def check(quantity: str, value, option: str | None = None) -> float:
    """Validate a value against ``BOUNDS[quantity]``.

    Parameters
    ----------
    quantity : str
        Key of ``BOUNDS`` (its name carries the unit, e.g. ``"apogee_km"``).
    value : object
        The value as given (number or numeric text; booleans are refused).
    option : str, optional
        Name of the parameter in the error message; default ``quantity``.

    Returns
    -------
    float or int
        The value (int for integer bounds).

    Raises
    ------
    ThaadsimError
        A value that is not a finite number, not an integer where one is needed, or outside the
        bound; the error shows the value as given.
    """
    b = BOUNDS[quantity]
    name = option or quantity
    if isinstance(value, bool):
        raise ThaadsimError(name, b.rule, value)
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ThaadsimError(name, b.rule, value) from None
    if not math.isfinite(v):
        raise ThaadsimError(name, b.rule, value)
    if b.integer:
        if isinstance(value, float) and not value.is_integer():
            raise ThaadsimError(name, b.rule, value)
        iv = int(value) if not isinstance(value, str) else int(float(value))
        if not (b.lo <= iv <= b.hi):
            raise ThaadsimError(name, b.rule, value)
        return iv
    if v < b.lo or v > b.hi or (b.lo_open and v == b.lo):
        raise ThaadsimError(name, b.rule, value)
    return v


def check_n_of_m(value, parameter: str, shown=None) -> tuple[int, int]:
    """Validate a firm-track rule: N detections in M consecutive looks, 1 <= N <= M <= 100.

    Parameters
    ----------
    value : sequence of numbers
        ``(N, M)``; integer values (``3.0`` is 3, ``3.5`` is refused).
    parameter : str
        Name of the parameter in the error message (``--n-of-m``, ``n_of_m``).
    shown : object, optional
        The value as the user typed it, for the message; default ``value``.

    Returns
    -------
    tuple of int
        ``(N, M)``.

    Raises
    ------
    ThaadsimError
        Anything else, in one line naming ``parameter``.
    """
    err = ThaadsimError(parameter, N_OF_M_RULE, value if shown is None else shown)
    try:
        n, m = (float(x) for x in value)
    except (TypeError, ValueError):
        raise err from None
    if not (1 <= n <= m <= 100) or n != int(n) or m != int(m):
        raise err
    return int(n), int(m)


def parse_latlon(parameter: str, text, allow_height: bool = False):
    """Validated coordinates from ``"LAT,LON"`` text, a tuple or an object with coordinates.

    One parser for every command, scenario and API call.

    Parameters
    ----------
    parameter : str
        Name of the parameter in error messages (latitude and longitude errors add
        ``latitude`` / ``longitude``).
    text : str, tuple or object
        ``"LAT,LON"`` (``"LAT,LON,HEIGHT_M"`` when ``allow_height``), a (lat, lon[, h]) tuple or
        list, or an object with ``lat_deg`` and ``lon_deg`` (and ``alt_m``).
    allow_height : bool, optional
        Accept a third value, a height (m); default False.

    Returns
    -------
    tuple
        (lat_deg, lon_deg), or (lat_deg, lon_deg, height_m or None) when ``allow_height``.

    Raises
    ------
    ThaadsimError
        A malformed text or a value outside its bound.
    """
    form = "LAT,LON[,HEIGHT_M]" if allow_height else "LAT,LON"
    if hasattr(text, "lat_deg") and hasattr(text, "lon_deg"):
        vals = [text.lat_deg, text.lon_deg] + ([getattr(text, "alt_m", 0.0)] if allow_height
                                               else [])
    elif isinstance(text, (tuple, list)):
        vals = list(text)
    else:
        vals = [p.strip() for p in str(text).split(",")]
    if len(vals) not in ((2, 3) if allow_height else (2,)):
        raise ThaadsimError(parameter, f"must be {form} in decimal degrees", text)
    try:
        nums = [float(v) for v in vals]
    except (TypeError, ValueError):
        raise ThaadsimError(parameter, f"must be {form} in decimal degrees", text) from None
    lat = check("latitude_deg", nums[0], f"{parameter} latitude")
    lon = check("longitude_deg", nums[1], f"{parameter} longitude")
    if allow_height:
        h = check("height_m", nums[2], f"{parameter} height_m") if len(nums) == 3 else None
        return lat, lon, h
    return lat, lon


def memory_budget_bytes() -> int:
    """Working-memory budget of one request: half the physical memory, at most 8 GB.

    An assumption that leaves room for the rest of the machine.

    Returns
    -------
    int
        The budget (bytes).
    """
    try:
        phys = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        phys = 8 * 2**30
    return int(min(phys // 2, 8 * 2**30))


def check_budget(option: str, value, need_bytes: float, hint: str) -> None:
    """Refuse a request whose estimated working memory exceeds the budget.

    Parameters
    ----------
    option : str
        Parameter the error names.
    value : object
        The value shown in the error.
    need_bytes : float
        Estimated working memory (bytes).
    hint : str
        How to ask for less.

    Raises
    ------
    ThaadsimError
        ``need_bytes`` exceeds ``memory_budget_bytes()``.
    """
    budget = memory_budget_bytes()
    if need_bytes > budget:
        raise ThaadsimError(option, f"asks for too much work: this needs ~{need_bytes / 1e9:.1f} "
                                    f"GB of memory (budget {budget / 1e9:.1f} GB); {hint}", value)
