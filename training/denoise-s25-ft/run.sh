#!/usr/bin/env bash
# The bundled denoise-s25 model, continued: from training/denoise-s25 (step 4,700 at a constant
# lr 2e-4, McMaster 29.17 dB), Adam lr 2e-4 decaying to 0 by cosine over --steps (default 1,500),
# with --color-augment (a random RGB channel order per patch: the noise is independent per
# channel, and the 14 training photos hold few of McMaster's saturated colours). Resumes from
# train.safetensors here when present. A further continuation (training/denoise-s25-ft2) runs
# this script with RUN_DIR (its own folder), INIT, LR and SEED set.
# Bundle it: training/bundle.py training/denoise-s25-ft denoise
set -euo pipefail
cd "${RUN_DIR:-$(dirname "$0")}"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
start=(--init "${INIT:-../denoise-s25/train.safetensors}"); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --sigma 25 --noise-convention uint8 --color-augment \
  --steps "${STEPS:-1500}" --schedule cosine --lr "${LR:-2e-4}" --batch 16 --patch 48 --seed "${SEED:-3}" \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
