"""Radar model: parameters (presets in data/radars.toml, [radar.NAME]), the search radar
equation and the reach of line of sight and beam under the radar's refraction model; the
geometry is in ``sensors.geometry``, sites in ``sensors.site``.

The search radar equation (Skolnik eq. 2.63): SNR = P_avg A_e t_s sigma / (4 pi k T_s L Omega R^4).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.core import earth as E
from thaadsim.core.constants import K_EFFECTIVE_EARTH
from thaadsim.errors import ThaadsimError
from thaadsim.limits import check
from thaadsim.presets import build, load
from thaadsim.sensors import geometry as geom
from thaadsim.sensors.site import Site

K_BOLTZMANN = 1.380649e-23
C_LIGHT = 299_792_458.0
R_EARTH_M = E.R_MEAN_M
LIMITS = ("horizon", "elevation", "sector", "instrumented_range", "power")


@dataclasses.dataclass(frozen=True)
class Reach:
    """Ground ranges (m) that bound line of sight and beam at target altitudes; arrays.

    Attributes
    ----------
    model : ndarray of str
        Refraction model used per altitude (``geometry.model_at``): ``"4/3"`` or ``"crpl"``.
    horizon_m : ndarray
        Farthest ground range with line of sight (m).
    floor_m : ndarray
        Farthest ground range at or above the beam floor (m); 0 where the target is below the
        floor even overhead, NaN where never.
    ceiling_m : ndarray
        Nearest ground range at or below the beam ceiling (m); as ``floor_m``.
    slant_k : ndarray
        Earth radius factor for slant ranges (-): k under the 4/3 model, 1 (the straight chord)
        under the ray trace.
    """

    model: np.ndarray
    horizon_m: np.ndarray
    floor_m: np.ndarray
    ceiling_m: np.ndarray
    slant_k: np.ndarray


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
    pfa : float
        False-alarm probability per look of the detection threshold (-); default 1e-6
        (assumption, a common search-radar design value, Skolnik sec. 2.5). Used by the
        Swerling detection models (``sensors.detect``).
    refraction_k : float
        Effective Earth radius factor of the 4/3 model (-); default 4/3.
    refraction : str
        Refraction model, one of ``geometry.REFRACTION_MODELS``: ``"crpl"`` (default: the
        effective Earth up to 11 km, rays traced through the CRPL exponential reference
        atmosphere above) or ``"4/3"`` (the effective Earth at every altitude).
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
    pfa: float = 1e-6
    refraction_k: float = K_EFFECTIVE_EARTH
    refraction: str = "crpl"
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self):
        if self.refraction not in geom.REFRACTION_MODELS:
            raise ThaadsimError("refraction", "must be one of "
                                + ", ".join(geom.REFRACTION_MODELS), self.refraction)
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

    @property
    def refraction_note(self) -> str:
        """The refraction model in words, for outputs' assumptions."""
        k = f"{self.refraction_k:.4g} effective Earth radius"
        if self.refraction == "4/3":
            return f"{k} at every altitude"
        return (f"{k} up to {geom.FOUR_THIRDS_CEILING_M / 1e3:g} km, rays traced through the "
                "CRPL exponential reference atmosphere above (refraction_model per layer)")

    def reach(self, target_alt_m, radar_alt_m: float, floor_deg: float) -> Reach:
        """Line-of-sight and beam limits in ground range under the radar's refraction model.

        Parameters
        ----------
        target_alt_m : array_like
            Target altitudes (m).
        radar_alt_m : float
            Antenna altitude (m).
        floor_deg : float
            Beam floor, apparent elevation (deg); the ceiling is ``max_elevation_deg``.

        Returns
        -------
        Reach
            One entry per altitude. A floor below the grazing ray does not bind under the ray
            trace (``floor_m`` is the horizon).

        References
        ----------
        Skolnik, Introduction to Radar Systems, 3rd ed., sec. 8.2 (4/3 effective Earth); Bean &
        Dutton, Radio Meteorology, 1966, ch. 3 (ray trace); formulas in ``sensors.geometry``.
        """
        k, hr = self.refraction_k, radar_alt_m
        h = np.atleast_1d(np.asarray(target_alt_m, float))
        floor, ceiling = math.radians(floor_deg), math.radians(self.max_elevation_deg)
        model = geom.model_at(self.refraction, h)
        hor = geom.horizon_angle(h, hr, k) * geom.effective_radius_m(k)
        g_floor = geom.ground_range_at_elevation(floor, h, hr, k)
        g_ceil = geom.ground_range_at_elevation(ceiling, h, hr, k)
        traced = model == "crpl"
        if np.any(traced):
            ht = h[traced]
            hor[traced] = geom.radio_horizon_ground_range(ht, hr)
            below = floor < float(geom.grazing_elevation_rad(hr))
            g_floor[traced] = hor[traced] if below else geom.ray_ground_range(floor, ht, hr)
            g_ceil[traced] = geom.ray_ground_range(ceiling, ht, hr)
        shape = np.shape(target_alt_m)
        return Reach(model.reshape(shape), hor.reshape(shape), g_floor.reshape(shape),
                     g_ceil.reshape(shape), np.where(traced, 1.0, k).reshape(shape))

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
    return build(Radar, _raw()["radar"], "radar", name,
                 positive=("frequency_hz", "aperture_m2", "aperture_efficiency", "power_avg_w",
                           "t_sys_k", "half_width_deg", "instrumented_range_km",
                           "search_solid_angle_sr", "frame_time_s", "look_interval_s",
                           "calibration_range_km", "refraction_k"),
                 bounds={"aperture_efficiency": (0.0, 1.0), "half_width_deg": (0.0, 180.0),
                         "max_elevation_deg": (-5.0, 90.0), "snr_threshold_db": (-30.0, 60.0),
                         "refraction_k": (0.5, 10.0), "losses_db": (-30.0, 100.0),
                         "boresight_az_deg": (-360.0, 360.0)},
                 limits_of={"calibration_rcs_m2": "rcs_m2",
                            "min_elevation_deg": "min_elevation_deg"})
