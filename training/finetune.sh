#!/usr/bin/env bash
# A fine-tune from given weights: training/finetune.sh RUN_DIR [extra `acla train` flags]
# RUN_DIR/config.json is the model; INIT (relative to RUN_DIR) the weights it starts from;
# Adam lr LR (default 1e-4) decaying to 0 by cosine over STEPS (default 600), batch 16 of
# 48x48 patches of the photos (2 held out for validation), seed SEED (default 11). The extra
# flags give the task's degradation (--quality 10, --sigma 25 ...) or --ignore-tail. Writes
# RUN_DIR/train.safetensors and train.jsonl, and resumes from the former.
set -euo pipefail
cd "${1:?usage: finetune.sh RUN_DIR [acla train flags]}"; shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ACLA=${ACLA:-$here/../build/bin/acla}
DATA=${DATA:-$here/../../shared/data/photos}
start=(--init "${INIT:?INIT is not set}"); [ -f train.safetensors ] && start=(--resume train.safetensors)
exec "$ACLA" train --config config.json --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-600}" --schedule cosine --lr "${LR:-1e-4}" --batch 16 --patch 48 --seed "${SEED:-11}" \
  --out train.safetensors --save-every "${SAVE_EVERY:-100}" --val-every "${VAL_EVERY:-300}" --log-every 50 --log train.jsonl --quiet \
  ${THREADS:+--threads "$THREADS"} "${start[@]}" "$@"
