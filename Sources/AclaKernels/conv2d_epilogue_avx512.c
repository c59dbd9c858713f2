// The epilogue sweep for AVX-512 CPUs; called only when ak_cpu_level() allows it.
#include "conv2d_epilogue_levels.h"

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,tune=znver4"))), apply_to = function)
#define AK_LEVEL(name) name##_avx512
#include "conv2d_epilogue_body.h"
#pragma clang attribute pop
