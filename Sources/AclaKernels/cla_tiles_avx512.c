// The key-aggregation loops for AVX-512 CPUs (16-lane vectors); called only when ak_cpu_level()
// allows it.
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,tune=znver4"))), apply_to = function)
#define VL 16
#define AK_LEVEL(name) name##_avx512
#include "cla_tile_body.h"
#pragma clang attribute pop
