"""Kernel confinement of the child process. Untrusted side; standard library only.

Loaded by path from ``_child.py`` (never imported by the grader) and run once, after
numpy is imported and before the first request, so before any submitted code is read.
Every step uses an unprivileged kernel feature through ``ctypes`` (Python 3.11 has no
``os.unshare``) and degrades honestly: what the kernel refuses is reported as missing,
with the reason, never silently assumed.

The steps, in order:

1. ``unshare`` a new user, mount, network and PID namespace. In the mount namespace
   every file system is read-only except the work folder, and /run (where service
   sockets live) is hidden. The network namespace has only a loopback device, and it
   is down: no connection leaves it, not even to 127.0.0.1.
   The PID namespace is entered by forking twice: the first fork is the namespace's
   init, which only waits; the second runs the protocol. When the init ends (the
   submission finished or the grader killed the group), the kernel kills everything
   left in the namespace, so nothing the submission started outlives the grading.
   The process the grader started stays outside and mirrors the exit status of the
   one inside, so a segfault still reads as a segfault.
2. ``PR_SET_NO_NEW_PRIVS``: no set-uid program or file capability can raise privileges.
3. Drop every capability (the new user namespace grants a full set inside it).
4. Landlock: read and execute only where Python and its packages live (and system
   libraries), read and write only in the private work folder; no truncation,
   removal or renaming elsewhere; no TCP bind or connect; no signals to, and no
   ptrace of, any process outside the sandbox; no abstract Unix sockets outside it.
"""

import ctypes
import errno
import os
import platform
import resource
import signal
import sys

# -- names of the protections, as the report lists them
NO_NEW_PRIVS = "no-new-privs"
CAPABILITIES = "capabilities"
FILESYSTEM = "filesystem"
NETWORK = "network"
NETWORK_TCP = "network-tcp"  # Landlock's TCP rules alone: a partial fallback
SIGNALS = "signals"
PTRACE = "ptrace"
PROCESSES = "processes"
MOUNTS = "mounts"
PROTECTIONS = (FILESYSTEM, MOUNTS, NETWORK, NETWORK_TCP, SIGNALS, PTRACE, PROCESSES, NO_NEW_PRIVS, CAPABILITIES)

# -- Linux constants
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNS = 0x00020000
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
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

_SYSCALL_BASE = 554 if platform.machine().startswith("alpha") else 444  # one table since 5.x
SYS_LANDLOCK_CREATE_RULESET = _SYSCALL_BASE
SYS_LANDLOCK_ADD_RULE = _SYSCALL_BASE + 1
SYS_LANDLOCK_RESTRICT_SELF = _SYSCALL_BASE + 2
SYS_MOUNT_SETATTR = _SYSCALL_BASE - 2
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
        if name not in self.in_force:
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


# ---------------------------------------------------------------- namespaces


def _write(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _unshare(libc, status, skip, workdir):
    """Returns True if the caller is now set to enter a new PID namespace."""
    if "namespaces" in skip:
        reason = "skipped (KATA_SANDBOX_SKIP)"
        for name in (NETWORK, PROCESSES, MOUNTS):
            status.bad(name, reason)
        return False
    uid, gid = os.getuid(), os.getgid()
    # Unprivileged, a user namespace owns the others; as root, the others alone may do.
    # The mount and PID namespaces are tried first with the network one, then without.
    attempts = [
        user | extra | CLONE_NEWNET
        for user in (CLONE_NEWUSER, 0)
        for extra in (CLONE_NEWNS | CLONE_NEWPID, CLONE_NEWPID, 0)
    ]
    first_error = None
    for flags in attempts:
        if libc.unshare(ctypes.c_int(flags)) == 0:
            break
        first_error = first_error or _why("unshare")
    else:
        reason = f"no namespaces: {first_error} (user namespaces may be disabled on this machine)"
        for name in (NETWORK, PROCESSES, MOUNTS):
            status.bad(name, reason)
        return False
    if flags & CLONE_NEWUSER:
        try:  # map our own ids, so files made in the work folder keep their owner
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        except OSError:
            pass  # unmapped: files cannot be created, which confines further
    status.good(NETWORK)
    if flags & CLONE_NEWNS:
        _read_only_mounts(libc, status, workdir)
    else:
        status.bad(MOUNTS, "no mount namespace could be made")
    if not flags & CLONE_NEWPID:
        status.bad(PROCESSES, "no PID namespace: a process that leaves its group can outlive the grading")
        return False
    return True


class _MountAttr(ctypes.Structure):
    _fields_ = (
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    )


def _mount_setattr(libc, path, flags, attr):
    return _sys(libc, SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), ctypes.sizeof(attr))


def _read_only_mounts(libc, status, workdir):
    """In the new mount namespace: everything read-only but the work folder, and the
    folders of service sockets (/run) hidden under an empty file system. Landlock
    guards file contents; this also stops chmod, chown and utime elsewhere, which
    Landlock does not cover."""
    def mount(source, target, fstype, flags, data=None):
        return libc.mount(source, target.encode(), fstype, ctypes.c_ulong(flags), data) == 0

    if not mount(None, "/", None, MS_REC | MS_PRIVATE):  # nothing we do leaks back out
        status.bad(MOUNTS, _why("mount(MS_PRIVATE)"))
        return
    if not mount(workdir.encode(), workdir, None, MS_BIND):
        status.bad(MOUNTS, _why("bind mount of the work folder"))
        return
    if _mount_setattr(libc, "/", AT_RECURSIVE, _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)) != 0:
        status.bad(MOUNTS, _why("mount_setattr (needs Linux 5.12)"))
        return
    if _mount_setattr(libc, workdir, 0, _MountAttr(0, MOUNT_ATTR_RDONLY, 0, 0)) != 0:
        status.bad(MOUNTS, _why("mount_setattr on the work folder"))
        return
    for hidden in ("/run", "/var/run"):
        if os.path.isdir(hidden) and not os.path.islink(hidden) and not workdir.startswith(hidden + "/"):
            if not mount(b"tmpfs", hidden, b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, b"size=4k"):
                status.bad(MOUNTS, _why(f"hiding {hidden}"))
                return
    os.chdir(workdir)  # the writable mount now on top, not the read-only one beneath
    status.good(MOUNTS)


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


def _enter_pid_namespace(status):
    """Fork into the new PID namespace. Returns only in the process that goes on."""
    status_r, status_w = os.pipe()
    init = os.fork()
    if init:  # the process the grader knows: wait outside, and mirror the inside
        os.close(status_w)
        _quiet_fds({status_r})
        _, wait_status = _wait(init)
        try:
            told = os.read(status_r, 32)
        except OSError:
            told = b""
        _mirror(int(told) if told.strip().isdigit() else wait_status)
    # PID 1 of the namespace: it only reaps; when it ends, the kernel ends the rest.
    os.close(status_r)
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


# ---------------------------------------------------------------- privileges


def _no_new_privs(libc, status, skip):
    if "no-new-privs" in skip:
        status.bad(NO_NEW_PRIVS, "skipped (KATA_SANDBOX_SKIP)")
        return False
    if _prctl(libc, PR_SET_NO_NEW_PRIVS, 1) != 0 or _prctl(libc, PR_GET_NO_NEW_PRIVS) != 1:
        status.bad(NO_NEW_PRIVS, _why("prctl(PR_SET_NO_NEW_PRIVS)"))
        return False
    status.good(NO_NEW_PRIVS)
    return True


def _drop_capabilities(libc, status, skip):
    if "capabilities" in skip:
        status.bad(CAPABILITIES, "skipped (KATA_SANDBOX_SKIP)")
        return
    _prctl(libc, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    for cap in range(64):  # the bounding set, so no exec can regain any
        if _prctl(libc, PR_CAPBSET_DROP, cap) != 0 and ctypes.get_errno() == errno.EINVAL:
            break
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        status.bad(CAPABILITIES, _why("capset"))
        return
    check = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), check) != 0 or any(
        d.effective or d.permitted or d.inheritable for d in check
    ):
        status.bad(CAPABILITIES, "capabilities are still held after capset")
        return
    status.good(CAPABILITIES)


# ---------------------------------------------------------------- Landlock


def landlock_abi(libc):
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


def _add_rule(libc, ruleset, path, rights):
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return True  # gone meanwhile: nothing to allow
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        attr = _PathBeneath(rights, fd)
        return _sys(libc, SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(attr), 0) == 0
    finally:
        os.close(fd)


def _landlock(libc, status, workdir, skip, have_nnp):
    names = (FILESYSTEM, PTRACE, SIGNALS, NETWORK_TCP)
    if "landlock" in skip:
        for name in names:
            status.bad(name, "skipped (KATA_SANDBOX_SKIP)")
        return
    abi = landlock_abi(libc)
    if abi == 0:
        reason = "no Landlock in this kernel (needs Linux 5.13 or later with Landlock enabled)"
        for name in names:
            status.bad(name, reason)
        return
    if not have_nnp:
        for name in names:
            status.bad(name, "Landlock needs no-new-privs, which could not be set")
        return
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
        reason = _why("landlock_create_ruleset")
        for name in names:
            status.bad(name, reason)
        return
    try:
        ok = all(_add_rule(libc, ruleset, path, _READ_ONLY) for path in read_paths())
        ok = ok and _add_rule(libc, ruleset, os.devnull, FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE)
        ok = ok and _add_rule(libc, ruleset, workdir, fs)
        if not ok:
            reason = _why("landlock_add_rule")
            for name in names:
                status.bad(name, reason)
            return
        if _sys(libc, SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            reason = _why("landlock_restrict_self")
            for name in names:
                status.bad(name, reason)
            return
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


# ---------------------------------------------------------------- all of it


def confine(workdir):
    """Apply every protection this kernel offers; return what is in force and missing."""
    status = Status()
    skip = {s.strip() for s in os.environ.get("KATA_SANDBOX_SKIP", "").split(",") if s.strip()}
    if not sys.platform.startswith("linux"):
        reason = f"kernel sandboxing needs Linux; this is {sys.platform}"
        for name in PROTECTIONS:
            status.bad(name, reason)
        return status.as_dict()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # also for the process that mirrors a crash
    libc = _libc()
    if _unshare(libc, status, skip, workdir):
        _enter_pid_namespace(status)  # returns in the process inside the namespace
    have_nnp = _no_new_privs(libc, status, skip)
    _drop_capabilities(libc, status, skip)
    _landlock(libc, status, workdir, skip, have_nnp)
    # A PID namespace hides every process outside it: nothing there can be signalled.
    if PROCESSES in status.in_force:
        status.good(SIGNALS)
    if NETWORK in status.in_force:
        status.missing.pop(NETWORK_TCP, None)
    elif NETWORK_TCP in status.in_force:
        status.missing[NETWORK] += "; only TCP is blocked (by Landlock), not UDP or other sockets"
    return status.as_dict()
