#!/usr/bin/env bash
# im2col vs Winograd weight gradients on training shapes (bench/conv_weight_gradient.c, built by
# kernel_bench.sh): bench/conv_weight_gradient.sh [--threads 2] [--repeats 7]
exec "$(dirname "$0")/kernel_bench.sh" conv_weight_gradient "$@"
