#!/usr/bin/env bash
# Fine-tunes an SR run directory (sr-x3, sr-x4: its config.json sets the scale) from the bundled
# x2 model (issue 14: "x3/x4 fine-tuned from it"): head and body from models/sr-x2.safetensors,
# the upsampler stages of another shape fresh (--ignore-tail). Adam lr 2e-4 decaying to 0 by
# cosine over --steps (default 600: what one session's share of the 2 cores allowed), the photos
# and 48x48 LR patches of sr-x2. Resumes from RUN/train.safetensors when present.
#   training/sr-finetune.sh training/sr-x3        (bundle: training/bundle.py training/sr-x3 sr-x3)
set -euo pipefail
cd "${1:?usage: sr-finetune.sh RUN_DIR}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ACLA=${ACLA:-$here/../build/bin/acla}
DATA=${DATA:-$here/../../shared/data/photos}
start=(--init "$here/../models/sr-x2.safetensors" --ignore-tail); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-600}" --schedule cosine --lr 2e-4 --batch 16 --patch 48 --seed 7 \
  --out train.safetensors --save-every 250 --val-every 500 --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}"
