#!/usr/bin/env bash
# Fine-tunes an SR run directory (sr-x3, sr-x4: its config.json sets the scale) from the bundled
# x2 model (issue 14: "x3/x4 fine-tuned from it"): head and body from models/sr-x2.safetensors,
# the upsampler stages of another shape fresh (--ignore-tail). training/finetune.sh with Adam lr
# 2e-4 decaying to 0 by cosine over --steps (default 600: what one session's share of the 2 cores
# allowed), seed 7. Resumes from RUN/train.safetensors when present.
#   training/sr-finetune.sh training/sr-x3        (bundle: training/bundle.py training/sr-x3 sr-x3)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INIT=$here/../models/sr-x2.safetensors LR=2e-4 SEED=7 SAVE_EVERY=250 VAL_EVERY=500 \
  exec "$here/finetune.sh" "${1:?usage: sr-finetune.sh RUN_DIR}" --ignore-tail
