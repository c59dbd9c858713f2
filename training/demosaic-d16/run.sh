#!/usr/bin/env bash
# The demosaic model deepened: training/demosaic-color's 8 blocks grown to 16 by
# training/grow_depth.py (the 8 new blocks start as the identity, so step 0 is the 34.27 dB model),
# then training/demosaic-color's recipe (--color-augment, Adam lr 2e-4 decaying to 0 by cosine)
# over --steps (default 5,000), seed 3. Resumes from train.safetensors here.
# Bundle it: training/bundle.py training/demosaic-d16 demosaic
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$here/train.safetensors" ] || [ -f "$here/init.safetensors" ] ||
  python3 "$here/../grow_depth.py" "$here/../demosaic-color/train.safetensors" "$here/init.safetensors" --blocks 16
RUN_DIR=$here INIT=init.safetensors SEED=3 STEPS=${STEPS:-5000} exec "$here/../demosaic-color/run.sh"
