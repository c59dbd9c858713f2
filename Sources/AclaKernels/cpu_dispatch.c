// Runtime CPU dispatch. The target is compiled for baseline x86-64-v2 (SSE4.2), so the library
// loads on any x86-64 CPU of the last 15 years; AVX2/FMA and AVX-512 code lives only in
// functions compiled with target attributes (files *_avx2.c, *_avx512.c, function names ending
// in _avx2 / _avx512, checked by Tests/check_cpu_dispatch.sh) and is called only when the level
// chosen here allows it. The level is detected once (CPUID and the OS's register state, through
// __builtin_cpu_supports); ACLA_CPU=portable|avx2|avx512 asks for a lower level (a level the
// CPU lacks is never used: the request is capped at what was detected).
#include "acla_kernels.h"
#include <stdlib.h>
#include <string.h>

static _Atomic int chosen = -1;

int ak_cpu_detected_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    // Zen 4 and Intel since Skylake-X: F (foundation), VL/BW/DQ for the 256-bit and mask forms
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("fma"))
        return AK_CPU_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return AK_CPU_AVX2;
#endif
    return AK_CPU_PORTABLE;
}

// ACLA_CPU's level, or -1 when unset or not a level name.
static int requested_level(void) {
    const char *v = getenv("ACLA_CPU");
    if (!v) return -1;
    for (int level = AK_CPU_PORTABLE; level <= AK_CPU_AVX512; level++)
        if (strcmp(v, ak_cpu_level_name(level)) == 0) return level;
    return -1;
}

int ak_cpu_level(void) {
    int level = chosen;
    if (level >= 0) return level;
    const int detected = ak_cpu_detected_level(), requested = requested_level();
    level = requested >= 0 && requested < detected ? requested : detected;
    chosen = level;
    return level;
}

int ak_cpu_set_level(int level) {
    if (level < AK_CPU_PORTABLE || level > ak_cpu_detected_level()) return -1;
    chosen = level;
    return level;
}

void ak_cpu_reset_level(void) { chosen = -1; }

const char *ak_cpu_level_name(int level) {
    switch (level) {
    case AK_CPU_PORTABLE: return "portable";
    case AK_CPU_AVX2: return "avx2";
    case AK_CPU_AVX512: return "avx512";
    default: return "unknown";
    }
}
