"""The ``thaadsim`` command: a thin shell over the public API (parse, call, format).

``app`` holds the shell (formats, metadata, errors, exit codes); the commands register
themselves on import from ``models`` (presets, one flight, one radar), ``analyses`` (footprint,
engage, demo) and ``bench``.
"""

from thaadsim.cli import (  # noqa: F401 (register the commands)
    analyses,
    bench,
    layers,
    models,
    serve,
    watch,
)
from thaadsim.cli.app import app, entry, main

__all__ = ["app", "main", "entry"]
