"""thaadsim: an open, physics-based simulator of the THAAD missile-defense system.

Open literature only; presets are public estimates. An analysis and teaching tool, not
fire-control software.
"""

__version__ = "0.1.0"
