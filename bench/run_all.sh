#!/usr/bin/env bash
# Every benchmark of this folder, as RESULTS.md was made: the machine, then edsr_onnx.py and
# sgemm_ceiling.py with OpenBLAS as the environment sets it and with its own CPU detection
# (OPENBLAS_CORETYPE unset). Usage: bench/run_all.sh [extra edsr_onnx.py options] > log
set -u
cd "$(dirname "$0")/.."
export ACLA_LIBRARY=${ACLA_LIBRARY:-$PWD/build/lib/libacla.so}
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources include || echo ' (dirty)')"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|Hypervisor|L2|L3)' | sed 's/^/#   /'
echo "#   uptime: $(uptime)"
for mode in env autodetect; do
  if [ "$mode" = env ]; then run=(env); else run=(env -u OPENBLAS_CORETYPE); fi
  echo; echo "######## OpenBLAS: $mode (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} in the environment)"
  "${run[@]}" python3 bench/edsr_onnx.py --max-others 0.3 "$@" || exit 1
  echo; "${run[@]}" python3 bench/sgemm_ceiling.py
  echo "#   uptime: $(uptime)"
done
