#!/usr/bin/env bash
# The paper's claim at small scale (issue 14): `run.sh none|cla|acla` fine-tunes the bundled x2
# backbone (models/sr-x2.safetensors, 36.53 dB) with no attention, with CLA (K 8 after blocks
# 2, 4, 6, 8: evenly spaced) or with ACLA at the searched positions (acla.json: K 8 at 2, 3, 6, 7, 8,
# training/search-x2/lambda-0.005/report.json; the lambda-0 control kept the same), for the
# same steps, data, patches, schedule and seed. The attention modules start fresh (their out
# convs at zero, so each run starts from the same function). Writes VARIANT/train.safetensors
# and VARIANT/train.jsonl; resumes from the former.
# `run.sh VARIANT SEED` runs it with another seed (patches, augmentation, gate noise) into
# VARIANT-seedSEED/: the spread between seeds is the noise the differences are read against.
# Scored by training/claim-x2/table.py.
set -euo pipefail
cd "$(dirname "$0")"
variant=${1:?usage: run.sh none|cla|acla [SEED]}
[ -f "$variant.json" ] || { echo "run.sh: no config $variant.json" >&2; exit 2; }
seed=${2:-11}
out=$variant; [ "$seed" = 11 ] || out=$variant-seed$seed
ACLA=${ACLA:-../../build/bin/acla}
DATA=${DATA:-../../../shared/data/photos}
mkdir -p "$out"
start=(--init ../../models/sr-x2.safetensors); [ -f "$out/train.safetensors" ] && start=(--resume "$out/train.safetensors")
exec "$ACLA" train --config "$variant.json" --data "$DATA" --val-holdout 2 --val-crop 256 \
  --steps "${STEPS:-600}" --schedule cosine --lr 1e-4 --batch 16 --patch 48 --seed "$seed" \
  --out "$out/train.safetensors" --save-every 100 --val-every 300 --log-every 50 --log "$out/train.jsonl" \
  --quiet ${THREADS:+--threads "$THREADS"} "${start[@]}"
