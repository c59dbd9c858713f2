// NCHW <-> NHWC copies. The key aggregation reads all channels of one tap at once, so it works
// on channels-last maps: one tap is then one contiguous run of c floats.
#include "acla_attention_kernels.h"

void ak_nchw_to_nhwc(const float *src, int n, int c, long hw, float *dst, int nthreads) {
    for (int b = 0; b < n; b++) {
        const float *s = src + (long)b * c * hw;
        float *d = dst + (long)b * c * hw;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (long i = 0; i < hw; i++)
            for (int ch = 0; ch < c; ch++) d[i * c + ch] = s[(long)ch * hw + i];
    }
}

void ak_nhwc_to_nchw(const float *src, int n, int c, long hw, float *dst, int nthreads) {
    for (int b = 0; b < n; b++) {
        const float *s = src + (long)b * c * hw;
        float *d = dst + (long)b * c * hw;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (int ch = 0; ch < c; ch++)
            for (long i = 0; i < hw; i++) d[(long)ch * hw + i] = s[i * c + ch];
    }
}
