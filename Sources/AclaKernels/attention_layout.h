// The tile copy of attention_layout.c per CPU level: dst[j * dstride + k] = src[k * sstride + j]
// for k < rows, j < cols (a transpose; pure data movement, so every level gives the same bits).
#ifndef ACLA_ATTENTION_LAYOUT_H
#define ACLA_ATTENTION_LAYOUT_H
void ak_layout_tile_portable(const float *src, long sstride, float *dst, long dstride, int rows, int cols);
void ak_layout_tile_avx2(const float *src, long sstride, float *dst, long dstride, int rows, int cols);
#endif
