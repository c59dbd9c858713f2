#!/usr/bin/env bash
# im2col vs Winograd per EDSR layer shape (bench/conv_layers.c, built by kernel_bench.sh):
#   bench/conv_layers.sh [--threads 2] [--repeats 9] [--model all|baseline|edsr] [--size S] [--block T]
exec "$(dirname "$0")/kernel_bench.sh" conv_layers "$@"
