#!/usr/bin/env bash
# Builds one kernel micro-benchmark, bench/NAME.c, against the library's kernel sources (the same
# flags as Package.swift) and runs it with the remaining options: `bench/kernel_bench.sh NAME ...`.
# ACLA_CPU=portable|avx2|avx512 lowers the CPU level.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=$1
shift
llvm=${ACLA_LLVM_ROOT:-/usr/lib/llvm-14}
inc=$(ls -d "$llvm"/lib/clang/*/include | tail -n 1)
cc=${CC:-clang}
out=${TMPDIR:-/tmp}/acla_$name
k="$root/Sources/AclaKernels"
"$cc" -O3 -march=x86-64-v2 -fopenmp -idirafter "$inc" -I "$k/include" -I "$k" -o "$out" "$root/bench/$name.c" \
    "$k"/conv2d_*.c "$k"/winograd_*.c "$k"/cpu_dispatch.c "$k"/gemm.c "$k"/threads.c \
    -L "$llvm/lib" -Wl,-rpath,"$llvm/lib" -lomp -lopenblas -lm
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores online; $(date -u '+%F %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
"$out" "$@"
