"""The kata's code editor: a Python TextArea whose Enter keeps the line's indentation
(and indents once more after a line ending in ``:``), as a code editor does."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea


class CodeEditor(TextArea):
    async def _on_key(self, event: events.Key) -> None:
        if event.key != "enter" or self.read_only:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        start, end = sorted(self.selection)
        before = self.document[start[0]][: start[1]]
        indent = before[: len(before) - len(before.lstrip(" \t"))]
        if before.rstrip().endswith(":"):
            indent += "\t" if self.indent_type == "tabs" else " " * self.indent_width
        self.replace("\n" + indent, start, end, maintain_selection_offset=False)
