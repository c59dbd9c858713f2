#!/usr/bin/env bash
# Runs libFuzzer targets one after another: `run.sh BIN_DIR SECONDS [TARGET ...]` (default: all).
# Each target starts from its committed seeds (corpus/TARGET), the inputs it found before (kept
# in .build/fuzz-corpus/TARGET, so coverage accumulates across runs) and the fixed crash inputs
# (regressions/TARGET). A finding (crash, trap, ASan report, leak, timeout, canary change) leaves
# its input in .build/fuzz-artifacts/TARGET/ and makes the script exit 1 after all targets ran.
# One summary line per target: executions, edges (cov), features, corpus size, findings.
set -uo pipefail
bin=${1:?usage: run.sh BIN_DIR SECONDS [TARGET ...]}
seconds=${2:?usage: run.sh BIN_DIR SECONDS [TARGET ...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config safetensors png jpeg npy trainer)
findings=0
summary=()
for t in "${targets[@]}"; do
  work="$root/.build/fuzz-corpus/$t"
  artifacts="$root/.build/fuzz-artifacts/$t/"
  log="$root/.build/fuzz-logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  seeds=("$here/corpus/$t")
  [ -d "$here/regressions/$t" ] && seeds+=("$here/regressions/$t")
  dict=()
  [ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
  echo "fuzz-$t: ${seconds}s (log $log)"
  # -timeout: one input over 10 s is a hang; -rss_limit_mb: above it is a memory finding;
  # -use_value_profile: comparisons as coverage (magic numbers, lengths)
  "$bin/fuzz-$t" "$work" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2560 -malloc_limit_mb=2048 -use_value_profile=1 -print_final_stats=1 \
    -artifact_prefix="$artifacts" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  found=0
  if [ $rc -ne 0 ]; then
    found=1
    findings=$((findings + 1))
    grep -E 'ERROR|FUZZ FINDING|Fatal error|==[0-9]+==|artifact' "$log" | head -5
  fi
  summary+=("fuzz-$t: ${seconds}s, ${execs:-?} executions, cov ${cov:-?} edges, ft ${ft:-?}, corpus ${corp:-?}, findings $found")
done
printf '%s\n' "${summary[@]}"
[ $findings -eq 0 ]
