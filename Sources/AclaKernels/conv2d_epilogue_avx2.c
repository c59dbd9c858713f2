// The epilogue sweep for AVX2 CPUs; called only when ak_cpu_level() allows it.
#include "conv2d_epilogue_levels.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,tune=haswell"))), apply_to = function)
#define AK_LEVEL(name) name##_avx2
#include "conv2d_epilogue_body.h"
#pragma clang attribute pop
