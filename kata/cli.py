"""The ``kata`` command line: parse arguments, call the core, map errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from kata import __version__
from kata.commands import COMMAND_MODULES
from kata.errors import EXIT_INTERNAL, KataError


def _load_commands():
    return [importlib.import_module(f"kata.commands.{name}") for name in COMMAND_MODULES]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kata",
        description="A terminal dojo for machine-learning interview practice: "
        "hand-written numpy katas graded in an isolated process, and question banks.",
    )
    parser.add_argument("--version", action="version", version=f"kata {__version__}")
    # Options that every command accepts, before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where progress and workspaces are kept (default: $KATA_HOME or the platform's data dir)",
    )
    common.add_argument(
        "--lang",
        choices=("en", "zh"),
        default=argparse.SUPPRESS,
        help="language of statements and questions (default: en, or the app's saved choice)",
    )
    parser.add_argument("--data-dir", metavar="DIR", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--lang", choices=("en", "zh"), default=None, help=argparse.SUPPRESS)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _open_app(args)
        return int(args._run(args) or 0)
    except KataError as err:
        print(f"kata: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("kata: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `kata list | head`: the reader went away; nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as err:  # a bug in kata: one line, unless asked for the traceback
        if os.environ.get("KATA_DEBUG"):
            raise
        print(
            f"kata: internal error: {type(err).__name__}: {err} "
            "(set KATA_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _open_app(args: argparse.Namespace) -> int:
    """`kata` alone: the interactive app in a terminal; the overview when output is piped."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        build_parser().print_help()
        return 0
    from kata.tui.app import run_app

    return run_app(data_dir=args.data_dir, lang=args.lang)
