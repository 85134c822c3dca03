"""Small charts drawn with Unicode: Braille line plots and block bars (no dependencies)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

_BRAILLE_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][col]
_EIGHTHS = " ▏▎▍▌▋▊▉█"
MIN_WIDTH = 30  # a plot narrower than this shows too little: its marker labels go below it


@dataclass(frozen=True)
class Series:
    label: str
    fn: Callable[[float], float]
    style: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str
    style: str = "bold"


def line_plot(
    series: Sequence[Series],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    width: int = 60,
    height: int = 12,
    markers: Sequence[Marker] = (),
    columns: int | None = None,
) -> Text:
    """A Braille plot of ``series`` (2x4 dots a cell), with y labels, an x axis, a legend
    and ``markers`` (a ● and its label). ``columns``: the terminal cells the whole plot
    may take; the plot is made narrower (down to MIN_WIDTH) so that each marker's label
    fits on its row, and a label that still would not is put under the plot instead, so
    no line ever wraps into the picture."""
    x0, x1 = x_range
    y0, y1 = y_range
    label_w = max(len(f"{y1:g}"), len(f"{y0:g}"), len(f"{(y0 + y1) / 2:g}"))
    beside = list(markers)
    below: list[Marker] = []
    if columns is not None:
        width = max(1, min(width, columns - label_w - 2))
        tail = max((cell_len(" ← " + m.label) for m in markers), default=0)
        if tail and width + tail > columns - label_w - 2:
            if columns - label_w - 2 - tail >= MIN_WIDTH:
                width = columns - label_w - 2 - tail
            else:
                beside, below = [], list(markers)
    px_w, px_h = width * 2, height * 4
    bits = [[0] * width for _ in range(height)]
    owner: list[list[str | None]] = [[None] * width for _ in range(height)]

    def to_px(x: float, y: float) -> tuple[int, int]:
        col = round((x - x0) / (x1 - x0) * (px_w - 1))
        row = round((y1 - y) / (y1 - y0) * (px_h - 1))
        return col, row

    for s in series:
        previous: int | None = None
        for col in range(px_w):
            x = x0 + (x1 - x0) * col / (px_w - 1)
            y = s.fn(x)
            _, row = to_px(x, y)
            rows = [row] if previous is None else range(min(previous, row), max(previous, row) + 1)
            for r in rows:  # join steep steps so the curve stays connected
                if 0 <= r < px_h:
                    cy, cx = divmod(r, 4)[0], col // 2
                    bits[cy][cx] |= _BRAILLE_BITS[r % 4][col % 2]
                    owner[cy][cx] = s.style
            previous = row
    marks: dict[tuple[int, int], Marker] = {}
    for m in markers:
        if m not in beside:
            col, row = to_px(m.x, m.y)
            if 0 <= row < px_h and 0 <= col < px_w:
                marks.setdefault((row // 4, col // 2), Marker(m.x, m.y, "", m.style))
            continue
        col, row = to_px(m.x, m.y)
        if 0 <= row < px_h and 0 <= col < px_w:
            marks[(row // 4, col // 2)] = m
    out = Text()
    for r in range(height):
        if r == 0:
            label = f"{y1:g}"
        elif r == height - 1:
            label = f"{y0:g}"
        elif r == height // 2:
            label = f"{(y0 + y1) / 2:g}"
        else:
            label = ""
        out.append(label.rjust(label_w) + " ┤", style="dim")
        row_marks = []
        for c in range(width):
            if (r, c) in marks:
                out.append("●", style=marks[(r, c)].style)
                row_marks.append(marks[(r, c)].label)
            elif bits[r][c]:
                out.append(chr(0x2800 + bits[r][c]), style=owner[r][c] or "")
            else:
                out.append(" ")
        row_marks = [label for label in row_marks if label]
        if row_marks:
            out.append(" ← " + ", ".join(row_marks), style="bold")
        out.append("\n")
    out.append(" " * label_w + " └" + "─" * width + "\n", style="dim")
    left, right = f"{x0:g}", f"{x1:g}"
    out.append(" " * (label_w + 2) + left + right.rjust(width - len(left)) + "\n", style="dim")
    for s in series:
        out.append(" " * (label_w + 2) + "━━ ", style=s.style)
        out.append(s.label + "\n")
    for m in below:
        out.append(" " * (label_w + 2) + "● ", style=m.style)
        out.append(m.label + "\n", style="bold")
    return out


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    width: int = 40,
    maximum: float | None = None,
    style: str = "",
    fmt: str = "{:.3f}",
) -> Text:
    """Horizontal bars, one a row, in eighths of a cell."""
    top = maximum if maximum is not None else max((v for _, v in rows), default=1.0) or 1.0
    label_w = max((len(label) for label, _ in rows), default=0)
    out = Text()
    for label, value in rows:
        eighths = round(max(0.0, min(value, top)) / top * width * 8)
        full, part = divmod(eighths, 8)
        bar = "█" * full + (_EIGHTHS[part] if part else "")
        out.append(label.ljust(label_w) + " │", style="dim")
        out.append(bar.ljust(width), style=style)
        out.append(" " + fmt.format(value) + "\n")
    return out
