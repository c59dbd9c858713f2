#!/usr/bin/env bash
# The shipped library's promises: SONAME, only acla_* exported, no Swift runtime dependency,
# nothing unresolved, and it loads (dlopen through Python's ctypes).
set -euo pipefail
lib=${1:?usage: check_library.sh path/to/libacla.so}
fail() { echo "check_library: FAIL: $*" >&2; exit 1; }

soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libacla.so.0" ] || fail "SONAME is '$soname', expected libacla.so.0"

others=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[A-Z]$/ && $3 !~ /^acla_/ {print $3}' | head -n 5)
[ -z "$others" ] || fail "exports symbols other than acla_*: $others"

if ldd "$lib" | grep -i -E 'swift|Foundation|dispatch' ; then fail "depends on a Swift runtime library"; fi
if ldd -r "$lib" 2>&1 | grep -E 'undefined symbol'; then fail "unresolved symbols"; fi

declared=$(grep -o -E '\bacla_[a-z0-9_]+[[:space:]]*\(' include/acla.h | tr -d ' (' | grep -v -E '_fn$' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$3 ~ /^acla_/ {print $3}' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
[ -z "$missing" ] || fail "declared in acla.h but not exported: $missing"
[ -z "$extra" ] || fail "exported but not declared in acla.h: $extra"

python3 -c "import ctypes,sys; ctypes.CDLL(sys.argv[1]).acla_version_string" "$lib" || fail "dlopen failed"
echo "check_library: ok ($(echo "$exported" | wc -l) acla_* functions, SONAME $soname)"
