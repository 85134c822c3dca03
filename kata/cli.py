"""The ``kata`` command line: parse arguments, call the core, map errors to exit codes.

Only a few light standard modules are imported up front: ``kata check`` starts the
grader's child process before anything else (argparse, numpy) is imported, so that the
two start-ups overlap.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import argparse

# Commands whose first act is grading a file: they get a child started ahead.
_PRESTART = frozenset({"check"})
# Global options that take a value, so the command name can be found before parsing.
_VALUE_OPTIONS = frozenset({"--data-dir", "--lang"})


def _load_commands():
    import importlib

    from kata.commands import COMMAND_MODULES

    return [importlib.import_module(f"kata.commands.{name}") for name in COMMAND_MODULES]


def _parser_class():
    import argparse

    class Parser(argparse.ArgumentParser):
        """Bad arguments are one line naming the command, and where to read more."""

        def error(self, message: str) -> NoReturn:
            from kata.grader.text import clean_line

            # The message quotes what was typed (a file name from a student, say): shown escaped.
            sys.stderr.write(f"{self.prog}: {clean_line(message, None)} (see `{self.prog} --help`)\n")
            raise SystemExit(2)

    return Parser


def _data_dir(text: str) -> str:
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give the folder to keep progress in")
    return text


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from kata import __version__
    from kata.lang import LANGS

    Parser = _parser_class()
    parser = Parser(
        prog="kata",
        description="A terminal dojo for machine-learning interview practice: "
        "hand-written numpy katas graded in an isolated process, and question banks.",
    )
    parser.add_argument("--version", action="version", version=f"kata {__version__}")
    # Options that every command accepts, before or after the command name.
    common = Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        type=_data_dir,
        default=argparse.SUPPRESS,
        help="where progress and workspaces are kept (default: $KATA_HOME or the platform's data dir)",
    )
    common.add_argument(
        "--lang",
        choices=LANGS,
        default=argparse.SUPPRESS,
        help="language of statements, questions and the grader's messages and hints "
        "(default: $KATA_LANG, else en; the app: its saved choice)",
    )
    parser.add_argument("--data-dir", metavar="DIR", type=_data_dir, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--lang", choices=LANGS, default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _load_commands():
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else ""
        p = sub.add_parser(
            module.NAME,
            parents=[common],
            help=summary,
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def command_name(argv: Sequence[str]) -> str | None:
    """The command in ``argv`` (its first word that is not a global option), if any."""
    words = iter(argv)
    for word in words:
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif word == "--":
            return next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # A terminal or a pipe that cannot show every character (PYTHONIOENCODING=ascii, a
    # C locale) gets escapes, never an encoding error in place of the report.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    from kata.grader.spawn import single_threaded_numpy

    single_threaded_numpy()
    command = command_name(argv)
    if command is None:  # the app handles its own signals
        return _run(argv, None)
    from kata.commands._signals import stopped_by_signals

    prestarted = None
    # From the first moment: Ctrl-C, SIGTERM or a closed terminal end the command with
    # one line, after its child is ended and its folder removed.
    with stopped_by_signals() as stopped:
        try:
            if command in _PRESTART:
                from kata.grader.spawn import prestart, shielded

                with shielded():  # a signal now waits until the child has a name to be ended by
                    try:
                        prestarted = prestart()
                    except Exception:  # noqa: BLE001 - the command starts one itself, and reports the problem
                        prestarted = None
            return _run(argv, prestarted)
        except KeyboardInterrupt:
            print("kata: interrupted", file=sys.stderr)
            return 128 + (stopped.signal or 2)
        finally:
            if prestarted is not None and not prestarted.taken:
                from kata.grader.spawn import shielded

                with shielded():
                    prestarted.discard()


def _run(argv: list[str], prestarted) -> int:
    from kata.errors import EXIT_INTERNAL, KataError

    try:
        args = build_parser().parse_args(argv)  # bad arguments: one line and SystemExit(2)
        args.prestarted = prestarted
        if args.command is None:
            return _open_app(args)
        return int(args._run(args) or 0)
    except KataError as err:
        from kata.grader.text import clean_line

        # Every domain error is printed here, and most quote a path or other outside text:
        # one place makes them safe for the terminal (escape sequences, bidi overrides).
        print(f"kata: {clean_line(str(err), None)}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:
        # `kata list | head`: the reader went away; nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as err:  # a bug in kata: one line, unless asked for the traceback
        from kata.commands._signals import received

        if received() is not None or _interrupted(err):  # a signal came mid-import, and was wrapped
            raise KeyboardInterrupt from None
        if os.environ.get("KATA_DEBUG"):
            raise
        print(
            f"kata: internal error: {type(err).__name__}: {_clean(str(err))} "
            "(set KATA_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _clean(text: str) -> str:
    from kata.grader.text import clean_line

    return clean_line(text, None)


def _interrupted(err: BaseException) -> bool:
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, KeyboardInterrupt):
            return True
        seen.add(id(err))
        err = err.__cause__ or err.__context__  # type: ignore[assignment]
    return False


def entry() -> NoReturn:
    """The console script and ``python -m kata``: run, then exit.

    After a grading command, the process ends without the interpreter's teardown
    (freeing numpy's modules one by one costs more than the checks of a small kata).
    Everything is written by then: the report is flushed below and the progress store
    commits each result as it is recorded."""
    code = main()
    if command_name(sys.argv[1:]) in _PRESTART:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            code = code or 1
        os._exit(code)
    raise SystemExit(code)


def _open_app(args: argparse.Namespace) -> int:
    """`kata` alone: the interactive app in a terminal; the overview when output is piped."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        build_parser().print_help()
        return 0
    from kata.store import Store

    # A progress store that cannot be opened (damaged, newer, unwritable, a file where
    # the folder should be) is one line here, before the app takes the terminal.
    Store.open(args.data_dir).close()
    from kata.tui.app import run_app

    return run_app(data_dir=args.data_dir, lang=args.lang)
