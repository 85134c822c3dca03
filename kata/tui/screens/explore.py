"""Explore: the pictures behind the questions. Sigmoid and its derivative (peak 0.25 at 0);
softmax of a logit vector as bars with a temperature control; two-class softmax against
sigmoid."""

from __future__ import annotations

import math
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from kata.tui.local_keys import LocalKeys
from kata.tui.i18n import t
from kata.tui.widgets.plot import Marker, Series, bar_chart, line_plot
from kata.tui.widgets.footer import SteadyFooter

LOGITS = (2.0, 1.0, 0.1, -1.0)
#: The bank's ``figure:`` names and the picture that draws each.
FIGURE_WIDGETS = {
    "sigmoid": "#sigmoid-plot",
    "softmax-temperature": "#softmax-bars",
    "two-class": "#two-class-plot",
}
TEMPERATURES = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def softmax(logits: tuple[float, ...], temperature: float) -> list[float]:
    scaled = [z / temperature for z in logits]
    top = max(scaled)
    exps = [math.exp(z - top) for z in scaled]
    total = sum(exps)
    return [e / total for e in exps]


class ExploreScreen(LocalKeys, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,minus", "temperature(-1)", "T −", id="cooler"),
        Binding("right,plus,equals_sign", "temperature(1)", "T +", id="warmer"),
        Binding("escape", "app.area('home')", "Home", id="home"),
    ]

    t_index: reactive[int] = reactive(3)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="explore-body"):
            yield Static(id="sigmoid-plot", classes="chart")
            yield Static(id="softmax-bars", classes="chart")
            yield Static(id="two-class-plot", classes="chart")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refresh_lang()
        self.query_one("#explore-body").focus()

    def refresh_lang(self) -> None:
        self._draw_sigmoid()
        self._draw_softmax()
        self._draw_two_class()

    def show_figure(self, figure: str) -> None:
        """Scroll to a bank figure's picture."""
        target = FIGURE_WIDGETS.get(figure)
        if target is not None:
            self.query_one(target).scroll_visible(top=True, animate=False)

    def action_temperature(self, step: int) -> None:
        self.t_index = max(0, min(len(TEMPERATURES) - 1, self.t_index + step))

    def watch_t_index(self) -> None:
        if self.is_mounted:
            self._draw_softmax()

    @property
    def temperature(self) -> float:
        return TEMPERATURES[self.t_index]

    def _width(self) -> int:
        return max(30, min(80, self.size.width - 20 if self.size.width else 60))

    def _columns(self) -> int:
        """The cells a plot's line may take: the screen's width less the padding around."""
        return max(40, (self.size.width or 100) - 8)

    def _draw_sigmoid(self) -> None:
        zh = self.app.lang == "zh"
        title = _title(
            "σ(x) 与 σ'(x) = σ(x)(1 − σ(x))" if zh else "σ(x) and σ'(x) = σ(x)(1 − σ(x))"
        )
        plot = line_plot(
            [
                Series("σ(x)", sigmoid, "cyan"),
                Series("σ'(x)", lambda x: sigmoid(x) * (1 - sigmoid(x)), "magenta"),
            ],
            x_range=(-6, 6),
            y_range=(0, 1),
            width=self._width(),
            height=10,
            columns=self._columns(),
            markers=[
                Marker(0, 0.25, "σ'(0) = 0.25 (峰值)" if zh else "σ'(0) = 0.25, the peak"),
                Marker(0, 0.5, "σ(0) = 0.5"),
            ],
        )
        note = (
            "\n梯度最多 0.25：每经过一层 sigmoid，反向传播的梯度至少缩小 4 倍。"
            if zh
            else "\nThe gradient is at most 0.25: each sigmoid layer shrinks a backpropagated "
            "gradient at least 4x."
        )
        self.query_one("#sigmoid-plot", Static).update(title + plot + note)

    def _draw_softmax(self) -> None:
        zh = self.app.lang == "zh"
        temp = self.temperature
        probs = softmax(LOGITS, temp)
        title = _title(
            f"softmax(z / T)，z = {list(LOGITS)}，{t('temperature', self.app.lang)} T = {temp:g}  (←/→)"
            if zh
            else f"softmax(z / T) for z = {list(LOGITS)}, {t('temperature', self.app.lang)} T = {temp:g}  (←/→)"
        )
        bars = bar_chart(
            [(f"z={z:g}", p) for z, p in zip(LOGITS, probs, strict=True)],
            width=self._width() - 10,
            maximum=1.0,
            style="green",
        )
        if zh:
            note = "T → 0：趋于 argmax（独热）；T → ∞：趋于均匀分布。T 不改变排序。"
        else:
            note = (
                "T → 0 tends to argmax (one-hot): softmax is a smooth argmax. T → ∞ tends to "
                "uniform. T never changes the order."
            )
        self.query_one("#softmax-bars", Static).update(title + bars + note)

    def _draw_two_class(self) -> None:
        zh = self.app.lang == "zh"
        title = _title(
            "二分类：softmax([z, 0])₀ 与 σ(z) 完全相同"
            if zh
            else "Two classes: softmax([z, 0])₀ is exactly σ(z)"
        )

        def two(z: float) -> float:
            return softmax((z, 0.0), 1.0)[0]

        worst = max(abs(two(z / 10) - sigmoid(z / 10)) for z in range(-80, 81))
        plot = line_plot(
            [Series("σ(z)", sigmoid, "cyan"), Series("softmax([z, 0])₀", two, "yellow")],
            x_range=(-8, 8),
            y_range=(0, 1),
            width=self._width(),
            height=8,
            columns=self._columns(),
        )
        note = (
            f"最大差值 {worst:.1e}：只有 logit 之差 z₀ − z₁ 有意义。"
            if zh
            else f"Largest difference {worst:.1e}: only the logit difference z₀ − z₁ matters."
        )
        self.query_one("#two-class-plot", Static).update(title + plot + note)


def _title(text: str) -> Text:
    return Text(text + "\n\n", style="bold")
