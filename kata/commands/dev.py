"""For contributors: start a new kata, and check that every kata is complete.

`kata dev new ID` writes, in a source checkout, the kata's folder
(kata/exercises/ID/: kata.py, texts.yaml, starter.py), its reference solution in
solutions/ and a first fixture in tests/fixtures/submissions/ID/, every part to fill
in marked TODO. `kata dev check [ID...]` says what each kata still lacks: texts in
every language (the strict validator), a reference that runs, a solution that passes
every check, a starter that does not, and fixtures that fail exactly the checks they
declare. It exits with 1 while anything is missing.

Examples:
  kata dev new relu-backward --args dy,x --topic softmax
  kata dev check relu-backward
  kata dev check
"""

from __future__ import annotations

import argparse
import sys

NAME = "dev"
SEEDS = (7, 20261125)  # as tests/test_grader_fixtures.py grades fixtures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="dev_command", metavar="new|check", required=True)
    new = sub.add_parser("new", help="write the files of a new kata", description="Write the files of a new kata.")
    new.add_argument("id", metavar="ID", help="the new kata's id: lowercase words and dashes, like relu-backward")
    new.add_argument("--function", metavar="NAME", help="the function candidates write (default: the id with _)")
    new.add_argument("--topic", required=True, metavar="T",
                     help="the topic it is listed under: softmax, losses, normalisation, attention, detection, "
                          "convolution or clustering (kata/exercises/topics.py)")
    new.add_argument("--args", default="x", metavar="A,B",
                     help="the function's parameters, comma-separated (default: x; a backward pass: dy,x)")
    check = sub.add_parser("check", help="say what each kata still lacks",
                           description="Say what each kata still lacks; exit 1 while anything does.")
    check.add_argument("ids", metavar="ID", nargs="*", help="the katas to check (default: all)")


def run(args: argparse.Namespace) -> int:
    if args.dev_command == "new":
        return _new(args)
    return _check(args.ids)


def _new(args: argparse.Namespace) -> int:
    from kata.exercises.scaffold import checkout, new

    written = new(args.id, args.function, args.topic, args.args)
    root = checkout().root
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print(f"next: fill in every TODO, then `kata dev check {args.id}` until it says ok", file=sys.stderr)
    return 0


def _check(ids: list[str]) -> int:
    problems = 0
    for kata_id, found, summary in check_katas(ids):
        if found:
            problems += len(found)
            for problem in found:
                print(f"{kata_id}: {problem}")
        else:
            print(f"{kata_id}: ok ({summary})")
    if problems:
        print(f"kata dev check: {problems} problem{'s' if problems != 1 else ''} to fix", file=sys.stderr)
    return 1 if problems else 0


def check_katas(ids: list[str]):
    """For each kata (``ids``, or all): its id, its problems and, with none, a summary."""
    from kata.exercises import catalog, get_kata
    from kata.exercises.scaffold import checkout
    from kata.grader import Limits
    from kata.grader.pool import Pool

    from kata.exercises import broken

    failed = broken()
    for kata_id in ids or sorted(failed):
        if kata_id in failed:
            yield kata_id, [f"does not load: {failed[kata_id]}"], ""
    katas = [get_kata(i) for i in ids if i not in failed] if ids else list(catalog().values())
    fixtures = checkout().fixtures
    pool = Pool(1)
    try:
        for kata in katas:
            yield kata.id, *_problems(kata, fixtures, pool, Limits(timeout=20))
    finally:
        pool.close()


def _problems(kata, fixtures, pool, limits) -> tuple[list[str], str]:
    from kata.grader import grade
    from kata.harness.statement import validate_texts

    found = list(validate_texts(kata.texts_path))
    found += [f"{kata.texts_path}: message `{key}` is named by the contract but missing ({', '.join(langs)})"
              for key, langs in kata.missing_messages().items()]
    try:
        kata.weights()  # its points= name its own checks
    except ValueError as err:
        found.append(f"{kata.folder / 'kata.py'}: {err}")
    files = sorted((fixtures / kata.id).glob("*.py"))
    for path in (kata.folder / "kata.py", kata.texts_path, kata.starter_path, kata.solution_path, *files):
        if path.is_file() and "TODO" in path.read_text(encoding="utf-8", errors="replace"):
            found.append(f"{path}: still holds a TODO")
    try:
        kata.example_results()
    except NotImplementedError:
        found.append(f"{kata.folder / 'kata.py'}: the reference answer is not written yet")
        return found, ""
    except Exception as err:  # noqa: BLE001
        found.append(f"{kata.folder / 'kata.py'}: the reference fails on an example: {type(err).__name__}: {err}")
        return found, ""

    def graded(path):
        """Its reports for every seed the suite grades fixtures with."""
        reports = []
        for seed in SEEDS:
            with pool.slot() as spawner:
                reports.append(grade(path, kata, seed=seed, limits=limits, spawner=spawner))
        return reports

    def grader_failed(path, reports) -> bool:
        for report in reports:
            if report.error is not None and report.error.kind == "internal":
                found.append(f"{path}: the grader itself failed (seed {report.seed}): {report.error.message}")
                return True
        return False

    if not kata.solution_path.is_file():
        found.append(f"{kata.solution_path}: the reference solution is missing")
    else:
        for report in graded(kata.solution_path):
            if grader_failed(kata.solution_path, [report]):
                break
            if report.status != "pass":
                bad = ", ".join(f"{c.id} ({c.status})" for c in report.checks if c.status != "pass")
                found.append(f"{kata.solution_path}: the solution does not pass with seed {report.seed}: "
                             f"{bad or report.error.message}")
                break
    starter = graded(kata.starter_path)
    if not grader_failed(kata.starter_path, starter) and any(r.status == "pass" for r in starter):
        found.append(f"{kata.starter_path}: the starter passes; it must leave the work to the candidate")
    if not files:
        found.append(f"{fixtures / kata.id}: no fixtures (a file per classic mistake, `# expect-fail: CHECKS`)")
    for path in files:
        expected = _expected(path)
        if expected is None:
            found.append(f"{path}: declares neither `# expect-pass` nor `# expect-fail: CHECKS`")
            continue
        reports = graded(path)
        if grader_failed(path, reports):
            continue
        for report in reports:
            failed = {c.id for c in report.checks if c.status != "pass"}
            if report.error is not None:
                found.append(f"{path}: could not run (seed {report.seed}): {report.error.kind}: "
                             f"{report.error.message.splitlines()[0]}")
                break
            if failed != expected:
                said = ", ".join(sorted(failed)) or "nothing"
                found.append(f"{path}: with seed {report.seed} fails {said} (skipped checks count), "
                             f"declares {', '.join(sorted(expected)) or 'nothing'}")
                break
    return found, f"{len(kata.checks)} checks; solution passes, starter fails, {len(files)} fixtures as declared"


def _expected(path) -> set[str] | None:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("# expect-pass"):
            return set()
        if line.startswith("# expect-fail:"):
            return set(line.split(":", 1)[1].split())
    return None
