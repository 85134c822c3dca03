"""Signals that end a command: handled like Ctrl-C, so the command cleans up."""

from __future__ import annotations

import _thread
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Stop:
    """Which signal stopped the command (None: Ctrl-C's KeyboardInterrupt, or none)."""

    signal: int | None = None


_received: int | None = None


def received() -> int | None:
    """The signal that stopped this process's command, if one did (a KeyboardInterrupt
    raised in the middle of an import may come out as another exception)."""
    return _received


@contextmanager
def stopped_by_signals() -> Iterator[Stop]:
    """Within the block, SIGTERM and SIGHUP (a closed terminal) raise KeyboardInterrupt
    as Ctrl-C does, so the command ends its children, removes its folders and writes
    what was finished. A signal that was ignored when kata started (nohup) stays
    ignored. The exit status is then ``128 + stop.signal``.

    Python runs a signal handler wherever the main thread happens to be, and that may
    be a weakref callback, a ``__del__`` or a garbage-collector callback (the import
    system runs one on every module lock). An exception raised there does not reach
    the command: Python reports it as "Exception ignored" and carries on, and the
    signal would be lost. So within the block such a KeyboardInterrupt is not printed
    but delivered again, to the code the callback interrupted."""
    stop = Stop()

    runs = [0]  # how many times the handler has run

    def handler(signum: int, _frame: object) -> None:
        global _received
        stop.signal = _received = signum
        runs[0] += 1
        raise KeyboardInterrupt

    def _resend(signum: int, seen: int) -> None:
        # A real signal, so that a main thread already back in a blocking wait is woken
        # to raise it. One sent just as the main thread lets go of the interpreter, the
        # moment this thread gets it, may land before the wait begins and not wake it:
        # so it is sent again until the handler has run (for at most 30 s).
        for _ in range(600):
            if runs[0] != seen:
                return
            signal.pthread_kill(main, signum)
            time.sleep(0.05)

    previous_hook = sys.unraisablehook
    main = _thread.get_ident()  # handlers are set, and run, only in the main thread

    def redeliver(unraisable: object) -> None:
        if isinstance(getattr(unraisable, "exc_value", None), KeyboardInterrupt):
            # The same signal again, sent to the main thread from another thread: sent
            # from here, the handler would run at once, inside this hook, where its
            # exception would be dropped again.
            _thread.start_new_thread(_resend, (stop.signal or signal.SIGINT, runs[0]))
            return
        previous_hook(unraisable)  # type: ignore[arg-type]

    saved = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            saved[sig] = signal.signal(sig, handler)
    sys.unraisablehook = redeliver
    try:
        yield stop
    finally:
        sys.unraisablehook = previous_hook
        for sig, old in saved.items():
            signal.signal(sig, old)
