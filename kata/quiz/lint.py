"""Answer cues: statistics a test-taker can exploit without knowing the subject.

:func:`lint` measures, over a set of loaded banks, the cues an item writer leaves by habit:

- the correct option of a ``single`` question is the longest one (and by how much);
- the correct option sits in the same position of the bank file;
- ``true-false`` answers lean to one side;
- ``multi`` questions almost always have the same number of correct options, and
  "pick the k longest" scores well;
- correct options explain themselves ("because ...") while distractors are bare.

Each statistic has a bound (:data:`BOUNDS`); a statistic outside its bound is a
:class:`Cue`, and the questions that feed it are listed with their location so an author
can rewrite them. Only English texts are measured (every built-in text has one; a
single-language bank is measured in its language). Nothing here imports Textual.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kata.quiz.model import Bank, Question, QuestionType, Text

#: Bounds a set of banks must stay within (shares are fractions of the questions of a type).
BOUNDS = {
    "longest-correct": 0.35,  # most single questions whose correct option is the longest
    "position": 0.40,  # most single questions with the correct option in one slot
    "true-share-low": 0.40,  # true/false answers are true in at least ...
    "true-share-high": 0.60,  # ... and at most this share
    "multi-count": 0.40,  # most multi questions with one same number of correct options
    "because": 0.25,  # most choice questions that explain only their correct options
}
#: Fewer questions of a type than this and its shares are reported but not judged.
MIN_QUESTIONS = 5
#: A correct option this many times longer than the longest distractor is a strong cue.
STRONG_RATIO = 1.5

_BECAUSE = re.compile(r"\b(because|since|so that|which is why|as it|thanks to)\b", re.I)


def _text(text: Text) -> str:
    return text.get("en")


@dataclass(frozen=True, slots=True)
class Flagged:
    """One question that contributes to a cue, with what gives it away."""

    question: Question
    key: str
    values: dict[str, float]

    def describe(self, lang: str = "en") -> str:
        """``FILE:LINE:COL: id: what gives it away``, in ``lang``."""
        detail = _MESSAGES["zh" if lang == "zh" else "en"][self.key].format(**self.values)
        return f"{self.question.where}: {self.question.id}: {detail}"

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True, slots=True)
class Cue:
    """A statistic outside its bound."""

    name: str
    message: str


@dataclass
class LintReport:
    """The cue statistics of a set of banks, the cues found and the questions behind them."""

    singles: int = 0
    longest_correct: list[Flagged] = field(default_factory=list)
    strong_longest: int = 0
    positions: Counter[int] = field(default_factory=Counter)
    true_false: int = 0
    true_answers: int = 0
    multis: int = 0
    multi_counts: Counter[int] = field(default_factory=Counter)
    pick_longest_score: float = 0.0
    because: list[Flagged] = field(default_factory=list)
    choice_questions: int = 0
    difficulties: Counter[int] = field(default_factory=Counter)

    @property
    def flagged(self) -> list[Flagged]:
        """The questions behind the cues, in file order."""
        items = self.longest_correct + self.because
        return sorted(items, key=lambda f: (f.question.where.path, f.question.where.line))

    @property
    def questions(self) -> int:
        return sum(self.difficulties.values())

    @property
    def longest_share(self) -> float:
        return len(self.longest_correct) / self.singles if self.singles else 0.0

    @property
    def top_position(self) -> tuple[int, float]:
        """The slot (0-based) that most often holds the correct option, and its share."""
        if not self.singles:
            return 0, 0.0
        slot, count = self.positions.most_common(1)[0]
        return slot, count / self.singles

    @property
    def true_share(self) -> float:
        return self.true_answers / self.true_false if self.true_false else 0.0

    @property
    def top_multi_count(self) -> tuple[int, float]:
        """The most common number of correct options in multi questions, and its share."""
        if not self.multis:
            return 0, 0.0
        count, times = self.multi_counts.most_common(1)[0]
        return count, times / self.multis

    @property
    def because_share(self) -> float:
        return len(self.because) / self.choice_questions if self.choice_questions else 0.0

    @property
    def hard_share(self) -> float:
        """The share of questions at difficulty 4 or 5."""
        total = self.questions
        return (self.difficulties[4] + self.difficulties[5]) / total if total else 0.0

    def cues(self, lang: str = "en") -> list[Cue]:
        """Each statistic outside its bound; a type with under MIN_QUESTIONS is not judged."""
        m = _MESSAGES["zh" if lang == "zh" else "en"]
        b = BOUNDS
        found: list[Cue] = []
        if self.singles >= MIN_QUESTIONS:
            if self.longest_share > b["longest-correct"]:
                found.append(Cue("longest-correct", m["longest"].format(
                    n=len(self.longest_correct), total=self.singles, share=self.longest_share,
                    bound=b["longest-correct"])))
            slot, share = self.top_position
            if share > b["position"]:
                found.append(Cue("position", m["position"].format(
                    slot=slot + 1, share=share, bound=b["position"])))
        low, high = b["true-share-low"], b["true-share-high"]
        if self.true_false >= MIN_QUESTIONS and not low <= self.true_share <= high:
            found.append(Cue("true-false", m["true-false"].format(
                n=self.true_answers, total=self.true_false, share=self.true_share,
                low=low, high=high)))
        if self.multis >= MIN_QUESTIONS:
            count, share = self.top_multi_count
            if share > b["multi-count"]:
                found.append(Cue("multi-count", m["multi-count"].format(
                    share=share, count=count, bound=b["multi-count"])))
        if self.choice_questions >= MIN_QUESTIONS and self.because_share > b["because"]:
            found.append(Cue("because", m["because"].format(
                n=len(self.because), total=self.choice_questions, share=self.because_share,
                bound=b["because"])))
        return found

    def summary(self, lang: str = "en") -> list[str]:
        """The statistics, one a line."""
        m = _MESSAGES["zh" if lang == "zh" else "en"]
        slot, slot_share = self.top_position
        count, count_share = self.top_multi_count
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(self.multi_counts.items())) or "-"
        hard = self.difficulties[4] + self.difficulties[5]
        return [
            m["sum-single"].format(
                total=self.singles, n=len(self.longest_correct), share=self.longest_share,
                ratio=STRONG_RATIO, strong=self.strong_longest, slot=slot + 1,
                slot_share=slot_share),
            m["sum-tf"].format(total=self.true_false, n=self.true_answers, share=self.true_share),
            m["sum-multi"].format(total=self.multis, counts=counts, count=count,
                                  share=count_share, score=self.pick_longest_score),
            m["sum-because"].format(n=len(self.because), total=self.choice_questions,
                                    share=self.because_share),
            m["sum-hard"].format(n=hard, total=self.questions, share=self.hard_share),
        ]


_MESSAGES = {
    "en": {
        "longest": "the correct option is the longest in {n} of {total} single questions "
        "({share:.0%}; at most {bound:.0%}): lengthen a distractor or shorten the answer",
        "position": "the correct option is choice {slot} in {share:.0%} of single questions "
        "(at most {bound:.0%}): move it around",
        "true-false": "{n} of {total} true/false answers are true ({share:.0%}; keep it between "
        "{low:.0%} and {high:.0%}): turn some statements around",
        "multi-count": "{share:.0%} of multi questions have exactly {count} correct options "
        "(at most {bound:.0%}): vary how many are correct",
        "because": "in {n} of {total} choice questions only correct options give a reason "
        "({share:.0%}; at most {bound:.0%}): give distractors reasons too, or drop them",
        "sum-single": "single: {total}; the correct option is the longest in {n} "
        "({share:.0%}), by {ratio}x or more in {strong}; most common slot {slot} "
        "({slot_share:.0%})",
        "sum-tf": "true-false: {total}; true in {n} ({share:.0%})",
        "sum-multi": "multi: {total}; correct options per question {{{counts}}}, "
        "most common {count} ({share:.0%}); picking the k longest scores {score:.2f}",
        "sum-because": "reasons only on correct options: {n} of {total} choice questions "
        "({share:.0%})",
        "sum-hard": "difficulty 4-5: {n} of {total} ({share:.0%})",
        "longest-one": "the correct option is the longest ({n} characters, the next {next}, "
        "{ratio:.1f}x)",
        "because-one": "only the correct option gives a reason",
    },
    "zh": {
        "longest": "{total} 道单选题中有 {n} 道的正确选项最长"
        "（{share:.0%}，上限 {bound:.0%}）："
        "把干扰项写长一些，或把正确选项写短一些",
        "position": "{share:.0%} 的单选题正确选项都在第 {slot} 个"
        "（上限 {bound:.0%}）：调换一下位置",
        "true-false": "{total} 道判断题中有 {n} 道答案为“对”"
        "（{share:.0%}，应在 {low:.0%} 到 {high:.0%} 之间）："
        "把一些命题改成反面说法",
        "multi-count": "{share:.0%} 的多选题恰好有 {count} 个正确选项"
        "（上限 {bound:.0%}）：让正确选项的个数有变化",
        "because": "{total} 道选择题中有 {n} 道只有正确选项给出理由"
        "（{share:.0%}，上限 {bound:.0%}）：干扰项也写上理由，或者都不写",
        "sum-single": "单选题 {total} 道；正确选项最长的 {n} 道（{share:.0%}），"
        "其中长出 {ratio} 倍以上的 {strong} 道；"
        "正确选项最常出现在第 {slot} 个（{slot_share:.0%}）",
        "sum-tf": "判断题 {total} 道；答案为“对”的 {n} 道（{share:.0%}）",
        "sum-multi": "多选题 {total} 道；每题正确选项个数 {{{counts}}}，"
        "最常见 {count} 个（{share:.0%}）；"
        "“选最长的 k 个”平均得分 {score:.2f}",
        "sum-because": "只有正确选项给出理由的选择题：{n} / {total}（{share:.0%}）",
        "sum-hard": "难度 4-5 的题：{n} / {total}（{share:.0%}）",
        "longest-one": "正确选项最长（{n} 个字符，次长 {next}，{ratio:.1f} 倍）",
        "because-one": "只有正确选项给出了理由",
    },
}


def lint(banks: Iterable[Bank]) -> LintReport:
    """The cue statistics of every question in ``banks``."""
    report = LintReport()
    pick_scores: list[float] = []
    for bank in banks:
        for question in bank:
            report.difficulties[question.difficulty] += 1
            if question.type is QuestionType.SINGLE:
                _single(report, question)
            elif question.type is QuestionType.MULTI:
                pick_scores.append(_multi(report, question))
            elif question.type is QuestionType.TRUE_FALSE:
                report.true_false += 1
                report.true_answers += question.answer is True
            if question.type.has_choices:
                _because(report, question)
    report.pick_longest_score = sum(pick_scores) / len(pick_scores) if pick_scores else 0.0
    return report


def _single(report: LintReport, question: Question) -> None:
    report.singles += 1
    (right,) = question.correct_indices
    report.positions[right] += 1
    lengths = [len(_text(choice.text)) for choice in question.choices]
    others = [n for i, n in enumerate(lengths) if i != right]
    if others and lengths[right] > max(others):
        ratio = lengths[right] / max(max(others), 1)
        report.strong_longest += ratio >= STRONG_RATIO
        report.longest_correct.append(Flagged(question, "longest-one", {
            "n": lengths[right], "next": max(others), "ratio": ratio}))


def _multi(report: LintReport, question: Question) -> float:
    """Count the correct options; return the score of picking the k longest options."""
    from kata.quiz.grading import grade

    report.multis += 1
    k = len(question.correct_indices)
    report.multi_counts[k] += 1
    by_length = sorted(range(len(question.choices)),
                       key=lambda i: -len(_text(question.choices[i].text)))
    return grade(question, by_length[:k]).score


def _because(report: LintReport, question: Question) -> None:
    report.choice_questions += 1
    reasoned = [bool(_BECAUSE.search(_text(choice.text))) for choice in question.choices]
    right = [r for r, choice in zip(reasoned, question.choices) if choice.correct]
    wrong = [r for r, choice in zip(reasoned, question.choices) if not choice.correct]
    if any(right) and not any(wrong):
        report.because.append(Flagged(question, "because-one", {}))
