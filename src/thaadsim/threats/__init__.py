"""Ballistic-missile threats: models, presets, trajectories and targeting."""

from thaadsim.threats.missile import Missile, Stage, get_missile, list_missiles
from thaadsim.threats.solve import AimSolution, Flight, aim, solve_apogee, solve_max_range
from thaadsim.threats.trajectory import Launch, TrajectoryBatch, fly, fly_ballistic

__all__ = ["Missile", "Stage", "get_missile", "list_missiles", "Launch", "TrajectoryBatch",
           "aim", "fly", "fly_ballistic", "solve_apogee", "solve_max_range", "AimSolution",
           "Flight"]
