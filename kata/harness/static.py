"""The ``hand-written`` check: the submission must not call a library implementation.

Two layers: a static read of the source (imports, dotted names, dynamic imports and
``exec``/``eval``, which would let a file hide what it calls), and the list of modules
the child process actually imported. Either finding fails the check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from kata.harness.checks import Check, CheckContext, CheckFailed

# Whole libraries that ship a ready-made softmax, sigmoid, log-softmax or loss.
FORBIDDEN_MODULES = (
    "torch",
    "jax",
    "jaxlib",
    "flax",
    "tensorflow",
    "keras",
    "tf_keras",
    "sklearn",
    "scipy.special",
    "mxnet",
    "paddle",
    "cupy",
    "theano",
    "chainer",
)
_DYNAMIC_NAMES = {"__import__", "exec", "eval", "compile", "__loader__", "__builtins__"}
_DYNAMIC_ATTRS = {"import_module", "__import__", "__loader__", "__builtins__"}


def _forbidden(module: str) -> str | None:
    for banned in FORBIDDEN_MODULES:
        if module == banned or module.startswith(banned + "."):
            return banned
    return None


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def find_library_use(tree: ast.Module, names: Iterable[str]) -> list[str]:
    """Reasons, one per finding, why ``tree`` is not hand-written. ``names`` are the
    function names that must not be taken from a library (e.g. ``softmax``)."""
    names = set(names)
    findings: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if banned := _forbidden(alias.name):
                    findings.append(f"line {node.lineno}: imports {alias.name} ({banned})")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if banned := _forbidden(node.module):
                findings.append(f"line {node.lineno}: imports from {node.module} ({banned})")
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if _forbidden(full) and not _forbidden(node.module):
                    findings.append(f"line {node.lineno}: imports {full}")
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted and node.attr in names and dotted.split(".")[0] not in ("self",):
                findings.append(f"line {node.lineno}: calls {dotted}")
        elif isinstance(node, ast.Name) and node.id in _DYNAMIC_NAMES:
            findings.append(
                f"line {node.lineno}: uses {node.id}, which hides what the code calls; "
                "write the computation directly"
            )
        if isinstance(node, ast.Attribute) and node.attr in _DYNAMIC_ATTRS:
            findings.append(f"line {node.lineno}: uses .{node.attr}, which hides what the code calls")
    return sorted(set(findings), key=lambda f: int(f.split(":")[0].split()[1]))


def hand_written_check(library_names: Iterable[str]) -> Check:
    """A check that fails when the source or the child's imports show a library call."""
    names = tuple(library_names)

    def run(ctx: CheckContext) -> None:
        tree = ast.parse(ctx.source)
        findings = find_library_use(tree, names)
        modules = ctx.loaded_modules() or []
        for module in modules:
            if banned := _forbidden(module):
                findings.append(f"your code imported {module} at run time ({banned})")
        if findings:
            shown = "\n".join(f"  {f}" for f in dict.fromkeys(findings))
            raise CheckFailed(
                f"the kata asks for a hand-written implementation in numpy, but:\n{shown}",
                "write it with numpy operations (np.exp, np.max, np.sum, ...) instead of a library "
                "function: that is what the interview question tests.",
            )

    return Check("hand-written", run, needs_child=False)
