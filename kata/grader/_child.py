"""The process that runs a submission. Everything here is on the untrusted side.

This file is executed by path (``python -I -B _child.py REQ_FD ANS_FD``), never imported
by the grader, and depends on nothing but the standard library and numpy. It imports
numpy, then receives requests on one pipe and answers on another; the first request
(``setup``) sets the resource limits, before any submitted code is read:

    frame = 8-byte little-endian header length, JSON header, raw payload bytes

The grader sends input arrays; the child sends back the raw bytes, dtype and shape of
whatever the submitted function returned. It never sees expected values, and the
grader never trusts anything it says beyond "these bytes came back": every answer is
re-validated on the other side, and nothing is unpickled or evaluated there.
"""

import json
import os
import resource
import struct
import sys
import traceback
import warnings

_HEADER = struct.Struct("<Q")
_MAX_REQUEST_HEADER = 1 << 20
_SUBMISSION_MODULE = "submission"


def _set_limits(memory_bytes, cpu_seconds, file_bytes, open_files):
    def lower(which, value):
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value if which != resource.RLIMIT_CPU else value + 1))

    lower(resource.RLIMIT_AS, memory_bytes)
    lower(resource.RLIMIT_CPU, cpu_seconds)
    lower(resource.RLIMIT_FSIZE, file_bytes)
    lower(resource.RLIMIT_CORE, 0)
    # Memory in files that are not mapped (memfd, say) escapes RLIMIT_AS: a few files
    # of at most file_bytes each bound it.
    lower(resource.RLIMIT_NOFILE, open_files)


def _read_exact(fd, n):
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd):
    (length,) = _HEADER.unpack(_read_exact(fd, _HEADER.size))
    if length > _MAX_REQUEST_HEADER:
        raise EOFError
    header = json.loads(_read_exact(fd, length))
    payload = _read_exact(fd, header.get("payload", 0))
    return header, payload


def _write_frame(fd, header, buffers):
    header["payload"] = sum(len(b) for b in buffers)
    head = json.dumps(header, allow_nan=False).encode()
    data = [_HEADER.pack(len(head)), head, *buffers]
    for part in data:
        view = memoryview(part).cast("B")
        while view:
            written = os.write(fd, view)
            view = view[written:]


def _clip(text, limit=2000):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + " [...]"


def _safe_str(obj, limit=300):
    try:
        return _clip(obj, limit)
    except BaseException:  # a submission's __str__ may do anything
        return "<unprintable>"


class _Encoder:
    """Turns returned values into descriptions plus raw buffers."""

    def __init__(self, np):
        self.np = np
        self.buffers = []
        self.offset = 0

    def array(self, arr, max_size=None):
        np = self.np
        if max_size is not None and isinstance(arr, np.ndarray) and _SIZE(arr) > max_size:
            dtype = _DTYPE(arr)  # described, not sent: the check asked for no more than max_size
            return {"kind": "oversize", "shape": list(_SHAPE(arr)), "dtype": dtype.newbyteorder("<").str}
        arr = np.asarray(arr, order="C")  # not ascontiguousarray: it turns 0-d into shape (1,)
        if arr.dtype.kind not in "biufc" or arr.dtype.hasobject:
            return {"kind": "other", "type": "ndarray of dtype " + _safe_str(arr.dtype)}
        arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        raw = arr.tobytes()
        desc = {
            "kind": "array",
            "dtype": arr.dtype.str,
            "shape": list(arr.shape),
            "offset": self.offset,
            "nbytes": len(raw),
        }
        self.buffers.append(raw)
        self.offset += len(raw)
        return desc

    def value(self, obj, depth=0, max_size=None):
        np = self.np
        if isinstance(obj, np.ndarray):
            desc = self.array(obj, max_size)
            desc["type"] = _safe_str(type(obj).__name__, 80)
            return desc
        if isinstance(obj, (bool, int, float, np.generic)) and not isinstance(obj, (str, bytes)):
            try:
                desc = self.array(np.asarray(obj))
            except (OverflowError, ValueError, TypeError):
                return {"kind": "other", "type": type(obj).__name__}
            desc["kind"] = "scalar"
            desc["type"] = type(obj).__name__
            return desc
        if isinstance(obj, tuple) and depth < 2 and len(obj) <= 16:
            return {"kind": "tuple", "items": [self.value(item, depth + 1, max_size) for item in obj]}
        if obj is None:
            return {"kind": "none", "type": "NoneType"}
        return {"kind": "other", "type": _safe_str(type(obj).__name__, 80), "repr": _safe_repr(obj)}


def _safe_repr(obj):
    try:
        return _clip(repr(obj), 300)
    except BaseException:
        return "<unprintable>"


def _decode_args(np, specs, payload):
    args = []
    for spec in specs:
        if spec["kind"] == "array":
            start = spec["offset"]
            raw = payload[start : start + spec["nbytes"]]
            arr = np.frombuffer(raw, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"]).copy()
            if spec.get("order") == "F":
                arr = np.asfortranarray(arr)
            args.append(arr)
        else:
            args.append(spec["value"])
    return args


def _submission_traceback(exc):
    """Where in the submission file the exception came from, innermost frame last."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == _SUBMISSION_PATH]
    lines = []
    for frame in frames[-5:]:
        code = (frame.line or "").strip()
        lines.append("  %s, line %s, in %s: %s" % (_DISPLAY_NAME, frame.lineno, frame.name, _clip(code, 160)))
    return _clip("\n".join(lines), 3000)


def _exception(exc):
    return {
        "ok": False,
        "exc_type": _safe_str(type(exc).__name__, 80),
        "exc_msg": _safe_str(exc, 500),
        "traceback": _submission_traceback(exc),
    }


def _exited(exc):
    return {"ok": False, "exc_type": "SystemExit", "exc_msg": _safe_str(exc.code), "traceback": ""}


_SUBMISSION_PATH = None
_DISPLAY_NAME = "your file"


def _load(np, path, functions, display, guard):
    """Run the submission as the grader read it: its bytes as UTF-8 (the grader refuses
    any other coding cookie), compiled from that text, so that what was checked is what
    runs."""
    global _SUBMISSION_PATH, _DISPLAY_NAME
    import types

    _SUBMISSION_PATH = path
    _DISPLAY_NAME = display
    module = types.ModuleType(_SUBMISSION_MODULE)
    module.__file__ = path
    sys.modules[_SUBMISSION_MODULE] = module
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8-sig")
        code = compile(text, path, "exec", dont_inherit=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            guard(True)
            try:
                exec(code, module.__dict__)
            finally:
                guard(False)
    except SystemExit as exc:
        return _exited(exc), None
    except BaseException as exc:  # noqa: BLE001 - report anything the import raised
        return _exception(exc), None
    found = {}
    for name in functions:
        obj = module.__dict__.get(name)
        found[name] = "missing" if obj is None else ("callable" if callable(obj) else "not-callable")
    return {"ok": True, "found": found}, module


def _call(np, module, call, payload, guard):
    fn = module.__dict__.get(call["fn"])
    if not callable(fn):
        return {"ok": False, "exc_type": "NameError", "exc_msg": call["fn"] + " is not defined", "traceback": ""}
    args = _decode_args(np, call["args"], payload)
    kwargs = dict(zip(call.get("kwnames", []), _decode_args(np, call.get("kwargs", []), payload)))
    want_args = bool(call.get("return_args"))
    after = None
    watched = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
                guard(True)
                try:
                    result = fn(*args, **kwargs)
                    if want_args:
                        # The arguments as the function left them, before anything of the
                        # submission's (the result's type name, a property, a collector's
                        # callback) can run again and put them back.
                        collecting = _GC_ISENABLED()
                        _GC_DISABLE()
                        # Arrays copied; the plain values (numbers, strings) the grader sent are
                        # immutable and go back as they are.
                        after = [_COPY(a) if type(a) is _NDARRAY else a for a in args]
                        if collecting:
                            _GC_ENABLE()
                        watched = _THREADS() > 0  # a thread of its own could have put them back first
                finally:
                    guard(False)
        except SystemExit as exc:
            return _exited(exc)
        except BaseException as exc:  # noqa: BLE001 - any exception is the submission's answer
            return _exception(exc)
    seen = []
    for w in caught[:20]:
        seen.append({"category": _safe_str(w.category.__name__, 80), "message": _safe_str(w.message, 200)})
    outcome = {"ok": True, "result": result, "warnings": seen, "args_after": after}
    if watched:
        outcome["threads"] = True
    return outcome


# Calls that would let a submission run code of its own between two of kata's steps
# (trace and profile hooks, the interpreter's internals through ctypes) or find kata's
# objects in this process. Refused while submitted code runs. (Frames stay reachable:
# the standard library needs sys._getframe; see the README's security section.)
_GUARDED_EVENTS = frozenset(("sys.setprofile", "sys.settrace", "gc.get_objects", "gc.get_referrers",
                             "gc.get_referents"))  # fmt: skip
_INTERNALS = ("Py", "_Py", "pthread_", "PyThread")


def _install_guard():
    """An audit hook (it cannot be removed) refusing ``_GUARDED_EVENTS`` while it is on;
    returns the switch, which only kata's code holds (in ``main``'s locals)."""
    state = [False]

    def hook(event, args):
        if not state[0]:
            return
        if event in _GUARDED_EVENTS or (event == "ctypes.dlsym" and len(args) > 1 and isinstance(args[1], str)
                                        and args[1].startswith(_INTERNALS)):
            raise RuntimeError(f"kata does not let submitted code use {event}")

    def switch(on):
        state[0] = on

    sys.addaudithook(hook)
    return switch


_SANDBOX_MODULE = None


def sandbox_module():
    """``_sandbox.py`` beside this file, loaded by path once (the zygote loads it ahead)."""
    global _SANDBOX_MODULE
    if _SANDBOX_MODULE is None:
        import importlib.util

        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_sandbox.py")
        spec = importlib.util.spec_from_file_location("_kata_sandbox", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _SANDBOX_MODULE = module
    return _SANDBOX_MODULE


def _setup(header, sandbox):
    """The first request: the limits, set before any submitted code is read; the answer
    says which kernel protections are in force."""
    limits = header["limits"]
    _set_limits(int(limits["memory"]), int(limits["cpu"]), int(limits["fsize"]), int(limits["files"]))
    return {"ok": True, "sandbox": sandbox}


def main():
    global _COPY, _SIZE, _SHAPE, _DTYPE, _GC_ISENABLED, _GC_DISABLE, _GC_ENABLE, _THREADS, _NDARRAY
    fd_in, fd_out = int(sys.argv[1]), int(sys.argv[2])
    import _thread
    import gc

    import numpy as np

    # Confined before any request is read: in a new PID namespace, this returns in a
    # fork; the process the grader started waits outside and mirrors its exit.
    sandbox = sandbox_module().confine(os.getcwd(), lifeline=fd_in, parent_is_grader=not FORKED)
    np.seterr(all="warn", under="ignore")
    # numpy's own C functions, taken before any submitted code can replace them.
    _COPY, _SIZE, _NDARRAY = np.ndarray.copy, np.ndarray.size.__get__, np.ndarray
    _SHAPE, _DTYPE = np.ndarray.shape.__get__, np.ndarray.dtype.__get__
    _GC_ISENABLED, _GC_DISABLE, _GC_ENABLE, _THREADS = gc.isenabled, gc.disable, gc.enable, _thread._count
    frozen = _Numpy(np)
    guard = _install_guard()
    module = None
    ready = False
    while True:
        try:
            header, payload = _read_frame(fd_in)
        except EOFError:
            return
        op = header.get("op")
        encoder = _Encoder(frozen)
        if op == "setup" and not ready:
            _write_frame(fd_out, _setup(header, sandbox), [])
            ready = True
        elif op == "load" and ready and module is None:
            answer, module = _load(frozen, header["path"], header["functions"], header.get("display", "your file"),
                                   guard)
            _write_frame(fd_out, answer, [])
        elif op == "call" and module is not None:
            results = []
            for call in header["calls"]:
                outcome = _call(frozen, module, call, payload, guard)
                if outcome["ok"]:
                    after = outcome.pop("args_after")
                    if after is not None:  # encoded first: nothing the result runs can touch them now
                        outcome["args_after"] = [encoder.value(a) for a in after]
                    guard(True)
                    try:
                        outcome["result"] = encoder.value(outcome["result"], max_size=call.get("max_size"))
                    finally:
                        guard(False)
                results.append(outcome)
            _write_frame(fd_out, {"ok": True, "results": results}, encoder.buffers)
        elif op == "modules" and module is not None:
            loaded = list(sys.modules)
            names = sorted({n.split(".")[0] for n in loaded} | {n for n in loaded if n.count(".") == 1})
            _write_frame(fd_out, {"ok": True, "modules": names[:5000]}, [])
        else:
            return


class _Numpy:
    """The numpy functions this file uses, taken when it starts: a submission that
    replaces ``np.asarray`` or ``np.frombuffer`` changes nothing here."""

    def __init__(self, np):
        for name in ("asarray", "frombuffer", "asfortranarray", "dtype", "ndarray", "generic", "errstate"):
            setattr(self, name, getattr(np, name))


_COPY = _SIZE = _SHAPE = _DTYPE = _GC_ISENABLED = _GC_DISABLE = _GC_ENABLE = _THREADS = _NDARRAY = None
FORKED = False  # set by the zygote in its forks


if __name__ == "__main__":
    main()
