#!/usr/bin/env bash
# Runs the restore example (run from the project root): a checkpoint from `acla init` (random
# weights: the output shows the pipeline, not a trained model), on the committed photo crop,
# tiled with a small tile so several windows run.  usage: restore.sh RESTORE_BINARY
set -euo pipefail
bin=${1:?usage: examples/c/restore.sh RESTORE_BINARY}
acla=${ACLA_CLI:-build/bin/acla}
[ -x "$acla" ] || acla=acla
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$acla" init examples/configs/edsr_baseline_x2.json "$tmp/edsr_x2.safetensors"
"$bin" "$tmp/edsr_x2.safetensors" Tests/AclaTests/Fixtures/restore_chelsea_crop.png "$tmp/sr.png" 64 32
