"""Resource limits for one submission (standard library only: imported before numpy)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission."""

    timeout: float = 10.0  # wall-clock seconds for the whole submission, all checks included
    check_timeout: float = 5.0  # wall-clock seconds for one check (or the import)
    # The child's own start (interpreter, numpy, sandbox), before any submitted code runs:
    # a window of its own, not charged to ``timeout`` (a busy machine is not the code's fault).
    startup_timeout: float = 60.0
    memory_mb: int = 1024  # address space of the child
    output_bytes: int = 8 << 20  # stdout + stderr past this: the child is killed
    shown_output_bytes: int = 8 << 10  # how much of each stream the report keeps
    answer_bytes: int = 256 << 20  # the largest answer payload the grader accepts
    file_bytes: int = 16 << 20  # the largest file the child may write
    open_files: int = 32  # descriptors the child may hold (files outside RLIMIT_AS count here)
    sandbox: str = "auto"  # "strict": refuse to grade unless every kernel protection is in force

    def setup_request(self, cpu_seconds: int) -> dict[str, object]:
        """The child's first request: the resource limits it sets on itself."""
        limits = {
            "memory": self.memory_mb << 20,
            "cpu": max(1, cpu_seconds),
            "fsize": self.file_bytes,
            "files": self.open_files,
        }
        return {"op": "setup", "limits": limits}
