"""Detection and track of one aimed missile by one radar: when it is first seen, when the track
is firm (N detections in M looks), how long it stays in track, and why it is not seen."""

from __future__ import annotations

import dataclasses

from thaadsim.sensors.detect import Timeline, detection_timeline
from thaadsim.sensors.radar import Radar
from thaadsim.sensors.site import Site
from thaadsim.threats.missile import Missile
from thaadsim.threats.solve import Flight

HISTORY_DT_S = 1.0  # sampling of the track (s): the radar's 1 s look interval


@dataclasses.dataclass(frozen=True, repr=False)
class TrackResult:
    """One trajectory seen by one radar: the aimed flight, the timeline and the RCS.

    Attributes
    ----------
    missile : Missile
        The missile.
    radar : Radar
        The radar.
    site : Site
        The radar's site.
    rcs_m2 : float
        Radar cross-section of the target (m^2).
    aim : Flight
        The aimed flight, sampled every 1 s.
    timeline : Timeline
        Detection and track (one member; s since launch).
    """

    missile: Missile
    radar: Radar
    site: Site
    rcs_m2: float
    aim: Flight
    timeline: Timeline

    def __repr__(self) -> str:
        t = self.timeline.to_dict(0)
        seen = ("firm track at " + f"{t['track_time_s']:.0f} s"
                if t["track_time_s"] is not None else f"no track ({t['not_seen_because']})")
        return (f"<TrackResult {self.missile.name} seen by {self.radar.name} at {self.site.name}"
                f" (RCS {self.rcs_m2:g} m2): {seen}>")

    def to_dict(self) -> dict:
        """Flight, timeline and beam settings, units in the keys (JSON-ready).

        Returns
        -------
        dict
            Flight headline numbers (s, km), the timeline (s since launch), the site's beam
            settings (deg) and ``samples_failing``: how many samples each limit (horizon,
            elevation, sector, range, power) removed.
        """
        rec = self.aim.batch.to_dict(0)
        return {"missile": self.missile.name, "radar": self.radar.name, "site": self.site.name,
                "rcs_m2": self.rcs_m2, "boresight_az_deg": self.site.boresight_az_deg,
                "min_elevation_deg": self.site.min_elevation_deg,
                "site_defaults_applied": list(self.site.defaults_applied),
                "flight_time_s": rec["flight_time_s"], "range_km": rec["range_km"],
                "apogee_km": rec["apogee_km"], **self.timeline.to_dict(0),
                "samples_failing": dict(zip(("horizon", "elevation", "sector",
                                             "instrumented_range", "power"),
                                            map(int, self.timeline.reason_samples[0]),
                                            strict=True))}

    def to_dataframe(self):
        """The flight's samples (``TrajectoryBatch.to_dataframe``).

        Returns
        -------
        pandas.DataFrame
            One row per sample (s, deg, km, km/s).
        """
        return self.aim.batch.to_dataframe()


def track(missile: Missile, radar: Radar, site: Site, aim: Flight, rcs_m2: float = 0.01,
          n_of_m: tuple[int, int] = (3, 5)) -> TrackResult:
    """Detection and firm-track timeline of an aimed flight seen by one radar.

    Parameters
    ----------
    missile : Missile
        The missile (for the result's labels).
    radar : Radar
        The radar.
    site : Site
        The radar's site.
    aim : Flight
        The aimed flight, flown with ``history_dt_s``.
    rcs_m2 : float, optional
        Radar cross-section of the target (m^2), > 0; default 0.01.
    n_of_m : tuple of int, optional
        Firm track after N detections in M consecutive looks; default (3, 5).

    Returns
    -------
    TrackResult
        The flight and its timeline.

    Raises
    ------
    ThaadsimError
        A non-finite or non-positive RCS.
    ValueError
        ``n_of_m`` without 1 <= N <= M.
    """
    tl = detection_timeline(radar, site, aim.batch, rcs_m2, n_of_m=n_of_m)
    return TrackResult(missile, radar, site, float(rcs_m2), aim, tl)
