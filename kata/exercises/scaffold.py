"""``kata dev new ID``: the files a new kata starts from, in a source checkout.

A kata is its folder here (``kata.py``, ``texts.yaml``, ``starter.py``), its reference
solution in the top-level ``solutions/`` and its fixtures in
``tests/fixtures/submissions/<id>/``. The scaffold writes all of them for an elementwise
function of one array, the simplest contract, with every part an author must fill in
marked ``TODO``; ``kata dev check`` refuses the kata until none is left (the reference
raises, the Chinese texts are empty, the solution does not pass).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path

from kata.errors import UsageError

ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Checkout:
    """The folders of a source checkout that a kata's files go in."""

    root: Path

    @property
    def exercises(self) -> Path:
        return self.root / "kata" / "exercises"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def fixtures(self) -> Path:
        return self.root / "tests" / "fixtures" / "submissions"


def checkout() -> Checkout:
    """This installation's source checkout; a usage error for an installed wheel (its
    files are not the project's to change)."""
    root = HERE.parents[1]
    if not ((root / "pyproject.toml").is_file() and (root / "solutions").is_dir()):
        raise UsageError("kata dev works in a source checkout (git clone, then pip install -e .); "
                         f"this kata is installed at {HERE.parent}")
    return Checkout(root)


def check_id(kata_id: str, function: str) -> None:
    if not ID.match(kata_id):
        raise UsageError(f"`{kata_id}`: a kata id is lowercase words joined by dashes, like relu-backward")
    if not function.isidentifier() or keyword.iskeyword(function):
        raise UsageError(f"`{function}`: --function must be a Python name, like relu_backward")


def files(kata_id: str, function: str, topic: str, args: tuple[str, ...] = ("x",)) -> dict[str, str]:
    """The new kata's files, by path relative to the checkout."""
    fields = {
        "id": kata_id, "function": function, "topic": topic,
        "params": ", ".join(args), "first": args[0],
        "typed": ", ".join(f"{a}: np.ndarray" for a in args),
        "arg_list": " ".join(f'Arg("{a}", normal(1.0)),' for a in args),
        "basic": ", ".join("np.array([0.0, 1.0, -1.0, 2.0, -2.0])" for _ in args),
        "example": ", ".join("np.array([0.0, 1.0, -1.0])" for _ in args),
        "as_float": "\n    ".join(f"{a} = np.asarray({a}, dtype=np.float64)" for a in args),
        "contract": "\n    ".join(f"- `{a}` is a `float32` or `float64` ndarray of any shape with `ndim >= 1`."
                                  for a in args),
    }  # fmt: skip
    return {
        f"kata/exercises/{kata_id}/kata.py": _KATA.format(**fields),
        f"kata/exercises/{kata_id}/texts.yaml": _TEXTS.format(**fields),
        f"kata/exercises/{kata_id}/starter.py": _STARTER.format(**fields),
        # The name ``Kata.solution`` looks for: the id with underscores, whatever the function.
        f"solutions/{kata_id.replace('-', '_')}.py": _SOLUTION.format(**fields),
        f"tests/fixtures/submissions/{kata_id}/returns_input.py": _FIXTURE.format(**fields),
    }


def new(kata_id: str, function: str | None, topic: str, args: str = "x") -> list[Path]:
    """Write a new kata's files; nothing is overwritten (a usage error names the first
    that exists). ``args``: the function's parameters, comma-separated (``dy,x``).
    Returns the paths written."""
    from kata.exercises import catalog
    from kata.exercises.topics import topic as known_topic

    function = function or kata_id.replace("-", "_")
    check_id(kata_id, function)
    names = tuple(a.strip() for a in args.split(","))
    for name in names:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise UsageError(f"--args `{args}`: each parameter must be a Python name, like dy,x")
    if len(set(names)) != len(names):
        raise UsageError(f"--args `{args}`: a parameter is named twice")
    known_topic(topic)  # UnknownTopic, a usage error, names the topics there are
    if kata_id in catalog():
        raise UsageError(f"`{kata_id}` is a kata already (kata/exercises/{kata_id}/)")
    taken = {k.function: k.id for k in catalog().values()}
    if function in taken:
        raise UsageError(f"`{function}` is the function of `{taken[function]}` already: pass --function NAME")
    where = checkout()
    planned = {where.root / rel: text for rel, text in files(kata_id, function, topic, names).items()}
    for path in planned:
        if path.exists():
            raise UsageError(f"{path} exists already: kata dev new writes only new files")
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
    return list(planned)


_KATA = '''"""Kata `{id}`: ``{function}({params})``. TODO: say in one line what it returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Example, Kata, Like, normal


def answer({typed}) -> np.ndarray:
    """The grader's own {function}, in float64: what every check compares against."""
    {as_float}
    raise NotImplementedError("TODO: write the reference answer of {id}")


KATA = Kata(
    id="{id}",
    function="{function}",
    # How each argument is drawn for the random checks (here: normal, scale 1). Other
    # drawings (through(f, ...), labels, masks), result kinds (Like, Mask, LossAndGrad) and
    # gradient checks (Jacobian, VJP with takes="input" or "output", LossGradient) are in
    # kata/harness/contract.py, results.py and gradients.py; the katas beside this one
    # show each in use.
    args=({arg_list}),
    reference=answer,
    folder=Path(__file__).parent,
    topic="{topic}",
    difficulty=2,
    time_limit=10,
    order=100,
    # The result has the shape and dtype of {first}. Standard checks follow from this
    # contract: basic, shape (batches, Fortran order), dtype, no-mutation, hand-written.
    result=Like("{first}"),
    basic=(({basic},),),
    # Library functions the file must not call (the interview asks for it by hand).
    hand_written=("{function}",),
    examples=(Example(({example},)),),
)
'''

_TEXTS = '''# TODO: every text in English and Chinese; `kata dev check {id}` says what is missing.
title:
  en: "TODO: {function}"
  zh: ""
summary:
  en: "TODO: one sentence a candidate reads in the list."
  zh: ""
statement:
  en: |
    TODO: what `{function}({params})` returns, and why it is asked.

    ## Contract

    {contract}
    - Return an array with the same shape and dtype as `{first}`.
    - Do not modify the arguments.
  zh: ""
why:
  en: "TODO: what the question tells an interviewer about a candidate."
  zh: ""
hints:
  - en: "TODO: a nudge."
    zh: ""
  - en: "TODO: the answer, nearly."
    zh: ""
messages: {{}}
'''

_STARTER = '''"""Kata: {id}. Read the statement with `kata show {id}`;
check with `kata check <this file>`."""

import numpy as np


def {function}({typed}) -> np.ndarray:
    """TODO: the contract in one sentence (shape, dtype, no mutation)."""
    raise NotImplementedError("write {function} here")
'''

_SOLUTION = '''"""Reference solution for the `{id}` kata."""

import numpy as np


def {function}({typed}) -> np.ndarray:
    raise NotImplementedError("TODO: the reference solution of {id}, written as a candidate would")
'''

_FIXTURE = '''# A classic wrong answer: an argument given back unchanged. TODO: name every check it
# fails (skipped checks count too: `kata dev check` lists them), and add a file per
# mistake candidates make, and correct variants written differently (expect-pass).
# expect-fail: basic
import numpy as np


def {function}({params}):
    return {first}
'''
