#!/usr/bin/env bash
# The control for training/jpeg-acla: the same fine-tune of the bundled jpeg model (cosine from
# lr 1e-4 over STEPS, default 600, seed 11, JPEG q10) without attention.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
INIT=../../models/jpeg.safetensors exec "$here/../finetune.sh" "$here" --quality 10
