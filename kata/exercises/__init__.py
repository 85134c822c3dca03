"""The kata catalog, read by the CLI and the TUI alike.

Each module in this package (other than ``base`` and private ones) defines ``KATA``.
Adding a kata means adding its module, its texts (``texts/ID.yaml``), its starter
(``starters/``) and its reference solution (``solutions/`` at the top of the repo):
nothing in the CLI or the TUI changes.
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib
import pkgutil

from kata.errors import UsageError
from kata.exercises.base import Kata

__all__ = ["Kata", "NoKata", "catalog", "defined_functions", "detect", "detect_all", "get_kata", "pick"]


@functools.cache
def catalog() -> dict[str, Kata]:
    """Every kata, by id, in catalog order."""
    found: list[Kata] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kata = getattr(module, "KATA", None)
        if isinstance(kata, Kata):
            found.append(kata)
    found.sort(key=lambda k: (k.order, k.id))
    return {k.id: k for k in found}


def get_kata(kata_id: str) -> Kata:
    # Fast path: a kata's module is usually named after its id; import just that one.
    if catalog.cache_info().currsize == 0:
        name = kata_id.replace("-", "_")
        if name.isidentifier() and not name.startswith("_") and name != "base":
            try:
                module = importlib.import_module(f"{__name__}.{name}")
            except ModuleNotFoundError:
                module = None
            kata = getattr(module, "KATA", None)
            if isinstance(kata, Kata) and kata.id == kata_id:
                return kata
    katas = catalog()
    if kata_id in katas:
        return katas[kata_id]
    close = difflib.get_close_matches(kata_id, list(katas), n=1)
    suggestion = f" Did you mean `{close[0]}`?" if close else ""
    raise UsageError(f"unknown kata `{kata_id}`.{suggestion} `kata list` shows them all.")


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


class NoKata(UsageError):
    """No single kata for a file. ``kind``: ``missing-function`` (it defines none),
    ``ambiguous`` (several) or ``syntax`` (it does not parse, and its name says nothing);
    the message says which functions it defines."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


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
