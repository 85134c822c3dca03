"""`kata export anki`: the .apkg opens as an Anki collection (a zip with the SQLite
collection inside) holding one note and one card per question, with both languages,
the explanation and the bank's tags; a second export after editing a question keeps
every GUID and carries the new text; bad input is one line and exit status 2."""

from __future__ import annotations

import html
import json
import shutil
import sqlite3
import subprocess
import sys
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from kata.cli import main
from kata.quiz import Catalog, Question, QuestionType, load_banks
from kata.quiz.anki import (
    DECK_ID,
    FIELDS,
    MODEL_ID,
    WORDS,
    anki_tag,
    bank_deck_id,
    note_guid,
    number,
    to_html,
)
from kata.quiz.loader import builtin_bank_paths
from kata.quiz.stats import PROVENANCE_TAGS

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Note:
    guid: str
    tags: set[str]
    fields: dict[str, str]
    mod: int


@dataclass
class Deck:
    """What an .apkg holds, read back with zipfile and sqlite3 only."""

    names: list[str]
    notes: dict[str, Note]  # by question id (the first field)
    cards_per_template: Counter
    cards_per_deck: Counter  # deck name -> cards
    deck_of: dict[str, str]  # question id -> deck name
    decks: dict[int, str]
    models: dict


def read_apkg(path: Path, tmp_path: Path) -> Deck:
    assert zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
        db = tmp_path / f"{path.stem}-collection.anki2"
        db.write_bytes(zf.read("collection.anki2"))
        assert json.loads(zf.read("media")) == {}
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
        decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
        notes = {}
        for guid, mid, tags, flds, mod in conn.execute("SELECT guid, mid, tags, flds, mod FROM notes"):
            assert mid == MODEL_ID
            values = flds.split("\x1f")
            assert len(values) == len(FIELDS)
            fields = dict(zip(FIELDS, values))
            assert fields["Id"] not in notes
            notes[fields["Id"]] = Note(guid, set(tags.split()), fields, mod)
        per_template = Counter(ord_ for (ord_,) in conn.execute("SELECT ord FROM cards"))
        per_deck: Counter = Counter()
        deck_of = {}
        for did, flds in conn.execute("SELECT c.did, n.flds FROM cards c JOIN notes n ON c.nid = n.id"):
            per_deck[decks[did]] += 1
            deck_of[flds.split("\x1f")[0]] = decks[did]
        orphans = conn.execute("SELECT count(*) FROM cards WHERE nid NOT IN (SELECT id FROM notes)").fetchone()
        assert orphans == (0,)
    finally:
        conn.close()
    return Deck(names, notes, per_template, per_deck, deck_of, decks, json.loads(models_json))


@pytest.fixture(scope="module")
def builtin() -> Catalog:
    return load_banks(builtin_bank_paths())


@pytest.fixture(scope="module")
def full_deck(tmp_path_factory, builtin) -> Deck:
    """Every built-in bank, both languages: the default export (no user banks folder)."""
    folder = tmp_path_factory.mktemp("deck")
    out = folder / "kata.apkg"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # genanki warns of HTML tags in a field it takes for unescaped
        assert main(["--data-dir", str(folder / "home"), "export", "anki", "--out", str(out)]) == 0
    return read_apkg(out, folder)


def _expected_tags(question: Question) -> set[str]:
    return {"kata", *(set(question.tags) - PROVENANCE_TAGS), f"difficulty::{question.difficulty}",
            f"type::{question.type.value}"}  # fmt: skip


def test_the_deck_is_a_collection_with_a_note_and_a_card_per_question(full_deck, builtin):
    assert "collection.anki2" in full_deck.names
    assert len(full_deck.notes) == len(builtin) == sum(len(bank) for bank in builtin.banks)
    # One template ("Question"), so one card per note, every card of template 0.
    assert full_deck.cards_per_template == Counter({0: len(builtin)})
    model = full_deck.models[str(MODEL_ID)]
    assert [f["name"] for f in model["flds"]] == list(FIELDS)
    assert [t["name"] for t in model["tmpls"]] == ["Question"]
    assert full_deck.decks[DECK_ID] == "kata"
    # One sub-deck per bank, holding that bank's questions.
    for bank in builtin.banks:
        name = full_deck.decks[bank_deck_id(bank.id)]
        assert name == f"kata::{bank.title.get('en')}"
        assert full_deck.cards_per_deck[name] == len(bank)
        assert {full_deck.deck_of[q.id] for q in bank} == {name}
    assert len({bank_deck_id(bank.id) for bank in builtin.banks} | {DECK_ID}) == len(builtin.banks) + 1


def test_every_note_holds_both_languages_the_answer_and_the_explanation(full_deck, builtin):
    for question in builtin:
        fields = full_deck.notes[question.id].fields
        assert fields["Bank"] == question.bank_id
        for lang in ("en", "zh"):
            assert to_html(question.prompt.get(lang)) in fields[f"Question_{lang}"]
            assert to_html(question.explanation.get(lang)) in fields[f"Explanation_{lang}"]
            assert fields[f"Answer_{lang}"]
            for choice in question.choices:
                assert to_html(choice.text.get(lang)) in fields[f"Question_{lang}"]
                if choice.why is not None:
                    assert to_html(choice.why.get(lang)) in fields[f"Explanation_{lang}"]
        assert question.prompt.get("en") != question.prompt.get("zh")
        for ref in question.references:
            assert f'href="{html.escape(ref.url)}"' in fields["References"]


def test_the_answer_side_says_the_answer_in_each_language(full_deck, builtin):
    for question in builtin:
        fields = full_deck.notes[question.id].fields
        if question.type.has_choices:
            for i in question.correct_indices:
                letter = "ABCDEFGHIJ"[i]
                assert f"{letter}. {to_html(question.choices[i].text.get('zh'))}" in fields["Answer_zh"]
        elif question.type is QuestionType.TRUE_FALSE:
            assert fields["Answer_en"] == ("True" if question.answer else "False")
            assert fields["Answer_zh"] == ("对" if question.answer else "错")
        elif question.type is QuestionType.NUMERIC:
            assert fields["Answer_en"].startswith(number(question.answer))
            assert float(fields["Answer_en"].split()[0]) == question.answer


def test_texts_are_escaped_for_html(full_deck, builtin):
    """A bank's `x < 0` reaches Anki as text, never as a tag."""
    with_lt = [q for q in builtin if "x < 0" in q.explanation.get("en")
               or any(c.why and "x < 0" in c.why.get("en") for c in q.choices)]  # fmt: skip
    assert with_lt
    for question in with_lt:
        back = full_deck.notes[question.id].fields["Explanation_en"]
        assert "x &lt; 0" in back and "x < 0" not in back


def test_tags_come_from_the_bank_with_difficulty_and_type(full_deck, builtin):
    for question in builtin:
        tags = full_deck.notes[question.id].tags
        assert tags == _expected_tags(question)
        assert set(builtin.bank(question.bank_id).tags) - PROVENANCE_TAGS <= tags
        assert not tags & PROVENANCE_TAGS


def test_guids_come_from_the_bank_and_question_ids(full_deck, builtin):
    guids = {question.id: full_deck.notes[question.id].guid for question in builtin}
    assert len(set(guids.values())) == len(guids)
    for question in builtin:
        assert guids[question.id] == note_guid(question.bank_id, question.id)


def test_a_second_export_after_an_edit_keeps_every_guid_and_has_the_new_text(tmp_path):
    bank = tmp_path / "activations.yaml"
    shutil.copy(ROOT / "questions" / "activations.yaml", bank)
    out = tmp_path / "deck.apkg"
    assert main(["export", "anki", "--bank", str(bank), "--out", str(out)]) == 0
    first = read_apkg(out, tmp_path)
    old = "Which identity relates tanh to the logistic sigmoid σ?"
    new = "Which identity links tanh & the logistic sigmoid σ?"
    text = bank.read_text(encoding="utf-8")
    assert text.count(old) == 1
    bank.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["export", "anki", "--bank", str(bank), "--out", str(out)]) == 0
    second = read_apkg(out, tmp_path)
    assert len(second.notes) == len(first.notes) == len(load_banks([bank]).banks[0])
    assert {n.guid for n in second.notes.values()} == {n.guid for n in first.notes.values()}
    for qid, note in first.notes.items():
        assert second.notes[qid].guid == note.guid
    edited = second.notes["act-tanh-relation"].fields["Question_en"]
    assert html.escape(new, quote=False) in edited and old not in edited
    assert first.notes["act-tanh-relation"].fields["Question_en"].count(old) == 1
    # Only the edited note's text changed; the note stays in its deck.
    changed = [qid for qid in first.notes if first.notes[qid].fields != second.notes[qid].fields]
    assert changed == ["act-tanh-relation"]
    assert second.deck_of == first.deck_of
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".anki2")) == [
        "activations.yaml", "deck.apkg"]  # fmt: skip


def test_one_language_leaves_the_other_out(tmp_path, sample_path):
    for argv, lang in (
        (["export", "anki", "--lang", "en"], "en"),
        (["--lang", "zh", "export", "anki"], "zh"),
        (["export", "--lang", "zh", "anki"], "zh"),
    ):
        out = tmp_path / f"{lang}.apkg"
        assert main([*argv, "--bank", str(sample_path), "--out", str(out)]) == 0
        deck = read_apkg(out, tmp_path)
        other = "zh" if lang == "en" else "en"
        assert len(deck.notes) == 6
        for note in deck.notes.values():
            assert note.fields[f"Question_{lang}"] and note.fields[f"Explanation_{lang}"]
            assert note.fields[f"Question_{other}"] == note.fields[f"Explanation_{other}"] == ""
        assert deck.decks[bank_deck_id("sample")] == ("kata::Sample bank" if lang == "en" else "kata::示例题库")


def test_every_question_type_has_a_front_and_an_answer(tmp_path, sample_path, capsys):
    out = tmp_path / "sample.apkg"
    assert main(["export", "anki", "--bank", str(sample_path), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}: 6 notes in 1 deck (en+zh)\n"
    notes = read_apkg(out, tmp_path).notes
    assert notes["s-single"].fields["Answer_en"] == "A. (0, 1)"
    assert notes["s-multi"].fields["Answer_zh"] == "A. 照片标注<br>B. 人脸属性"
    assert notes["s-multi"].fields["Question_en"].count("<li>") == 4
    assert notes["s-tf"].fields["Answer_en"] == "True"
    assert notes["s-numeric"].fields["Answer_en"] == "0.25 (within ± 0.001)"
    assert notes["s-numeric"].fields["Answer_zh"] == "0.25 (误差 ± 0.001 以内)"
    short = notes["s-short"].fields["Answer_en"]
    assert "logsumexp; log-sum-exp" in short and "<code>^log[- ]?sum[- ]?exp( trick)?$</code>" in short
    assert notes["s-card"].fields["Answer_zh"] == "<ul><li>∂s_i/∂x_j = s_i(δ_ij - s_j)</li></ul>"
    assert notes["s-single"].tags == {"kata", "sample", "sigmoid", "difficulty::1", "type::single"}


def english_only_bank(tmp_path: Path) -> Path:
    """A bank of one true-false question, in English only."""
    bank = tmp_path / "en-only.yaml"
    bank.write_text(
        "bank: en-only\ntitle: {en: English only}\nquestions:\n"
        "  - {id: e-tf, type: true-false, difficulty: 1, prompt: {en: Is it?}, explanation: {en: It is.}, answer: true}\n",
        encoding="utf-8",
    )
    return bank


def test_a_bank_in_one_language_leaves_the_other_side_empty(tmp_path):
    bank = english_only_bank(tmp_path)
    out = tmp_path / "en.apkg"
    assert main(["export", "anki", "--bank", str(bank), "--out", str(out)]) == 0
    both = read_apkg(out, tmp_path).notes["e-tf"].fields
    assert both["Question_en"].startswith("<div>Is it?</div>") and both["Explanation_en"] == "<div>It is.</div>"
    assert both["Question_zh"] == both["Answer_zh"] == both["Explanation_zh"] == ""
    assert main(["export", "anki", "--lang", "zh", "--bank", str(bank), "--out", str(out)]) == 0
    zh = read_apkg(out, tmp_path).notes["e-tf"].fields
    assert zh["Question_zh"] == '<div>Is it?</div><div class="kata-hint">判断正误。</div>'
    assert zh["Answer_zh"] == "对"
    assert zh["Question_en"] == ""


TEX_BANK = r"""
bank: tex
title: "Maths: in TeX"
tags: [maths]
questions:
  - id: tex-scale
    type: card
    difficulty: 2
    prompt: 'Why scale scores by $\frac{1}{\sqrt{d_k}}$ when $d_k > 1$? <b>not bold</b>'
    explanation: "Display: $$\\operatorname{Var}(q \\cdot k) = d_k$$ costs \\$5, $20 and $30 stay text; \\(a<b\\) too."
    points: ["q·k has variance d_k"]
"""


def test_tex_formulas_become_anki_mathjax_and_html_is_escaped(tmp_path):
    bank = tmp_path / "tex.yaml"
    bank.write_text(TEX_BANK, encoding="utf-8")
    out = tmp_path / "tex.apkg"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["export", "anki", "--bank", str(bank), "--out", str(out)]) == 0
    fields = read_apkg(out, tmp_path).notes["tex-scale"].fields
    assert fields["Question_en"].startswith(
        r"<div>Why scale scores by \(\frac{1}{\sqrt{d_k}}\) when \(d_k &gt; 1\)? &lt;b&gt;not bold&lt;/b&gt;</div>"
    )
    assert fields["Explanation_en"] == (
        r"<div>Display: \[\operatorname{Var}(q \cdot k) = d_k\] costs $5, $20 and $30 stay text; \(a&lt;b\) too.</div>"
    )
    # A plain-string text serves every language: both sides are there.
    en_hint, zh_hint = WORDS["en"]["card"], WORDS["zh"]["card"]
    assert fields["Question_zh"] == fields["Question_en"].replace(en_hint, zh_hint)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("σ(x) = 1 / (1 + e^(-x)), x_i^2", "σ(x) = 1 / (1 + e^(-x)), x_i^2"),  # the banks' Unicode: untouched
        ("$x^2$", r"\(x^2\)"),
        ("$$\\sum_i x_i$$", r"\[\sum_i x_i\]"),
        (r"\(a < b\) and \[c > d\]", r"\(a &lt; b\) and \[c &gt; d\]"),
        ("$20 and $30", "$20 and $30"),
        ("$ x$ and $x $", "$ x$ and $x $"),
        ("$a$5", "$a$5"),
        (r"costs \$5", "costs $5"),
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("one\ntwo\x07", "one<br>two"),
        ('say "hi"', 'say "hi"'),
    ],
)
def test_to_html(text, field):
    assert to_html(text) == field


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("softmax", "softmax"), ("two words", "two_words"), ('a"b', "a_b"), ("a\tb\nc", "a_b_c"),
     ("::top::sub::", "top::sub"), ("  ", "_"), ("difficulty::3", "difficulty::3")],
)  # fmt: skip
def test_anki_tag_has_no_spaces(raw, tag):
    assert anki_tag(raw) == tag


def test_the_decks_words_have_every_language_and_the_same_fields():
    import string

    assert set(WORDS) == {"en", "zh"}
    assert WORDS["en"].keys() == WORDS["zh"].keys()
    for key in WORDS["en"]:
        fields = [{f for _, f, _, _ in string.Formatter().parse(WORDS[lang][key]) if f} for lang in WORDS]
        assert fields[0] == fields[1], key


def test_nothing_is_left_behind_and_an_old_deck_is_replaced(tmp_path, sample_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "deck.apkg"
    out.write_bytes(b"an older deck")
    assert main(["export", "anki", "--bank", str(sample_path), "--out", str(out)]) == 0
    assert zipfile.is_zipfile(out)
    assert [p.name for p in folder.iterdir()] == ["deck.apkg"]
    assert list(scratch.iterdir()) == []


def test_user_banks_are_exported_with_the_builtin_ones(tmp_path, kata_home, sample_path, builtin):
    (kata_home / "banks").mkdir(parents=True)
    shutil.copy(sample_path, kata_home / "banks" / "sample.yaml")
    out = tmp_path / "all.apkg"
    assert main(["export", "anki", "--out", str(out)]) == 0
    deck = read_apkg(out, tmp_path)
    assert len(deck.notes) == len(builtin) + 6
    out2 = tmp_path / "two.apkg"
    assert main(["export", "anki", "--bank", "sample", "--bank", "temperature", "--out", str(out2)]) == 0
    picked = read_apkg(out2, tmp_path)
    assert len(picked.notes) == 6 + len(builtin.bank("temperature"))
    assert set(picked.deck_of.values()) == {"kata::Sample bank", "kata::Softmax temperature"}


BROKEN = """\
bank: broken
title: Broken
questions:
  - id: b-one
    type: single
    difficulty: 9
    prompt: Which?
    explanation: None.
    choices: [{text: a, correct: true}, {text: b}]
"""


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("suffix", "--out {tmp}/deck.zip: an Anki deck is a .apkg file"),
        ("no-folder", "the deck {tmp}/missing/deck.apkg: its folder {tmp}/missing does not exist"),
        ("a-folder", "the deck {tmp}/folder.apkg is a folder"),
        ("unknown-bank", "--bank no-such-bank: no such bank file, folder or bank id (bank ids: activations,"),
        ("broken-bank", "cannot export an invalid bank: {tmp}/broken.yaml:6:17: "),
        ("clash", "duplicate question id 's-single'"),
        ("empty-folder", "--bank {tmp}/empty: no bank files (*.yaml, *.yml) in this folder"),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_exit_2(case, said, tmp_path, sample_path, capsys):
    (tmp_path / "folder.apkg").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "again.yaml").write_text(sample_path.read_text(encoding="utf-8").replace("bank: sample", "bank: again"))
    out = str(tmp_path / "deck.apkg")
    argv = {
        "suffix": ["--out", str(tmp_path / "deck.zip")],
        "no-folder": ["--out", str(tmp_path / "missing" / "deck.apkg")],
        "a-folder": ["--out", str(tmp_path / "folder.apkg")],
        "unknown-bank": ["--bank", "no-such-bank", "--out", out],
        "broken-bank": ["--bank", str(tmp_path / "broken.yaml"), "--out", out],
        "clash": ["--bank", str(sample_path), "--bank", str(tmp_path / "again.yaml"), "--out", out],
        "empty-folder": ["--bank", str(tmp_path / "empty"), "--out", out],
    }[case]
    assert main(["export", "anki", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("kata: ") and said.format(tmp=tmp_path) in line
    assert "Traceback" not in captured.err
    assert not (tmp_path / "deck.apkg").exists()


@pytest.mark.parametrize("argv", [["export"], ["export", "anki", "--lang", "fr"], ["export", "csv"]])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_exporting_imports_no_textual(tmp_path, sample_path):
    code = (
        "import sys; from kata.cli import main; "
        f"rc = main(['export', 'anki', '--bank', {str(sample_path)!r}, '--out', {str(tmp_path / 'd.apkg')!r}]); "
        "assert 'textual' not in sys.modules and 'genanki' in sys.modules; sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_a_deck_name_is_plain_text_whatever_the_title_holds():
    from kata.quiz.anki import deck_name
    from kata.quiz.model import Bank, Text

    def named(title: str) -> str:
        return deck_name(Bank(id="b", title=Text.of({"en": title}), questions=(), path="b.yaml", builtin=False,
                              tags=()), ("en",))

    assert named("Soft\x1b[31mmax <b>bold</b> <script>alert(1)</script>\u202e") == "kata::Soft[31mmax bold alert(1)"
    assert named("a\r\nb\x07c :: d") == "kata::a bc : d"
    assert named("<i></i>\x1b") == "kata::b"  # nothing left: the bank id


def test_html_in_a_title_does_not_reach_the_deck_name(tmp_path):
    bank = tmp_path / "t.yaml"
    bank.write_text(
        'bank: t\ntitle: {en: "<b>Bold</b> & <img src=x onerror=alert(1)> co"}\nquestions:\n'
        "  - {id: t-tf, type: true-false, difficulty: 1, prompt: {en: Is it?}, explanation: {en: It is.}, answer: true}\n",
        encoding="utf-8",
    )
    out = tmp_path / "t.apkg"
    assert main(["export", "anki", "--bank", str(bank), "--out", str(out)]) == 0
    assert read_apkg(out, tmp_path).deck_of["t-tf"] == "kata::Bold & co"


def test_a_control_character_in_a_bank_title_is_refused(tmp_path, capsys):
    bank = tmp_path / "esc.yaml"
    bank.write_text(
        'bank: esc\ntitle: {en: "Soft\\emax"}\nquestions:\n'
        "  - {id: e-tf, type: true-false, difficulty: 1, prompt: {en: Is it?}, explanation: {en: It is.}, answer: true}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bank)]) == 1
    said = capsys.readouterr()
    assert "control character \\x1b" in said.out and "\x1b" not in said.out + said.err
    assert main(["export", "anki", "--bank", str(bank), "--out", str(tmp_path / "e.apkg")]) == 2
    assert "control character \\x1b" in capsys.readouterr().err
    assert not (tmp_path / "e.apkg").exists()


def test_the_summary_counts_and_names_what_was_exported(tmp_path, capsys):
    bank = english_only_bank(tmp_path)
    out = tmp_path / "en.apkg"
    assert main(["export", "anki", "--bank", str(bank), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}: 1 note in 1 deck (en)\n"
    shutil.copy(ROOT / "questions" / "activations.yaml", tmp_path / "activations.yaml")
    both = load_banks([tmp_path / "activations.yaml"]).banks[0]
    assert main(["export", "anki", "--bank", str(bank), "--bank", str(tmp_path / "activations.yaml"),
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}: {len(both) + 1} notes in 2 decks (en+zh)\n"


def test_every_note_has_anki_s_checksum_of_its_sort_field(full_deck, tmp_path_factory):
    import hashlib

    from kata.quiz.anki import field_checksum

    assert field_checksum("a<b>b</b>&amp;c") == int(hashlib.sha1(b"ab&c").hexdigest()[:8], 16)
    folder = tmp_path_factory.mktemp("csum")
    out = folder / "deck.apkg"
    assert main(["export", "anki", "--bank", str(ROOT / "questions" / "activations.yaml"), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        (folder / "c.anki2").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(folder / "c.anki2")
    try:
        rows = conn.execute("SELECT sfld, csum FROM notes").fetchall()
    finally:
        conn.close()
    assert rows
    for sfld, csum in rows:
        assert csum == int(hashlib.sha1(str(sfld).encode()).hexdigest()[:8], 16) != 0
