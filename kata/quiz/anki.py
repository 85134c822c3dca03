"""The question banks as an Anki deck (``.apkg``), built with genanki.

One note per question, all of one note type (:data:`MODEL_ID`, "kata question") with
one card template: the front holds the prompt (and the options of a choice question),
the back the answer, the explanation, why each wrong option is wrong, and the
references, in each language asked for. Each bank is a sub-deck of the ``kata`` deck
(:data:`DECK_ID`), so ``kata::Sigmoid and softmax`` and its neighbours sit together.

The ids are fixed so that importing a newer export updates what an older one created:

* :data:`DECK_ID` and :data:`MODEL_ID` are constants; a bank's sub-deck id is derived
  from the bank id (:func:`bank_deck_id`). Change ``MODEL_ID`` when the fields of the
  note type change: Anki keeps a note type's fields once imported.
* A note's GUID is derived from the bank id and the question id, never from the text
  (:func:`note_guid`), so editing a question's wording and exporting again updates the
  note in Anki (which matches notes by GUID) instead of adding a second one. Progress
  in kata is keyed by the question id for the same reason.

Texts are the banks' own, escaped for HTML all the same. The built-in banks write their
formulas in plain Unicode (σ, Σ, ∂), which needs nothing; TeX in a bank, as ``\\(...\\)``,
``\\[...\\]``, ``$...$`` or ``$$...$$`` (pandoc's rule: an opening ``$`` followed by a
non-space, a closing one after a non-space and before no digit, so ``$20 and $30`` stays
text; ``\\$`` is a dollar), becomes Anki's MathJax ``\\(...\\)`` / ``\\[...\\]``.

Nothing here imports Textual; genanki is imported when a deck is built.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import re
import sqlite3
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kata.quiz.model import Bank, Question, QuestionType, Text
from kata.quiz.stats import PROVENANCE_TAGS

if TYPE_CHECKING:
    import genanki

#: The parent deck ``kata``; each bank is a sub-deck of it (:func:`bank_deck_id`).
DECK_ID = 1_797_313_070
#: The note type "kata question". Change it when :data:`FIELDS` change.
MODEL_ID = 1_797_313_071
DECK_NAME = "kata"
MODEL_NAME = "kata question"
#: What ``--lang`` may ask for: one language, or every language on each card.
DECK_LANGS = ("en", "zh", "both")
LANGS = ("en", "zh")
#: The note type's fields, in order. ``Id`` comes first: Anki checks the first field for
#: duplicates and sorts by it, and the question id is unique across all banks.
FIELDS = (
    "Id", "Bank",
    "Question_en", "Question_zh",
    "Answer_en", "Answer_zh",
    "Explanation_en", "Explanation_zh",
    "References",
)  # fmt: skip

# The deck's own words, in every language (same keys in each; tests check it).
WORDS = {
    "en": {
        "choose-one": "Choose one.",
        "choose-all": "Choose all that apply.",
        "true-false": "True or false?",
        "numeric": "Answer with a number.",
        "short": "Answer in a word or a few.",
        "card": "Answer from memory, then compare.",
        "true": "True",
        "false": "False",
        "within": "within {tolerance}",
        "or": " or ",
        "accepted": "Accepted: ",
        "pattern": "Any answer matching: ",
        "why-not": "Why not:",
        "parent": "ML interview questions from kata's banks, one sub-deck per bank.",
    },
    "zh": {
        "choose-one": "单选。",
        "choose-all": "多选：选出所有正确项。",
        "true-false": "判断正误。",
        "numeric": "请给出一个数值。",
        "short": "用一个词或短语回答。",
        "card": "先凭记忆作答，再对照答案。",
        "true": "对",
        "false": "错",
        "within": "误差 {tolerance} 以内",
        "or": " 或 ",
        "accepted": "可接受的答案：",
        "pattern": "符合以下模式的答案：",
        "why-not": "错误选项为何不对：",
        "parent": "kata 题库中的机器学习面试题，每个题库一个子牌组。",
    },
}

_TEMPLATE_FRONT = "".join(
    f'{{{{#Question_{lang}}}}}<div class="kata-lang" lang="{lang}">{{{{Question_{lang}}}}}</div>'
    f"{{{{/Question_{lang}}}}}"
    for lang in LANGS
)
_TEMPLATE_BACK = (
    '{{FrontSide}}\n<hr id="answer">\n'
    + "".join(
        f'{{{{#Answer_{lang}}}}}<div class="kata-lang" lang="{lang}"><div class="kata-answer">'
        f"{{{{Answer_{lang}}}}}</div>{{{{Explanation_{lang}}}}}</div>{{{{/Answer_{lang}}}}}"
        for lang in LANGS
    )
    + '{{#References}}<div class="kata-refs">{{References}}</div>{{/References}}'
    + '<div class="kata-id">{{Bank}} · {{Id}}</div>'
)
_CSS = """\
.card { font-family: -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", sans-serif;
        font-size: 18px; text-align: left; line-height: 1.45; color: black; background: white; }
.kata-lang + .kata-lang { border-top: 1px dashed #999; margin-top: 0.8em; padding-top: 0.8em; }
.kata-hint { color: #666; font-size: 0.85em; }
.kata-answer { font-weight: bold; margin-bottom: 0.5em; }
.kata-why { font-size: 0.9em; }
.kata-refs, .kata-id { color: #666; font-size: 0.8em; margin-top: 0.8em; }
.nightMode .card, .night_mode .card { color: #eee; background: #222; }
"""


@dataclass(frozen=True, slots=True)
class Exported:
    """What a written deck holds."""

    path: Path
    notes: int
    decks: int
    languages: tuple[str, ...]


# -- ids, tags, HTML ----------------------------------------------------------------------


def note_guid(bank_id: str, question_id: str) -> str:
    """The note's GUID: from the bank and question ids only, so it survives any edit of
    the question's text. Anki's own base-91 form, as ``genanki.guid_for`` makes it."""
    from genanki import guid_for

    return guid_for("kata", bank_id, question_id)


def bank_deck_id(bank_id: str) -> int:
    """The sub-deck id of a bank: fixed for a bank id (40 bits of its SHA-256 above
    2**40, clear of :data:`DECK_ID` and of Anki's millisecond-timestamp ids)."""
    digest = hashlib.sha256(f"kata-deck:{bank_id}".encode()).digest()
    return (1 << 40) + int.from_bytes(digest[:5], "big")


_TAG_BAD = re.compile(r'[\s"\x00-\x1f\x7f]+')


def anki_tag(text: str) -> str:
    """``text`` as one Anki tag: Anki splits tags at white space and refuses quotes and
    control characters, so runs of those become ``_``; empty ``::`` levels go."""
    tag = _TAG_BAD.sub("_", text.strip())
    tag = "::".join(part for part in tag.split("::") if part)
    return tag or "_"


def question_tags(question: Question) -> list[str]:
    """The note's tags: ``kata``, the question's topic tags (the bank's included; the
    provenance tags ``seed``, ``seed-correction`` left out), ``difficulty::N`` and
    ``type::T``."""
    tags = ["kata", *(t for t in question.tags if t not in PROVENANCE_TAGS)]
    tags += [f"difficulty::{question.difficulty}", f"type::{question.type.value}"]
    return list(dict.fromkeys(anki_tag(tag) for tag in tags))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# In order: an escaped dollar, TeX already in Anki's delimiters, display $$...$$, inline $...$.
_MATH = re.compile(
    r"(?P<dollar>\\\$)"
    r"|(?P<anki>\\\((?:.|\n)*?\\\)|\\\[(?:.|\n)*?\\\])"
    r"|\$\$(?P<display>(?:\\.|[^$\\])+?)\$\$"
    r"|\$(?![\s$])(?P<inline>(?:\\.|[^$\\\n])+?)(?<!\s)\$(?!\d)"
)


def to_html(text: str) -> str:
    """A bank text as an Anki field: HTML-escaped, line breaks as ``<br>``, control
    characters dropped, and TeX formulas in Anki's MathJax delimiters."""
    text = _CONTROL.sub("", text)
    out: list[str] = []
    at = 0
    for match in _MATH.finditer(text):
        out.append(_plain(text[at : match.start()]))
        if match["dollar"]:
            out.append("$")
        elif match["anki"]:
            out.append(html.escape(match["anki"], quote=False))
        elif match["display"] is not None:
            out.append("\\[" + html.escape(match["display"], quote=False) + "\\]")
        else:
            out.append("\\(" + html.escape(match["inline"], quote=False) + "\\)")
        at = match.end()
    out.append(_plain(text[at:]))
    return "".join(out)


def _plain(text: str) -> str:
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def number(value: float) -> str:
    """A number as the bank wrote it: the shortest text that reads back as the same float."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


# -- the sides of a card ---------------------------------------------------------------


def _in(text: Text, lang: str, langs: Sequence[str]) -> str | None:
    """``text`` in ``lang`` if it has that language (or is the same in all), else None;
    with one language asked for, whatever language it has rather than nothing."""
    if lang in text.languages or "*" in text.languages or len(langs) == 1:
        return text.get(lang)
    return None


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def front(question: Question, lang: str) -> str:
    words = WORDS[lang]
    parts = [f"<div>{to_html(question.prompt.get(lang))}</div>"]
    if question.type.has_choices:
        items = "".join(f"<li>{to_html(choice.text.get(lang))}</li>" for choice in question.choices)
        parts.append(f'<ol type="A">{items}</ol>')
    hint = {
        QuestionType.SINGLE: "choose-one", QuestionType.MULTI: "choose-all",
        QuestionType.TRUE_FALSE: "true-false", QuestionType.NUMERIC: "numeric",
        QuestionType.SHORT: "short", QuestionType.CARD: "card",
    }[question.type]  # fmt: skip
    parts.append(f'<div class="kata-hint">{html.escape(words[hint])}</div>')
    return "".join(parts)


def answer(question: Question, lang: str) -> str:
    words = WORDS[lang]
    kind = question.type
    if kind.has_choices:
        return "<br>".join(
            f"{_letter(i)}. {to_html(question.choices[i].text.get(lang))}" for i in question.correct_indices
        )
    if kind is QuestionType.TRUE_FALSE:
        return html.escape(words["true" if question.answer else "false"])
    if kind is QuestionType.NUMERIC:
        shown = number(float(question.answer))  # type: ignore[arg-type]
        tolerance = _tolerance(question, lang)
        return html.escape(f"{shown} ({words['within'].format(tolerance=tolerance)})" if tolerance else shown)
    if kind is QuestionType.SHORT:
        lines = []
        if question.accept:
            lines.append(html.escape(words["accepted"]) + to_html("; ".join(question.accept)))
        if question.patterns:
            shown = "; ".join(f"<code>{html.escape(p.pattern, quote=False)}</code>" for p in question.patterns)
            lines.append(html.escape(words["pattern"]) + shown)
        return "<br>".join(lines)
    items = "".join(f"<li>{to_html(point.get(lang))}</li>" for point in question.points)
    return f"<ul>{items}</ul>"


def _tolerance(question: Question, lang: str) -> str:
    tol = question.tolerance
    parts = []
    if tol.abs:
        parts.append(f"± {number(tol.abs)}")
    if tol.rel:
        parts.append(f"± {number(round(tol.rel * 100, 12))}%")
    return WORDS[lang]["or"].join(parts)


def explanation(question: Question, lang: str) -> str:
    parts = [f"<div>{to_html(question.explanation.get(lang))}</div>"]
    whys = [
        f"<li>{_letter(i)}. {to_html(choice.why.get(lang))}</li>"
        for i, choice in enumerate(question.choices)
        if choice.why is not None
    ]
    if whys:
        parts.append(
            f'<div class="kata-why">{html.escape(WORDS[lang]["why-not"])}<ul>{"".join(whys)}</ul></div>'
        )
    return "".join(parts)


def references(question: Question, langs: Sequence[str]) -> str:
    links = []
    for ref in question.references:
        titles = list(dict.fromkeys(ref.title.get(lang) for lang in langs))
        label = " / ".join(to_html(title) for title in titles)
        links.append(f'<a href="{html.escape(ref.url, quote=True)}">{label}</a>')
    return "<br>".join(links)


def note_fields(question: Question, bank_id: str, langs: Sequence[str]) -> list[str]:
    """The note's fields, in the order of :data:`FIELDS`; a language not asked for, or
    one a user bank does not have, is an empty field (and the card leaves it out)."""
    sides: dict[str, tuple[str, str, str]] = {}
    for lang in LANGS:
        if lang in langs and _in(question.prompt, lang, langs) is not None:
            sides[lang] = (front(question, lang), answer(question, lang), explanation(question, lang))
        else:
            sides[lang] = ("", "", "")
    return [
        html.escape(question.id), html.escape(bank_id),
        sides["en"][0], sides["zh"][0],
        sides["en"][1], sides["zh"][1],
        sides["en"][2], sides["zh"][2],
        references(question, langs),
    ]  # fmt: skip


# -- the deck --------------------------------------------------------------------------


def languages(choice: str) -> tuple[str, ...]:
    """``--lang``'s value as the languages of each card."""
    if choice == "both":
        return LANGS
    if choice in LANGS:
        return (choice,)
    raise ValueError(f"unknown deck language {choice!r}: one of {', '.join(DECK_LANGS)}")


def model() -> genanki.Model:
    import genanki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Question", "qfmt": _TEMPLATE_FRONT, "afmt": _TEMPLATE_BACK}],
        css=_CSS,
        sort_field_index=0,
    )


_TAG = re.compile(r"<[^<>]*>")


def deck_name(bank: Bank, langs: Sequence[str]) -> str:
    """``kata::<the bank's title>``, in the first language asked for, as plain text: no
    control, bidirectional or zero-width characters, no HTML tags (Anki shows deck names
    as HTML in places) and no stray ``<``/``>``; ``::`` in a title would nest a deck
    further, so it becomes ``:``. A title left empty by this is the bank id."""
    title = _TAG.sub(" ", bank.title.get(langs[0]))
    title = "".join(
        " " if char.isspace()
        else "" if unicodedata.category(char) in ("Cc", "Cf", "Cs") or char in "<>"
        else char
        for char in title
    )
    title = " ".join(title.split()).replace("::", ":")
    return f"{DECK_NAME}::{title or bank.id}"


def build_package(banks: Iterable[Bank], langs: Sequence[str]) -> genanki.Package:
    """Every question of ``banks`` as a note, in a sub-deck per bank."""
    import genanki

    note_type = model()
    parent = genanki.Deck(DECK_ID, DECK_NAME, WORDS[langs[0]]["parent"])
    decks = [parent]
    for bank in banks:
        deck = genanki.Deck(bank_deck_id(bank.id), deck_name(bank, langs))
        for question in bank.questions:
            deck.add_note(
                genanki.Note(
                    model=note_type,
                    fields=note_fields(question, bank.id, langs),
                    tags=question_tags(question),
                    guid=note_guid(bank.id, question.id),
                )
            )
        decks.append(deck)
    return genanki.Package(decks)


def field_checksum(sort_field: object) -> int:
    """A note's ``csum`` as Anki computes it: the first 8 hex digits of the SHA-1 of the
    sort field with its HTML stripped, as an integer."""
    stripped = html.unescape(_TAG.sub("", str(sort_field)))
    return int(hashlib.sha1(stripped.encode("utf-8")).hexdigest()[:8], 16)


def apkg_bytes(banks: Sequence[Bank], langs: Sequence[str], *, timestamp: float | None = None) -> bytes:
    """The ``.apkg`` file's bytes: a zip holding ``collection.anki2`` (the SQLite
    collection) and an empty ``media`` map.

    The collection is written here rather than by ``Package.write_to_file``, which leaves
    its temporary database behind in the temporary folder. ``timestamp`` (default: now)
    is the notes' modification time: Anki updates a note on import when the incoming one
    is newer, so a later export must carry a later time."""
    package = build_package(banks, langs)
    stamp = time.time() if timestamp is None else timestamp
    with tempfile.TemporaryDirectory(prefix="kata-anki-") as folder:
        db = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(db)
        try:
            package.write_to_db(conn.cursor(), stamp, itertools.count(int(stamp * 1000)))
            # genanki writes 0 for every note's checksum; Anki finds duplicates by it.
            conn.executemany(
                "UPDATE notes SET csum = ? WHERE id = ?",
                [(field_checksum(sfld), nid) for nid, sfld in conn.execute("SELECT id, sfld FROM notes")],
            )
            conn.commit()
        finally:
            conn.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(db, "collection.anki2")
            out.writestr("media", "{}")
    return buffer.getvalue()


def write_deck(banks: Sequence[Bank], path: Path, langs: Sequence[str]) -> Exported:
    """Write the deck to ``path`` atomically (the old file or the whole new one, never a
    part). Raises :class:`kata.fileio.OutputError`."""
    from kata.fileio import atomic_write

    data = apkg_bytes(banks, langs)
    atomic_write(path, data, label="the deck")
    return Exported(path, sum(len(bank) for bank in banks), len(banks), filled_languages(banks, langs))


def filled_languages(banks: Sequence[Bank], langs: Sequence[str]) -> tuple[str, ...]:
    """The languages of ``langs`` that some card of ``banks`` is written in: an
    English-only bank exported in both languages fills only the English side."""
    filled = []
    for lang in langs:
        column = FIELDS.index(f"Question_{lang}")
        if any(note_fields(q, bank.id, langs)[column] for bank in banks for q in bank.questions):
            filled.append(lang)
    return tuple(filled)
