"""What the runner needs to know about katas, as an interface: the runner never imports
the catalog (``kata.exercises``); the command that starts a batch hands it one.

``kata.exercises`` itself satisfies ``KataSource`` (its module-level functions), and a
test can pass any object with these methods, for instance a catalog of one kata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kata.harness.contract import Kata


class KataSource(Protocol):
    def get_kata(self, kata_id: str) -> Kata:
        """The kata with this id; ``UsageError`` if there is none."""
        ...

    def pick(self, source: str, filename: str = "") -> Kata:
        """The one kata a file answers; ``kata.errors.NoKata`` if none or several."""
        ...

    def functions(self, kata_id: str | None = None) -> list[str]:
        """The function name one kata asks for, or every kata's."""
        ...

    def defined_functions(self, source: str) -> set[str]:
        """Names a source binds at its top level."""
        ...

    def detect(self, source: str) -> list[Kata]:
        """The katas whose function a source defines (helpers left out)."""
        ...
