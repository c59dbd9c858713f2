// The key-aggregation loops for AVX2/FMA CPUs; called only when ak_cpu_level() allows it.
#pragma clang attribute push(__attribute__((target("avx2,fma,tune=haswell"))), apply_to = function)
#define VL 8
#define AK_LEVEL(name) name##_avx2
#include "cla_tile_body.h"
#pragma clang attribute pop
