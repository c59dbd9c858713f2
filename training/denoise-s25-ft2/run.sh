#!/usr/bin/env bash
# The denoiser's second continuation: from training/denoise-s25-ft (McMaster 30.53 dB), the same
# recipe (--color-augment, cosine decay) from lr 1e-4 over --steps (default 2,000), seed 4.
# Resumes from train.safetensors here. Bundle it: training/bundle.py training/denoise-s25-ft2 denoise
here=$(cd "$(dirname "$0")" && pwd)
RUN_DIR=$here INIT=../denoise-s25-ft/train.safetensors LR=1e-4 SEED=4 STEPS=${STEPS:-2000} \
  exec "$here/../denoise-s25-ft/run.sh"
