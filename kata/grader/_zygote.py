"""The warm parent of submission children. Standard library and numpy only; run by path.

Started once per pool slot as ``python -I -B -u _zygote.py SOCKET_FD CHILD_SCRIPT``, it
imports numpy and the child's code once, then waits on a Unix socket. Each request
carries the four pipe ends of one new child (request read end, answer write end,
stdout, stderr) as passed file descriptors. The zygote forks; the fork starts its own
session, keeps only its pipes, moves into its private scratch folder and runs the
unchanged child protocol (``_child.main``), whose first request sets the resource
limits before any submitted code is read. The zygote itself never loads or runs submitted code.

It answers ``pid N`` for each fork and ``exit N CODE`` when a fork ends (it is their
parent, so it reaps them). The grader uses the pid, talks to the child over the pipes
it made itself, and kills the child's process group, exactly as for a child it started.
"""

import importlib.util
import json
import os
import select
import signal
import socket
import sys
import traceback


def _load_child(path):
    spec = importlib.util.spec_from_file_location("_kata_child", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_fork(child, child_path, request, fds, sock, wake):
    """In the forked process: become a fresh, isolated child. Never returns."""
    code = 70
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        req_r, ans_w, out_w, err_w = fds
        sock.detach()  # the socket object must not close a number the submission reuses
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        low, high = sorted((req_r, ans_w))
        os.closerange(3, low)
        os.closerange(low + 1, high)
        os.closerange(high + 1, max(high + 2, os.sysconf("SC_OPEN_MAX")))
        del wake
        cwd = str(request["cwd"])
        os.chdir(cwd)
        os.environ["HOME"] = cwd
        os.environ["TMPDIR"] = cwd
        _reseed()
        sys.argv = [child_path, str(req_r), str(ans_w)]
        child.FORKED = True
        child.main()
        code = 0
    except BaseException:  # noqa: BLE001 - report on the child's own stderr, then exit
        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001, S110 - stderr may be gone; exit anyway
            pass
    os._exit(code)


def _reseed():
    """Forks would otherwise share the zygote's random state: give each its own, as a
    freshly started interpreter has."""
    if "random" in sys.modules:
        sys.modules["random"].seed()
    legacy = sys.modules.get("numpy.random")
    if legacy is not None:
        legacy.seed()


def _fork(child, child_path, request, fds, sock, wake):
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.setsid()  # before the grader learns the pid, so killpg(pid) always means this group
        os.close(ready_w)
        _run_fork(child, child_path, request, fds, sock, wake)
    os.close(ready_w)
    os.read(ready_r, 1)  # end of file once the fork has its own session
    os.close(ready_r)
    return pid


_LIVE = set()  # the forks not reaped yet


def _reap(sock):
    while True:
        try:
            ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if ended is None:
            return
        pid = ended.si_pid
        # Before it is reaped its pid is still held, so this is its own group for sure:
        # whatever it left there (its grader may be gone, and nobody else would) ends too.
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        _, status = os.waitpid(pid, 0)
        _LIVE.discard(pid)
        try:
            sock.send(f"exit {pid} {os.waitstatus_to_exitcode(status)}".encode())
        except OSError:
            pass  # the grader is gone; main() ends the rest


def _end_forks():
    """The grader is gone (killed, say): nobody would end the running fork at its
    deadline, so end it, and its whole group, now."""
    for pid in _LIVE:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def main():
    sock = socket.socket(fileno=int(sys.argv[1]))
    child_path = sys.argv[2]
    child = _load_child(child_path)
    sandbox = child.sandbox_module()  # and ctypes: every fork confines itself with them
    import numpy  # noqa: F401 - the reason this process exists: every fork starts with it

    sandbox.view()  # what a fork's root holds: the same for every fork, found once

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    sock.send(b"ready")
    while True:
        readable, _, _ = select.select([sock, wake_r], [], [])
        if wake_r in readable:
            try:
                while os.read(wake_r, 512):
                    pass
            except BlockingIOError:
                pass
        _reap(sock)
        if sock not in readable:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(sock, 4096, 4)
        except OSError:
            message, fds = b"", []
        if not message:
            _end_forks()
            return  # the grader is gone
        try:
            request = json.loads(message)
            if request.get("op") != "spawn" or len(fds) != 4:
                raise ValueError("bad request")
            pid = _fork(child, child_path, request, fds, sock, (wake_r, wake_w))
            _LIVE.add(pid)
            sock.send(f"pid {pid}".encode())
        except (ValueError, OSError) as err:
            sock.send(f"fail {type(err).__name__}".encode())
        finally:
            for fd in fds:
                os.close(fd)


if __name__ == "__main__":
    main()
