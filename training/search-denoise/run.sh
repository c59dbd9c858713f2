#!/usr/bin/env bash
# The insert-position search for the bundled denoise model: training/search.sh on this folder's
# supernet (ACLA K 8 after each of the 16 blocks), its backbone from training/denoise-s25-d16
# (the bundled model's weights, McMaster 31.11 dB), sigma-25 uint8 noise and colour augmentation as the model was trained.
# LAMBDA 0.005 as for x2 (training/search-x2/lambda-0.005); WARMUP and SEARCH default to 150
# each, what one session's share of the 2 cores allows for a 16-block supernet.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LAMBDA=${LAMBDA:-0.005} WARMUP=${WARMUP:-150} SEARCH=${SEARCH:-150} ALPHA_LR=${ALPHA_LR:-0.03} \
  INIT=${INIT:-../denoise-s25-d16/train.safetensors} exec "$here/../search.sh" "$here" --sigma 25 --noise-convention uint8 --color-augment
