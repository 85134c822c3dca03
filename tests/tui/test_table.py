"""The check and stats tables are drawn at the widths their rows need, also when they
are cleared and filled again (Textual's DataTable kept a frame drawn before it measured
the new rows)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from kata.tui.widgets.table import Table


async def refilled_line(table_class: type[DataTable]) -> str:
    """Row 0 of a table filled, measured, then cleared and filled again with rows of the
    same size, one frame being drawn before the table measured them."""

    class One(App):
        def compose(self) -> ComposeResult:
            yield table_class()

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(table_class)

        async def fill_and_measure(*, draw_first: bool) -> None:
            table.clear(columns=True)
            table.add_columns("", "check")
            table.add_row("✓", "overflow")
            if draw_first:
                table.render_line(1)  # a frame drawn before the idle measurement
            while table._new_rows or table._require_update_dimensions:
                await pilot.pause()

        await fill_and_measure(draw_first=False)
        assert table.render_line(1).text.startswith(" ✓  overflow")
        await fill_and_measure(draw_first=True)
        return table.render_line(1).text


async def test_a_refilled_table_is_drawn_at_its_measured_widths():
    assert (await refilled_line(Table)).startswith(" ✓  overflow")


async def test_control_textual_s_own_table_keeps_the_frame_drawn_before_measuring():
    line = await refilled_line(DataTable)
    if line.startswith(" ✓  overflow"):
        pytest.skip("Textual's DataTable no longer keeps the stale frame: kata.tui.widgets.table can go")
    assert "overf" in line and "overflow" not in line
