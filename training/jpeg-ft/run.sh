#!/usr/bin/env bash
# The bundled jpeg model, and the control for training/jpeg-acla: the same fine-tune of the
# training/jpeg-q10 model (step 2,693 at a constant lr 2e-4, classic5 28.92 dB) without attention:
# cosine from lr 1e-4 over STEPS (default 600), seed 11, JPEG q10.
# Bundle it: training/bundle.py training/jpeg-ft jpeg
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
INIT=../jpeg-q10/train.safetensors exec "$here/../finetune.sh" "$here" --quality 10
