#!/usr/bin/env bash
# The demosaic model with ACLA where the search kept it: the derived model of training/search-demosaic
# (lambda 0.005; its config.json here names the kept positions), attention as the search trained
# it, fine-tuned by training/finetune.sh (cosine from lr 1e-4 over STEPS, default 400: what the session had left; seed 11)
# on the GRBG mosaic with colour augmentation, as the backbone was trained. Needs
# ../search-demosaic/lambda-0.005/derived.safetensors (training/search-demosaic/run.sh) to start;
# resumes from train.safetensors here. Bundle it: training/bundle.py training/demosaic-acla demosaic-acla
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
INIT=../search-demosaic/lambda-0.005/derived.safetensors STEPS=${STEPS:-400} \
  exec "$here/../finetune.sh" "$here" --color-augment
