// The key-aggregation loops at baseline x86-64-v2 (two SSE registers per vector), and the
// choice of level for the drivers.
#include "acla_kernels.h"
#define VL 8
#define AK_LEVEL(name) name##_portable
#include "cla_tile_body.h"

#define AK_CLA_FNS(sfx) \
    {ak_cla_gather_tile_##sfx, ak_cla_corner_dots_##sfx, ak_cla_scatter_##sfx, ak_cla_push_key_taps_##sfx}
static const ak_cla_level_fns fns_portable = AK_CLA_FNS(portable);
static const ak_cla_level_fns fns_avx2 = AK_CLA_FNS(avx2);
static const ak_cla_level_fns fns_avx512 = AK_CLA_FNS(avx512);

const ak_cla_level_fns *ak_cla_level(void) {
    switch (ak_cpu_level()) {
    case AK_CPU_AVX512: return &fns_avx512;
    case AK_CPU_AVX2: return &fns_avx2;
    default: return &fns_portable;
    }
}
