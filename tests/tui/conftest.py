"""Helpers for the Pilot tests: the app with its data in the test's KATA_HOME."""

from __future__ import annotations

import pytest

from kata.grader.limits import Limits
from kata.quiz import Question, QuestionType
from kata.tui.app import build_app

SIZE = (110, 40)


@pytest.fixture
def make_app(tmp_path):
    def make(**kwargs):
        kwargs.setdefault("grade_limits", Limits(timeout=4.0, check_timeout=2.0))
        return build_app(**kwargs)

    return make


def first_of(app, kind: QuestionType, where=lambda q: True) -> Question:
    return next(q for q in app.catalog if q.type is kind and where(q))
