// Bodies of the per-level key-aggregation loops (cla_levels.h). The including file defines VL
// (floats per vector) and AK_LEVEL(name), and sets the target. Sums run in a fixed order at each
// level; a level with FMA contracts a*b+c (so results agree to rounding, not bits, across levels,
// and bit for bit between the training and inference paths, which share these loops).
#include "cla_levels.h"

typedef float vf __attribute__((vector_size(4 * VL)));
typedef float vfu __attribute__((vector_size(4 * VL), aligned(4)));   // any float address

// out[ch .. ch + NB*VL) += sum_p wt[p] * rows[p][ch ..): the accumulators stay in registers
// across all taps of the pixel (NB is constant at every call, so the loops unroll).
#define AK_GATHER_BLOCK(NB)                                                                   \
    static inline void gather_##NB(int np, const float *const *rows, const float *wt, int ch, \
                                   int add, float *out) {                                     \
        vf acc[NB];                                                                           \
        for (int v = 0; v < NB; v++) acc[v] = add ? *(const vfu *)(out + ch + VL * v) : (vf){0}; \
        for (int p = 0; p < np; p++) {                                                        \
            const vf a = (vf){0} + wt[p];                                                     \
            const float *row = rows[p] + ch;                                                  \
            for (int v = 0; v < NB; v++) acc[v] += a * *(const vfu *)(row + VL * v);          \
        }                                                                                     \
        for (int v = 0; v < NB; v++) *(vfu *)(out + ch + VL * v) = acc[v];                    \
    }
AK_GATHER_BLOCK(8)
AK_GATHER_BLOCK(4)
AK_GATHER_BLOCK(1)

static inline void gather_pixel(int c, int np, const float *const *rows, const float *wt, int add, float *out) {
    int ch = 0;
    for (; ch + 8 * VL <= c; ch += 8 * VL) gather_8(np, rows, wt, ch, add, out);
    for (; ch + 4 * VL <= c; ch += 4 * VL) gather_4(np, rows, wt, ch, add, out);
    for (; ch + VL <= c; ch += VL) gather_1(np, rows, wt, ch, add, out);
    for (; ch < c; ch++) {
        float s = add ? out[ch] : 0.f;
        for (int p = 0; p < np; p++) s += wt[p] * rows[p][ch];
        out[ch] = s;
    }
}

void AK_LEVEL(ak_cla_gather_tile)(int c, int nt, const int *np, const float *const *rows, const float *wt,
                                  size_t list, int add, float *y) {
    for (int t = 0; t < nt; t++) gather_pixel(c, np[t], rows + t * list, wt + t * list, add, y + (long)t * c);
}

// (by pointer: a vector argument of the portable build would change the ABI)
static inline float lane_sum(const vf *v) {
    float s = 0.f;
    for (int l = 0; l < VL; l++) s += (*v)[l];
    return s;
}

void AK_LEVEL(ak_cla_corner_dots)(int c, int nq, int nt, int tile, const float *const *rows, const float *dy,
                                  float *d) {
    for (int q = 0; q < nq; q++) {
        for (int t = 0; t < nt; t++) {
            const long e = (long)q * tile + t;
            const float *g = dy + (long)t * c;
            const float *const *rj = rows + 4 * e;
            if (!rj[0] && !rj[1] && !rj[2] && !rj[3]) {
                for (int j = 0; j < 4; j++) d[4 * e + j] = 0.f;
                continue;
            }
            // A missing corner reads the dy row itself (branch-free loop) and is zeroed after.
            const float *r0 = rj[0] ? rj[0] : g, *r1 = rj[1] ? rj[1] : g;
            const float *r2 = rj[2] ? rj[2] : g, *r3 = rj[3] ? rj[3] : g;
            vf s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
            int ch = 0;
            for (; ch + VL <= c; ch += VL) {
                const vf gv = *(const vfu *)(g + ch);
                s0 += *(const vfu *)(r0 + ch) * gv;
                s1 += *(const vfu *)(r1 + ch) * gv;
                s2 += *(const vfu *)(r2 + ch) * gv;
                s3 += *(const vfu *)(r3 + ch) * gv;
            }
            float t0 = lane_sum(&s0), t1 = lane_sum(&s1), t2 = lane_sum(&s2), t3 = lane_sum(&s3);
            for (; ch < c; ch++) {
                t0 += r0[ch] * g[ch]; t1 += r1[ch] * g[ch]; t2 += r2[ch] * g[ch]; t3 += r3[ch] * g[ch];
            }
            d[4 * e + 0] = rj[0] ? t0 : 0.f;
            d[4 * e + 1] = rj[1] ? t1 : 0.f;
            d[4 * e + 2] = rj[2] ? t2 : 0.f;
            d[4 * e + 3] = rj[3] ? t3 : 0.f;
        }
    }
}

static inline void axpy_range(int c0, int c1, float a, const float *x, float *y) {
    int ch = c0;
    const vf av = (vf){0} + a;
    for (; ch + VL <= c1; ch += VL) *(vfu *)(y + ch) = *(const vfu *)(y + ch) + av * *(const vfu *)(x + ch);
    for (; ch < c1; ch++) y[ch] = y[ch] + a * x[ch];
}

void AK_LEVEL(ak_cla_scatter)(int c, int w, int c0, int c1, long count, const int *base, const float *wt,
                              const float *dy, float *dv) {
    for (long p = 0; p < count; p++) {
        const float *wp = wt + 4 * p;
        if (wp[0] == 0.f && wp[1] == 0.f && wp[2] == 0.f && wp[3] == 0.f) continue;
        const float *g = dy + p * c;
        for (int j = 0; j < 4; j++) {
            if (wp[j] == 0.f) continue;
            const long at = (long)base[p] + (j >> 1) * (long)w + (j & 1);
            axpy_range(c0, c1, wp[j], g, dv + at * c);
        }
    }
}
