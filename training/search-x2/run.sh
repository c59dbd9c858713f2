#!/usr/bin/env bash
# The insert-position search for the bundled x2 model (issue 14, the paper's Table 9 at small
# scale): an ACLA supernet (K 8 after each of the 8 blocks) whose backbone starts from the sr-x2
# model (init.safetensors, a copy of models/sr-x2.safetensors, 36.53 dB), LAMBDA (default
# 0.15, the paper's EDSR x2). Writes derived.safetensors (the searched model, ready for
# `acla train --init`), report.json and search.jsonl into lambda-LAMBDA/ (one directory per
# lambda, as a sweep needs); resumes from lambda-LAMBDA/derived.supernet.safetensors.
# alpha's Adam runs at lr 1e-2 (ALPHA_LR), not the paper's 1e-4: the paper searches for 200
# epochs of DIV2K, this 400 steps, and at 1e-4 alpha could move about 0.04 from its initial +3,
# so no position could ever be dropped.
set -euo pipefail
cd "$(dirname "$0")"
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
lambda=${LAMBDA:-0.15}
out=lambda-$lambda
mkdir -p "$out"
start=(--init init.safetensors); [ -f "$out/derived.supernet.safetensors" ] && start=(--resume "$out/derived.supernet.safetensors")
exec "$ACLA" search --config config.json --data "$DATA" --val-holdout 2 --val-crop 128 \
  --lambda "$lambda" --warmup-steps "${WARMUP:-400}" --search-steps "${SEARCH:-400}" \
  --options "{\"alpha_optimizer\": {\"lr\": ${ALPHA_LR:-0.01}}}" \
  --batch 8 --patch 48 --seed 1 --out "$out/derived.safetensors" --report "$out/report.json" --log "$out/search.jsonl" \
  --save-every 50 --val-every 200 --log-every 25 --quiet ${THREADS:+--threads "$THREADS"} "${start[@]}"
