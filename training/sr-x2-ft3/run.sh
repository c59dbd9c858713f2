#!/usr/bin/env bash
# A third cosine cycle for sr-x2: starts from the weights of the sr-x2-ft2 run
# (training/sr-x2-ft2/train.safetensors) and trains on with Adam lr 1e-4
# decaying to 0 by cosine over --steps (default 1,800), same data and patches. Resumes from
# train.safetensors here when present. Bundle it: training/bundle.py training/sr-x2-ft3 sr-x2
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
start=(--init ../sr-x2-ft2/train.safetensors); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-1800}" --schedule cosine --lr 1e-4 --batch 16 --patch 48 --seed 4 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
