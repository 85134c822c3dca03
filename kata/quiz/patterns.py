"""Answer patterns that cannot take exponential time (catastrophic backtracking).

Python's regular expressions backtrack: ``^(a+)+$`` against ``aaaa…b`` tries every way
to split the run of ``a``, and each extra character doubles the time. A bank is
written by anyone, and its patterns run against whatever a learner types, so a pattern
is refused when a part that repeats without bound holds something that can itself
match in several ways: a repeat of varying count (``(a+)+``, ``(a?){20}``,
``(\\w*\\s?)*``) or an alternation (``(a|ab)*``). Possessive repeats and atomic groups
(``(?>…)``, ``a*+``) never backtrack and are fine. Typed answers are short (``MAX_PATTERN_INPUT``), which
bounds the rest (adjacent repeats are at worst polynomial).
"""

from __future__ import annotations

try:  # the standard library's own parser of regular expressions
    import re._parser as _parser  # type: ignore[import-not-found]  # Python >= 3.11
    from re._constants import (  # type: ignore[import-not-found]
        ATOMIC_GROUP,
        BRANCH,
        MAX_REPEAT,
        MIN_REPEAT,
        POSSESSIVE_REPEAT,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover - a future Python that moves them
    _parser = None

#: Typed answers longer than this are compared with the accepted answers only.
MAX_PATTERN_INPUT = 200


def _unbounded(op, av) -> bool:
    return op in (MAX_REPEAT, MIN_REPEAT) and av[1] > 1


def _ambiguous(items) -> bool:
    """Whether a part can match the same text in more than one way by itself."""
    for op, av in items:
        if op is BRANCH:
            return True
        if op in (MAX_REPEAT, MIN_REPEAT) and (av[0] != av[1] or _ambiguous(av[2])):
            return True  # a count that may vary: (a?){20} matches "aaa" in 1140 ways
        if op is SUBPATTERN and _ambiguous(av[3]):
            return True
    return False


def _nested(items) -> str | None:
    for op, av in items:
        if op is ATOMIC_GROUP or op is POSSESSIVE_REPEAT:
            continue
        if _unbounded(op, av):
            if _ambiguous(av[2]):
                return "a part that repeats holds something that can match in several ways"
            found = _nested(av[2])
        elif op in (MAX_REPEAT, MIN_REPEAT):
            found = _nested(av[2])
        elif op is SUBPATTERN:
            found = _nested(av[3])
        elif op is BRANCH:
            found = next((r for r in map(_nested, av[1]) if r), None)
        else:
            found = None
        if found:
            return found
    return None


def pattern_problem(source: str) -> str | None:
    """Why ``source`` could take exponential time on some answer, or None."""
    if _parser is None:
        return None
    try:
        parsed = _parser.parse(source)
    except Exception:  # noqa: BLE001 - re.compile reports the syntax itself
        return None
    why = _nested(list(parsed))
    if why is None:
        return None
    return (f"{why} (like (a+)+ or (a|ab)*), so some answers would take exponential time to check: "
            "rewrite it without the nesting (a+ instead of (a+)+), or make the inner part possessive (a++)")
