"""Export the question banks to other tools: `kata export anki` writes an Anki deck.

`kata export anki` writes an .apkg file that Anki imports (File > Import): one note
per question in a sub-deck per bank (kata::<bank title>), the question and its options
on the front, the answer, the explanation and why each wrong option is wrong on the
back, in English and Chinese unless --lang picks one; tags from the bank (topic tags,
difficulty::N, type::T). Importing a later export updates the notes instead of adding
new ones: each note's id comes from its bank and question ids, not from its text.

Without --bank, every bank is exported: the built-in ones and those in your banks
folder (<data dir>/banks). --bank ID picks a bank by its id; --bank PATH a bank file or
a folder of them (only those are exported then). An invalid bank is one line naming
the file (run `kata validate` to see every problem), exit status 2.

Examples:
  kata export anki
  kata export anki --out softmax.apkg --bank sigmoid-softmax --bank temperature
  kata export anki --lang zh --out kata-zh.apkg
  kata export anki --bank my-banks/ --out mine.apkg
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kata.commands._options import given
from kata.grader.text import clean_line

NAME = "export"
DEFAULT_OUT = "kata.apkg"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="export_format", metavar="anki", required=True)
    anki = sub.add_parser(
        "anki",
        help="write the banks as an Anki deck (.apkg)",
        description="Write the question banks as an Anki deck (.apkg), one sub-deck per bank.",
    )
    anki.add_argument(
        "--out", default=DEFAULT_OUT, metavar="FILE.apkg", type=given("the .apkg file to write"), help=f"the deck to write (default: {DEFAULT_OUT})"
    )
    anki.add_argument(
        "--bank",
        action="append",
        default=[],
        metavar="ID|PATH",
        type=given("a bank id, or a bank file or folder"),
        help="export this bank (its id, or a bank file or folder) instead of all of them (repeatable)",
    )
    anki.add_argument(
        "--lang",
        dest="deck_lang",
        choices=("en", "zh", "both"),
        default=None,
        help="the languages on each card (default: both, English then Chinese; "
        "`kata --lang zh export anki` picks zh too)",
    )
    anki.add_argument(
        "--data-dir",
        metavar="DIR",
        type=given("the data directory"),
        default=argparse.SUPPRESS,
        help="the data directory whose banks folder is exported too (default: $KATA_HOME or the platform's)",
    )


def run(args: argparse.Namespace) -> int:
    from kata.errors import UsageError
    from kata.fileio import check_writable
    from kata.quiz.anki import languages, write_deck

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".apkg":
        raise UsageError(f"--out {args.out}: an Anki deck is a .apkg file; give a name ending in .apkg")
    banks = _banks(args.bank, getattr(args, "data_dir", None))
    if not banks:
        raise UsageError("no banks to export")
    check_writable(out, label="the deck")
    exported = write_deck(banks, out, languages(args.deck_lang or getattr(args, "lang", None) or "both"))
    print(
        f"wrote {clean_line(str(out), None)}: {exported.notes} note{'s' if exported.notes != 1 else ''} in "
        f"{exported.decks} deck{'s' if exported.decks != 1 else ''} ({'+'.join(exported.languages)})"
    )
    return 0


def _banks(chosen: list[str], data_dir: str | None):
    """The banks to export: all of them, or those named by id or path, loaded strictly."""
    from kata.errors import UsageError
    from kata.quiz.loader import bank_files, default_bank_paths, load_banks, read_bank
    from kata.quiz.model import InvalidBankError

    if not chosen:
        paths = default_bank_paths(data_dir)
    else:
        paths = []
        by_id = None
        for value in chosen:
            if Path(value).expanduser().exists():
                found = bank_files([value])
                if not found:
                    raise UsageError(f"--bank {value}: no bank files (*.yaml, *.yml) in this folder")
                paths += found
                continue
            if by_id is None:  # the default banks, by id; an invalid one cannot be picked
                by_id = {}
                for path in default_bank_paths(data_dir):
                    bank, _ = read_bank(path)
                    if bank is not None:
                        by_id.setdefault(bank.id, path)
            if value not in by_id:
                known = ", ".join(sorted(by_id)) or "none"
                raise UsageError(f"--bank {value}: no such bank file, folder or bank id (bank ids: {known})")
            paths.append(by_id[value])
        paths = list(dict.fromkeys(paths))
    try:
        return load_banks(paths).banks
    except InvalidBankError as err:
        raise UsageError(f"cannot export an invalid bank: {err}") from None
