// Winograd kernels for AVX-512 CPUs (called only when ak_cpu_level() allows): transforms from
// winograd_body.h with 16-lane vectors, and the tile GEMM as a register-blocked micro-kernel of
// 8 output channels x 32 tiles (16 accumulators, broadcasts folded into the FMAs), masked at
// the block's last columns.
#include <immintrin.h>
#include "winograd.h"
#include "conv2d_epilogue_levels.h"

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))), apply_to = function)
#define VL 16
#define AK_LEVEL(name) name##_avx512
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

void ak_wino_gemm_avx512(const ak_wino_shape *s, const float *u, const float *v, float *mm, int T, int ldv) {
    const int t2 = s->t * s->t, cin = s->cin, ncob = s->coutp / AK_WINO_CO_BLOCK;
    for (int xi = 0; xi < t2; xi++) {
        const float *ux = u + (long)xi * s->coutp * cin;
        const float *vx = v + (long)xi * cin * ldv;
        float *mx = mm + (long)xi * s->coutp * ldv;
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
