"""The ``hand-written`` check: the submission must not call a library implementation.

The real guarantee is the child's root file system (``_sandbox.view``): no library but
numpy and the standard library is there to import, whatever name a string builds at run
time. This check adds what a reader of the source can tell: imports of libraries that
ship the function, of kata itself, and of the machinery that loads code by name
(``importlib``, ``pkgutil``, ``runpy``, ``__import__``, ``exec``...), which would hide
what the file calls; then the modules the child reports it imported. Any finding fails
the check, and so does a function that never returned: there is nothing hand-written to
credit in code that only raises or loops.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from kata.harness.checks import Check, CheckContext, CheckFailed
from kata.harness.messages import Joined, Msg

# Whole libraries that ship a ready-made softmax, sigmoid, log-softmax, loss, IoU, NMS,
# convolution or k-means, and kata
# itself (its reference answers) and the reference solutions beside it.
FORBIDDEN_MODULES = (
    "torch",
    "jax",
    "jaxlib",
    "flax",
    "tensorflow",
    "keras",
    "tf_keras",
    "sklearn",
    "scipy",
    "torchvision",  # box_iou, nms, batched_nms, conv2d
    "cv2",  # OpenCV: dnn.NMSBoxes, filter2D, kmeans
    "mmcv",
    "mmdet",
    "detectron2",
    "skimage",
    "mxnet",
    "paddle",
    "cupy",
    "theano",
    "chainer",
    "kata",
    "solutions",
)
# Modules that load code by name or from bytes: they hide what the file calls.
LOADER_MODULES = ("importlib", "pkgutil", "runpy", "imp", "zipimport", "marshal", "code", "codeop")
_DYNAMIC_NAMES = {"__import__", "exec", "eval", "compile", "__loader__", "__builtins__", "__spec__"}
_DYNAMIC_ATTRS = {"import_module", "__import__", "__loader__", "__builtins__", "resolve_name", "run_path",
                  "run_module", "exec_module", "load_module", "find_spec", "spec_from_file_location"}


def _forbidden(module: str, among: Iterable[str] = FORBIDDEN_MODULES) -> str | None:
    for banned in among:
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


def _bound_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names bound by an import, names the file binds itself: its functions, classes,
    variables and parameters)."""
    imported: set[str] = set()
    own: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)
        elif isinstance(node, ast.arg):
            own.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            own.add(node.name)
    return imported, own - imported


def _import_findings(node: ast.Import | ast.ImportFrom) -> list[Msg]:
    line = node.lineno
    if isinstance(node, ast.Import):
        modules = [alias.name for alias in node.names]
    elif node.module and node.level == 0:
        modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    else:
        return []
    found = []
    for module in modules:
        if banned := _forbidden(module):
            found.append(Msg("hw-imports", line=line, module=module, library=banned))
            break
        if _forbidden(module, LOADER_MODULES):
            found.append(Msg("hw-loader", line=line, module=module))
            break
    return found


def find_library_use(tree: ast.Module, names: Iterable[str]) -> list[Msg]:
    """Findings, one per line and kind, why ``tree`` is not hand-written, in line order.
    ``names`` are the function names that must not be taken from a library (e.g.
    ``softmax``); a method or function of the file's own with that name is fine."""
    names = set(names)
    imported, own = _bound_names(tree)
    findings: dict[tuple[int, str], Msg] = {}

    def add(line: int, what: str, msg: Msg) -> None:
        findings.setdefault((line, what), msg)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for msg in _import_findings(node):
                add(node.lineno, str(msg.params.get("module")), msg)
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted and node.attr in names and dotted.split(".")[0] not in own:
                add(node.lineno, dotted, Msg("hw-calls", line=node.lineno, name=dotted))
            if node.attr in _DYNAMIC_ATTRS:
                add(node.lineno, "." + node.attr, Msg("hw-dynamic-attr", line=node.lineno, name=node.attr))
        elif isinstance(node, ast.Name) and node.id in _DYNAMIC_NAMES:
            add(node.lineno, node.id, Msg("hw-dynamic-name", line=node.lineno, name=node.id))
    return [findings[key] for key in sorted(findings, key=lambda k: (k[0], k[1]))]


def hand_written_check(library_names: Iterable[str]) -> Check:
    """A check that fails when the source or the child's imports show a library call,
    or when the function never returned in any check."""
    names = tuple(library_names)

    def run(ctx: CheckContext) -> None:
        tree = ast.parse(ctx.source)
        findings: list[Msg] = find_library_use(tree, names)
        for module in ctx.loaded_modules() or []:
            if banned := _forbidden(module):
                findings.append(Msg("hw-runtime-import", module=module, library=banned))
        if findings:
            shown = Joined(tuple(part for f in findings for part in ("\n  ", f)))
            raise CheckFailed(Msg("hand-written-library", findings=shown), Msg("hint-hand-written"))
        if ctx.never_returned():
            raise CheckFailed(Msg("hand-written-never-returned", fn=ctx.function), Msg("hint-hand-written-return"))

    return Check("hand-written", run, needs_child=False)
