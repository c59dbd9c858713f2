#!/usr/bin/env bash
# The demosaic model again, with colour augmentation (--color-augment: a random RGB channel
# order per patch). Starts from the weights of training/demosaic (step 4,046, which had fallen
# from 32.39 to 31.99 dB on McMaster while its held-out photos kept improving: the 14 training
# photos' colours do not cover McMaster's), Adam lr 2e-4 decaying to 0 by cosine over --steps
# (default 6,000). Resumes from train.safetensors here when present. A further run
# (training/demosaic-d16) runs this script with RUN_DIR (its own folder), INIT and SEED set.
# Bundle it: training/bundle.py training/demosaic-color demosaic
set -euo pipefail
cd "${RUN_DIR:-$(dirname "$0")}"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
start=(--init "${INIT:-../demosaic/train.safetensors}"); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-6000}" --schedule cosine --lr 2e-4 --batch 16 --patch 48 --seed "${SEED:-2}" --color-augment \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
