"""Helpers for the Pilot tests: the app with its data in the test's KATA_HOME."""

from __future__ import annotations

import time

import pytest

from kata.grader.limits import Limits
from kata.quiz import Question, QuestionType
from kata.tui.app import build_app
from kata.tui.grading import WarmPool

SIZE = (110, 40)


@pytest.fixture(scope="session")
def _lent_warm_pool():
    """One warm grading process for all the apps a worker runs: each app that opens a
    kata would otherwise start its own (an interpreter, numpy, the grader: about 0.15 s
    of CPU each). The apps end their runs when they end; the process stays."""
    pool = WarmPool()
    yield pool
    pool.close()


@pytest.fixture
def make_app(tmp_path, _lent_warm_pool):
    """``make_app(warm_pool=None)``: an app that starts and ends its own warm process,
    as the installed app does (for the tests of that life cycle)."""

    def make(**kwargs):
        kwargs.setdefault("grade_limits", Limits(timeout=4.0, check_timeout=2.0))
        kwargs.setdefault("warm_pool", _lent_warm_pool)
        return build_app(**kwargs)

    return make


def first_of(app, kind: QuestionType, where=lambda q: True) -> Question:
    return next(q for q in app.catalog if q.type is kind and where(q))


async def wait_for(pilot, condition, what: str, ceiling: float = 60.0) -> None:
    """Let the app run until ``condition()`` holds. The ceiling only turns a hang into a
    failure; it is far above what any machine needs, busy or not."""
    deadline = time.monotonic() + ceiling
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {ceiling:g} s")
        await pilot.pause(0.02)
    await pilot.pause()
