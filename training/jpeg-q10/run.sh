#!/usr/bin/env bash
# Trains the bundled jpeg-q10 model (EDSR 8 blocks x 32 features, grayscale (Y), same resolution with
# an image residual) on ../shared/data/photos (2 held out for validation), Y only: the input
# is the photo compressed with JPEG at quality 10 (libjpeg, as the benchmark makes it).
# Resumes from the committed
# checkpoint train.safetensors when present; --steps is the run's total.
# Bundle it (from the repository root): training/bundle.py training/RUN NAME (see bundle.py).
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
resume=(); [ -f train.safetensors ] && resume=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --quality 10 \
  --steps "${STEPS:-100000}" --schedule halving:60000,90000 --lr 2e-4 --batch 16 --patch 48 --seed 1 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${resume[@]}"
