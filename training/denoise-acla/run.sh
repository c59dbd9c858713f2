#!/usr/bin/env bash
# The denoiser with ACLA where the search kept it: the derived model of training/search-denoise
# (lambda 0.005; its config.json here names the kept positions), attention as the search trained
# it, fine-tuned by training/finetune.sh (cosine from lr 1e-4 over STEPS, default 600, seed 11)
# on sigma-25 uint8 noise with colour augmentation, as the backbone was trained. Needs
# ../search-denoise/lambda-0.005/derived.safetensors (training/search-denoise/run.sh) to start;
# resumes from train.safetensors here. Bundle it: training/bundle.py training/denoise-acla denoise-acla
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
INIT=../search-denoise/lambda-0.005/derived.safetensors STEPS=${STEPS:-600} \
  exec "$here/../finetune.sh" "$here" --sigma 25 --noise-convention uint8 --color-augment
