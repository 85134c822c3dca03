"""Signals that end a command: handled like Ctrl-C, so the command cleans up."""

from __future__ import annotations

import signal
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
    ignored. The exit status is then ``128 + stop.signal``."""
    stop = Stop()

    def handler(signum: int, _frame: object) -> None:
        global _received
        stop.signal = _received = signum
        raise KeyboardInterrupt

    saved = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            saved[sig] = signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)
