"""Radar: range equation, scan limits, horizon, detection and track timelines."""

from thaadsim.sensors.radar import Radar, Site, get_radar, get_site, list_radars, list_sites

__all__ = ["Radar", "Site", "get_radar", "get_site", "list_radars", "list_sites"]
