#!/usr/bin/env bash
# Trains the bundled sr-x2 model (EDSR 8 blocks x 32 features, x2) on ../shared/data/photos, the
# only images that may be used for training (2 held out for validation). Resumes from the
# committed checkpoint train.safetensors (the bundled model is one of its exports); --steps is the run's total (the schedule halves the rate at
# 60k and 90k). Export the model afterwards with:
#   training/bundle.py training/sr-x2 sr-x2   (from the repository root)
# which writes the model without optimiser state and records its step and Set5 score in models/catalog.json.
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
resume=(); [ -f train.safetensors ] && resume=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-100000}" --schedule halving:60000,90000 --lr 2e-4 --batch 16 --patch 48 --seed 1 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet "${resume[@]}"
