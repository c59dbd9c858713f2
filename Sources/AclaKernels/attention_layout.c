// NCHW <-> NHWC copies. The key aggregation reads all channels of one tap at once, so it works
// on channels-last maps: one tap is then one contiguous run of c floats.
//
// Both directions go through tiles of AK_LAYOUT_TILE pixels: for each channel the tile's run of
// pixels is one contiguous 64-byte line on the NCHW side, and the NHWC side of the tile
// (tile * c floats) stays in L1 while it is filled or drained. A pixel-at-a-time loop instead
// strides through c planes one map apart (same cache sets) for every single pixel.
#include "acla_attention_kernels.h"
#include "acla_kernels.h"
#include "attention_layout.h"

#define AK_LAYOUT_TILE 16

void ak_layout_tile_portable(const float *src, long sstride, float *dst, long dstride, int rows, int cols) {
    for (int k = 0; k < rows; k++)
        for (int j = 0; j < cols; j++) dst[j * dstride + k] = src[k * sstride + j];
}

typedef void (*layout_tile_fn)(const float *, long, float *, long, int, int);

static layout_tile_fn layout_tile(void) {
    return ak_cpu_level() >= AK_CPU_AVX2 ? ak_layout_tile_avx2 : ak_layout_tile_portable;
}

// NCHW -> NHWC: per tile, a [c][nt] block (rows one map apart) to [nt][c].
void ak_nchw_to_nhwc(const float *src, int n, int c, long hw, float *dst, int nthreads) {
    const long tiles = (hw + AK_LAYOUT_TILE - 1) / AK_LAYOUT_TILE;
    const layout_tile_fn copy = layout_tile();
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long bt = 0; bt < (long)n * tiles; bt++) {
        const long b = bt / tiles, i0 = (bt % tiles) * AK_LAYOUT_TILE;
        const int nt = (int)(hw - i0 < AK_LAYOUT_TILE ? hw - i0 : AK_LAYOUT_TILE);
        copy(src + b * c * hw + i0, hw, dst + (b * hw + i0) * c, c, c, nt);
    }
}

void ak_nhwc_to_nchw(const float *src, int n, int c, long hw, float *dst, int nthreads) {
    const long tiles = (hw + AK_LAYOUT_TILE - 1) / AK_LAYOUT_TILE;
    const layout_tile_fn copy = layout_tile();
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long bt = 0; bt < (long)n * tiles; bt++) {
        const long b = bt / tiles, i0 = (bt % tiles) * AK_LAYOUT_TILE;
        const int nt = (int)(hw - i0 < AK_LAYOUT_TILE ? hw - i0 : AK_LAYOUT_TILE);
        copy(src + (b * hw + i0) * c, c, dst + b * c * hw + i0, hw, nt, c);
    }
}
