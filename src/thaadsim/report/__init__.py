"""The demo job (``thaadsim demo``): computations in ``demo``, the HTML page in ``render``."""

from thaadsim.report.demo import run_demo

__all__ = ["run_demo"]
