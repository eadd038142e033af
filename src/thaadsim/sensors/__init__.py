"""Radar: range equation, scan limits, horizon, detection and track timelines."""

from thaadsim.sensors.radar import Radar, get_radar, list_radars
from thaadsim.sensors.site import Site, get_site, list_sites

__all__ = ["Radar", "Site", "get_radar", "get_site", "list_radars", "list_sites"]
