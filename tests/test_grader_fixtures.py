"""Known-bad and known-good implementations, each declaring which checks must fail.

Every file under tests/fixtures/submissions/<kata>/ starts with a comment naming the
classic mistake, then either `# expect-pass` or `# expect-fail: <check ids>`. The
harness must fail exactly those checks, for more than one seed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kata.exercises import get_kata
from kata.grader import Limits

FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
SEEDS = (7, 20261125)


def _expected(path: Path) -> set[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-pass"):
            return set()
        if line.startswith("# expect-fail:"):
            return set(line.split(":", 1)[1].split())
    raise AssertionError(f"{path} declares no expectation")


CASES = sorted(FIXTURES.glob("*/*.py"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
@pytest.mark.parametrize("seed", SEEDS)
def test_fixture_fails_exactly_the_declared_checks(path: Path, seed: int, grade_warm) -> None:
    kata = get_kata(path.parent.name)
    report = grade_warm(path, kata, seed=seed, limits=Limits(timeout=20))
    assert report.error is None, report.error
    failed = {c.id for c in report.checks if c.status != "pass"}
    assert failed == _expected(path), {c.id: c.message for c in report.checks if c.status != "pass"}
    assert [c.id for c in report.checks] == [c.id for c in kata.checks]
    assert report.status == ("pass" if not failed else "fail")
    for check in report.checks:
        if check.status != "pass":
            assert check.message.strip(), f"{check.id} failed without saying why"


def test_there_are_fixtures_for_every_kata_with_them() -> None:
    assert {p.parent.name for p in CASES} >= {"softmax", "softmax-backward"}
    assert len(CASES) >= 20
