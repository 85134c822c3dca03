"""One module per CLI command.

Each module defines ``NAME``, a docstring (the command's ``--help`` text, first line is
the summary), ``add_arguments(parser)`` and ``run(args) -> int``. Modules import only
the standard library at import time; the heavy work is imported inside ``run`` so that
``kata check`` starts fast and never imports Textual.
"""

# The order here is the order of ``kata --help``.
COMMAND_MODULES = (
    "list",
    "show",
    "start",
    "check",
    "watch",
    "validate",
    "stats",
    "grade",
    "merge",
    "export",
    "dev",
)
