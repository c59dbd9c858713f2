#!/usr/bin/env bash
# Runs the forward example (run from the project root): makes a small checkpoint with
# `acla init` first, so no downloaded weights are needed.  usage: forward.sh FORWARD_BINARY
set -euo pipefail
bin=${1:?usage: examples/c/forward.sh FORWARD_BINARY}
acla=${ACLA_CLI:-build/bin/acla}
[ -x "$acla" ] || acla=acla
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$acla" init examples/configs/edsr_baseline_x2.json "$tmp/edsr_x2.safetensors"
"$bin" "$tmp/edsr_x2.safetensors"
"$acla" init examples/configs/edsr_denoise_gray.json "$tmp/denoise.safetensors"
"$bin" "$tmp/denoise.safetensors"
