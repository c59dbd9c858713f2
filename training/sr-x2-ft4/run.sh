#!/usr/bin/env bash
# A fourth cosine cycle for sr-x2: starts from the weights of the sr-x2-ft3 run
# (training/sr-x2-ft3/train.safetensors) and trains on with Adam lr 1e-4
# decaying to 0 by cosine over --steps (default 3,000), same data and patches. Resumes from
# train.safetensors here when present. Bundle it: training/bundle.py training/sr-x2-ft4 sr-x2
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
start=(--init ../sr-x2-ft3/train.safetensors); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-3000}" --schedule cosine --lr 1e-4 --batch 16 --patch 48 --seed 5 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
