#!/usr/bin/env bash
# No instruction beyond x86-64-v2 outside the functions chosen at run time: the library must load
# and run on a CPU without AVX (never SIGILL). Every function that contains an AVX/AVX-512
# (VEX/EVEX: v*, mask registers k*) or BMI/MOVBE instruction must be named *_avx2 or *_avx512
# (compiled with target attributes, called only when ak_cpu_level() allows, cpu_dispatch.c).
# tzcnt is not listed: compilers emit it for baseline CPUs too, which run it as bsf.
set -euo pipefail
lib=${1:?usage: check_cpu_dispatch.sh path/to/libacla.so}
fail() { echo "check_cpu_dispatch: FAIL: $*" >&2; exit 1; }
command -v objdump >/dev/null || fail "objdump not found (binutils)"

report=$(objdump -d --no-show-raw-insn "$lib" | awk '
    /^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
    {
        n = split($0, f, "\t"); if (n < 2) next; insn = f[n]; sub(/ .*/, "", insn)
        if (insn ~ /^(v[a-z0-9]+|k(mov|and|or|xor|not|shift|test|unpck|add)[a-z]*|andn|bextr|blsi|blsmsk|blsr|bzhi|lzcnt|mulx|pdep|pext|rorx|sarx|shlx|shrx|movbe)$/)
            count[fn]++
    }
    END { for (fn in count) print fn, count[fn] }' | sort)

guarded=$(echo "$report" | awk '$1 ~ /_(avx2|avx512)$/' | wc -l)
unguarded=$(echo "$report" | awk 'NF && $1 !~ /_(avx2|avx512)$/')
[ -z "$unguarded" ] || fail "instructions beyond x86-64-v2 in functions not chosen at run time:
$unguarded"
[ "$guarded" -gt 0 ] || fail "no *_avx2/*_avx512 function found: is the dispatch compiled in?"
echo "check_cpu_dispatch: ok ($guarded functions with AVX code, all named *_avx2/*_avx512)"
