"""Radar sites: presets (data/radars.toml, [site.NAME]) and the one rule for sites typed as
LAT,LON[,HEIGHT_M]."""

from __future__ import annotations

import dataclasses

from thaadsim.limits import check, parse_latlon
from thaadsim.presets import build, load


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


def _raw() -> dict:
    return load("radars.toml")


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
    return build(Site, _raw()["site"], parameter, name, also=" or LAT,LON[,HEIGHT_M]",
                 positive=(), bounds={"mast_height_m": (0.0, 1000.0),
                                      "boresight_az_deg": (-360.0, 360.0)},
                 limits_of={"lat_deg": "latitude_deg", "lon_deg": "longitude_deg",
                            "height_m": "height_m", "min_elevation_deg": "min_elevation_deg"})


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
