#!/usr/bin/env bash
# sr-x4, fine-tuned from the bundled x2 model (issue 14: "x3/x4 fine-tuned from it"): the head and
# body start from models/sr-x2.safetensors, the x4 upsampler (a different shape) starts fresh
# (--ignore-tail). Adam lr 2e-4 decaying to 0 by cosine over --steps (default 600: what one
# session's share of the 2 cores allowed), the same photos and 48x48 LR patches. Resumes from
# train.safetensors here when present.
# Bundle it: training/bundle.py training/sr-x4 sr-x4
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
start=(--init ../../models/sr-x2.safetensors --ignore-tail); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-600}" --schedule cosine --lr 2e-4 --batch 16 --patch 48 --seed 7 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
