#!/usr/bin/env bash
# The insert-position search for the bundled jpeg model: training/search.sh on this folder's
# supernet (gray, ACLA K 8 after each of the 8 blocks), its backbone from training/jpeg-q10
# (step 2,693, classic5 q10 28.92 dB), JPEG quality 10 as the model was trained. Defaults are what worked
# for x2 (training/search-x2/lambda-0.005): LAMBDA 0.005, 1,000 warm-up and 400 search steps,
# alpha lr 3e-2. training/jpeg-acla/run.sh then trains the backbone with ACLA at the kept positions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LAMBDA=${LAMBDA:-0.005} WARMUP=${WARMUP:-1000} SEARCH=${SEARCH:-400} ALPHA_LR=${ALPHA_LR:-0.03} \
  INIT=${INIT:-../jpeg-q10/train.safetensors} exec "$here/../search.sh" "$here" --quality 10
