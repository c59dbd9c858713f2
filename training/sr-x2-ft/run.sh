#!/usr/bin/env bash
# The sr-x2 model's learning-rate decay: starts from the weights of the sr-x2 run
# (training/sr-x2/train.safetensors, constant lr 2e-4 until then) and trains on with Adam lr 1e-4
# decaying to 0 by cosine over --steps (default 1,500), same data and patches. Resumes from
# train.safetensors here when present. Bundle it: training/bundle.py training/sr-x2-ft sr-x2
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
start=(--init ../sr-x2/train.safetensors); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-1500}" --schedule cosine --lr 1e-4 --batch 16 --patch 48 --seed 2 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
