"""Kernel confinement of the child process. Untrusted side; standard library only.

Loaded by path from ``_child.py`` (never imported by the grader) and run once, after
numpy is imported and before the first request, so before any submitted code is read.
Every step uses an unprivileged kernel feature through ``ctypes`` (Python 3.11 has no
``os.unshare``) and degrades honestly: what the kernel refuses is reported as missing,
with the reason, never silently assumed.

The child starts in ``<work folder>/scratch``; the work folder holds the submission
file. The steps, in order:

1. ``unshare`` new user, mount, IPC, network and PID namespaces, and make nested user
   namespaces impossible (``max_user_namespaces`` = 0 inside).
   - Mounts: every file system is read-only, the work folder included; the scratch
     folder is a private, size-capped tmpfs (nosuid, nodev, noexec) that nobody
     outside can see and that vanishes with the namespace; /run (service sockets) is
     hidden; /proc shows only the namespace's own processes.
   - IPC: System V objects and POSIX message queues of its own only.
   - Network: only a loopback device, and it is down: no connection leaves it, not
     even to 127.0.0.1.
   - PID: entered by forking twice. The first fork is the namespace's init, which
     only reaps; the second runs the protocol (PID 2). When the init ends (the
     submission finished, or the grader killed the group), the kernel kills whatever
     is left in the namespace, so nothing the submission started outlives the grading.
     The process the grader started stays outside and mirrors the exit status of the
     one inside, so a segfault still reads as a segfault.
2. A new, empty session keyring: the grader's keys are out of reach.
3. ``PR_SET_NO_NEW_PRIVS``: no set-uid program or file capability raises privileges.
4. Drop every capability (the new user namespace grants a full set inside it).
5. Landlock: read and execute only where Python and its packages live (and system
   libraries), read the work folder, write only in scratch; no truncation, removal or
   renaming elsewhere; no TCP bind or connect; no signals to, and no ptrace of, any
   process outside the sandbox; no abstract Unix sockets outside it.
"""

import ctypes
import errno
import os
import platform
import resource
import signal
import sys

# -- names of the protections, as the report lists them
FILESYSTEM = "filesystem"
MOUNTS = "mounts"
NETWORK = "network"
NETWORK_TCP = "network-tcp"  # Landlock's TCP rules alone: a partial fallback
SIGNALS = "signals"
PTRACE = "ptrace"
PROCESSES = "processes"
IPC = "ipc"
KEYRINGS = "keyrings"
NO_NEW_PRIVS = "no-new-privs"
CAPABILITIES = "capabilities"
PROTECTIONS = (FILESYSTEM, MOUNTS, NETWORK, NETWORK_TCP, SIGNALS, PTRACE, PROCESSES, IPC, KEYRINGS,
               NO_NEW_PRIVS, CAPABILITIES)  # fmt: skip
SKIPPED = "skipped (KATA_SANDBOX_SKIP)"

SCRATCH_BYTES = 64 << 20  # the scratch tmpfs: room for files, not for filling memory
SCRATCH_INODES = 4096

# -- Linux constants
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_BIND = 4096
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 1
PR_SET_NO_NEW_PRIVS = 38
PR_GET_NO_NEW_PRIVS = 39
PR_CAPBSET_READ = 23
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
KEYCTL_JOIN_SESSION_KEYRING = 1

# System calls added since Linux 5.x have one number on every architecture with the
# unified table (x86-64, arm64, riscv, loongarch, ...), except alpha (+110) and MIPS.
_MACHINE = platform.machine().lower()
_UNIFIED = not _MACHINE.startswith("mips")
_BASE = 554 if _MACHINE.startswith("alpha") else 444
SYS_MOUNT_SETATTR = _BASE - 2
SYS_LANDLOCK_CREATE_RULESET = _BASE
SYS_LANDLOCK_ADD_RULE = _BASE + 1
SYS_LANDLOCK_RESTRICT_SELF = _BASE + 2
# keyctl is older and differs: the unified table's number, or x86-64's.
SYS_KEYCTL = {"x86_64": 250, "amd64": 250, "i386": 288, "i686": 288}.get(_MACHINE, 219 if _UNIFIED else -1)
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
_READ_ONLY = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR

# Where shared libraries and the loader's cache live, beside Python's own folders.
_SYSTEM_READ = (
    "/lib", "/lib32", "/lib64", "/libx32", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32",
    "/usr/local/lib", "/etc/ld.so.cache", "/etc/localtime", "/sys/devices/system/cpu",
    "/dev/urandom", "/dev/random", "/dev/zero",
)  # fmt: skip


class _RulesetAttr(ctypes.Structure):
    _fields_ = (
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    )


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


class _MountAttr(ctypes.Structure):
    _fields_ = (
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    )


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32))


class Status:
    """What is in force and what is missing (with the reason), for the report."""

    def __init__(self):
        self.in_force = []
        self.missing = {}

    def good(self, name):
        if name not in self.in_force:
            self.in_force.append(name)
        self.missing.pop(name, None)

    def bad(self, name, reason):
        if name in self.in_force:
            self.in_force.remove(name)
        self.missing.setdefault(name, reason)

    def as_dict(self):
        return {"in_force": list(self.in_force), "missing": dict(self.missing)}


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _word(arg):
    return ctypes.c_ulong(arg) if isinstance(arg, int) else arg


def _sys(libc, number, *args):
    """A raw syscall; integers go as full machine words (variadic arguments)."""
    return libc.syscall(ctypes.c_long(number), *map(_word, args))


def _prctl(libc, option, *args):
    args = (args + (0, 0, 0, 0))[:4]
    return libc.prctl(ctypes.c_int(option), *map(_word, args))


def _why(what):
    code = ctypes.get_errno()
    return f"{what} failed: {errno.errorcode.get(code, code)} ({os.strerror(code)})"


def _write(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


# ---------------------------------------------------------------- namespaces


def _unshare(libc, status, skip, scratch, workdir):
    """Returns (whether the caller is set to enter a new PID namespace, whether it is in
    a user namespace of its own)."""
    spaced = (NETWORK, PROCESSES, MOUNTS, IPC)
    if "namespaces" in skip:
        for name in spaced:
            status.bad(name, SKIPPED)
        return False, False
    uid, gid = os.getuid(), os.getgid()
    # Unprivileged, a user namespace owns the others; as root, the others alone may do.
    # Mount, IPC and PID namespaces are tried with the network one, then fewer of them.
    attempts = [
        user | extra | CLONE_NEWNET
        for user in (CLONE_NEWUSER, 0)
        for extra in (CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID, CLONE_NEWIPC | CLONE_NEWPID, CLONE_NEWPID, 0)
    ]
    first_error = None
    for flags in attempts:
        if libc.unshare(ctypes.c_int(flags)) == 0:
            break
        first_error = first_error or _why("unshare")
    else:
        reason = f"no namespaces: {first_error} (user namespaces may be disabled on this machine)"
        for name in spaced:
            status.bad(name, reason)
        return False, False
    status.good(NETWORK)
    if flags & CLONE_NEWIPC:
        status.good(IPC)
    else:
        status.bad(IPC, "no IPC namespace could be made: System V objects of the user are reachable")
    if flags & CLONE_NEWUSER:
        try:  # map our own ids, so what it creates has a known owner
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        except OSError as err:
            # Unmapped, it can create no file at all; the mounts below fail too.
            status.bad(MOUNTS, f"cannot map its user id in the new user namespace ({err.strerror})")
        try:  # and no user namespace of its own: that would give it capabilities again
            _write("/proc/sys/user/max_user_namespaces", "0")
        except OSError as err:
            status.bad(CAPABILITIES, f"it could make a user namespace of its own ({err.strerror})")
    if flags & CLONE_NEWNS and MOUNTS not in status.missing:
        _mounts(libc, status, scratch, workdir)
    elif MOUNTS not in status.missing:
        status.bad(MOUNTS, "no mount namespace could be made")
    if not flags & CLONE_NEWPID:
        status.bad(PROCESSES, "no PID namespace: a process that leaves its group can outlive the grading")
    return bool(flags & CLONE_NEWPID), bool(flags & CLONE_NEWUSER)


def _can_make_user_namespace(libc):
    """Whether a process here could make a user namespace (tried in a throwaway fork,
    so never between unsharing a PID namespace and forking its init)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if libc.unshare(ctypes.c_int(CLONE_NEWUSER)) == 0 else 1)
    _, wait_status = _wait(pid)
    return os.WIFEXITED(wait_status) and os.WEXITSTATUS(wait_status) == 0


def _mount(libc, source, target, fstype, flags, data=None):
    return libc.mount(source, target.encode(), fstype, ctypes.c_ulong(flags), data) == 0


def _mount_setattr(libc, path, flags, attr):
    return _sys(libc, SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), ctypes.sizeof(attr))


def _mounts(libc, status, scratch, workdir):
    """In the new mount namespace: every file system read-only (Landlock guards file
    contents; this also stops chmod, chown and utime, which it does not cover), a
    private tmpfs for scratch, and /run hidden."""
    if not _mount(libc, None, "/", None, MS_REC | MS_PRIVATE):  # nothing done here leaks out
        status.bad(MOUNTS, _why("mount(MS_PRIVATE)"))
        return
    if _mount_setattr(libc, "/", AT_RECURSIVE, _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)) != 0:
        status.bad(MOUNTS, _why("mount_setattr (needs Linux 5.12)"))
        return
    options = f"size={SCRATCH_BYTES},nr_inodes={SCRATCH_INODES},mode=0700".encode()
    if not _mount(libc, b"tmpfs", scratch, b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options):
        status.bad(MOUNTS, _why("a tmpfs for the scratch folder"))
        return
    for hidden in ("/run", "/var/run"):
        if not os.path.isdir(hidden) or os.path.islink(hidden) or workdir.startswith(hidden + "/"):
            continue
        if not _mount(libc, b"tmpfs", hidden, b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, b"size=4k"):
            status.bad(MOUNTS, _why(f"hiding {hidden}"))
            return
    os.chdir(scratch)  # the tmpfs now on top, not the folder beneath it
    status.good(MOUNTS)


def _fresh_proc(libc):
    """Inside the PID namespace: a /proc of its own, listing only its own processes
    (best effort: Landlock keeps /proc unreadable anyway)."""
    _mount(libc, b"proc", "/proc", b"proc", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _quiet_fds(keep):
    """Point stdin/stdout/stderr at /dev/null and close every other descriptor but ``keep``."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd != null:
            os.dup2(null, fd)
    top = max(os.sysconf("SC_OPEN_MAX"), 1024)
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, top)


def _default_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)


def _mirror(wait_status):
    """Exit as the process inside did: the same code, or the same signal."""
    if os.WIFSIGNALED(wait_status):
        sig = os.WTERMSIG(wait_status)
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else 70)


def _wait(pid):
    while True:
        try:
            return os.waitpid(pid, 0)
        except InterruptedError:
            continue


def _enter_pid_namespace(libc, status):
    """Fork into the new PID namespace. Returns only in the process that goes on."""
    status_r, status_w = os.pipe()
    init = os.fork()
    if init:  # the process the grader knows: wait outside, and mirror the inside
        os.close(status_w)
        _default_signals()
        _quiet_fds({status_r})
        _, wait_status = _wait(init)
        try:
            told = os.read(status_r, 32)
        except OSError:
            told = b""
        _mirror(int(told) if told.strip().isdigit() else wait_status)
    # PID 1 of the namespace: it only reaps; when it ends, the kernel ends the rest.
    # (Signals from inside reach it only where it has a handler: it has none.)
    os.close(status_r)
    _default_signals()
    if MOUNTS in status.in_force:
        _fresh_proc(libc)
    worker = os.fork()
    if worker == 0:
        os.close(status_w)
        status.good(PROCESSES)
        return
    _quiet_fds({status_w})
    while True:
        try:
            pid, wait_status = os.waitpid(-1, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(0)
        if pid == worker:
            try:
                os.write(status_w, str(wait_status).encode())
            except OSError:
                pass
            os._exit(0)


# ---------------------------------------------------------------- keys and privileges


def _new_session_keyring(libc, status, skip):
    if "keyrings" in skip:
        status.bad(KEYRINGS, SKIPPED)
    elif SYS_KEYCTL < 0:
        status.bad(KEYRINGS, f"keyctl's number is unknown on {_MACHINE}")
    elif _sys(libc, SYS_KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, None) < 0:
        status.bad(KEYRINGS, _why("keyctl(KEYCTL_JOIN_SESSION_KEYRING)"))
    else:
        status.good(KEYRINGS)


def _no_new_privs(libc, status, skip):
    if "no-new-privs" in skip:
        status.bad(NO_NEW_PRIVS, SKIPPED)
        return False
    if _prctl(libc, PR_SET_NO_NEW_PRIVS, 1) != 0 or _prctl(libc, PR_GET_NO_NEW_PRIVS) != 1:
        status.bad(NO_NEW_PRIVS, _why("prctl(PR_SET_NO_NEW_PRIVS)"))
        return False
    status.good(NO_NEW_PRIVS)
    return True


def _drop_capabilities(libc, status, skip, have_nnp):
    """None held, and none to gain: the bounding set is cleared where the process may
    (it needs CAP_SETPCAP); elsewhere no_new_privs keeps exec from granting any."""
    if "capabilities" in skip:
        status.bad(CAPABILITIES, SKIPPED)
        return
    _prctl(libc, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    bounding_kept = False
    for cap in range(64):
        if _prctl(libc, PR_CAPBSET_READ, cap) < 0:
            break  # past the last capability this kernel knows
        if _prctl(libc, PR_CAPBSET_DROP, cap) != 0:
            bounding_kept = True
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    if libc.capset(ctypes.byref(header), (_CapData * 2)()) != 0:
        status.bad(CAPABILITIES, _why("capset"))
        return
    held = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), held) != 0 or any(
        d.effective or d.permitted or d.inheritable for d in held
    ):
        status.bad(CAPABILITIES, "capabilities are still held after capset")
    elif bounding_kept and not have_nnp:
        status.bad(CAPABILITIES, "the bounding set could not be cleared, and no_new_privs is not set")
    elif CAPABILITIES not in status.missing:  # (a nested user namespace would give them back)
        status.good(CAPABILITIES)


# ---------------------------------------------------------------- Landlock


def landlock_abi(libc):
    if not _UNIFIED:
        return 0
    abi = _sys(libc, SYS_LANDLOCK_CREATE_RULESET, None, 0, LANDLOCK_CREATE_RULESET_VERSION)
    return abi if abi > 0 else 0


def _fs_rights(abi):
    rights = (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_READ_DIR | FS_REMOVE_DIR | FS_REMOVE_FILE
              | FS_MAKE_CHAR | FS_MAKE_DIR | FS_MAKE_REG | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK
              | FS_MAKE_SYM)  # fmt: skip
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def read_paths():
    """Where the interpreter and its packages are read from: its prefixes, every
    ``sys.path`` entry, and the system's shared libraries."""
    seen = []
    candidates = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix, *sys.path, *_SYSTEM_READ]
    if sys.executable:
        candidates.append(os.path.dirname(os.path.realpath(sys.executable)))
    for path in candidates:
        if not path or not os.path.isabs(path) or not os.path.exists(path):
            continue
        if path not in seen:
            seen.append(path)
    return seen


def _add_rule(libc, ruleset, path, rights, handled):
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return True  # gone meanwhile: nothing to allow
    try:
        rights &= handled  # a right this ABI does not know is refused (EINVAL)
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        attr = _PathBeneath(rights, fd)
        return _sys(libc, SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(attr), 0) == 0
    finally:
        os.close(fd)


def _landlock(libc, status, scratch, workdir, skip, have_nnp):
    names = (FILESYSTEM, PTRACE, SIGNALS, NETWORK_TCP)

    def refuse(reason):
        for name in names:
            status.bad(name, reason)

    if "landlock" in skip:
        return refuse(SKIPPED)
    abi = landlock_abi(libc)
    if abi == 0:
        return refuse("no Landlock in this kernel (needs Linux 5.13 or later with Landlock enabled)")
    if not have_nnp:
        return refuse("Landlock needs no-new-privs, which could not be set")
    fs = _fs_rights(abi)
    attr = _RulesetAttr(fs, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = 24
    ruleset = _sys(libc, SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return refuse(_why("landlock_create_ruleset"))
    try:
        rules = [(path, _READ_ONLY) for path in read_paths()]
        rules += [(os.devnull, FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE), (workdir, _READ_ONLY), (scratch, fs)]
        if not all(_add_rule(libc, ruleset, path, rights, fs) for path, rights in rules):
            return refuse(_why("landlock_add_rule"))
        if _sys(libc, SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            return refuse(_why("landlock_restrict_self"))
    finally:
        os.close(ruleset)
    if abi >= 3:
        status.good(FILESYSTEM)
    else:
        status.bad(FILESYSTEM, f"Landlock ABI {abi} cannot stop truncating files (needs ABI 3, Linux 6.2)")
    status.good(PTRACE)  # a Landlock domain cannot ptrace anything outside it (ABI 1)
    if abi >= 6:
        status.good(SIGNALS)
    else:
        status.bad(SIGNALS, f"Landlock ABI {abi} has no signal scoping (needs ABI 6, Linux 6.12)")
    if abi >= 4:
        status.good(NETWORK_TCP)
    else:
        status.bad(NETWORK_TCP, f"Landlock ABI {abi} has no TCP rules (needs ABI 4, Linux 6.7)")
    return None


# ---------------------------------------------------------------- all of it


def confine(scratch):
    """Confine this process, which runs in ``scratch`` inside its work folder, with
    every protection this kernel offers; return what is in force and what is missing."""
    status = Status()
    scratch = os.path.abspath(scratch)
    workdir = os.path.dirname(scratch)
    skip = {s.strip() for s in os.environ.get("KATA_SANDBOX_SKIP", "").split(",") if s.strip()}
    if not sys.platform.startswith("linux"):
        reason = f"kernel sandboxing needs Linux; this is {sys.platform}"
        for name in PROTECTIONS:
            status.bad(name, reason)
        return status.as_dict()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # also for the process that mirrors a crash
    libc = _libc()
    pid_namespace, own_user_namespace = _unshare(libc, status, skip, scratch, workdir)
    if pid_namespace:
        _enter_pid_namespace(libc, status)  # returns in the process inside the namespace
    if not own_user_namespace and _can_make_user_namespace(libc):
        status.bad(CAPABILITIES, "it could make a user namespace of its own, with every capability inside")
    _new_session_keyring(libc, status, skip)
    have_nnp = _no_new_privs(libc, status, skip)
    _drop_capabilities(libc, status, skip, have_nnp)
    _landlock(libc, status, scratch, workdir, skip, have_nnp)
    # A PID namespace hides every process outside it: nothing there can be signalled.
    if PROCESSES in status.in_force:
        status.good(SIGNALS)
    if NETWORK in status.in_force:
        status.missing.pop(NETWORK_TCP, None)
    elif NETWORK_TCP in status.in_force:
        status.missing[NETWORK] += "; only TCP is blocked (by Landlock), not UDP or other sockets"
    return status.as_dict()
