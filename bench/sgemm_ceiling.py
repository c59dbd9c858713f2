#!/usr/bin/env python3
"""How fast acla's EDSR could be with its current convolution design (bench/README.md).

acla convolves by im2col in row bands + OpenBLAS sgemm (Sources/AclaKernels/conv2d.c). This
script calls the same OpenBLAS (libopenblas.so.0, as libacla.so links it) with the GEMM shapes
baseline EDSR x2's convolutions produce on an h x w input, band by band as conv2d.c splits them,
and sums the medians. The sum is the time of the sgemm calls alone: acla's forward can only be
slower (im2col, bias fill, ReLU, adds, PixelShuffle, allocation), so the gap between this figure
and acla's forward time is acla's own overhead, and the gap between this figure and ONNX Runtime
is what a better GEMM/convolution kernel would have to win.

    python3 bench/sgemm_ceiling.py [--sizes 64x64,128x128] [--threads 2]
"""
from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import time

import numpy as np

BAND_FLOATS = 1 << 21  # conv2d.c's default column-buffer bound
CblasRowMajor, CblasNoTrans = 101, 111


def band_rows(cin: int, k: int, h: int, w: int) -> int:
    """conv2d.c's band_rows with the default bound."""
    return max(1, min(h, BAND_FLOATS // (cin * k * k * w)))


def conv_gemms(cin: int, cout: int, k: int, h: int, w: int) -> list:
    """The (M, N, K) sgemm calls of one convolution on an h x w map, as conv2d.c issues them."""
    if k == 1:
        return [(cout, h * w, cin)]
    rows = band_rows(cin, k, h, w)
    return [(cout, min(rows, h - y0) * w, cin * k * k) for y0 in range(0, h, rows)]


def edsr_x2_gemms(h: int, w: int, blocks: int = 16, f: int = 64) -> list:
    """Every sgemm call of baseline EDSR x2's forward pass (MeanShift, head, 2B+1 body convs,
    upsampler conv, tail conv)."""
    calls = conv_gemms(3, 3, 1, h, w) + conv_gemms(3, f, 3, h, w)
    calls += conv_gemms(f, f, 3, h, w) * (2 * blocks + 1)
    calls += conv_gemms(f, 4 * f, 3, h, w)
    calls += conv_gemms(f, 3, 3, 2 * h, 2 * w) + conv_gemms(3, 3, 1, 2 * h, 2 * w)
    return calls


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="64x64,128x128,256x256")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=9)
    args = p.parse_args()
    lib = ctypes.CDLL("libopenblas.so.0")
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_set_num_threads(args.threads)
    fp = ctypes.POINTER(ctypes.c_float)
    print(f"OpenBLAS core {lib.openblas_get_corename().decode()} "
          f"(OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}), {args.threads} threads, "
          f"median of {args.repeats} per distinct shape\n")
    print("| input | sgemm calls | GMACs | sgemm-only ms | GMAC/s |")
    print("|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    cache = {}
    for item in args.sizes.split(","):
        h, _, w = item.strip().partition("x")
        h, w = int(h), int(w or h)
        calls = edsr_x2_gemms(h, w)
        total = 0.0
        for shape in calls:
            if shape not in cache:
                m, n, k = shape
                a = rng.random((m, k), dtype=np.float32)
                b = rng.random((k, n), dtype=np.float32)
                c = np.zeros((m, n), np.float32)
                args_c = (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, ctypes.c_float(1.0),
                          a.ctypes.data_as(fp), k, b.ctypes.data_as(fp), n, ctypes.c_float(1.0),
                          c.ctypes.data_as(fp), n)
                lib.cblas_sgemm(*args_c)
                runs = []
                for _ in range(args.repeats):
                    t0 = time.perf_counter()
                    lib.cblas_sgemm(*args_c)
                    runs.append(time.perf_counter() - t0)
                cache[shape] = statistics.median(runs)
            total += cache[shape]
        macs = sum(m * n * k for m, n, k in calls)
        print(f"| 1x3x{h}x{w} | {len(calls)} | {macs / 1e9:.2f} | {total * 1e3:.1f} | {macs / total / 1e9:.1f} |")


if __name__ == "__main__":
    main()
