"""Keys shared by the screens that drive a quiz ``Session`` (Quiz and Review)."""

from __future__ import annotations

from kata.quiz import Result, Session


class SessionActions:
    """Undo, the Explore picture, and which of those keys apply right now.

    The screen sets ``session`` and ``last`` (the feedback being shown, if any) and
    implements ``_show_question`` to draw the current question again.
    """

    session: Session | None = None
    last: Result | None = None

    def _show_question(self) -> None:
        raise NotImplementedError

    def action_undo(self) -> None:
        if self.session is not None and self.session.undo() is not None:
            self.last = None
            self._show_question()

    def action_picture(self) -> None:
        """The Explore picture the question's explanation refers to."""
        if self.last is not None and self.last.question.figure:
            self.app.show_figure(self.last.question.figure)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.last is not None
        if action == "picture":
            return self.last is not None and self.last.question.figure is not None
        if action == "undo":
            return self.session is not None and self.session.can_undo()
        return True
