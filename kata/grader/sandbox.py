"""The grader's view of the child's kernel sandbox (``_sandbox.py`` applies it).

The child confines itself before it reads its first request and says, in its answer
to ``setup``, which protections are in force. That answer is written by kata's own
code before any submitted code is loaded, so it can be believed; it is still parsed
strictly, and anything malformed counts as "nothing in force" (fail closed).
Standard library only.
"""

from __future__ import annotations

from typing import Any

from kata.errors import EXIT_INTERNAL, KataError
from kata.grader.text import clean_text

# Every protection, with what it means, in report order.
PROTECTIONS: dict[str, str] = {
    "filesystem": "reads only Python's own folders and libraries; writes only in its private work folder",
    "mounts": "every other file system is read-only for it (no chmod, chown or touch), and /run is hidden",
    "root": "a root of its own: only Python's standard library, numpy, their libraries, three devices, "
            "its work folder and scratch; no /tmp, /home, /run, other packages, kata or solutions",
    "network": "no network at all (its own network namespace, with no interface up)",
    "network-tcp": "no TCP connections or listening sockets (Landlock)",
    "signals": "cannot signal any process outside its sandbox",
    "ptrace": "cannot trace or read the memory of any process outside its sandbox",
    "processes": "nothing it starts outlives the grading (its own PID namespace)",
    "ipc": "cannot reach System V IPC objects or POSIX message queues outside (its own IPC namespace)",
    "keyrings": "cannot reach the grader's kernel keyrings (a new, empty session keyring)",
    "no-new-privs": "cannot gain privileges through set-uid programs",
    "capabilities": "holds no capabilities",
    "syscalls": "cannot open a socket of any kind, use io_uring, inotify or fanotify, or make kernel keys "
                "or message queues (seccomp)",
    "user-limits": "inotify, fanotify and namespaces are capped at 0 in its own user namespace, so it "
                   "cannot use up the grading user's allowance",
}
# What --sandbox strict insists on ("network-tcp" is only a fallback for "network").
REQUIRED = tuple(name for name in PROTECTIONS if name != "network-tcp")
MODES = ("auto", "strict")


class SandboxIncomplete(KataError):
    """--sandbox strict, and the kernel does not offer every protection."""

    exit_code = EXIT_INTERNAL


class SandboxStatus:
    """Which protections were in force for one child, and why the others were not."""

    __slots__ = ("in_force", "missing")

    def __init__(self, in_force: tuple[str, ...] = (), missing: dict[str, str] | None = None) -> None:
        self.in_force = in_force
        self.missing = dict(missing or {})

    @classmethod
    def parse(cls, raw: Any) -> SandboxStatus:
        """From the child's setup answer; anything unexpected counts as not in force."""
        unreported = "the process for your code did not report its sandbox"
        if not isinstance(raw, dict) or not isinstance(raw.get("in_force"), list):
            return cls((), dict.fromkeys(REQUIRED, unreported))
        in_force = tuple(n for n in PROTECTIONS if n in raw["in_force"])
        reasons = raw.get("missing") if isinstance(raw.get("missing"), dict) else {}
        missing = {}
        for name in PROTECTIONS:
            if name in in_force:
                continue
            reason = reasons.get(name)
            if name in REQUIRED or isinstance(reason, str):
                missing[name] = clean_text(reason, 300) if isinstance(reason, str) and reason else unreported
        if "network" in in_force:
            missing.pop("network-tcp", None)
        return cls(in_force, missing)

    def weakest(self, other: SandboxStatus) -> SandboxStatus:
        """What both had in force (a submission whose child was restarted had both)."""
        return SandboxStatus(
            tuple(n for n in self.in_force if n in other.in_force), {**other.missing, **self.missing}
        )

    @property
    def complete(self) -> bool:
        return all(name in self.in_force for name in REQUIRED)

    def missing_list(self) -> list[dict[str, str]]:
        return [{"protection": name, "reason": reason} for name, reason in self.missing.items()]


def required_gaps(missing: list[dict[str, str]]) -> dict[str, str]:
    """From a report's ``sandbox_missing``: the protections that count (not the
    ``network-tcp`` fallback), with their reasons."""
    gaps: dict[str, str] = {}
    for gap in missing:
        if isinstance(gap, dict) and gap.get("protection") in REQUIRED:
            gaps.setdefault(str(gap["protection"]), str(gap.get("reason", "")))
    return gaps


def describe_gaps(gaps: dict[str, str]) -> str:
    """``network (why); processes (why)``: for messages."""
    return "; ".join(f"{name} ({reason})" for name, reason in gaps.items())


def require(status: SandboxStatus, mode: str) -> None:
    """Raise ``SandboxIncomplete`` if ``mode`` is strict and a protection is missing."""
    if mode == "strict" and not status.complete:
        gaps = describe_gaps(required_gaps(status.missing_list()))
        raise SandboxIncomplete(
            f"refusing to grade with --sandbox strict: this machine cannot give the submission "
            f"every protection: {gaps}. Grade in a VM or on a newer kernel, or use --sandbox auto "
            "to grade with the protections that are available."
        )
