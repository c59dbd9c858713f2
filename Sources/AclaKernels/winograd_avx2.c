// Winograd kernels for AVX2/FMA CPUs (called only when ak_cpu_level() allows): transforms from
// winograd_body.h with 8-lane vectors (their strided loads and stores as in-register transposes),
// and the tile GEMM as a register-blocked micro-kernel of 4 output channels x 24 tiles (12
// accumulators, 3 loads and one broadcast per input channel; not inlined, so that its registers
// are allocated on their own), 16 and 8 at the block's end.
#include <immintrin.h>
#include "winograd.h"
#include "conv2d_epilogue_levels.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,tune=haswell"))), apply_to = function)
#define VL 8
#define AK_LEVEL(name) name##_avx2
typedef float vf8 __attribute__((ext_vector_type(8)));

// d[c], lane l = src[l * m + c] for c < t. F(4): a 4 x 8 transpose of src[0, 32) in registers
// (d[4], d[5] are d[0], d[1] one lane on, plus src[32], src[33]); F(6): hardware gathers. The
// portable path's scalar copies into a stack array, read back as vectors, stall on store
// forwarding at every vector load.
static inline __attribute__((always_inline)) void gather8(const float *src, int m, int t, vf8 *d) {
    if (m == 4) {
        const __m256 a = _mm256_loadu_ps(src), b = _mm256_loadu_ps(src + 8);
        const __m256 c = _mm256_loadu_ps(src + 16), e = _mm256_loadu_ps(src + 24);
        const __m256 t0 = _mm256_permute2f128_ps(a, c, 0x20), t1 = _mm256_permute2f128_ps(a, c, 0x31);
        const __m256 t2 = _mm256_permute2f128_ps(b, e, 0x20), t3 = _mm256_permute2f128_ps(b, e, 0x31);
        const __m256d u0 = _mm256_castps_pd(_mm256_unpacklo_ps(t0, t1)), u1 = _mm256_castps_pd(_mm256_unpackhi_ps(t0, t1));
        const __m256d u2 = _mm256_castps_pd(_mm256_unpacklo_ps(t2, t3)), u3 = _mm256_castps_pd(_mm256_unpackhi_ps(t2, t3));
        const __m256 d0 = _mm256_castpd_ps(_mm256_unpacklo_pd(u0, u2)), d1 = _mm256_castpd_ps(_mm256_unpackhi_pd(u0, u2));
        d[0] = (vf8)d0;
        d[1] = (vf8)d1;
        d[2] = (vf8)_mm256_castpd_ps(_mm256_unpacklo_pd(u1, u3));
        d[3] = (vf8)_mm256_castpd_ps(_mm256_unpackhi_pd(u1, u3));
        const __m256i next = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0);
        d[4] = (vf8)_mm256_blend_ps(_mm256_permutevar8x32_ps(d0, next), _mm256_broadcast_ss(src + 32), 0x80);
        d[5] = (vf8)_mm256_blend_ps(_mm256_permutevar8x32_ps(d1, next), _mm256_broadcast_ss(src + 33), 0x80);
    } else {
        const __m256i base = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(m));
        for (int c = 0; c < t; c++)
            d[c] = (vf8)_mm256_i32gather_ps(src + c, base, 4);
    }
}

// dst[k] = o[k % m] lane k / m for k < 8 m: F(4) by the inverse transpose, F(6) lane by lane.
static inline __attribute__((always_inline)) void scatter8(float *dst, const vf8 *o, int m) {
    if (m != 4) {
        for (int l = 0; l < 8; l++)
            for (int jo = 0; jo < m; jo++) dst[l * m + jo] = o[jo][l];
        return;
    }
    const __m256d u0 = _mm256_castps_pd(_mm256_unpacklo_ps((__m256)o[0], (__m256)o[1]));
    const __m256d u1 = _mm256_castps_pd(_mm256_unpackhi_ps((__m256)o[0], (__m256)o[1]));
    const __m256d u2 = _mm256_castps_pd(_mm256_unpacklo_ps((__m256)o[2], (__m256)o[3]));
    const __m256d u3 = _mm256_castps_pd(_mm256_unpackhi_ps((__m256)o[2], (__m256)o[3]));
    const __m256 w0 = _mm256_castpd_ps(_mm256_unpacklo_pd(u0, u2)), w1 = _mm256_castpd_ps(_mm256_unpackhi_pd(u0, u2));
    const __m256 w2 = _mm256_castpd_ps(_mm256_unpacklo_pd(u1, u3)), w3 = _mm256_castpd_ps(_mm256_unpackhi_pd(u1, u3));
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(w0, w1, 0x20));
    _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(w2, w3, 0x20));
    _mm256_storeu_ps(dst + 16, _mm256_permute2f128_ps(w0, w1, 0x31));
    _mm256_storeu_ps(dst + 24, _mm256_permute2f128_ps(w2, w3, 0x31));
}
#define AK_WINO_GATHER(src, m, t, d) gather8(src, m, t, d)
#define AK_WINO_SCATTER(dst, o, m) scatter8(dst, o, m)
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
        const float *vx = v + xi * AK_WINO_PLANE(cin, ldv);
        float *mx = mm + xi * AK_WINO_PLANE(cg, ldv);
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
