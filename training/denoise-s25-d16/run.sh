#!/usr/bin/env bash
# The denoiser deepened: training/denoise-s25-ft2's 8 blocks grown to 16 by training/grow_depth.py
# (the 8 new blocks start as the identity, so step 0 is the 30.61 dB model), then the same recipe
# (--color-augment, cosine decay) from lr 2e-4 over --steps (default 5,000), seed 5.
# Resumes from train.safetensors here. Bundle it: training/bundle.py training/denoise-s25-d16 denoise
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$here/train.safetensors" ] || [ -f "$here/init.safetensors" ] ||
  python3 "$here/../grow_depth.py" "$here/../denoise-s25-ft2/train.safetensors" "$here/init.safetensors" --blocks 16
RUN_DIR=$here INIT=init.safetensors LR=2e-4 SEED=5 STEPS=${STEPS:-5000} exec "$here/../denoise-s25-ft/run.sh"
