#!/usr/bin/env bash
# The insert-position search for the bundled demosaic model: training/search.sh on this folder's
# supernet (ACLA K 8 after each of the 16 blocks), its backbone from training/demosaic-d16
# (the bundled model's weights, McMaster 35.08 dB), the GRBG mosaic and colour augmentation as the model was trained.
# LAMBDA 0.005 as for x2 (training/search-x2/lambda-0.005); WARMUP and SEARCH default to 150
# each, what one session's share of the 2 cores allows for a 16-block supernet.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LAMBDA=${LAMBDA:-0.005} WARMUP=${WARMUP:-150} SEARCH=${SEARCH:-150} ALPHA_LR=${ALPHA_LR:-0.03} \
  INIT=${INIT:-../demosaic-d16/train.safetensors} exec "$here/../search.sh" "$here" --color-augment
