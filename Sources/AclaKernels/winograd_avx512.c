// Winograd kernels for AVX-512 CPUs (called only when ak_cpu_level() allows): transforms from
// winograd_body.h with 16-lane vectors, and the tile GEMM as a register-blocked micro-kernel of
// 8 output channels x 32 tiles (16 accumulators, broadcasts folded into the FMAs), masked at
// the block's last columns.
#include <immintrin.h>
#include "winograd.h"
#include "conv2d_epilogue_levels.h"

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,tune=znver4"))), apply_to = function)
#define VL 16
#define AK_LEVEL(name) name##_avx512
typedef float vf16 __attribute__((ext_vector_type(16)));

// d[c], lane l = src[l * m + c] for c < t: picks from up to 7 vectors of src with two-source
// permutes (the lane's position modulo 32) and masked moves (which pair of vectors it is in).
static inline __attribute__((always_inline)) void gather16(const float *src, int m, int t, vf16 *d) {
    __m512 R[8];
    const int nv = m == 4 ? 6 : 8;
    for (int q = 0; q < nv; q++) R[q] = _mm512_loadu_ps(src + 16 * q);
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int c = 0; c < t; c++) {
        const __m512i p = _mm512_add_epi32(_mm512_mullo_epi32(lane, _mm512_set1_epi32(m)), _mm512_set1_epi32(c));
        const __m512i pair = _mm512_srli_epi32(p, 5);
        __m512 v = _mm512_permutex2var_ps(R[0], p, R[1]);
        for (int q = 1; q < nv / 2; q++) {
            const __mmask16 k = _mm512_cmpeq_epi32_mask(pair, _mm512_set1_epi32(q));
            v = _mm512_mask_mov_ps(v, k, _mm512_permutex2var_ps(R[2 * q], p, R[2 * q + 1]));
        }
        d[c] = (vf16)v;
    }
}

// dst[k] = o[k % m] lane k / m for k < 16 * m: the inverse of gather16 over m vectors.
static inline __attribute__((always_inline)) void scatter16(float *dst, const vf16 *o, int m) {
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int q = 0; q < m; q++) {
        const __m512i k = _mm512_add_epi32(lane, _mm512_set1_epi32(16 * q));
        // k / m and k % m for m = 4 or 6, as multiply-shift (k < 96)
        const __m512i div = m == 4 ? _mm512_srli_epi32(k, 2)
                                   : _mm512_srli_epi32(_mm512_mullo_epi32(k, _mm512_set1_epi32(43)), 8);
        const __m512i mod = _mm512_sub_epi32(k, _mm512_mullo_epi32(div, _mm512_set1_epi32(m)));
        // source vector mod: pair mod / 2, half mod % 2 (index bit 4)
        const __m512i idx = _mm512_or_epi32(div, _mm512_slli_epi32(_mm512_and_epi32(mod, _mm512_set1_epi32(1)), 4));
        const __m512i pair = _mm512_srli_epi32(mod, 1);
        __m512 v = _mm512_permutex2var_ps((__m512)o[0], idx, (__m512)o[1]);
        for (int g = 1; g < m / 2; g++) {
            const __mmask16 kk = _mm512_cmpeq_epi32_mask(pair, _mm512_set1_epi32(g));
            v = _mm512_mask_mov_ps(v, kk, _mm512_permutex2var_ps((__m512)o[2 * g], idx, (__m512)o[2 * g + 1]));
        }
        _mm512_storeu_ps(dst + 16 * q, v);
    }
}
#define AK_WINO_GATHER(src, m, t, d) gather16(src, m, t, d)
#define AK_WINO_SCATTER(dst, o, m) scatter16(dst, o, m)
#include "winograd_body.h"

// c[r][j] = sum_ci a[ci][r] b[ci][j] for the 8 rows of a packed block and 16 * NV columns, the
// last vector masked by `last`.
#define MICRO(NV)                                                                               \
    AK_INLINE void micro8x##NV(const float *a, const float *b, int ldb, int cin, float *c, int ldc, \
                               __mmask16 last) {                                                \
        __m512 acc[AK_WINO_CO_BLOCK][NV];                                                       \
        for (int r = 0; r < AK_WINO_CO_BLOCK; r++)                                              \
            for (int q = 0; q < NV; q++) acc[r][q] = _mm512_setzero_ps();                       \
        for (int ci = 0; ci < cin; ci++) {                                                      \
            __m512 bv[NV];                                                                      \
            for (int q = 0; q < NV; q++)                                                        \
                bv[q] = _mm512_maskz_loadu_ps(q == NV - 1 ? last : 0xFFFF, b + (long)ci * ldb + 16 * q); \
            for (int r = 0; r < AK_WINO_CO_BLOCK; r++) {                                        \
                const __m512 av = _mm512_set1_ps(a[ci * AK_WINO_CO_BLOCK + r]);                 \
                for (int q = 0; q < NV; q++) acc[r][q] = _mm512_fmadd_ps(av, bv[q], acc[r][q]); \
            }                                                                                   \
        }                                                                                       \
        for (int r = 0; r < AK_WINO_CO_BLOCK; r++)                                              \
            for (int q = 0; q < NV; q++)                                                        \
                _mm512_mask_storeu_ps(c + (long)r * ldc + 16 * q, q == NV - 1 ? last : 0xFFFF, acc[r][q]); \
    }
MICRO(2)
MICRO(1)

void ak_wino_gemm_avx512(const ak_wino_shape *s, const float *u, const float *v, float *mm, int T, int ldv, int co0, int cg) {
    const int t2 = s->t * s->t, cin = s->cin, ncob = cg / AK_WINO_CO_BLOCK;
    for (int xi = 0; xi < t2; xi++) {
        const float *ux = u + ((long)xi * s->coutp + co0) * cin;
        const float *vx = v + xi * AK_WINO_PLANE(cin, ldv);
        float *mx = mm + xi * AK_WINO_PLANE(cg, ldv);
        int j = 0;
        for (; j + 32 <= T; j += 32)
            for (int cob = 0; cob < ncob; cob++)
                micro8x2(ux + (long)cob * cin * AK_WINO_CO_BLOCK, vx + j, ldv, cin,
                         mx + (long)cob * AK_WINO_CO_BLOCK * ldv + j, ldv, 0xFFFF);
        for (; j < T; j += 16) {
            const __mmask16 last = T - j >= 16 ? 0xFFFF : (__mmask16)((1u << (T - j)) - 1);
            for (int cob = 0; cob < ncob; cob++)
                micro8x1(ux + (long)cob * cin * AK_WINO_CO_BLOCK, vx + j, ldv, cin,
                         mx + (long)cob * AK_WINO_CO_BLOCK * ldv + j, ldv, last);
        }
    }
}
#pragma clang attribute pop
