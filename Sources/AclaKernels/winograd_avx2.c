// Winograd kernels for AVX2/FMA CPUs (called only when ak_cpu_level() allows): transforms from
// winograd_body.h with 8-lane vectors, and the tile GEMM as a register-blocked micro-kernel of
// 4 output channels x 24 tiles (12 accumulators, 3 loads and one broadcast per input channel;
// not inlined, so that its registers are allocated on their own), 16 and 8 at the block's end.
#include <immintrin.h>
#include "winograd.h"
#include "conv2d_epilogue_levels.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,tune=haswell"))), apply_to = function)
#define VL 8
#define AK_LEVEL(name) name##_avx2
#include "winograd_body.h"

// c[r][0, 8 * NV) += sum_ci a[ci][r] b[ci][...] for 4 rows r of a packed block (a: stride 8).
#define MICRO(NV)                                                                               \
    static __attribute__((noinline)) void micro4x##NV##_avx2(const float *a, const float *b, int ldb, int cin, float *c, int ldc) { \
        __m256 acc[4][NV];                                                                      \
        for (int r = 0; r < 4; r++)                                                             \
            for (int q = 0; q < NV; q++) acc[r][q] = _mm256_setzero_ps();                       \
        for (int ci = 0; ci < cin; ci++) {                                                      \
            __m256 bv[NV];                                                                      \
            for (int q = 0; q < NV; q++) bv[q] = _mm256_loadu_ps(b + (long)ci * ldb + 8 * q);   \
            for (int r = 0; r < 4; r++) {                                                       \
                const __m256 av = _mm256_broadcast_ss(a + ci * AK_WINO_CO_BLOCK + r);           \
                for (int q = 0; q < NV; q++) acc[r][q] = _mm256_fmadd_ps(av, bv[q], acc[r][q]); \
            }                                                                                   \
        }                                                                                       \
        for (int r = 0; r < 4; r++)                                                             \
            for (int q = 0; q < NV; q++) _mm256_storeu_ps(c + (long)r * ldc + 8 * q, acc[r][q]); \
    }
MICRO(3)
MICRO(2)
MICRO(1)

void ak_wino_gemm_avx2(const ak_wino_shape *s, const float *u, const float *v, float *mm, int T, int ldv, int co0, int cg) {
    const int t2 = s->t * s->t, cin = s->cin, ncob = cg / AK_WINO_CO_BLOCK;
    for (int xi = 0; xi < t2; xi++) {
        const float *ux = u + ((long)xi * s->coutp + co0) * cin;
        const float *vx = v + (long)xi * cin * ldv;
        float *mx = mm + (long)xi * cg * ldv;
        int j = 0;
        // 24 tiles at a time, but 32 as two 16s (24 + 8 would leave a one-vector step)
        for (; T - j >= 24 && T - j != 32; j += 24)
            for (int cob = 0; cob < ncob; cob++)
                for (int half = 0; half < 2; half++)
                    micro4x3_avx2(ux + (long)cob * cin * AK_WINO_CO_BLOCK + 4 * half, vx + j, ldv, cin,
                                  mx + (long)(cob * AK_WINO_CO_BLOCK + 4 * half) * ldv + j, ldv);
        for (; T - j >= 16; j += 16)
            for (int cob = 0; cob < ncob; cob++)
                for (int half = 0; half < 2; half++)
                    micro4x2_avx2(ux + (long)cob * cin * AK_WINO_CO_BLOCK + 4 * half, vx + j, ldv, cin,
                                  mx + (long)(cob * AK_WINO_CO_BLOCK + 4 * half) * ldv + j, ldv);
        // the rest in 8-tile steps (the row padding takes the columns past T)
        for (; j < T; j += 8)
            for (int cob = 0; cob < ncob; cob++)
                for (int half = 0; half < 2; half++)
                    micro4x1_avx2(ux + (long)cob * cin * AK_WINO_CO_BLOCK + 4 * half, vx + j, ldv, cin,
                             mx + (long)(cob * AK_WINO_CO_BLOCK + 4 * half) * ldv + j, ldv);
    }
}
#pragma clang attribute pop
