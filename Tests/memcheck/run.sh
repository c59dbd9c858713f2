#!/usr/bin/env bash
# `make memcheck`: every C test program (Tests/capi/test_*.c) under valgrind memcheck, built
# against an installed prefix as Tests/capi/run.sh builds them. Any memory error, definite leak or
# possible leak fails the run; the suppressions (acla.supp) cover only two reviewed kinds of
# process-lifetime blocks of the Swift runtime and libomp, each explained there. Long programs get
# smaller counts (ACLA_STRESS_CALLS, ACLA_RSS_ROUNDS): valgrind runs code ~30x slower; parts that
# need a small address-space limit are skipped (ACLA_MEMCHECK), valgrind needs that space itself.
set -euo pipefail
prefix=${1:?usage: run.sh INSTALL_PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed (make setup)"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# valgrind 3.19 cannot read the DWARF 5 the Swift toolchain's clang emits ("Possibly corrupted
# debuginfo file ... Giving up"): test a copy without debug sections (symbols stay, so reports and
# suppressions name functions)
mkdir -p "$out/lib"
cp "$prefix"/lib/libacla.so.*.*.* "$out/lib/libacla.so.0"
objcopy --strip-debug "$out/lib/libacla.so.0"
ln -s libacla.so.0 "$out/lib/libacla.so"
# the bundled models are found beside the library (lib/../share/acla/models), as installed
[ -d "$prefix/share" ] && ln -s "$prefix/share" "$out/share"
cflags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags acla)
failed=0
for src in "$root"/Tests/capi/test_*.c; do
  name=$(basename "$src" .c)
  cc -std=c11 -g -O1 -Wall -Wextra -Werror -o "$out/$name" "$src" $cflags -L"$out/lib" -lacla -Wl,-rpath,"$out/lib"
  log="$out/$name.valgrind"
  start=$(date +%s)
  if (cd "$root" && ACLA_MEMCHECK=1 ACLA_STRESS_CALLS=6 ACLA_RSS_ROUNDS=100 \
      valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,possible \
        --show-leak-kinds=definite,possible --track-origins=yes --fair-sched=yes \
        --suppressions="$here/acla.supp" --log-file="$log" "$out/$name" >"$out/$name.out" 2>&1); then
    echo "memcheck $name: 0 errors, 0 leaks ($(( $(date +%s) - start )) s)"
  else
    echo "memcheck $name: FAILED"; tail -5 "$out/$name.out"; sed -n 1,80p "$log"; failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ]
