#!/usr/bin/env bash
# The insert-position search for a bundled model (issue 14, the paper's Table 9 at small scale):
#   training/search.sh RUN_DIR [extra `acla search` flags: the task's degradation]
# RUN_DIR/config.json is the supernet (ACLA K 8 after every block); its backbone starts from
# INIT (relative to RUN_DIR; default init.safetensors), its attention modules fresh. LAMBDA,
# WARMUP, SEARCH and ALPHA_LR (alpha's Adam lr) set the search; the paper searches 200 epochs
# of DIV2K at alpha lr 1e-4, this a few hundred steps, so alpha runs at 1e-2..3e-2 or it could
# not move from its initial +3. Writes derived.safetensors (ready for `acla train --init`),
# report.json and search.jsonl into RUN_DIR/lambda-LAMBDA/, and resumes from the supernet
# checkpoint there (lambda-LAMBDA/derived.supernet.safetensors).
set -euo pipefail
cd "${1:?usage: search.sh RUN_DIR [acla search flags]}"; shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ACLA=${ACLA:-$here/../build/bin/acla}
DATA=${DATA:-$here/../../shared/data/photos}
lambda=${LAMBDA:?LAMBDA is not set}
out=lambda-$lambda
mkdir -p "$out"
start=(--init "${INIT:-init.safetensors}"); [ -f "$out/derived.supernet.safetensors" ] && start=(--resume "$out/derived.supernet.safetensors")
exec "$ACLA" search --config config.json --data "$DATA" --val-holdout 2 --val-crop 128 \
  --lambda "$lambda" --warmup-steps "${WARMUP:?}" --search-steps "${SEARCH:?}" \
  --options "{\"alpha_optimizer\": {\"lr\": ${ALPHA_LR:?}}}" \
  --batch 8 --patch 48 --seed "${SEED:-1}" --out "$out/derived.safetensors" --report "$out/report.json" --log "$out/search.jsonl" \
  --save-every 50 --val-every 200 --log-every 25 --quiet ${THREADS:+--threads "$THREADS"} "${start[@]}" "$@"
