"""Case registry and checks of the hostile tests (run inside a child process, see child.py).

A case is a function of a `Ctx`; it calls the library through raw ctypes and checks with
`ctx.fails(...)` that a hostile call returned the documented status with a message naming the
value, and with `Out` sentinels that it left its out-parameters untouched. `ctx.step(...)`
names the sub-step, so a crash is reported with the exact call that trapped.
"""
import ctypes
import json
import sys

CASES = {}      # group -> {name: (function, covered functions)}

OK, INVALID, SHAPE, IO, FORMAT, UNSUPPORTED, OOM, CANCELLED, STATE, INTERNAL = range(10)
INT32_MAX, INT32_MIN = 2**31 - 1, -(2**31)
SIZE_MAX = 2**64 - 1


def case(group, *covers):
    """Registers a case in `group` that exercises the C functions `covers`."""
    def register(fn):
        CASES.setdefault(group, {})[fn.__name__] = (fn, set(covers))
        return fn
    return register


def emit(kind, name, text=""):
    sys.stdout.write(f"{kind}\t{name}\t{text}\n")
    sys.stdout.flush()


class Out:
    """Sentinel-filled out-parameters: `untouched()` says whether a failing call wrote any."""

    def __init__(self, ctype, count=1, sentinel=None):
        self.ctype = ctype
        if sentinel is None:
            sentinel = {ctypes.c_void_p: 0x5EED, ctypes.c_double: -12345.5, ctypes.c_float: -12345.5,
                        ctypes.c_uint8: 0xA5}.get(ctype, 0x5EED)
        self.sentinel = sentinel
        self.buf = (ctype * count)(*([sentinel] * count))

    @property
    def ptr(self):
        return ctypes.cast(self.buf, ctypes.POINTER(self.ctype))

    @property
    def value(self):
        return self.buf[0]

    def untouched(self):
        return all(v == self.sentinel for v in self.buf)


class Ctx:
    def __init__(self, lib, tmp, case_name):
        self.lib = lib
        self.tmp = tmp
        self.case_name = case_name
        self._models = {}

    def step(self, text):
        emit("STEP", self.case_name, text)

    def message(self):
        raw = self.lib.acla_last_error_message()
        return raw.decode("utf-8", "replace") if raw is not None else None

    def fails(self, rc, status, *mentions, outs=()):
        """The call failed with `status`, its message names every `mentions` text, `outs` untouched."""
        msg = self.message()
        assert rc == status, f"returned {rc} ({_short(msg)!r}), expected {status}"
        assert msg, "failed with an empty error message"
        for m in mentions:
            assert str(m) in msg, f"message {_short(msg)!r} does not mention {m!r}"
        for o in outs:
            assert o.untouched(), f"a failing call wrote an out-parameter ({list(o.buf)[:8]})"
        return msg

    def fails_any(self, rc, statuses, *mentions, outs=()):
        assert rc in statuses, f"returned {rc} ({_short(self.message())!r}), expected one of {statuses}"
        return self.fails(rc, rc, *mentions, outs=outs)

    def ok(self, rc):
        assert rc == OK, f"returned {rc}: {_short(self.message())!r}"
        assert self.message() == "", "message not cleared after success"

    # ---- models shared by the cases of one child ----
    CONFIGS = {
        "edsr": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8},
        "rcan": {"backbone": "rcan", "scale": 3, "groups": 2, "blocks": 1, "features": 8, "reduction": 4},
        "gray": {"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 1, "features": 4},
        "cla": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8,
                "attention": {"kind": "cla", "positions": [1, 2], "keys": 3}},
        "acla": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8,
                 "attention": {"kind": "acla", "positions": [1, 2], "keys": 4}},
        "nl": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8, "attention": {"kind": "nl", "positions": [2]}},
        "clnl": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8,
                 "attention": {"kind": "clnl", "positions": [1, 2]}},
        "se": {"backbone": "rcan", "scale": 2, "groups": 2, "blocks": 1, "features": 8, "reduction": 4,
               "attention": {"kind": "se", "positions": [1]}},
        "supernet": {"backbone": "edsr", "scale": 2, "blocks": 3, "features": 8,
                     "attention": {"kind": "acla", "positions": "all", "keys": 2}},
    }

    def model(self, kind):
        """A model of a tiny config (created once per child process)."""
        if kind not in self._models:
            self._models[kind] = self.create(self.CONFIGS[kind])
        return self._models[kind]

    def create(self, config):
        handle = ctypes.c_void_p()
        text = config if isinstance(config, bytes) else json.dumps(config).encode()
        self.ok(self.lib.acla_model_create(text, ctypes.byref(handle)))
        return handle

    def floats(self, values):
        return (ctypes.c_float * len(values))(*values)

    def forward_ok(self, model, n, c, h, w, value=100.0):
        """A forward pass that must succeed; returns the output floats."""
        oc, oh, ow = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
        self.ok(self.lib.acla_model_output_size(model, h, w, ctypes.byref(oc), ctypes.byref(oh), ctypes.byref(ow)))
        x = (ctypes.c_float * (n * c * h * w))(*([value] * (n * c * h * w)))
        out = (ctypes.c_float * (n * oc.value * oh.value * ow.value))()
        self.ok(self.lib.acla_model_forward(model, x, n, c, h, w, out, len(out)))
        return out


def _short(text, limit=300):
    if text is None:
        return None
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
