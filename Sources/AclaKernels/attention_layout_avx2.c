// The NCHW <-> NHWC tile copies of attention_layout.c for AVX2 CPUs (AVX-512 ones too): 8 x 8
// blocks transposed in registers, so both sides are read and written 8 floats at a time.
// Called only when ak_cpu_level() allows it. Pure data movement: the same bits as the scalar copy.
#include <immintrin.h>
#include "attention_layout.h"

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

// out[j][k] = in[k][j] for an 8 x 8 block: in rows at src + k * sstride, out rows at dst + j * dstride.
static inline void transpose8(const float *src, long sstride, float *dst, long dstride) {
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + sstride);
    __m256 r2 = _mm256_loadu_ps(src + 2 * sstride), r3 = _mm256_loadu_ps(src + 3 * sstride);
    __m256 r4 = _mm256_loadu_ps(src + 4 * sstride), r5 = _mm256_loadu_ps(src + 5 * sstride);
    __m256 r6 = _mm256_loadu_ps(src + 6 * sstride), r7 = _mm256_loadu_ps(src + 7 * sstride);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + dstride, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * dstride, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * dstride, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * dstride, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * dstride, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * dstride, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * dstride, _mm256_permute2f128_ps(u3, u7, 0x31));
}

void ak_layout_tile_avx2(const float *src, long sstride, float *dst, long dstride, int rows, int cols) {
    int k0 = 0;
    for (; k0 + 8 <= rows; k0 += 8) {
        int j0 = 0;
        for (; j0 + 8 <= cols; j0 += 8) transpose8(src + k0 * sstride + j0, sstride, dst + j0 * dstride + k0, dstride);
        for (int j = j0; j < cols; j++)
            for (int k = k0; k < k0 + 8; k++) dst[j * dstride + k] = src[k * sstride + j];
    }
    for (int k = k0; k < rows; k++)
        for (int j = 0; j < cols; j++) dst[j * dstride + k] = src[k * sstride + j];
}
#pragma clang attribute pop
