"""A kata's texts (``texts.yaml`` in its folder) and its statement as Markdown.

``texts.yaml`` holds, each in every language of ``kata.lang.LANGS``: ``title``,
``summary``, ``statement``, ``why`` (why interviewers ask it), ``hints`` (a list, shown
one at a time) and ``messages`` (the kata's own check messages: hints, the classic
mistakes, what a property check says). The app and ``kata show`` read it with the fast
loader; ``validate_texts`` checks it with the strict reader the question banks use,
and the test suite runs it on every kata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kata.errors import InternalError
from kata.harness.compare import TOLERANCES
from kata.lang import LANGS, pick

if TYPE_CHECKING:
    from kata.harness.contract import Kata

TEXT_KEYS = ("title", "summary", "statement", "why")
ALL_KEYS = (*TEXT_KEYS, "hints", "messages")


@dataclass(frozen=True)
class KataTexts:
    title: dict[str, str]
    summary: dict[str, str]
    statement: dict[str, str]
    why: dict[str, str]
    hints: tuple[dict[str, str], ...]


def load_texts(path: Path) -> KataTexts:
    import yaml  # only statements need it; `kata check` of a passing file never loads texts

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as err:
        raise InternalError(f"kata texts {path} cannot be read: {err}") from None
    if not isinstance(data, dict):
        raise InternalError(f"kata texts {path}: expected a mapping")

    def text(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) for lang in LANGS):
            raise InternalError(f"{path}: `{key}` needs a text in each of {', '.join(LANGS)}")
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


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _needs_chinese(key: str, text: str) -> bool:
    """Whether a zh text must hold Chinese: not for a formula (``formula.*`` keys), a
    Python literal, or a text of only ``{fields}`` and punctuation."""
    from kata.harness.messages import fields_of

    if key.startswith("formula.") or text.strip() in ("None", "True", "False"):
        return False
    rest = text
    for name in fields_of(text):
        rest = rest.replace("{" + name + "}", "")
    return any(ch.isalpha() for ch in rest)


def _pairs(node: Any) -> list[tuple[Any, Any]]:
    """A mapping node's (key, value) pairs (the tree keeps them as one flat list)."""
    return list(zip(node.items[::2], node.items[1::2], strict=True))


class _Rules:
    """The rules every text in kata's own YAML obeys, reporting ``FILE:LINE:COL: what``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def at(self, node: Any, what: str) -> None:
        from kata.yamltree import position

        line, col = position(node)
        self.problems.append(f"{self.path}:{line}:{col}: {what}")

    def texts(self, node: Any, where: str, *, key: str = "", placeholders: bool = False) -> None:
        from kata.harness.messages import fields_of
        from kata.yamltree import Mapping, Scalar

        if not isinstance(node, Mapping):
            self.at(node, f"{where} must map each language to a text")
            return
        found = {k.value: v for k, v in _pairs(node) if isinstance(k, Scalar)}
        for lang in LANGS:
            value = found.get(lang)
            if not isinstance(value, Scalar) or not value.value.strip():
                self.at(node, f"{where} has no {lang} text")
            elif lang == "zh" and not _chinese(value.value) and _needs_chinese(key, value.value):
                self.at(value, f"{where}: the zh text is not Chinese")
        for extra in set(found) - set(LANGS):
            self.at(node, f"{where}: unknown language `{extra}` (kata speaks {', '.join(LANGS)})")
        if placeholders and all(isinstance(found.get(lang), Scalar) for lang in LANGS):
            sets = {lang: fields_of(found[lang].value) for lang in LANGS}
            if len({frozenset(s) for s in sets.values()}) > 1:
                self.at(node, f"{where}: the languages use different {{fields}}: {sets}")

    def messages(self, node: Any) -> None:
        from kata.yamltree import Mapping, Scalar

        if not isinstance(node, Mapping):
            self.at(node, "messages must map keys to texts")
            return
        for mkey, mvalue in _pairs(node):
            name = mkey.value if isinstance(mkey, Scalar) else "?"
            self.texts(mvalue, f"message `{name}`", key=str(name), placeholders=True)


def _parse(path: Path, rules: _Rules) -> Any:
    from kata.yamltree import YamlRefused, parse, read_text

    try:
        return parse(read_text(path))
    except YamlRefused as err:
        rules.problems.append(f"{path}: {err}")
        return None


def validate_messages(path: Path) -> list[str]:
    """Every problem of a shared message catalog (``messages.yaml``), as for texts."""
    rules = _Rules(path)
    root = _parse(path, rules)
    if root is not None:
        rules.messages(root)
    return rules.problems


def validate_texts(path: Path) -> list[str]:
    """Every problem of a kata's texts file, as ``FILE:LINE:COL: what``, read with the
    strict reader the banks use (no aliases, tags or surprises): each key present, each
    text in every language and not empty, the Chinese really Chinese, and each message's
    ``{fields}`` the same in every language."""
    from kata.yamltree import Mapping, Scalar, Sequence

    rules = _Rules(path)
    root = _parse(path, rules)
    if root is None:
        return rules.problems
    problems = rules.problems
    at, texts = rules.at, rules.texts

    if not isinstance(root, Mapping):
        return [f"{path}: expected a mapping of {', '.join(ALL_KEYS)}"]
    found = {k.value: (k, v) for k, v in _pairs(root) if isinstance(k, Scalar)}
    for key in ALL_KEYS:
        if key not in found:
            problems.append(f"{path}: `{key}` is missing")
    for key, (knode, value) in found.items():
        if key not in ALL_KEYS:
            at(knode, f"unknown key `{key}` (known: {', '.join(ALL_KEYS)})")
        elif key in TEXT_KEYS:
            texts(value, key)
        elif key == "hints":
            if not isinstance(value, Sequence) or len(value.items) < 2:
                at(value, "`hints` needs at least two hints, from a nudge to the answer")
            else:
                for i, item in enumerate(value.items, start=1):
                    texts(item, f"hint {i}")
        elif key == "messages":
            rules.messages(value)
    return problems


# ---------------------------------------------------------------- the statement

_HEADINGS = {
    "en": {
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
        "indices": "The indices are compared exactly and in order: there is no tolerance for an index.",
        "indices-allowed": "The indices are compared exactly and in order, except for the differences within "
        "rounding that the contract above allows.",
    },
    "zh": {
        "tolerance": "误差容限",
        "examples": "示例",
        "why": "面试官为什么问",
        "hints": "提示",
        "meta": "难度 {stars} · 建议用时 {minutes} 分钟 · 在文件中定义 `{sig}`",
        "tol": "逐元素比较：|实际 − 期望| ≤ atol + rtol·|期望|。float64 输入 atol = {a64:g}、rtol = {r64:g}；"
        "float32 输入 atol = {a32:g}、rtol = {r32:g}。NaN 永远不算匹配。",
        "hint": "提示 {n}",
        "exact": "结果逐元素精确比较：布尔掩码没有误差容限。",
        "indices": "下标按顺序精确比较：下标没有误差容限。",
        "indices-allowed": "下标按顺序精确比较，只有上面约定中允许的、舍入误差范围内的差别除外。",
    },
}


def _show(value: Any) -> str:
    with np.printoptions(precision=8, suppress=False, linewidth=88):
        if isinstance(value, np.ndarray):
            return repr(value)
        if isinstance(value, tuple):
            return "(" + ", ".join(_show(v) for v in value) + ")"
        return repr(value)


def _tolerance_rule(kata: Kata, h: dict[str, str]) -> str:
    """How answers are compared: exactly (a mask, indices, with the differences ``Indices.allowed``
    lets through) or to the dtype's tolerance."""
    from kata.harness.results import Indices

    if isinstance(kata.result, Indices):
        return h["indices-allowed"] if kata.result.allowed is not None else h["indices"]
    return h["exact"] if kata.exact else h["tol"]


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
        _tolerance_rule(kata, h).format(a64=a64, r64=r64, a32=a32, r32=r32),
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
