// The key-aggregation loops at baseline x86-64-v2 (two SSE registers per vector), and the
// choice of level for the drivers.
#include "acla_kernels.h"
#define VL 8
#define AK_LEVEL(name) name##_portable
#include "cla_tile_body.h"

static const ak_cla_level_fns fns_portable = {ak_cla_gather_tile_portable, ak_cla_corner_dots_portable,
                                              ak_cla_scatter_portable};
static const ak_cla_level_fns fns_avx2 = {ak_cla_gather_tile_avx2, ak_cla_corner_dots_avx2, ak_cla_scatter_avx2};
static const ak_cla_level_fns fns_avx512 = {ak_cla_gather_tile_avx512, ak_cla_corner_dots_avx512,
                                            ak_cla_scatter_avx512};

const ak_cla_level_fns *ak_cla_level(void) {
    switch (ak_cpu_level()) {
    case AK_CPU_AVX512: return &fns_avx512;
    case AK_CPU_AVX2: return &fns_avx2;
    default: return &fns_portable;
    }
}
