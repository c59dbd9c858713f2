#!/usr/bin/env bash
# The demosaic model deepened: training/demosaic-color's 8 blocks grown to 16 by
# training/grow_depth.py (the 8 new blocks start as the identity, so step 0 is the 34.27 dB model),
# then --color-augment with Adam lr 2e-4 decaying to 0 by cosine over --steps (default 5,000),
# seed 3. Resumes from train.safetensors here. Bundle it: training/bundle.py training/demosaic-d16 demosaic
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
[ -f train.safetensors ] || [ -f init.safetensors ] ||
  python3 ../grow_depth.py ../demosaic-color/train.safetensors init.safetensors --blocks 16
start=(--init init.safetensors); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-5000}" --schedule cosine --lr 2e-4 --batch 16 --patch 48 --seed 3 --color-augment \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
