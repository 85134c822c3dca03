"""A DataTable that never shows its columns at the width of their labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable


class Table(DataTable):
    """Textual's DataTable measures new rows when its message pump is idle. A frame drawn
    between adding rows and that measurement is cached under a key the measurement does
    not change, unless the table's virtual size changes with it: so a table cleared and
    filled again with rows of the same size kept showing its columns at the width of
    their labels (``overf`` for ``overflow``, no status mark) until the cursor moved.
    Here a measurement that changes a column's width also drops the cached frame."""

    def _widths(self) -> list[int]:
        return [column.get_render_width(self) for column in self.ordered_columns]

    def _redraw_if_wider(self, before: list[int]) -> None:
        if self._widths() != before:
            self._update_count += 1  # part of every cached line's and row's key
            self.refresh()

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        before = self._widths()
        super()._update_dimensions(new_rows)
        self._redraw_if_wider(before)

    def _update_column_widths(self, updated_cells: set[Any]) -> None:
        before = self._widths()
        super()._update_column_widths(updated_cells)
        self._redraw_if_wider(before)
