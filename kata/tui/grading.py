"""The app's side of grading: the children a submission starts, so that cancelling it (or
quitting) ends them at once instead of waiting for the grader's time limit."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kata.grader.spawn import Spawned


class Children:
    """The grader children started for the current run; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: list[Spawned] = []
        self._stopped = False

    def spawner(self, live: Callable[[], bool]) -> Callable[[Path], Spawned]:
        """A ``spawner`` for :func:`kata.grader.grade` that remembers each child and ends
        it straight away if its run was cancelled meanwhile (``live()`` is false)."""

        def spawn(workdir: Path) -> Spawned:
            from kata.grader.spawn import spawn as start

            child = start(workdir)
            with self._lock:
                self._live = [c for c in self._live if c.proc.poll() is None]
                self._live.append(child)
                doomed = self._stopped or not live()
            if doomed:
                _kill(child)
            return child

        return spawn

    def kill_all(self, *, for_good: bool = False) -> None:
        """End every child started so far (``for_good``: and any started later)."""
        with self._lock:
            children, self._live = self._live, []
            self._stopped = self._stopped or for_good
        for child in children:
            _kill(child)


def _kill(child: Spawned) -> None:
    """The child leads its own session (``start_new_session``): end the whole group."""
    try:
        os.killpg(child.proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
