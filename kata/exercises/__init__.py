"""The kata catalog, read by the CLI and the TUI alike.

Each kata is a folder here: ``kata.py`` (its contract, ``KATA = Kata(...)``, written with
``kata.harness``), ``texts.yaml`` (statement, hints and messages in every language) and
``starter.py``; its reference solution is in the top-level ``solutions/``. Adding a kata
means adding its folder, its solution and its test fixtures: nothing in the CLI or the
TUI changes. ``kata dev new ID`` writes the folder to start from.
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib.util
import sys
import threading
from pathlib import Path

from kata.errors import NoKata, UsageError
from kata.exercises.topics import IDS as TOPICS
from kata.exercises.topics import Topic, topic
from kata.harness.contract import Kata

__all__ = ["TOPICS", "Kata", "NoKata", "Topic", "by_topic", "catalog", "defined_functions", "detect", "detect_all", "functions", "get_kata", "module_of",
           "pick"]

HERE = Path(__file__).resolve().parent


def _load(folder: Path) -> Kata | None:
    """The kata a folder defines (its ``kata.py``, loaded by path: folder names are ids,
    which may hold dashes), or None if it is not a kata folder."""
    path = folder / "kata.py"
    if not path.is_file():
        return None
    name = f"kata.exercises.{folder.name.replace('-', '_')}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    kata = getattr(module, "KATA", None)
    if not isinstance(kata, Kata):
        return None
    topic(kata.topic)  # an unknown topic is this kata's load error
    return kata


def _order(kata: Kata) -> tuple[int, int, str]:
    return topic(kata.topic).order, kata.order, kata.id


_BROKEN: dict[str, str] = {}  # folder name -> why its kata.py does not load
#: One kata module loads at a time: a thread that found another's half-run module in
#: ``sys.modules`` would take it for a folder without a kata (the app's screens read the
#: catalog from worker threads as well as from the UI).
_LOADING = threading.RLock()


def _try_load(folder: Path) -> Kata | None:
    """``_load``, but a kata.py that does not load leaves only its own kata out: the
    reason is kept (``broken()``) and said once on stderr, naming the file."""
    if folder.name in _BROKEN:
        return None
    try:
        with _LOADING:
            return _load(folder)
    except Exception as err:  # noqa: BLE001 - one contributor's broken kata stops no other
        where = f"{folder / 'kata.py'}"
        if isinstance(err, SyntaxError) and err.lineno:
            where += f":{err.lineno}"
        _BROKEN[folder.name] = f"{where}: {type(err).__name__}: {err}"
        print(f"kata: warning: left out a kata that does not load: {_BROKEN[folder.name]}", file=sys.stderr)
        return None


def broken() -> dict[str, str]:
    """Kata folders whose kata.py did not load, with why (after ``catalog()``)."""
    catalog()
    return dict(_BROKEN)


@functools.cache
def catalog() -> dict[str, Kata]:
    """Every kata, by id, grouped by topic (``kata.exercises.topics``) and in order within each."""
    found = [k for folder in sorted(HERE.iterdir()) if folder.is_dir() and (k := _try_load(folder))]
    found.sort(key=_order)
    return {k.id: k for k in found}


def by_topic() -> list[tuple[Topic, list[Kata]]]:
    """The catalog grouped by topic, in the topics' order; a topic no kata has is left out."""
    groups: dict[str, list[Kata]] = {}
    for kata in catalog().values():
        groups.setdefault(kata.topic, []).append(kata)
    return [(topic(t), katas) for t, katas in groups.items()]


def module_of(kata_id: str):
    """The module of a kata's ``kata.py`` (its helpers, for tests and other katas)."""
    get_kata(kata_id)
    return sys.modules[f"kata.exercises.{kata_id.replace('-', '_')}"]


def get_kata(kata_id: str) -> Kata:
    # Fast path: a kata's folder is named by its id; load just that one.
    if catalog.cache_info().currsize == 0 and "/" not in kata_id and not kata_id.startswith((".", "_")):
        folder = HERE / kata_id
        if folder.is_dir():
            kata = _try_load(folder)
            if kata is not None and kata.id == kata_id:
                return kata
    katas = catalog()
    if kata_id in katas:
        return katas[kata_id]
    if kata_id in _BROKEN:
        raise UsageError(f"kata `{kata_id}` does not load: {_BROKEN[kata_id]}")
    close = difflib.get_close_matches(kata_id, list(katas), n=1)
    suggestion = f" Did you mean `{close[0]}`?" if close else ""
    raise UsageError(f"unknown kata `{kata_id}`.{suggestion} `kata list` shows them all.")


def functions(kata_id: str | None = None) -> list[str]:
    """The function name one kata asks for, or every kata's (``kata_id`` None)."""
    return [get_kata(kata_id).function] if kata_id else [k.function for k in catalog().values()]


def defined_functions(source: str) -> set[str]:
    """Names bound at the top level of a module: defs, assignments and imports."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def detect(source: str) -> list[Kata]:
    """The katas whose function the source defines at top level, in catalog order.

    A kata function that another detected kata function calls is a helper, not the
    answer: a file defining ``sigmoid`` and a ``bce_with_logits`` that calls it is a
    bce-with-logits submission. Use ``--kata all`` to grade the helpers too.
    """
    names = defined_functions(source)
    found = [k for k in catalog().values() if k.function in names]
    if len(found) < 2:
        return found
    calls = _calls_by_function(source)
    helpers = {
        k.function
        for k in found
        if any(k.function in calls.get(other.function, ()) for other in found if other is not k)
    }
    answers = [k for k in found if k.function not in helpers]
    return answers or found


def pick(source: str, filename: str = "") -> Kata:
    """The one kata a file is an answer to, as ``kata check`` and ``kata grade`` both
    choose it. A file that does not parse is taken for the kata its name says
    (``softmax.py``), so that its report can say where the syntax error is."""
    if not defined_functions(source):
        import re
        from pathlib import PurePath

        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            # What the text says it defines (a ``def`` at the start of a line), else its name.
            written = set(re.findall(r"^(?:async\s+)?def\s+(\w+)", source, re.MULTILINE))
            by_def = [k for k in catalog().values() if k.function in written]
            stem = PurePath(filename).stem.replace("_", "-")
            by_name = [k for k in catalog().values() if stem in (k.id, k.function.replace("_", "-"))]
            if len(by_def) == 1:
                return by_def[0]
            if by_name:
                return by_name[0]
            where = f" (line {err.lineno})" if isinstance(err, SyntaxError) and err.lineno else ""
            raise NoKata("syntax", f"has a syntax error{where}, so the kata it answers cannot be told; "
                                   "fix it, or pass --kata ID to see the checks") from None
    found = detect(source)
    if len(found) == 1:
        return found[0]
    if not found:
        functions = ", ".join(k.function for k in catalog().values())
        raise NoKata("missing-function", f"defines none of the kata functions ({functions}); "
                                         "name your function as the kata asks, or pass --kata ID")
    ids = ", ".join(f"{k.id} ({k.function})" for k in found)
    raise NoKata("ambiguous", f"defines functions of several katas: {ids}; pass --kata ID or --kata all")


def detect_all(source: str) -> list[Kata]:
    """Every kata whose function the source defines, helpers included."""
    names = defined_functions(source)
    return [k for k in catalog().values() if k.function in names]


def _calls_by_function(source: str) -> dict[str, set[str]]:
    """For each top-level function, the plain names it calls."""
    tree = ast.parse(source)
    calls: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            calls[node.name] = {
                n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            }
    return calls
