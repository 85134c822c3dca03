"""The app's side of grading: a warm process, started when a kata opens, that forks each
submission's child (so a submit does not wait for Python and numpy to start), and the
children a submission starts, so that cancelling it (or quitting) ends them at once
instead of waiting for the grader's time limit."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kata.grader.pool import Pool
    from kata.grader.spawn import Spawned


class WarmPool:
    """One warm grading process for the app, started in the background on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: Pool | None = None
        self._closed = False

    def pool(self) -> Pool:
        from kata.grader.pool import Pool

        with self._lock:
            if self._pool is None:
                self._pool = Pool(1)
            return self._pool

    def warm(self) -> None:
        """Start the warm process now (in a thread), so that the next submit finds it
        ready: one child is forked and at once discarded."""

        def start() -> None:
            from kata.grader.spawn import new_workdir

            pool = self.pool()
            try:
                with pool.slot() as spawn:
                    if not self._closed:
                        spawn(new_workdir()).discard()
            except Exception:  # noqa: BLE001 - a submit then starts a cold child, and reports any problem
                pass
            if self._closed:  # the app ended while the warm process was starting
                pool.close()

        threading.Thread(target=start, name="kata-warm-pool", daemon=True).start()

    def end_runs(self) -> None:
        """Kill the children running now, and keep the warm process for the next app
        (an app that was lent this pool, rather than owning it, ends with this)."""
        with self._lock:
            pool = self._pool
        if pool is not None:
            pool.kill_running()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.abort()
            pool.close()


class Children:
    """The grader children started for the current run; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: list[Spawned] = []
        self._stopped = False

    def spawner(
        self, live: Callable[[], bool], start: Callable[[Path], Spawned] | None = None
    ) -> Callable[[Path], Spawned]:
        """A ``spawner`` for :func:`kata.grader.grade` that starts each child with
        ``start`` (a warm pool's slot; default a cold child), remembers it and ends it
        straight away if its run was cancelled meanwhile (``live()`` is false)."""

        def spawn(workdir: Path) -> Spawned:
            if start is None:
                from kata.grader.spawn import spawn as cold

                child = cold(workdir)
            else:
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
