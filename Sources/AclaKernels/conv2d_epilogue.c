// The convolution epilogue, applied by every algorithm to a stretch of one output plane while it
// is still in cache: ReLU, then y = residual + scale * y. It must give the same bits as the
// separate ops it replaces (relu(x): x > 0 ? x : 0; scale: x * s; add: a + b, all float32), so
// the product and the sum are rounded separately: no fused multiply-add contraction here.
#include "acla_kernels.h"

#pragma clang fp contract(off)

void ak_conv_epilogue_apply(const ak_conv_epilogue *ep, float *y, const float *residual, long count) {
    if (!ep) return;
    if (ep->relu)
        for (long i = 0; i < count; i++) y[i] = y[i] > 0.f ? y[i] : 0.f;
    if (residual) {
        const float s = ep->residual_scale;
        for (long i = 0; i < count; i++) {
            const float t = y[i] * s;
            y[i] = t + residual[i];
        }
    }
}
