"""Validate a bank's node tree against the format of ``questions/README.md``.

:func:`build_bank` walks the tree node by node, collects every problem it finds (each at
the line and column of the offending node) and returns a :class:`~kata.quiz.model.Bank`
only when there are none. Messages name the field, say what is wrong and what to write
instead. Reading single values lives in :mod:`kata.quiz.fields`.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from kata.quiz.fields import FieldChecker, describe
from kata.quiz.grading import normalise_text
from kata.quiz.model import (
    FIGURES,
    Bank,
    Choice,
    Location,
    Problem,
    Question,
    QuestionType,
    Reference,
    Text,
    Tolerance,
)
from kata.quiz.patterns import pattern_problem
from kata.yamltree import Mapping, Node, Scalar, Sequence

BANK_KEYS = ("bank", "title", "tags", "questions")
COMMON_KEYS = (
    "id", "type", "difficulty", "tags", "prompt", "explanation", "references", "figure",
)  # fmt: skip
TYPE_KEYS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SINGLE: ("choices",),
    QuestionType.MULTI: ("choices",),
    QuestionType.TRUE_FALSE: ("answer",),
    QuestionType.NUMERIC: ("answer", "tolerance"),
    QuestionType.SHORT: ("accept", "patterns"),
    QuestionType.CARD: ("points",),
}
ALL_QUESTION_KEYS = COMMON_KEYS + ("choices", "answer", "tolerance", "accept", "patterns", "points")
CHOICE_KEYS = ("text", "correct", "why")
TOLERANCE_KEYS = ("abs", "rel")
REFERENCE_KEYS = ("title", "url")
_TYPES = ", ".join(t.value for t in QuestionType)

_MISSING_HINTS = {
    "bank": "the bank id, such as 'activations'",
    "title": "the bank's title",
    "questions": "the list of questions",
    "id": "a unique id such as 'sigmoid-range'",
    "type": f"one of {_TYPES}",
    "difficulty": "an integer from 1 (warm-up) to 5 (hard)",
    "prompt": "the question itself",
    "explanation": "shown after the answer; every question needs one",
    "choices": "a list of {text, correct?, why?}",
    "points": "a list of what a complete answer contains",
    "text": "what the choice says",
    "url": "the reference's address",
}


def build_bank(root: Node | None, path: str, *, builtin: bool) -> tuple[Bank | None, list[Problem]]:
    """The bank described by ``root``, or ``None`` and the problems that prevent it."""
    checker = _Checker(path, builtin)
    bank = checker.bank(root)
    problems = sorted(checker.problems, key=lambda p: (p.line, p.col))
    return (bank if not problems else None), problems


class _Checker(FieldChecker):
    """Builds one file's bank, collecting its problems."""

    missing_hints = _MISSING_HINTS

    def __init__(self, path: str, builtin: bool) -> None:
        super().__init__(path, builtin)
        self.ids: dict[str, Location] = {}

    # -- the bank --------------------------------------------------------------------

    def bank(self, root: Node | None) -> Bank | None:
        if root is None:
            self.problems.append(
                Problem(
                    self.path, 1, 1, "the file is empty: a bank needs bank, title and questions"
                )
            )
            return None
        if not isinstance(root, Mapping):
            self.problem(
                root,
                f"the top level must be a mapping with bank, title and questions, not {describe(root)}",
            )
            return None
        found = self.fields(root, BANK_KEYS, "the bank", known=ALL_QUESTION_KEYS)
        assert found is not None
        owner = "the bank"
        bank_id = title = None
        bank_node = self.require(found, "bank", root, owner)
        if bank_node is not None:
            bank_id = self.ident(bank_node, "bank")
        title_node = self.require(found, "title", root, owner)
        if title_node is not None:
            title = self.text(title_node, "title")
            if title is not None:
                for lang, value in title.items:
                    unsafe = _unsafe_in_a_title(value)
                    if unsafe is not None:
                        where = "" if lang == "*" else f" in {lang}"
                        self.problem(
                            title_node,
                            f"'title'{where} holds the control character {unsafe}: a title is one "
                            "line of text (a heading and an Anki deck name), remove it",
                        )
                        title = None
                        break
        tags = self.tags(found["tags"][1]) if "tags" in found else ()
        questions: list[Question] = []
        questions_node = self.require(found, "questions", root, owner)
        if questions_node is not None:
            items = self.sequence(questions_node, "questions", example="[{id: ..., type: ...}]")
            if items is not None and not items:
                self.problem(
                    questions_node, "'questions' is empty: a bank needs at least one question"
                )
            for item in items or ():
                question = self.question(item, bank_id or "", tags)
                if question is not None:
                    questions.append(question)
        if self.problems or bank_id is None or title is None:
            return None
        return Bank(
            id=bank_id,
            title=title,
            questions=tuple(questions),
            path=self.path,
            builtin=self.builtin,
            tags=tags,
            where=self.location(bank_node),  # type: ignore[arg-type]  # set when bank_id is
        )

    # -- questions -------------------------------------------------------------------

    def question_type(self, node: Mapping) -> QuestionType | None:
        items = node.items
        for i in range(0, len(items), 2):
            key = items[i]
            if isinstance(key, Scalar) and key.value == "type":
                value = items[i + 1]
                if isinstance(value, Scalar):
                    try:
                        return QuestionType(value.value)
                    except ValueError:
                        pass
                typed = value.value if isinstance(value, Scalar) else ""
                close = difflib.get_close_matches(typed, [t.value for t in QuestionType], n=1)
                hint = f": did you mean '{close[0]}'?" if close else f"; use one of {_TYPES}"
                self.problem(value, f"unknown question type {describe(value)}{hint}")
                return None
        return None

    def question(self, node: Node, bank_id: str, bank_tags: tuple[str, ...]) -> Question | None:
        if not isinstance(node, Mapping):
            self.problem(
                node,
                f"a question must be a mapping with id, type, prompt, ..., not {describe(node)}",
            )
            return None
        before = len(self.problems)
        qtype = self.question_type(node)
        allowed = COMMON_KEYS + (
            TYPE_KEYS[qtype] if qtype else ALL_QUESTION_KEYS[len(COMMON_KEYS) :]
        )
        found = self.fields(
            node,
            allowed,
            "a question",
            known=ALL_QUESTION_KEYS,
            hint_for=_TYPE_HINTS[qtype] if qtype else None,
        )
        assert found is not None
        qid = None
        id_node = found.get("id", (None, None))[1]
        if id_node is not None:
            qid = self.ident(id_node, "id")
            if qid is not None:
                first = self.ids.get(qid)
                if first is not None:
                    self.problem(
                        id_node, f"duplicate question id '{qid}': already used at line {first.line}"
                    )
                else:
                    self.ids[qid] = self.location(id_node)
        owner = f"question '{qid}'" if qid else "this question"
        if id_node is None:
            self.require(found, "id", node, owner)
        if "type" not in found:
            self.require(found, "type", node, owner)
        difficulty = prompt = explanation = None
        if (n := self.require(found, "difficulty", node, owner)) is not None:
            difficulty = self.integer(n, "difficulty", 1, 5, "from 1 (warm-up) to 5 (hard)")
        if (n := self.require(found, "prompt", node, owner)) is not None:
            prompt = self.text(n, "prompt")
        if (n := self.require(found, "explanation", node, owner)) is not None:
            explanation = self.text(n, "explanation")
        tags = bank_tags
        if "tags" in found:
            tags = tuple(dict.fromkeys(bank_tags + self.tags(found["tags"][1])))
        references = self.references(found["references"][1]) if "references" in found else ()
        figure = None
        if "figure" in found:
            figure = self.figure(found["figure"][1])
        extra = self.typed_fields(qtype, found, node, owner) if qtype else {}
        if len(self.problems) > before or qid is None or qtype is None:
            return None
        # Without a problem, every required field was found and is valid.
        assert difficulty is not None and prompt is not None and explanation is not None
        assert id_node is not None
        return Question(
            id=qid,
            type=qtype,
            difficulty=difficulty,
            prompt=prompt,
            explanation=explanation,
            bank_id=bank_id,
            tags=tags,
            references=references,
            figure=figure,
            where=self.location(id_node),
            **extra,  # type: ignore[arg-type]  # keys and types match Question's fields
        )

    def typed_fields(
        self, qtype: QuestionType, found: dict[str, tuple[Scalar, Node]], node: Node, owner: str
    ) -> dict[str, object]:
        """The fields specific to ``qtype``, as keyword arguments of :class:`Question`."""
        if qtype.has_choices:
            choices_node = self.require(found, "choices", node, owner)
            choices = self.choices(choices_node, qtype) if choices_node is not None else None
            return {"choices": choices or ()}
        if qtype is QuestionType.TRUE_FALSE:
            answer_node = self.require(found, "answer", node, owner, "true or false")
            if answer_node is None:
                return {}
            return {"answer": self.boolean(answer_node, "answer")}
        if qtype is QuestionType.NUMERIC:
            answer_node = self.require(found, "answer", node, owner, "the expected number")
            answer = self.number(answer_node, "answer") if answer_node is not None else None
            tolerance = (
                self.tolerance(found["tolerance"][1]) if "tolerance" in found else Tolerance()
            )
            return {"answer": answer, "tolerance": tolerance or Tolerance()}
        if qtype is QuestionType.SHORT:
            return self.short(found, node, owner)
        points_node = self.require(found, "points", node, owner)
        points: list[Text] = []
        if points_node is not None:
            items = self.sequence(points_node, "points", example="[{en: ..., zh: ...}]")
            if items is not None and not items:
                self.problem(points_node, "'points' is empty: list what a complete answer contains")
            for item in items or ():
                point = self.text(item, "points")
                if point is not None:
                    points.append(point)
        return {"points": tuple(points)}

    def choices(self, node: Node, qtype: QuestionType) -> tuple[Choice, ...] | None:
        items = self.sequence(node, "choices", example="[{text: ..., correct: true}, {text: ...}]")
        if items is None:
            return None
        if len(items) < 2:
            what = "is empty" if not items else "has only one choice"
            self.problem(node, f"'choices' {what}: a {qtype} question needs at least two choices")
        choices: list[Choice] = []
        first_correct: Node | None = None
        texts: dict[tuple[tuple[str, str], ...], Node] = {}
        for item in items:
            found = self.fields(item, CHOICE_KEYS, "a choice", known=ALL_QUESTION_KEYS)
            if found is None:
                continue
            text_node = self.require(found, "text", item, "this choice")
            text = self.text(text_node, "text", translated=False) if text_node is not None else None
            correct = False
            if "correct" in found:
                correct = bool(self.boolean(found["correct"][1], "correct"))
            why = None
            if "why" in found:
                why_key, why_node = found["why"]
                why = self.text(why_node, "why")
                if correct:
                    self.problem(
                        why_key,
                        "'why' says why a choice is wrong, but this choice is correct: "
                        "put the reasoning in the question's 'explanation'",
                    )
            if text is not None and text_node is not None:
                key = tuple((lang, normalise_text(value)) for lang, value in text.items)
                if key in texts:
                    self.problem(
                        text_node,
                        f"same text as the choice at line {texts[key].mark.line + 1}: "
                        "choices must differ",
                    )
                texts.setdefault(key, text_node)
                choices.append(Choice(text=text, correct=correct, why=why))
            if correct:
                if qtype is QuestionType.SINGLE and first_correct is not None:
                    self.problem(
                        item,
                        f"a second correct choice (the first is at line {first_correct.mark.line + 1}): "
                        "a single question has exactly one; make it a multi question or unmark one",
                    )
                first_correct = first_correct or item
        if first_correct is None and items:
            count = "exactly one" if qtype is QuestionType.SINGLE else "at least one"
            self.problem(
                node, f"no choice is marked 'correct: true': a {qtype} question needs {count}"
            )
        return tuple(choices)

    def tolerance(self, node: Node) -> Tolerance | None:
        found = self.fields(node, TOLERANCE_KEYS, "'tolerance'")
        if found is None:
            return None
        if not found:
            self.problem(node, "'tolerance' needs abs, rel or both, such as {abs: 0.001}")
            return None
        values = {
            name: self.number(value, name, non_negative=True) for name, (_, value) in found.items()
        }
        abs_, rel = values.get("abs", 0.0), values.get("rel", 0.0)
        if abs_ is None or rel is None:
            return None
        return Tolerance(abs=abs_, rel=rel)

    def short(
        self, found: dict[str, tuple[Scalar, Node]], node: Node, owner: str
    ) -> dict[str, object]:
        if "accept" not in found and "patterns" not in found:
            self.problem(
                node,
                f"{owner} has neither 'accept' nor 'patterns': list the accepted answers, "
                "regular expressions, or both",
            )
            return {}
        accept: list[str] = []
        patterns: list[re.Pattern[str]] = []
        if "accept" in found:
            for item in self.sequence(found["accept"][1], "accept", example="[logsumexp]") or ():
                value = self.string(item, "accept")
                if value is not None:
                    accept.append(normalise_text(value))
        if "patterns" in found:
            example = "['^log[- ]?sum[- ]?exp$']"
            for item in self.sequence(found["patterns"][1], "patterns", example=example) or ():
                source = self.string(item, "patterns")
                if source is None:
                    continue
                try:
                    compiled = re.compile(source, re.IGNORECASE)
                except re.error as err:
                    where = f" at position {err.pos}" if err.pos is not None else ""
                    self.problem(item, f"invalid regular expression: {err.msg}{where}")
                    continue
                slow = pattern_problem(source)
                if slow:
                    self.problem(item, f"pattern {source!r}: {slow}")
                    continue
                patterns.append(compiled)
        for name in ("accept", "patterns"):
            listed = found[name][1] if name in found else None
            if isinstance(listed, Sequence) and not listed.items:
                self.problem(listed, f"'{name}' is empty: list at least one, or remove the key")
        return {"accept": tuple(dict.fromkeys(accept)), "patterns": tuple(patterns)}

    def references(self, node: Node) -> tuple[Reference, ...]:
        items = self.sequence(node, "references", example="[{title: ..., url: https://...}]")
        references: list[Reference] = []
        for item in items or ():
            found = self.fields(item, REFERENCE_KEYS, "a reference")
            if found is None:
                continue
            title_node = self.require(found, "title", item, "this reference", "the page's title")
            url_node = self.require(found, "url", item, "this reference")
            title = (
                self.text(title_node, "title", translated=False) if title_node is not None else None
            )
            url = self.string(url_node, "url") if url_node is not None else None
            if url is not None and url_node is not None:
                parts = urlsplit(url)
                if parts.scheme not in ("http", "https") or not parts.netloc:
                    self.problem(
                        url_node, f"'url' must be an http:// or https:// address, not {url!r}"
                    )
                    url = None
            if title is not None and url is not None:
                references.append(Reference(title=title, url=url))
        return tuple(references)

    def figure(self, node: Node) -> str | None:
        if isinstance(node, Scalar) and node.value in FIGURES:
            return node.value
        value = node.value if isinstance(node, Scalar) else ""
        close = difflib.get_close_matches(value, FIGURES, n=1)
        hint = f": did you mean '{close[0]}'?" if close else f"; use one of {', '.join(FIGURES)}"
        self.problem(node, f"unknown figure {describe(node)}{hint}")
        return None


def _type_hints(qtype: QuestionType | None) -> dict[str, str]:
    """Messages for keys that belong to other question types than ``qtype``."""
    if qtype is None:
        return {}
    hints: dict[str, str] = {}
    for key in ALL_QUESTION_KEYS[len(COMMON_KEYS) :]:
        if key in TYPE_KEYS[qtype]:
            continue
        owners = [t.value for t, keys in TYPE_KEYS.items() if key in keys]
        hints[key] = f"'{key}' is not used by {qtype} questions (only by {' and '.join(owners)})"
    if qtype.has_choices:
        hints["answer"] = (
            f"'answer' is not used by {qtype} questions: mark the right choice with 'correct: true'"
        )
    if qtype is QuestionType.SHORT:
        hints["answer"] = (
            "'answer' is not used by short questions: list accepted answers under 'accept'"
        )
    return hints


_TYPE_HINTS = {qtype: _type_hints(qtype) for qtype in QuestionType}


def _unsafe_in_a_title(text: str) -> str | None:
    """The first character of ``text`` that a terminal or a viewer would act on instead of
    showing (control characters, line breaks, bidirectional and zero-width marks), as
    Python would write it; None when there is none."""
    import unicodedata

    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            code = ord(char)
            return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return None
