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
import select
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
ROOT = "root"  # a fresh root file system holding only what Python and numpy need
SYSCALLS = "syscalls"  # seccomp: no sockets, io_uring, inotify, keys or message queues
USER_LIMITS = "user-limits"  # per-user kernel resources capped inside its user namespace
PROTECTIONS = (FILESYSTEM, MOUNTS, ROOT, NETWORK, NETWORK_TCP, SIGNALS, PTRACE, PROCESSES, IPC, KEYRINGS,
               NO_NEW_PRIVS, CAPABILITIES, SYSCALLS, USER_LIMITS)  # fmt: skip
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
MOUNT_ATTR_NOSUID = 2
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
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
# Older calls differ: the generic table's number (arm64, riscv, loongarch), or x86-64's.
SYS_PIVOT_ROOT = {"x86_64": 155, "amd64": 155}.get(_MACHINE, 41 if _MACHINE in ("aarch64", "arm64") or
                                                   _MACHINE.startswith(("riscv", "loongarch")) else -1)
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
        _cap_user_counts(status)
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


# ---------------------------------------------------------------- what the child may see


_VIEW = None


def view():
    """``find_view()``, found once per process (a zygote finds it before it forks)."""
    global _VIEW
    if _VIEW is None:
        _VIEW = find_view()
    return _VIEW


def find_view():
    """What the child's world holds, read-only, found before anything is confined:
    ``(path, hidden)`` pairs, each a file or folder the child may read (named as Python
    names it, symlinks and all) and the folders inside it that stay out of sight.

    Deny by default: the standard library (without the ``site-packages`` and
    ``dist-packages`` it may hold), numpy's own folders, the shared libraries this
    process has mapped (their system folders, so that a lazily imported standard module
    finds its library; a library in a folder of Python packages alone), the loader's
    cache and the time zone. Nothing of ``/tmp``, ``/home``, ``/run``, other packages,
    kata itself or its solutions."""
    hidden_names = ("site-packages", "dist-packages")
    items = {}
    stdlib = os.path.dirname(os.__file__)
    homes = [stdlib] + [p for p in sys.path if p and (p.endswith(".zip") or p.startswith(stdlib + os.sep))
                        and not set(p.split(os.sep)) & set(hidden_names)]  # (lib-dynload, not site-packages)
    for path in homes:
        if os.path.isabs(path) and os.path.exists(path):
            items[os.path.normpath(path)] = tuple(
                os.path.join(path, name) for name in hidden_names if os.path.isdir(os.path.join(path, name))
            )
    numpy = sys.modules.get("numpy")
    package_dirs = [os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)]
    if numpy is not None and getattr(numpy, "__file__", None):
        folder = os.path.dirname(numpy.__file__)
        items[folder] = ()
        libs = folder + ".libs"  # where numpy's wheels keep OpenBLAS and gfortran
        if os.path.isdir(libs):
            items[libs] = ()
    for mapped in _mapped_files():
        if any(mapped.startswith(p + os.sep) for p in items):
            continue
        folder = os.path.dirname(mapped)
        lib_folder = ".so" in os.path.basename(mapped) and not any(
            p == folder or p.startswith(folder + os.sep) for p in package_dirs + [os.path.realpath(stdlib)]
        )
        items[folder if lib_folder else mapped] = ()
    # The interpreter as it is named (a venv's link to it), so that it can start again.
    extras = (sys.executable, _elf_interpreter(os.path.realpath(sys.executable or "")),
              os.path.join(sys.prefix, "pyvenv.cfg"), "/etc/ld.so.cache", "/etc/localtime")
    for extra in extras:
        if extra and os.path.isabs(extra) and os.path.exists(extra):
            items[extra] = ()
    def inside(path, folder):  # shown already by ``folder``, and not in a folder it hides
        return path.startswith(folder + os.sep) and not any(
            path == h or path.startswith(h + os.sep) for h in items[folder])

    ordered = sorted(items, key=len)  # a folder before what is shown inside what it hides
    return [(p, items[p]) for p in ordered if not any(inside(p, q) for q in ordered if q != p)]


def _elf_interpreter(path):
    """The program loader a 64-bit ELF executable names (PT_INTERP), or None."""
    import struct

    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:5] != b"\x7fELF\x02" or head[5] not in (1, 2):
                return None
            end = "<" if head[5] == 1 else ">"
            phoff, = struct.unpack_from(end + "Q", head, 0x20)
            phentsize, phnum = struct.unpack_from(end + "HH", head, 0x36)
            for i in range(min(phnum, 64)):
                f.seek(phoff + i * phentsize)
                ptype, _, offset, _, _, filesz = struct.unpack(end + "IIQQQQ", f.read(40))
                if ptype == 3:  # PT_INTERP
                    f.seek(offset)
                    return f.read(min(filesz, 4096)).rstrip(b"\0").decode()
    except (OSError, struct.error, UnicodeDecodeError):
        return None
    return None


def _mapped_files():
    found = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(None, 5)
                if len(fields) == 6:
                    path = fields[5].strip()
                    if path.startswith("/") and not path.startswith(("/dev/", "/proc/", "/memfd:")) \
                            and not path.endswith(" (deleted)") and path not in found:
                        found.append(path)
    except OSError:
        pass
    return found


DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom")


def _make_path(root, path, depth=0):
    """Make ``path`` exist under ``root`` as it is named on the host: folders as empty
    folders, symlinks as the same symlinks (and what they point to made in turn), the last
    part as an empty folder or file to mount on. Returns that mount point (in ``root``)
    and the host's path of what belongs on it, or None where the host has nothing."""
    if depth > 8:
        return None
    parts = [p for p in path.split("/") if p]
    current = ""
    for i, part in enumerate(parts):
        current += "/" + part
        target = root + current
        if os.path.islink(current):
            link = os.readlink(current)
            if not os.path.lexists(target):
                os.symlink(link, target)
            resolved = os.path.normpath(os.path.join(os.path.dirname(current), link))
            return _make_path(root, "/".join([resolved, *parts[i + 1 :]]), depth + 1)
        if not os.path.lexists(current):
            return None
        if not os.path.lexists(target):
            if i == len(parts) - 1 and not os.path.isdir(current):
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644))
            else:
                os.mkdir(target, 0o755)
    return root + current, current


def _bind(libc, root, path):
    made = _make_path(root, path)
    if made is None:
        return True  # gone meanwhile: nothing to show
    target, source = made
    return _mount(libc, source.encode(), target, None, MS_BIND | MS_REC)


def _new_root(libc, status, scratch, workdir, items):
    """In the new mount and PID namespaces (as their init, before the process that runs
    the protocol is forked): a tmpfs root holding ``items`` read-only, the three device
    files, a /proc of its own, the work folder read-only and a fresh scratch tmpfs; then
    ``pivot_root`` into it and drop the host's tree. On any failure the host's
    (read-only) tree stays, and ``root`` is reported missing."""
    if SYS_PIVOT_ROOT < 0:
        status.bad(ROOT, f"pivot_root's number is unknown on {_MACHINE}")
        return
    root = os.path.join(scratch, ".root")
    try:
        os.mkdir(root, 0o755)
    except OSError as err:
        status.bad(ROOT, f"cannot make the new root's folder ({err.strerror})")
        return
    if not _mount(libc, b"tmpfs", root, b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,nr_inodes=4096,mode=0755"):
        status.bad(ROOT, _why("a tmpfs for the new root"))
        return

    def give_up(reason):
        libc.umount2(root.encode(), ctypes.c_int(MNT_DETACH))
        status.bad(ROOT, reason)

    try:
        for path, hidden in items:
            if not _bind(libc, root, path):
                return give_up(_why(f"showing {path}"))
            for inside in hidden:  # (writable until the whole root is made read-only: numpy may be shown in it)
                if not _mount(libc, b"tmpfs", root + inside, b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                              b"size=64k,nr_inodes=256,mode=0755"):
                    return give_up(_why(f"hiding {inside}"))
        for device in DEVICES:
            if not _bind(libc, root, device):
                return give_up(_why(f"showing {device}"))
        os.mkdir(root + "/proc", 0o555)
        if not _mount(libc, b"proc", root + "/proc", b"proc", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC):
            return give_up(_why("a /proc of its own"))
        made = _make_path(root, workdir)
        if made is None or not _mount(libc, made[1].encode(), made[0], None, MS_BIND):  # not its scratch tmpfs
            return give_up(_why("showing its work folder"))
        if _mount_setattr(libc, root, AT_RECURSIVE, _MountAttr(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0)) != 0:
            return give_up(_why("making the new root read-only"))
        options = f"size={SCRATCH_BYTES},nr_inodes={SCRATCH_INODES},mode=0700".encode()
        if not _mount(libc, b"tmpfs", root + scratch, b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options):
            return give_up(_why("a tmpfs for the scratch folder in the new root"))
    except OSError as err:
        return give_up(f"building the new root failed: {err.strerror} ({err.filename})")
    os.chdir(root)
    if _sys(libc, SYS_PIVOT_ROOT, b".", b".") != 0:
        os.chdir(scratch)
        return give_up(_why("pivot_root"))
    if libc.umount2(b".", ctypes.c_int(MNT_DETACH)) != 0:  # the host's tree, stacked on top: gone
        status.bad(ROOT, _why("detaching the host's root"))
        os._exit(70)  # half a root is no root: the grader sees a crash, never a pass
    os.chdir("/")
    os.chdir(scratch)
    status.good(ROOT)


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


def _wait_or_cut(pid, lifeline):
    """Wait for ``pid`` (the namespace's init) to end; if the grader's end of the
    ``lifeline`` pipe closes first (the grader was killed, even by SIGKILL), kill it:
    the kernel then ends everything in the namespace."""
    if lifeline is None:
        return _wait(pid)
    try:
        pidfd = os.pidfd_open(pid)
    except (OSError, AttributeError):
        pidfd = None
    poller = select.poll()
    poller.register(lifeline, select.POLLHUP)  # never POLLIN: the requests are not ours to read
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    while True:
        try:
            events = poller.poll(None if pidfd is not None else 100)
        except InterruptedError:
            continue
        if any(fd == lifeline and event & (select.POLLHUP | select.POLLERR | select.POLLNVAL)
               for fd, event in events):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            return _wait(pid)
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        if done:
            return done, wait_status


def _enter_pid_namespace(libc, status, scratch, workdir, items, lifeline):
    """Fork into the new PID namespace. Returns only in the process that goes on."""
    status_r, status_w = os.pipe()
    init = os.fork()
    if init:  # the process the grader knows: wait outside, and mirror the inside
        os.close(status_w)
        _default_signals()
        _quiet_fds({status_r} | ({lifeline} if lifeline is not None else set()))
        _, wait_status = _wait_or_cut(init, lifeline)
        try:
            told = os.read(status_r, 32)
        except OSError:
            told = b""
        _mirror(int(told) if told.strip().isdigit() else wait_status)
    # PID 1 of the namespace: it only reaps; when it ends, the kernel ends the rest.
    # (Signals from inside reach it only where it has a handler: it has none.)
    os.close(status_r)
    _default_signals()
    _prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL)  # and it ends with the process outside
    if MOUNTS in status.in_force and items is not None:
        _new_root(libc, status, scratch, workdir, items)
    elif items is None:
        status.bad(ROOT, SKIPPED)
    else:
        status.bad(ROOT, "no mount namespace: the child sees the host's files (read-only)")
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


def read_paths(items):
    """What Landlock lets it read: the view (``view``), each folder whole but for the
    folders it hides, which Landlock cannot exclude: those folders are left out by
    allowing the entries beside them one by one (and listing the folder's names)."""
    paths = []
    for path, hidden in items:
        if not hidden:
            paths.append(path)
            continue
        try:
            names = os.listdir(path)
        except OSError:
            continue
        paths += [os.path.join(path, n) for n in names if os.path.join(path, n) not in hidden]
    return paths + list(DEVICES[1:])


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


def _landlock(libc, status, scratch, workdir, skip, have_nnp, items):
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
        rules = [(path, _READ_ONLY) for path in read_paths(items)]
        rules += [(path, FS_READ_DIR) for path, hidden in items if hidden]  # names beneath, not contents
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


# ---------------------------------------------------------------- per-user resources

# The kernel counts these per user, across user namespaces: a child's share is also the
# grading user's. Each is capped at 0 inside the child's own user namespace (which owns
# these limits), so whatever it takes comes out of nobody's allowance.
_USER_COUNTS = ("max_inotify_instances", "max_inotify_watches", "max_fanotify_groups", "max_fanotify_marks",
                "max_mnt_namespaces", "max_pid_namespaces", "max_net_namespaces", "max_ipc_namespaces",
                "max_uts_namespaces", "max_cgroup_namespaces", "max_time_namespaces")  # fmt: skip
# And these are per-user limits set as resource limits: queued signals, bytes of POSIX
# message queues, locked memory, processes (which only a user namespace of its own
# counts apart from the grading user's).
USER_RLIMITS = (("RLIMIT_MSGQUEUE", 0), ("RLIMIT_SIGPENDING", 256), ("RLIMIT_MEMLOCK", 0))
NPROC = 256


def _cap_user_counts(status):
    for name in _USER_COUNTS:
        path = "/proc/sys/user/" + name
        if not os.path.exists(path):
            continue  # an older kernel without this count has no such resource to charge
        try:
            _write(path, "0")
        except OSError as err:
            status.bad(USER_LIMITS, f"cannot cap {name} in its user namespace ({err.strerror})")
            return
    status.good(USER_LIMITS)


def _user_rlimits(status, own_user_namespace):
    limits = list(USER_RLIMITS)
    if own_user_namespace:  # elsewhere the count is the grading user's whole count
        limits.append(("RLIMIT_NPROC", NPROC))
    for name, value in limits:
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
        except (OSError, ValueError) as err:
            status.bad(USER_LIMITS, f"cannot set {name} ({err})")
    if not own_user_namespace:
        status.bad(USER_LIMITS, "no user namespace of its own: inotify instances and watches, fanotify groups and "
                                "processes count against the grading user's limits")


# ---------------------------------------------------------------- system calls (seccomp)

# What the child never needs, and what reaches beyond its namespaces: a socket of any
# family (a Unix socket's path is a way out of every namespace but the mount one; the
# child talks to the grader over pipes it already has), io_uring (it opens and connects
# sockets without the socket call), inotify and fanotify, and the kernel keys and POSIX
# message queues charged to the grading user. Refused with EACCES; any other
# architecture's system calls (x86-64's 32-bit entry, x32) are refused outright.
_AUDIT_ARCH = {"x86_64": 0xC000003E, "amd64": 0xC000003E, "aarch64": 0xC00000B7, "arm64": 0xC00000B7}
_DENIED = {
    "x86_64": {"socket": 41, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
               "inotify_init": 253, "inotify_init1": 294, "fanotify_init": 300, "add_key": 248,
               "request_key": 249, "mq_open": 240, "userfaultfd": 323, "perf_event_open": 298, "bpf": 321},
    "aarch64": {"socket": 198, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
                "inotify_init1": 26, "fanotify_init": 262, "add_key": 217, "request_key": 218, "mq_open": 180,
                "userfaultfd": 282, "perf_event_open": 241, "bpf": 280},
}  # fmt: skip
_DENIED["amd64"] = _DENIED["x86_64"]
_DENIED["arm64"] = _DENIED["aarch64"]
_X32_BIT = 0x40000000
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_JGE_K = 0x35
_BPF_RET_K = 0x06


class _SockFilter(ctypes.Structure):
    _fields_ = (("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32))


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)))


def seccomp_program(machine=_MACHINE):
    """The filter, as (code, jt, jf, k) tuples; None where kata knows no numbers."""
    arch, denied = _AUDIT_ARCH.get(machine), _DENIED.get(machine)
    if arch is None or denied is None:
        return None
    numbers = sorted(set(denied.values()))
    refuse = SECCOMP_RET_ERRNO | errno.EACCES
    prog = [(_BPF_LD_W_ABS, 0, 0, 4), (_BPF_JEQ_K, 1, 0, arch), (_BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
            (_BPF_LD_W_ABS, 0, 0, 0)]
    if arch == _AUDIT_ARCH["x86_64"]:
        prog += [(_BPF_JGE_K, 0, 1, _X32_BIT), (_BPF_RET_K, 0, 0, refuse)]
    for i, number in enumerate(numbers):
        # equal: jump to the refusal after the remaining tests and the allow
        prog.append((_BPF_JEQ_K, len(numbers) - i, 0, number))
    prog += [(_BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW), (_BPF_RET_K, 0, 0, refuse)]
    return prog


def _seccomp(libc, status, skip, have_nnp):
    if "seccomp" in skip:
        return status.bad(SYSCALLS, SKIPPED)
    prog = seccomp_program()
    if prog is None:
        return status.bad(SYSCALLS, f"kata has no system call filter for {_MACHINE}")
    if not have_nnp:
        return status.bad(SYSCALLS, "a system call filter needs no-new-privs, which could not be set")
    filters = (_SockFilter * len(prog))(*(_SockFilter(*ins) for ins in prog))
    fprog = _SockFprog(len(prog), filters)
    if _prctl(libc, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog)) != 0:
        return status.bad(SYSCALLS, _why("prctl(PR_SET_SECCOMP)"))
    status.good(SYSCALLS)
    return None


# ---------------------------------------------------------------- all of it


def confine(scratch, lifeline=None, parent_is_grader=True):
    """Confine this process, which runs in ``scratch`` inside its work folder, with
    every protection this kernel offers; return what is in force and what is missing.
    ``lifeline``: the read end of a pipe whose other end only the grader holds; when it
    closes (the grader is gone, however it ended), everything confined here is killed.
    ``parent_is_grader``: False in a zygote's fork, whose parent (the zygote) ends its
    forks itself when the grader is gone, and whose death alone must not end the fork."""
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
    items = view()  # found while the host's files are still in sight
    pid_namespace, own_user_namespace = _unshare(libc, status, skip, scratch, workdir)
    if pid_namespace:  # returns in the process inside the namespace
        _enter_pid_namespace(libc, status, scratch, workdir, None if "root" in skip else items, lifeline)
    else:
        status.bad(ROOT, status.missing.get(PROCESSES, "no PID namespace"))
        if parent_is_grader:
            _prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL)  # at least: it ends when the grader does
    if not own_user_namespace:
        status.bad(USER_LIMITS, status.missing.get(NETWORK, "no user namespace of its own"))
    if not own_user_namespace and _can_make_user_namespace(libc):
        status.bad(CAPABILITIES, "it could make a user namespace of its own, with every capability inside")
    _user_rlimits(status, own_user_namespace)
    _new_session_keyring(libc, status, skip)
    have_nnp = _no_new_privs(libc, status, skip)
    _drop_capabilities(libc, status, skip, have_nnp)
    if ROOT in status.in_force:  # what the root hides is not there to allow: each folder whole
        items = [(path, ()) for path, _ in items]
    _landlock(libc, status, scratch, workdir, skip, have_nnp, items)
    _seccomp(libc, status, skip, have_nnp)
    # A PID namespace hides every process outside it: nothing there can be signalled.
    if PROCESSES in status.in_force:
        status.good(SIGNALS)
    if NETWORK in status.in_force:
        status.missing.pop(NETWORK_TCP, None)
    elif NETWORK_TCP in status.in_force:
        status.missing[NETWORK] += "; only TCP is blocked (by Landlock), not UDP or other sockets"
    return status.as_dict()
