#!/usr/bin/env bash
# Builds every C test program (Tests/capi/test_*.c) and the C examples against an installed
# prefix, found with pkg-config as a user would, and runs them.
set -euo pipefail
prefix=${1:?usage: run.sh INSTALL_PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs acla)
passed=0
failed=0
for src in "$here"/test_*.c; do
  name=$(basename "$src" .c)
  cc -std=c11 -Wall -Wextra -Werror -o "$out/$name" "$src" $flags
  if (cd "$root" && "$out/$name"); then passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
done
for src in "$root"/examples/c/*.c; do
  [ -e "$src" ] || continue
  name=$(basename "$src" .c)
  cc -std=c11 -Wall -Wextra -Werror -o "$out/$name" "$src" $flags
  if [ -x "$root/examples/c/$name.sh" ]; then cmd=("$root/examples/c/$name.sh" "$out/$name"); else cmd=("$out/$name"); fi
  if (cd "$root" && "${cmd[@]}" >/dev/null); then passed=$((passed + 1)); else echo "FAILED: example $name"; failed=$((failed + 1)); fi
done
echo "C programs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
