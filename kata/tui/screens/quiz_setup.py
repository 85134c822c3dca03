"""Set a quiz up (a dialog over the quiz): the banks, tags and difficulties it draws
from, how many questions a practice round and an exam have, and the exam's time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Select, SelectionList, Static

from kata.quiz import Catalog
from kata.quiz.stats import PROVENANCE_TAGS
from kata.tui.i18n import t

LENGTHS = (5, 10, 20, 30)
EXAM_MINUTES = (5, 10, 15, 20, 30, 45, 60)
DIFFICULTIES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class QuizPlan:
    """What a quiz asks. Empty ``banks``/``tags``: all of them; ``length`` None: every
    matching question."""

    banks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulty: tuple[int, int] = (1, 5)
    length: int | None = 10
    exam_length: int = 10
    exam_minutes: int = 10

    def as_json(self) -> dict[str, Any]:
        return {"tags": list(self.tags), "difficulty": list(self.difficulty), "length": self.length,
                "exam_length": self.exam_length, "exam_minutes": self.exam_minutes}

    @classmethod
    def from_json(cls, data: object, banks: tuple[str, ...], catalog: Catalog) -> QuizPlan:
        """A remembered plan, each part checked: what no longer fits (a tag that is gone,
        a number out of range, a stored value edited by hand) falls back to the default."""
        plan = cls(banks=banks)
        if not isinstance(data, dict):
            return plan
        known = set(topic_tags(catalog))
        tags = data.get("tags")
        if isinstance(tags, list):
            plan = _replace(plan, tags=tuple(dict.fromkeys(x for x in tags if isinstance(x, str) and x in known)))
        low_high = data.get("difficulty")
        if (isinstance(low_high, list) and len(low_high) == 2 and all(x in DIFFICULTIES for x in low_high)
                and low_high[0] <= low_high[1]):
            plan = _replace(plan, difficulty=(int(low_high[0]), int(low_high[1])))
        length = data.get("length", plan.length)
        if length is None or length in LENGTHS:
            plan = _replace(plan, length=length)
        if data.get("exam_length") in LENGTHS:
            plan = _replace(plan, exam_length=int(data["exam_length"]))
        if data.get("exam_minutes") in EXAM_MINUTES:
            plan = _replace(plan, exam_minutes=int(data["exam_minutes"]))
        return plan


def _replace(plan: QuizPlan, **changes: Any) -> QuizPlan:
    from dataclasses import replace

    return replace(plan, **changes)


def topic_tags(catalog: Catalog) -> list[str]:
    """The tags questions are about, most used first: not where they came from, and not
    a bank's own tags (choosing the bank says that)."""
    left_out = set(PROVENANCE_TAGS).union(*(bank.tags for bank in catalog.banks))
    counts: dict[str, int] = {}
    for question in catalog:
        for tag in question.tags:
            if tag not in left_out:
                counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda tag: (-counts[tag], tag))


class SetupDialog(ModalScreen[QuizPlan | None]):
    """Returns the plan chosen, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("s", "choose", "Start"),
    ]

    def __init__(self, catalog: Catalog, plan: QuizPlan, lang: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.plan = plan
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="bank-box"):
            with VerticalScroll(id="setup-body"):
                yield from self._choices()
            with Horizontal(id="bank-buttons"):
                yield Button(t("start", self.lang) + " (s)", id="bank-ok", variant="primary")
                yield Button(t("cancel", self.lang) + " (esc)", id="bank-cancel")

    def _choices(self) -> ComposeResult:
        lang, plan = self.lang, self.plan
        counts = {tag: 0 for tag in topic_tags(self.catalog)}
        for question in self.catalog:
            for tag in question.tags:
                if tag in counts:
                    counts[tag] += 1
        yield Static(t("pick_banks", lang), classes="section-title")
        yield SelectionList[str](
            *[(f"{bank.title.get(lang)}  [dim]({len(bank)})[/dim]", bank.id, not plan.banks or bank.id in plan.banks)
              for bank in self.catalog.banks],
            id="banks",
        )
        yield Static(t("pick_tags", lang), classes="section-title")
        yield SelectionList[str](*[(f"{tag}  [dim]({n})[/dim]", tag, tag in plan.tags) for tag, n in counts.items()],
                                 id="tags")
        stars = [("★" * d, d) for d in DIFFICULTIES]
        with Horizontal(classes="setup-row"):
            yield Static(t("difficulty_from", lang), classes="setup-label")
            yield Select(stars, value=plan.difficulty[0], allow_blank=False, id="difficulty-low")
            yield Static(t("difficulty_to", lang), classes="setup-label")
            yield Select(stars, value=plan.difficulty[1], allow_blank=False, id="difficulty-high")
        with Horizontal(classes="setup-row"):
            yield Static(t("practice_length", lang), classes="setup-label")
            yield Select([(str(n), n) for n in LENGTHS] + [(t("all_questions", lang), 0)], value=plan.length or 0,
                         allow_blank=False, id="length")
        with Horizontal(classes="setup-row"):
            yield Static(t("exam_length", lang), classes="setup-label")
            yield Select([(str(n), n) for n in LENGTHS], value=plan.exam_length, allow_blank=False, id="exam-length")
            yield Select([(t("minutes", lang, n=m), m) for m in EXAM_MINUTES], value=plan.exam_minutes,
                         allow_blank=False, id="exam-minutes")

    def on_resize(self) -> None:
        # the buttons stay in sight: the choices scroll in what the screen leaves them
        self.query_one("#setup-body").styles.max_height = max(6, self.size.height - 8)

    def on_mount(self) -> None:
        self.on_resize()
        banks = self.query_one("#banks", SelectionList)
        banks.highlighted = 0  # a visible cursor from the start: space toggles what it shows
        self.query_one("#tags", SelectionList).highlighted = 0
        banks.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "bank-ok":
            self.action_choose()
        else:
            self.action_cancel()

    def chosen_plan(self) -> QuizPlan | None:
        """The plan the dialog shows now; None (with a word why) if it asks for nothing."""
        selected = tuple(self.query_one("#banks", SelectionList).selected)
        if not selected:
            self.notify(t("pick_banks", self.lang), severity="warning")
            return None
        low = self.query_one("#difficulty-low", Select).value
        high = self.query_one("#difficulty-high", Select).value
        low, high = (int(low), int(high)) if int(low) <= int(high) else (int(high), int(low))
        length = int(self.query_one("#length", Select).value)
        plan = QuizPlan(
            banks=() if len(selected) == len(self.catalog.banks) else selected,
            tags=tuple(self.query_one("#tags", SelectionList).selected),
            difficulty=(low, high),
            length=length or None,
            exam_length=int(self.query_one("#exam-length", Select).value),
            exam_minutes=int(self.query_one("#exam-minutes", Select).value),
        )
        matching = [q for q in self.catalog if (not plan.banks or q.bank_id in plan.banks)
                    and (not plan.tags or any(tag in q.tags for tag in plan.tags))
                    and low <= q.difficulty <= high]
        if not matching:
            self.notify(t("nothing_matches", self.lang), severity="warning")
            return None
        return plan

    def action_choose(self) -> None:
        plan = self.chosen_plan()
        if plan is not None:
            self.dismiss(plan)

    def action_cancel(self) -> None:
        self.dismiss(None)
