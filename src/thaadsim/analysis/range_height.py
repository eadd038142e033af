"""Range-height diagram: where a target is detectable in the vertical plane of the radar's
boresight (line of sight with refraction, beam floor and ceiling, instrumented and power-limited
range)."""

from __future__ import annotations

import dataclasses

import numpy as np

from thaadsim.limits import check
from thaadsim.sensors.geometry import apparent_elevation_rad, slant_range_elevation
from thaadsim.sensors.radar import Radar, elevation_floor_deg
from thaadsim.sensors.site import Site


@dataclasses.dataclass(frozen=True, repr=False)
class RangeHeight:
    """Detectability on an (altitude, ground range) grid in the vertical plane of the boresight.

    Attributes
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site.
    rcs_m2 : float
        Radar cross-section (m^2).
    min_elevation_deg : float
        Beam floor used (deg).
    ground_km : ndarray
        Ground ranges of the grid (km).
    altitude_km : ndarray
        Altitudes of the grid (km).
    detectable : ndarray of bool, shape (altitude_km.size, ground_km.size)
        Whether a target there is detectable.
    elevation_deg : ndarray, shape (altitude_km.size, ground_km.size)
        Elevation at the radar (deg).
    detection_range_km : float
        Power-limited detection range (km).
    """

    radar: Radar
    site: Site
    rcs_m2: float
    min_elevation_deg: float
    ground_km: np.ndarray
    altitude_km: np.ndarray
    detectable: np.ndarray
    elevation_deg: np.ndarray
    detection_range_km: float

    def __repr__(self) -> str:
        return (f"<RangeHeight {self.radar.name} at {self.site.name}, RCS {self.rcs_m2:g} m2: "
                f"{self.ground_km.size} x {self.altitude_km.size} grid>")


def range_height(radar: Radar, site: Site, rcs_m2: float, *, max_range_km: float | None = None,
                 max_alt_km: float = 1000.0, min_elevation_deg: float | None = None
                 ) -> RangeHeight:
    """Where a target is detectable in the vertical plane of the boresight.

    Line of sight over the effective Earth, beam floor and ceiling, instrumented and
    power-limited range, on a 600 x 400 grid.

    Parameters
    ----------
    radar : Radar
        The radar.
    site : Site
        Its site.
    rcs_m2 : float
        Radar cross-section (m^2), in [1e-5, 1000].
    max_range_km : float, optional
        Largest ground range (km); default 1.2 times the instrumented range.
    max_alt_km : float, optional
        Largest altitude (km); default 1000.
    min_elevation_deg : float, optional
        Beam floor (deg); default: the site's, else the radar's.

    Returns
    -------
    RangeHeight
        The grid.

    Raises
    ------
    ThaadsimError
        An RCS or beam floor outside its bounds.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., 2001: eq. 2.63 and sec. 8.2.
    """
    rcs = check("rcs_m2", rcs_m2, "rcs_m2")
    emin = elevation_floor_deg(radar, site, min_elevation_deg)
    rmax = max_range_km or 1.2 * radar.instrumented_range_km
    g = np.linspace(0, rmax * 1e3, 600)
    h = np.linspace(0, max_alt_km * 1e3, 400)
    G, H = np.meshgrid(g, h)
    hr = site.antenna_height_m
    rc = radar.reach(h, hr, emin)
    traced = rc.model == "crpl"
    rng, el = slant_range_elevation(G, H, hr, radar.refraction_k)
    rng[traced] = slant_range_elevation(G[traced], H[traced], hr, 1.0)[0]  # straight chord
    el[traced] = apparent_elevation_rad(G[traced], H[traced], hr)
    el_deg = np.degrees(el)
    # the 4/3 rows test the elevation; the traced rows the ground ranges of floor and ceiling
    beam = np.where(traced[:, None], (G <= rc.floor_m[:, None]) & (G >= rc.ceiling_m[:, None]),
                    (el_deg >= emin) & (el_deg <= radar.max_elevation_deg))
    ok = ((G <= rc.horizon_m[:, None]) & beam & (rng <= radar.instrumented_range_km * 1e3)
          & (rng <= radar.detection_range_m(rcs)))
    return RangeHeight(radar, site, rcs, emin, g / 1e3, h / 1e3, ok, el_deg,
                       float(radar.detection_range_m(rcs)) / 1e3)
