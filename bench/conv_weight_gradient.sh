#!/usr/bin/env bash
# Builds bench/conv_weight_gradient.c against the library's kernel sources (same flags as Package.swift)
# and runs it: im2col vs Winograd weight gradients on training shapes. Options are passed on:
#   bench/conv_weight_gradient.sh [--threads 2] [--repeats 7]
# ACLA_CPU=portable|avx2|avx512 lowers the CPU level.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
llvm=${ACLA_LLVM_ROOT:-/usr/lib/llvm-14}
inc=$(ls -d "$llvm"/lib/clang/*/include | tail -n 1)
cc=${CC:-clang}
out=${TMPDIR:-/tmp}/acla_conv_weight_gradient
k="$root/Sources/AclaKernels"
"$cc" -O3 -march=x86-64-v2 -fopenmp -idirafter "$inc" -I "$k/include" -I "$k" -o "$out" "$root/bench/conv_weight_gradient.c" \
    "$k"/conv2d_*.c "$k"/winograd_*.c "$k"/cpu_dispatch.c "$k"/gemm.c "$k"/threads.c \
    -L "$llvm/lib" -Wl,-rpath,"$llvm/lib" -lomp -lopenblas -lm
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores online; $(date -u '+%F %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
"$out" "$@"
