#!/usr/bin/env bash
# Trains the bundled demosaic model (EDSR 8 blocks x 32 features, GRBG mosaic in, RGB out, with
# an image residual) on ../shared/data/photos (2 held out for validation): the input is the
# GRBG mosaic in 3 channels (as `acla degrade --task demosaic` makes it), the target the photo.
# Resumes from the committed
# checkpoint train.safetensors when present; --steps is the run's total.
# Bundle it (from the repository root): training/bundle.py training/RUN NAME (see bundle.py).
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
resume=(); [ -f train.safetensors ] && resume=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-100000}" --schedule halving:60000,90000 --lr 2e-4 --batch 16 --patch 48 --seed 1 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${resume[@]}"
