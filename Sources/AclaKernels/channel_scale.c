// RCAN's channel attention applied: y = x * s[plane] (+ r), planes in parallel. With r it is the
// whole tail of a residual channel-attention block in one pass over the map (the scaled map and
// the skip sum were two serial passes, with a map written in between). The product is rounded
// before the add (two statements: no FMA contraction), as the two passes computed it.
#include "acla_kernels.h"
#include <omp.h>

void ak_channel_scale(const float *x, const float *s, const float *r, float *y, long planes, long hw,
                      int nthreads) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long p = 0; p < planes; p++) {
        const float f = s[p];
        const float *xp = x + p * hw, *rp = r ? r + p * hw : 0;
        float *yp = y + p * hw;
        if (rp) {
#pragma omp simd
            for (long i = 0; i < hw; i++) {
                const float t = xp[i] * f;
                yp[i] = t + rp[i];
            }
        } else {
#pragma omp simd
            for (long i = 0; i < hw; i++) yp[i] = xp[i] * f;
        }
    }
}

// The backward: dx = dy * s[plane], ds[plane] = sum dy * x (in double). dx may be dy.
void ak_channel_scale_backward(const float *dy, const float *x, const float *s, float *dx, float *ds,
                               long planes, long hw, int nthreads) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long p = 0; p < planes; p++) {
        const float f = s[p];
        const float *gp = dy + p * hw, *xp = x + p * hw;
        float *dp = dx + p * hw;
        double acc = 0.0;
#pragma omp simd reduction(+:acc)
        for (long i = 0; i < hw; i++) {
            acc += (double)(gp[i] * xp[i]);
            dp[i] = gp[i] * f;
        }
        ds[p] = (float)acc;
    }
}
