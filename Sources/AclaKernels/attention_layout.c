// NCHW <-> NHWC copies. The key aggregation reads all channels of one tap at once, so it works
// on channels-last maps: one tap is then one contiguous run of c floats.
//
// Both directions go through tiles of AK_LAYOUT_TILE pixels: for each channel the tile's run of
// pixels is one contiguous 64-byte line on the NCHW side, and the NHWC side of the tile
// (tile * c floats) stays in L1 while it is filled or drained. A pixel-at-a-time loop instead
// strides through c planes one map apart (same cache sets) for every single pixel.
#include "acla_attention_kernels.h"

#define AK_LAYOUT_TILE 16

void ak_nchw_to_nhwc(const float *src, int n, int c, long hw, float *dst, int nthreads) {
    const long tiles = (hw + AK_LAYOUT_TILE - 1) / AK_LAYOUT_TILE;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long bt = 0; bt < (long)n * tiles; bt++) {
        const long b = bt / tiles, i0 = (bt % tiles) * AK_LAYOUT_TILE;
        const long nt = hw - i0 < AK_LAYOUT_TILE ? hw - i0 : AK_LAYOUT_TILE;
        const float *s = src + b * c * hw + i0;
        float *d = dst + (b * hw + i0) * c;
        for (int ch = 0; ch < c; ch++)
            for (long t = 0; t < nt; t++) d[t * c + ch] = s[(long)ch * hw + t];
    }
}

void ak_nhwc_to_nchw(const float *src, int n, int c, long hw, float *dst, int nthreads) {
    const long tiles = (hw + AK_LAYOUT_TILE - 1) / AK_LAYOUT_TILE;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long bt = 0; bt < (long)n * tiles; bt++) {
        const long b = bt / tiles, i0 = (bt % tiles) * AK_LAYOUT_TILE;
        const long nt = hw - i0 < AK_LAYOUT_TILE ? hw - i0 : AK_LAYOUT_TILE;
        const float *s = src + (b * hw + i0) * c;
        float *d = dst + b * c * hw + i0;
        for (int ch = 0; ch < c; ch++)
            for (long t = 0; t < nt; t++) d[(long)ch * hw + t] = s[t * c + ch];
    }
}
