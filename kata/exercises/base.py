"""What a kata is: its contract, metadata, texts, examples and hidden checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kata import paths
from kata.errors import InternalError
from kata.grader.checks import Check, CheckContext, CheckFailed, describe, expect_array, expect_close, expect_value
from kata.grader.compare import TOLERANCES

_HERE = Path(__file__).resolve().parent
TEXTS_DIR = _HERE / "texts"
STARTERS_DIR = _HERE / "starters"
LANGS = ("en", "zh")


@dataclass(frozen=True)
class Example:
    """A visible example: arguments; the expected result comes from the reference."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KataTexts:
    title: dict[str, str]
    summary: dict[str, str]
    statement: dict[str, str]
    why: dict[str, str]
    hints: tuple[dict[str, str], ...]


def pick(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


@dataclass(frozen=True)
class Kata:
    id: str
    function: str
    params: tuple[str, ...]
    difficulty: int  # 1 (warm-up) .. 5
    time_limit: int  # minutes, the default for timed practice
    reference: Callable[..., Any]  # the grader's own implementation, float64
    checks: tuple[Check, ...]
    examples: tuple[Example, ...]
    order: int = 100  # position in `kata list`
    exact: bool = False  # results compared exactly (boolean masks), not to a float tolerance

    @property
    def signature(self) -> str:
        return f"{self.function}({', '.join(self.params)})"

    @property
    def file_name(self) -> str:
        return self.id.replace("-", "_") + ".py"

    @property
    def starter_path(self) -> Path:
        return STARTERS_DIR / self.file_name

    @property
    def solution_path(self) -> Path:
        return paths.solutions_dir() / self.file_name

    @functools.cached_property
    def texts(self) -> KataTexts:
        return load_texts(TEXTS_DIR / f"{self.id}.yaml")

    def title(self, lang: str = "en") -> str:
        return pick(self.texts.title, lang)

    def summary(self, lang: str = "en") -> str:
        return pick(self.texts.summary, lang)

    def hints(self, lang: str = "en") -> list[str]:
        return [pick(h, lang) for h in self.texts.hints]

    def example_results(self) -> list[tuple[Example, Any]]:
        return [(ex, self.reference(*ex.args, **ex.kwargs)) for ex in self.examples]

    def example_checks(self) -> tuple[Check, ...]:
        """One check per visible example, for "run the examples" before submitting."""
        return tuple(
            Check(f"example-{i}", functools.partial(_run_example, self, ex, want))
            for i, (ex, want) in enumerate(self.example_results(), start=1)
        )


def _run_example(kata: Kata, example: Example, want: Any, ctx: CheckContext) -> None:
    named = {
        name: arg for name, arg in zip(kata.params, example.args, strict=False) if isinstance(arg, np.ndarray)
    }
    what = describe(kata.function, **named)
    res = ctx.call(*example.args, **example.kwargs)
    if isinstance(want, tuple):
        value = expect_value(res, what)
        if value.kind != "tuple" or len(value.items) != len(want):
            raise CheckFailed(f"{what} returned {value.describe()}; expected a tuple of {len(want)}")
        for item, expected in zip(value.items, want, strict=True):
            if item.array is None:
                raise CheckFailed(f"{what} returned {item.describe()} inside its tuple")
            expected = np.asarray(expected)
            if item.array.shape != expected.shape and item.array.size == expected.size == 1:
                expected = expected.reshape(item.array.shape)  # a float loss vs a 0-d array
            expect_close(item.array, expected.astype(np.float64), what, tol_dtype=_input_dtype(example.args))
        return
    want = np.asarray(want)
    got = expect_array(res, what, shape=want.shape)
    expect_close(got, want, what, tol_dtype=_input_dtype(example.args))


def _input_dtype(args: tuple[Any, ...]) -> np.dtype:
    for arg in args:
        if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
            return arg.dtype
    return np.dtype(np.float64)


def load_texts(path: Path) -> KataTexts:
    import yaml  # only statements need it; `kata check` never loads texts

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InternalError(f"kata texts {path} cannot be read: {err}") from None

    def text(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) for lang in LANGS):
            raise InternalError(f"{path}: `{key}` needs an `en` and a `zh` text")
        return {lang: value[lang] for lang in LANGS}

    hints = data.get("hints", [])
    if not isinstance(hints, list) or not hints:
        raise InternalError(f"{path}: `hints` must be a non-empty list")
    return KataTexts(
        title=text("title"),
        summary=text("summary"),
        statement=text("statement"),
        why=text("why"),
        hints=tuple({lang: str(h.get(lang, "")) for lang in LANGS} for h in hints),
    )


# ---------------------------------------------------------------- the statement

_HEADINGS = {
    "en": {
        "contract": "Contract",
        "tolerance": "Tolerance",
        "examples": "Examples",
        "why": "Why interviewers ask it",
        "hints": "Hints",
        "meta": "Difficulty {stars} · suggested time {minutes} min · define `{sig}` in your file",
        "tol": "Results are compared elementwise: |got − expected| ≤ atol + rtol·|expected|, "
        "with atol = {a64:g}, rtol = {r64:g} for float64 inputs and atol = {a32:g}, rtol = {r32:g} "
        "for float32. NaN never matches.",
        "hint": "Hint {n}",
        "exact": "The result is compared exactly, element by element: there is no tolerance for a boolean mask.",
    },
    "zh": {
        "contract": "函数约定",
        "tolerance": "误差容限",
        "examples": "示例",
        "why": "面试官为什么问",
        "hints": "提示",
        "meta": "难度 {stars} · 建议用时 {minutes} 分钟 · 在文件中定义 `{sig}`",
        "tol": "逐元素比较：|实际 − 期望| ≤ atol + rtol·|期望|。float64 输入 atol = {a64:g}、rtol = {r64:g}；"
        "float32 输入 atol = {a32:g}、rtol = {r32:g}。NaN 永远不算匹配。",
        "hint": "提示 {n}",
        "exact": "结果逐元素精确比较：布尔掩码没有误差容限。",
    },
}


def _show(value: Any) -> str:
    with np.printoptions(precision=8, suppress=False, linewidth=88):
        if isinstance(value, np.ndarray):
            return repr(value)
        if isinstance(value, tuple):
            return "(" + ", ".join(_show(v) for v in value) + ")"
        return repr(value)


def render_statement(kata: Kata, lang: str = "en", *, hints: int = 0) -> str:
    """The statement as Markdown: title, body, contract line, tolerance, examples, hints."""
    h = _HEADINGS.get(lang, _HEADINGS["en"])
    a64, r64 = TOLERANCES[np.dtype(np.float64)]
    a32, r32 = TOLERANCES[np.dtype(np.float32)]
    parts = [
        f"# {kata.title(lang)}",
        "*" + h["meta"].format(stars="★" * kata.difficulty + "☆" * (5 - kata.difficulty),
                               minutes=kata.time_limit, sig=kata.signature) + "*",
        pick(kata.texts.statement, lang).strip(),
        f"## {h['tolerance']}",
        h["exact"] if kata.exact else h["tol"].format(a64=a64, r64=r64, a32=a32, r32=r32),
        f"## {h['examples']}",
    ]
    for example, result in kata.example_results():
        call_args = ", ".join(
            [f"np.{_show(a)}" if isinstance(a, np.ndarray) else repr(a) for a in example.args]
            + [f"{k}={v!r}" for k, v in example.kwargs.items()]
        )
        parts.append(f"```python\n>>> {kata.function}({call_args})\n{_show(result)}\n```")
    parts += [f"## {h['why']}", pick(kata.texts.why, lang).strip()]
    if hints:
        parts.append(f"## {h['hints']}")
        for n, hint in enumerate(kata.hints(lang)[:hints], start=1):
            parts.append(f"**{h['hint'].format(n=n)}.** {hint.strip()}")
    return "\n\n".join(parts) + "\n"
