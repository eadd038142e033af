"""Progress on stderr for the command shell (rich), off when stderr is not a terminal or with
``--quiet``; stdout (JSON, tables) is never touched.

The library reports progress through a plain callback ``progress(text, done, total)``; this module
turns such calls into a rich progress bar. Only the shells import it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

ProgressFn = Callable[[str, float, float], None]

_state = {"quiet": False}


def set_quiet(quiet: bool) -> None:
    """``--quiet``: no progress at all."""
    _state["quiet"] = bool(quiet)


def enabled() -> bool:
    """Progress is shown when stderr is a terminal and ``--quiet`` was not given."""
    return not _state["quiet"] and sys.stderr.isatty()


def _noop(text: str, done: float, total: float) -> None:
    return None


class Bar:
    """A context manager yielding a ``progress(text, done, total)`` callback."""

    def __init__(self, title: str):
        self.title = title
        self._progress: Any = None
        self._task: Any = None
        self._t0 = time.perf_counter()

    def __enter__(self) -> ProgressFn:
        if not enabled():
            return _noop
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                  TaskProgressColumn(), TimeElapsedColumn(),
                                  TimeRemainingColumn(), console=Console(stderr=True),
                                  transient=True)
        self._progress.start()
        self._task = self._progress.add_task(self.title, total=None)
        return self._update

    def _update(self, text: str, done: float, total: float) -> None:
        if self._progress is None or self._task is None:
            return
        self._progress.update(self._task, description=f"{self.title}: {text}", completed=done,
                              total=total or None)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


def bar(title: str) -> Bar:
    """A progress bar titled ``title`` (a no-op callback when progress is off)."""
    return Bar(title)
