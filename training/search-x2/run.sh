#!/usr/bin/env bash
# The insert-position search for the bundled x2 model: training/search.sh on this folder's
# supernet (ACLA K 8 after each of the 8 blocks), its backbone from init.safetensors (a copy of
# models/sr-x2.safetensors, 36.53 dB). Defaults: LAMBDA 0.15 (the paper's EDSR x2), 400 warm-up
# and 400 search steps, alpha lr 1e-2; docs/RESULTS.md gives the commands of each lambda run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LAMBDA=${LAMBDA:-0.15} WARMUP=${WARMUP:-400} SEARCH=${SEARCH:-400} ALPHA_LR=${ALPHA_LR:-0.01} \
  exec "$here/../search.sh" "$here"
