#!/usr/bin/env python3
"""Allocations and peak RSS per forward (issue 8's workspace measurement), for one libacla.so.

    gcc -shared -fPIC -O2 -o /tmp/malloc_count.so bench/engine/malloc_count.c -ldl
    LD_PRELOAD=/tmp/malloc_count.so python3 bench/engine/memory.py build/lib/libacla.so [--size 256] [--calls 5]

Creates EDSR-baseline x2 (random init), runs --calls forwards of one seeded --size input through
the C API and prints, per call, the large (>= 64 KiB) heap allocations it made and the process's
peak RSS so far (VmHWM). Run by hand; results go to bench/RESULTS.md.
"""
import argparse, ctypes, json, os, platform, time

ap = argparse.ArgumentParser()
ap.add_argument("library")
ap.add_argument("--size", type=int, default=256)
ap.add_argument("--calls", type=int, default=5)
args = ap.parse_args()

counter = ctypes.CDLL(None)
count = getattr(counter, "acla_bench_large_allocations", None)
if count is None:
    raise SystemExit("preload bench/engine/malloc_count.c (see the docstring)")
count.restype = ctypes.c_long
lib = ctypes.CDLL(os.path.abspath(args.library))
lib.acla_model_create.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.acla_model_forward.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)] + [ctypes.c_int32] * 4 + \
    [ctypes.POINTER(ctypes.c_float), ctypes.c_size_t]
lib.acla_last_error_message.restype = ctypes.c_char_p
config = json.dumps({"backbone": "edsr", "scale": 2, "blocks": 16, "features": 64}).encode()
model = ctypes.c_void_p()
assert lib.acla_model_create(config, ctypes.byref(model)) == 0
h = w = args.size
n_in, n_out = 3 * h * w, 3 * 4 * h * w
x = (ctypes.c_float * n_in)(*[(i * 37 % 256) * 1.0 for i in range(n_in)])
y = (ctypes.c_float * n_out)()


def hwm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])


print(f"# {args.library} on {platform.processor() or platform.machine()}, EDSR-baseline x2 {h}x{w}")
for call in range(args.calls):
    before = count()
    t = time.perf_counter()
    status = lib.acla_model_forward(model, x, 1, 3, h, w, y, n_out)
    assert status == 0, lib.acla_last_error_message().decode()
    dt = time.perf_counter() - t
    print(f"call {call + 1}: {count() - before} large allocations, peak RSS {hwm_kb() / 1024:.0f} MiB, {dt:.2f} s")
