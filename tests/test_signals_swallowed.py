"""A signal whose KeyboardInterrupt lands in a callback Python ignores is not lost.

Python runs a signal handler wherever the main thread is. When that is a weakref
callback (the import system runs one on each module lock), a ``__del__`` or a garbage
collector callback, the raised KeyboardInterrupt is printed as "Exception ignored" and
dropped, and `kata check` went on grading after a SIGTERM. Each test here delivers the
signal inside such a callback, deterministically: ``signal.raise_signal`` runs the
handler before it returns, so it raises inside the callback.
"""

from __future__ import annotations

import gc
import signal
import sys
import time
import weakref

import pytest

from kata.commands._signals import stopped_by_signals


class Thing:
    pass


#: How long the wait after the callback lasts: far longer than any machine takes to act
#: on the signal sent again, so that ending sooner can only mean it was acted on.
WAIT = 30.0


def _spin() -> None:
    """What runs after the callback: a blocking wait, as `kata check` waiting for its
    child. The signal sent again must stop the command here or before (its thread may
    send it before this wait begins). A signal only marked pending would raise only
    once the wait is over, and a lost one not at all."""
    time.sleep(WAIT)
    pytest.fail("the signal raised inside the callback was lost")


def _in_weakref_callback(sig: int) -> None:
    thing = Thing()
    ref = weakref.ref(thing, lambda _ref: signal.raise_signal(sig))
    del thing  # the callback runs here; its KeyboardInterrupt is unraisable
    assert ref() is None
    _spin()


class Raises:
    def __init__(self, sig: int) -> None:
        self.sig = sig

    def __del__(self) -> None:
        signal.raise_signal(self.sig)


def _in_del(sig: int) -> None:
    thing = Raises(sig)
    del thing
    _spin()


def _in_gc_callback(sig: int) -> None:
    def callback(phase: str, _info: dict) -> None:
        if phase == "stop":
            gc.callbacks.remove(callback)
            signal.raise_signal(sig)

    gc.callbacks.append(callback)
    gc.collect()
    _spin()


PLACES = {"weakref callback": _in_weakref_callback, "__del__": _in_del, "gc callback": _in_gc_callback}


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: signal.Signals(s).name)
def test_a_signal_raised_inside_a_callback_still_stops_the_command(place, sig, capsys):
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), stopped_by_signals() as stop:
        PLACES[place](sig)
    assert time.monotonic() - started < WAIT, "the wait after the callback was not woken"
    assert stop.signal == sig
    assert "Exception ignored" not in capsys.readouterr().err  # not printed, but acted on


def test_other_unraisable_errors_still_reach_the_previous_hook(capsys):
    seen = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        with stopped_by_signals():
            thing = Thing()
            ref = weakref.ref(thing, lambda _ref: 1 / 0)
            del thing
            assert ref() is None
    finally:
        sys.unraisablehook = previous
    assert [type(u.exc_value) for u in seen] == [ZeroDivisionError]


def test_the_hook_and_handlers_are_put_back_after_the_block():
    hook = sys.unraisablehook
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    with pytest.raises(KeyboardInterrupt), stopped_by_signals():
        _in_weakref_callback(signal.SIGTERM)
    assert sys.unraisablehook is hook
    assert {s: signal.getsignal(s) for s in handlers} == handlers


def test_without_the_block_the_signal_would_be_lost():
    """The control: Python itself drops the KeyboardInterrupt raised in the callback."""
    seen = []
    previous_hook, previous = sys.unraisablehook, signal.getsignal(signal.SIGTERM)

    def handler(_signum, _frame):
        raise KeyboardInterrupt

    sys.unraisablehook = seen.append
    signal.signal(signal.SIGTERM, handler)
    try:
        thing = Thing()
        ref = weakref.ref(thing, lambda _ref: signal.raise_signal(signal.SIGTERM))
        del thing
        assert ref() is None
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = previous_hook
    assert [type(u.exc_value) for u in seen] == [KeyboardInterrupt]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_a_signal_ignored_when_the_command_started_stays_ignored(sig):
    """`nohup`, or a shell starting a command in the background: the block leaves such a
    signal ignored, and it does not stop the command."""
    previous = signal.signal(sig, signal.SIG_IGN)
    try:
        with stopped_by_signals() as stop:
            assert signal.getsignal(sig) is signal.SIG_IGN
            signal.raise_signal(sig)
            time.sleep(0.01)  # where the handler would run, if there were one
        assert signal.getsignal(sig) is signal.SIG_IGN and stop.signal is None
    finally:
        signal.signal(sig, previous)


def test_the_suite_runs_with_the_dispositions_of_a_command_typed_in_a_shell():
    """However pytest was started (a background job has SIGINT ignored), each of its
    processes acts on the stopping signals as a command typed in a terminal does: the
    tests of kata's handling see what a user's kata sees (tests/conftest.py)."""
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
