#!/usr/bin/env bash
# The jpeg model with ACLA at the positions the search kept (training/search-jpeg/lambda-0.005:
# all 8 at lambda 0.005): the jpeg backbone of training/jpeg-q10 (step 2,693, 28.92 dB, the search's
# starting point) with K 8 ACLA after every block, its attention fresh (out convs at zero, so step 0 is that model), fine-tuned
# by training/finetune.sh (cosine from lr 1e-4 over STEPS, default 600, seed 11) on JPEG q10.
# training/jpeg-ft is the same fine-tune without attention: the control it is read against.
# Bundle it: training/bundle.py training/jpeg-acla jpeg-acla
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
INIT=../jpeg-q10/train.safetensors exec "$here/../finetune.sh" "$here" --quality 10
