// The convolution epilogue, applied by every algorithm to a stretch of one output plane while it
// is still in cache: ReLU, then y = residual + scale * y. It must give the same bits as the
// separate ops it replaces (relu(x): x > 0 ? x : 0; scale: x * s; add: a + b, all float32), so
// the product and the sum are rounded separately (conv2d_epilogue_body.h).
#include "acla_kernels.h"
#include "conv2d_epilogue_levels.h"

#define AK_LEVEL(name) name##_portable
#include "conv2d_epilogue_body.h"

void ak_conv_epilogue_apply(const ak_conv_epilogue *ep, float *y, const float *residual, long count) {
    if (!ep || (!ep->relu && !residual) || count <= 0) return;
    switch (ak_cpu_level()) {
    case AK_CPU_AVX512: ak_conv_epilogue_sweep_avx512(ep, y, residual, count); break;
    case AK_CPU_AVX2: ak_conv_epilogue_sweep_avx2(ep, y, residual, count); break;
    default: ak_conv_epilogue_sweep_portable(ep, y, residual, count);
    }
}
