"""Radar model: parameters (presets in data/radars.toml), the search radar equation, and the
geometry of a target at altitude h over a 4/3 effective Earth.

Geometry (Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2; Doerry, SAND2013-9485):
refraction is modelled by an effective Earth radius a = k R (k = 4/3 by default); rays are then
straight. With radar height hr, target height h and central angle theta = g / a (g = ground
range):
  slant range   R^2 = (a+hr)^2 + (a+h)^2 - 2 (a+hr)(a+h) cos theta
  elevation     sin E = ((a+h) cos theta - (a+hr)) / R        (E is measured at the radar)
  horizon       theta <= acos(a/(a+hr)) + acos(a/(a+h))
The search radar equation (Skolnik eq. 2.63): SNR = P_avg A_e t_s sigma / (4 pi k T_s L Omega R^4).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core.constants import K_EFFECTIVE_EARTH
from thaadsim.errors import ThaadsimError
from thaadsim.limits import check, parse_latlon
from thaadsim.presets import load, lookup

K_BOLTZMANN = 1.380649e-23
C_LIGHT = 299_792_458.0
R_EARTH_M = E.R_MEAN_M
LIMITS = ("horizon", "elevation", "sector", "instrumented_range", "power")


@dataclasses.dataclass(frozen=True)
class Site:
    """A radar site: position, antenna height and beam settings.

    Attributes
    ----------
    name : str
        Preset name, or ``"LAT,LON"`` (4 decimals) for a typed site.
    lat_deg, lon_deg : float
        Geodetic latitude and east longitude (deg).
    height_m : float
        Ground height above the ellipsoid (m); default 0.
    mast_height_m : float
        Antenna height above the ground (m); default 10.
    boresight_az_deg : float
        Azimuth the radar face points to, clockwise from north (deg); default 0.
    min_elevation_deg : float or None
        Operating beam floor at this site (deg); None: the radar's.
    description : str
        Free text.
    sources : tuple of str
        Where the numbers come from.
    defaults_applied : tuple of str
        Fields set by ``USER_SITE_DEFAULTS`` rather than by the user (a typed site).
    """
    name: str
    lat_deg: float
    lon_deg: float
    height_m: float = 0.0
    mast_height_m: float = 10.0
    boresight_az_deg: float = 0.0
    min_elevation_deg: float | None = None
    description: str = ""
    sources: tuple[str, ...] = ()
    defaults_applied: tuple[str, ...] = ()  # user-site defaults used (see USER_SITE_DEFAULTS)

    @property
    def antenna_height_m(self) -> float:
        """Antenna height above the ellipsoid (m): ground height plus mast."""
        return self.height_m + self.mast_height_m

    def with_beam(self, **kw) -> Site:
        """This site with the beam settings set by the user.

        Parameters
        ----------
        **kw
            ``boresight_az_deg`` (deg) and/or ``min_elevation_deg`` (deg); these are no longer
            counted among the defaults applied. Not range-checked here.

        Returns
        -------
        Site
            The modified copy.
        """
        left = tuple(a for a in self.defaults_applied if a not in kw)
        return dataclasses.replace(self, **kw, defaults_applied=left)

    def to_dict(self) -> dict:
        """The site as a JSON-ready dict.

        Returns
        -------
        dict
            The fields (deg, m), ``sources`` and ``defaults_applied`` as lists.
        """
        d = dataclasses.asdict(self)
        d["sources"] = list(self.sources)
        d["defaults_applied"] = list(self.defaults_applied)
        return d


@dataclasses.dataclass(frozen=True)
class Radar:
    """Radar parameters; ``losses_db`` is derived from the calibration when not given.

    With ``calibration_range_km`` and ``calibration_rcs_m2``, the system losses are set so that
    the search radar equation gives exactly that detection range against that RCS (range then
    scales as RCS^(1/4)).

    Attributes
    ----------
    name : str
        Preset name.
    frequency_hz : float
        Carrier frequency (Hz).
    aperture_m2 : float
        Antenna area (m^2).
    aperture_efficiency : float
        Effective over physical area (-).
    power_avg_w : float
        Average transmitted power (W).
    t_sys_k : float
        System noise temperature (K).
    snr_threshold_db : float
        Detection threshold (dB).
    half_width_deg : float
        Half-width of the face's azimuth sector (deg).
    min_elevation_deg, max_elevation_deg : float
        Beam floor and ceiling (deg).
    instrumented_range_km : float
        Longest range processed (km).
    search_solid_angle_sr : float
        Solid angle searched in one frame (sr).
    frame_time_s : float
        Time to search it once (s).
    look_interval_s : float
        Revisit interval of a target in track (s); default 1.
    calibration_range_km : float or None
        Published detection range (km) against ``calibration_rcs_m2``.
    calibration_rcs_m2 : float or None
        Reference radar cross-section of the calibration (m^2).
    losses_db : float or None
        System losses (dB); derived when None.
    boresight_az_deg : float
        Default face azimuth, clockwise from north (deg).
    refraction_k : float
        Effective Earth radius factor (-); default 4/3.
    description, notes : str
        Free text.
    sources : tuple of str
        Where the numbers come from.

    Raises
    ------
    ThaadsimError
        Neither ``losses_db`` nor both calibration values are given.

    References
    ----------
    M. I. Skolnik, Introduction to Radar Systems, 3rd ed., 2001, eq. 2.63 (search radar
    equation).
    """

    name: str
    frequency_hz: float
    aperture_m2: float
    aperture_efficiency: float
    power_avg_w: float
    t_sys_k: float
    snr_threshold_db: float
    half_width_deg: float
    min_elevation_deg: float
    max_elevation_deg: float
    instrumented_range_km: float
    search_solid_angle_sr: float
    frame_time_s: float
    look_interval_s: float = 1.0
    calibration_range_km: float | None = None
    calibration_rcs_m2: float | None = None
    losses_db: float | None = None
    boresight_az_deg: float = 0.0
    refraction_k: float = K_EFFECTIVE_EARTH
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self):
        if self.losses_db is None:
            if not (self.calibration_range_km and self.calibration_rcs_m2):
                raise ThaadsimError("losses_db", "must be given, or calibration_range_km and "
                                                 "calibration_rcs_m2", None)
            r = self.calibration_range_km * 1e3
            snr_lossless = self._snr_lossless(r, self.calibration_rcs_m2)
            loss = snr_lossless / 10 ** (self.snr_threshold_db / 10)
            object.__setattr__(self, "losses_db", 10 * math.log10(loss))

    @property
    def loss_db(self) -> float:
        """System losses (dB): given, or derived from the calibration in ``__post_init__``."""
        assert self.losses_db is not None
        return float(self.losses_db)

    # -- range equation ---------------------------------------------------------------------
    def _snr_lossless(self, range_m, rcs_m2):
        ae = self.aperture_m2 * self.aperture_efficiency
        return (self.power_avg_w * ae * self.frame_time_s * rcs_m2
                / (4 * math.pi * K_BOLTZMANN * self.t_sys_k * self.search_solid_angle_sr
                   * np.asarray(range_m, float) ** 4))

    def snr_db(self, range_m, rcs_m2):
        """Search-mode signal-to-noise ratio at a slant range; broadcasts.

        Parameters
        ----------
        range_m : array_like
            Slant range (m).
        rcs_m2 : array_like
            Radar cross-section (m^2).

        Returns
        -------
        ndarray or float
            SNR (dB): P_avg A_e t_s sigma / (4 pi k T_s L Omega R^4).

        References
        ----------
        Skolnik, Introduction to Radar Systems, 3rd ed., eq. 2.63.
        """
        return 10 * np.log10(self._snr_lossless(range_m, rcs_m2)) - self.loss_db

    def detection_range_m(self, rcs_m2) -> float | np.ndarray:
        """Power-limited detection range: the slant range at which the SNR equals the threshold.

        Parameters
        ----------
        rcs_m2 : array_like
            Radar cross-section (m^2).

        Returns
        -------
        float or ndarray
            Slant range (m), proportional to RCS^(1/4).

        References
        ----------
        Skolnik, Introduction to Radar Systems, 3rd ed., eq. 2.63 solved for R.
        """
        ae = self.aperture_m2 * self.aperture_efficiency
        snr_min = 10 ** ((self.snr_threshold_db + self.loss_db) / 10)
        return (self.power_avg_w * ae * self.frame_time_s * np.asarray(rcs_m2, float)
                / (4 * math.pi * K_BOLTZMANN * self.t_sys_k * self.search_solid_angle_sr
                   * snr_min)) ** 0.25

    @property
    def wavelength_m(self) -> float:
        """Wavelength c / f (m)."""
        return C_LIGHT / self.frequency_hz

    def replace(self, **kw) -> Radar:
        """A copy with fields changed.

        Parameters
        ----------
        **kw
            Field names and new values (units as the fields). The losses are not re-derived: to
            recalibrate, pass ``losses_db=None`` with the calibration values.

        Returns
        -------
        Radar
            The modified copy.
        """
        return dataclasses.replace(self, **kw)

    def to_dict(self) -> dict:
        """Parameters, derived losses and detection ranges at 0.01 and 1 m^2.

        Returns
        -------
        dict
            The fields (units as named), ``detection_range_km_at_0.01m2`` and
            ``detection_range_km_at_1m2`` (km).
        """
        d = dataclasses.asdict(self)
        d["sources"] = list(self.sources)
        d["detection_range_km_at_0.01m2"] = float(self.detection_range_m(0.01)) / 1e3
        d["detection_range_km_at_1m2"] = float(self.detection_range_m(1.0)) / 1e3
        return d

    @classmethod
    def from_calibration(cls, name: str, r0_km: float, rcs0_m2: float, **kw) -> Radar:
        """A radar calibrated to a detection range against a reference RCS.

        The hardware defaults of the AN/TPY-2 terminal-mode preset fill the rest (only
        R0 (sigma / sigma0)^(1/4) matters for range).

        Parameters
        ----------
        name : str
            Name of the new radar.
        r0_km : float
            Detection range (km) against ``rcs0_m2``.
        rcs0_m2 : float
            Reference radar cross-section (m^2).
        **kw
            Further fields to override (units as the fields).

        Returns
        -------
        Radar
            The calibrated radar.
        """
        base = dataclasses.asdict(get_radar("tpy2-terminal"))
        base.update(kw, name=name, calibration_range_km=r0_km, calibration_rcs_m2=rcs0_m2,
                    losses_db=None)
        return cls(**base)


def elevation_floor_deg(radar: Radar, site: Site, override: float | None) -> float:
    """Beam floor: the override, else the site's operating limit, else the radar's.

    Parameters
    ----------
    radar : Radar
        The radar.
    site : Site
        The site.
    override : float or None
        A beam floor given by the user (deg).

    Returns
    -------
    float
        Beam floor (deg).

    Raises
    ------
    ThaadsimError
        An override outside [-5, 90] deg.
    """
    if override is not None:
        return check("min_elevation_deg", override)
    if site.min_elevation_deg is not None:
        return float(site.min_elevation_deg)
    return float(radar.min_elevation_deg)


# -- geometry ----------------------------------------------------------------------------------

def effective_radius_m(k: float = K_EFFECTIVE_EARTH) -> float:
    """Effective Earth radius for refraction: k times the mean Earth radius.

    Parameters
    ----------
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    float
        Radius (m).

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2.
    """
    return k * R_EARTH_M


def slant_range_elevation(ground_m, target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Slant range and elevation of a target at a ground range and altitude; broadcasts.

    Parameters
    ----------
    ground_m : array_like
        Ground range along the effective Earth (m).
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    range_m : ndarray
        Slant range (m).
    elevation_rad : ndarray
        Elevation at the radar (rad).

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2 (formulas in the module docstring).
    """
    a = effective_radius_m(k)
    th = np.asarray(ground_m, float) / a
    rr = a + radar_alt_m
    rt = a + np.asarray(target_alt_m, float)
    rng = np.sqrt(np.maximum(rr**2 + rt**2 - 2 * rr * rt * np.cos(th), 0.0))
    safe = np.where(rng > 0, rng, 1.0)
    sin_e = np.where(rng > 0, (rt**2 - rr**2 - rng**2) / (2 * rr * safe), 1.0)
    return rng, np.arcsin(np.clip(sin_e, -1, 1))


def horizon_angle(target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Largest central angle with line of sight over the effective Earth.

    Parameters
    ----------
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    ndarray or float
        acos(a / (a + h_r)) + acos(a / (a + h)) (rad), a the effective radius.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2.
    """
    a = effective_radius_m(k)
    return (np.arccos(a / (a + radar_alt_m)) + np.arccos(a / (a + np.asarray(target_alt_m,
                                                                                float))))


def ground_range_at_elevation(elev_rad, target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Ground range at which a target at this altitude is seen at a given elevation.

    Parameters
    ----------
    elev_rad : float or array_like
        Elevation at the radar (rad).
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    ndarray
        Ground range along the effective Earth (m); 0 where the target is below that elevation
        even overhead, NaN where the geometry has no solution.

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2.
    """
    a = effective_radius_m(k)
    rr = a + radar_alt_m
    rt = a + np.asarray(target_alt_m, float)
    c = rr * np.cos(elev_rad) / rt
    th = np.arccos(np.clip(c, -1, 1)) - elev_rad
    return np.where((c <= 1) & (th >= 0), th * a, np.where(c > 1, np.nan, 0.0))


def ground_range_at_slant(slant_m, target_alt_m, radar_alt_m, k: float = K_EFFECTIVE_EARTH):
    """Ground range at which the slant range to a target at this altitude equals ``slant_m``.

    Parameters
    ----------
    slant_m : array_like
        Slant range (m).
    target_alt_m : array_like
        Target altitude (m).
    radar_alt_m : float
        Antenna altitude (m).
    k : float, optional
        Effective Earth radius factor (-); default 4/3.

    Returns
    -------
    ndarray
        Ground range along the effective Earth (m); NaN where the slant range is never reached
        (shorter than the altitude difference).

    References
    ----------
    Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2 (law of cosines on the effective
    Earth).
    """
    a = effective_radius_m(k)
    rr = a + radar_alt_m
    rt = a + np.asarray(target_alt_m, float)
    c = (rr**2 + rt**2 - np.asarray(slant_m, float) ** 2) / (2 * rr * rt)
    return np.where(c > 1, np.nan, np.arccos(np.clip(c, -1, 1)) * a)


# -- presets ---------------------------------------------------------------------------------

def _raw() -> dict:
    return load("radars.toml")


def list_radars() -> list[Radar]:
    """Every radar preset and user entry.

    Returns
    -------
    list of Radar
        In file order, presets first.

    Raises
    ------
    ThaadsimError
        A user entry without losses or calibration.
    """
    return [get_radar(k) for k in _raw()["radar"]]


def get_radar(name: str) -> Radar:
    """A radar preset (or user entry) by name; ``thaadsim radars`` lists them.

    Parameters
    ----------
    name : str
        Name, case and surrounding blanks ignored.

    Returns
    -------
    Radar
        The radar.

    Raises
    ------
    ThaadsimError
        An unknown name (the error lists the known ones).
    """
    key, d = lookup(_raw()["radar"], "radar", name)
    return Radar(name=key, **d)


def list_sites() -> list[Site]:
    """Every site preset and user entry.

    Returns
    -------
    list of Site
        In file order, presets first.
    """
    return [get_site(k) for k in _raw()["site"]]


def get_site(name: str) -> Site:
    """A site preset (or user entry) by name.

    Parameters
    ----------
    name : str
        Name, case and surrounding blanks ignored.

    Returns
    -------
    Site
        The site.

    Raises
    ------
    ThaadsimError
        An unknown name (the error lists the known ones).
    """
    return _named_site("site", name)


# One rule for sites typed as LAT,LON[,HEIGHT_M], used by every command and the API: the radar
# faces North Korea as the Korean site presets do (330 deg, the hypothetical sites' boresight;
# Seongju's own is 315 deg) and keeps the beam 5 deg above the horizon as the Ministry of
# National Defense said of Seongju (Jul 2016). Assumptions for a user site: the output names
# them whenever they are applied, and options override them.
USER_SITE_DEFAULTS = {"boresight_az_deg": 330.0, "min_elevation_deg": 5.0}
USER_SITE_DEFAULTS_WHY = ("user-site defaults: boresight 330 deg (facing North Korea, as the "
                          "Korean site presets), beam floor 5 deg (ROK MND 2016 for Seongju)")


def user_site(lat_deg: float, lon_deg: float, height_m: float = 0.0, *,
              boresight_az_deg: float | None = None,
              min_elevation_deg: float | None = None, parameter: str = "site") -> Site:
    """A site at a typed position, with ``USER_SITE_DEFAULTS`` for what is not given.

    The defaults (boresight 330 deg, beam floor 5 deg) are assumptions named in the site's
    sources and ``defaults_applied``.

    Parameters
    ----------
    lat_deg, lon_deg : float
        Geodetic latitude and east longitude (deg).
    height_m : float, optional
        Ground height (m), in [-500, 9000]; default 0.
    boresight_az_deg : float, optional
        Face azimuth, clockwise from north (deg); default 330.
    min_elevation_deg : float, optional
        Beam floor (deg); default 5.
    parameter : str, optional
        Name of the argument in error messages; default ``"site"``.

    Returns
    -------
    Site
        The site, named ``"LAT,LON"``.

    Raises
    ------
    ThaadsimError
        A latitude, longitude or height outside its bounds.
    """
    lat = check("latitude_deg", lat_deg, f"{parameter} latitude")
    lon = check("longitude_deg", lon_deg, f"{parameter} longitude")
    h = check("height_m", height_m, f"{parameter} height_m")
    applied = []
    if boresight_az_deg is None:
        boresight_az_deg = USER_SITE_DEFAULTS["boresight_az_deg"]
        applied.append("boresight_az_deg")
    if min_elevation_deg is None:
        min_elevation_deg = USER_SITE_DEFAULTS["min_elevation_deg"]
        applied.append("min_elevation_deg")
    return Site(name=f"{lat:.4f},{lon:.4f}", lat_deg=lat, lon_deg=lon, height_m=h,
                boresight_az_deg=float(boresight_az_deg),
                min_elevation_deg=float(min_elevation_deg),
                description="user-typed site", sources=(USER_SITE_DEFAULTS_WHY,) if applied
                else (), defaults_applied=tuple(applied))


def is_latlon_text(text: str) -> bool:
    """Whether text looks like coordinates rather than a preset name.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    bool
        True if it starts with a digit, sign or point and contains a comma.
    """
    t = str(text).strip()
    return bool(t) and (t[0].isdigit() or t[0] in "+-.") and "," in t


def parse_site(text: str | Site | tuple, parameter: str = "site") -> Site:
    """A site from a preset name, typed coordinates or a ``Site``.

    Parameters
    ----------
    text : str, tuple or Site
        A preset name, ``"LAT,LON[,HEIGHT_M]"`` or a (lat, lon[, height_m]) tuple (deg, m; the
        user-site defaults apply), or a ``Site`` (returned as is).
    parameter : str, optional
        Name of the argument in error messages; default ``"site"``.

    Returns
    -------
    Site
        The site.

    Raises
    ------
    ThaadsimError
        An unknown preset or malformed or out-of-bounds coordinates.
    """
    if isinstance(text, Site):
        return text
    if isinstance(text, (tuple, list)) or is_latlon_text(str(text)):
        lat, lon, h = parse_latlon(parameter, text, allow_height=True)
        return user_site(lat, lon, 0.0 if h is None else h, parameter=parameter)
    return _named_site(parameter, str(text).strip())


def _named_site(parameter: str, name: str) -> Site:
    key, d = lookup(_raw()["site"], parameter, name, also=" or LAT,LON[,HEIGHT_M]")
    return Site(name=key, **d)


def site_note(site: Site) -> str | None:
    """One line naming the defaults applied to a user site, or None.

    Parameters
    ----------
    site : Site
        The site.

    Returns
    -------
    str or None
        The note (values in deg), or None when no default was applied.
    """
    if not site.defaults_applied:
        return None
    vals = ", ".join(f"{k} = {getattr(site, k):g}" for k in site.defaults_applied)
    return (f"site {site.name}: {vals} assumed ({USER_SITE_DEFAULTS_WHY}); override with "
            "--azimuth-deg / --min-elevation-deg where the command has them")
