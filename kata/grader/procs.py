"""What the kernel says about a child's process tree (standard library only).

The grader reads this from outside: nothing here asks the child, whose answers are not
trusted. Used at a deadline to tell code that is still allocating memory (a memory bomb
on a machine where page faults are slow) from code that only computes, and to measure
the CPU time a call with a budget uses (``user_ticks``).
"""

from __future__ import annotations

import os

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _parent_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    try:
        return int(fields[1])
    except (IndexError, ValueError):
        return None


def tree(root: int) -> list[int]:
    """``root`` and every process below it, by one scan of /proc (the children lists of
    /proc are not on every kernel). A process that moved out of the tree (daemonised) is
    not counted; the grader kills those with the process group anyway."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [root]
    for entry in entries:
        if entry.isdigit():
            parent = _parent_of(entry)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo and len(found) < 4096:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def peak_resident_bytes(root: int) -> int:
    """The peak resident memory (VmHWM) of ``root``'s whole tree, summed, in bytes (0
    where nothing is readable). A peak never goes down: memory that grows shows here,
    temporaries that come and go do not, whenever the samples are taken."""
    total = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"VmHWM:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, IndexError, ValueError):
            continue
    return total


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def user_ticks(pids: list[int]) -> dict[tuple[int, int], int]:
    """Each of ``pids``'s user-mode CPU time (with that of its reaped children) in clock
    ticks, as the kernel counts it in /proc/PID/stat: what a Python loop spends, and
    what a busy machine does not inflate (it slows the wall clock). Keyed by the pid and
    the process's start time, so that a pid used again is another process. The kernel's
    own time is left out: a vectorised function spends most of its share having fresh
    pages of its large arrays faulted in, which a loaded machine makes slow. A process
    that is gone is not in the answer."""
    found = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            # After the name: state is field 3, utime 14, cutime 16, starttime 22.
            found[(pid, int(fields[19]))] = int(fields[11]) + int(fields[13])
        except (OSError, IndexError, ValueError):
            continue
    return found

