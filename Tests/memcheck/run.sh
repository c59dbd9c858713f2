#!/usr/bin/env bash
# `make memcheck`: every C test program (Tests/capi/test_*.c) under valgrind memcheck, built
# against an installed prefix as run.sh builds them. Any memory error or definite leak fails the
# run; the suppressions (acla.supp) cover only the reviewed one-time allocations of the Swift
# runtime, libomp and OpenBLAS, each explained there. Long programs get smaller counts
# (ACLA_STRESS_CALLS, ACLA_RSS_ROUNDS): valgrind runs code ~30x slower.
set -euo pipefail
prefix=${1:?usage: run.sh INSTALL_PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed (apt-get install valgrind)"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs acla)
failed=0
for src in "$root"/Tests/capi/test_*.c; do
  name=$(basename "$src" .c)
  cc -std=c11 -g -O1 -Wall -Wextra -Werror -o "$out/$name" "$src" $flags
  log="$out/$name.valgrind"
  # --errors-for-leak-kinds=definite: "possibly lost" blocks are pointers into the middle of live
  # caches (Swift metadata, libomp's thread pool) that valgrind cannot tell from leaks
  if (cd "$root" && ACLA_STRESS_CALLS=6 ACLA_RSS_ROUNDS=100 OMP_NUM_THREADS=2 \
      valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --track-origins=yes --fair-sched=yes \
        --suppressions="$here/acla.supp" --log-file="$log" "$out/$name" >/dev/null); then
    echo "memcheck $name: 0 errors, 0 definite leaks"
  else
    echo "memcheck $name: FAILED"; sed -n 1,60p "$log"; failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ]
