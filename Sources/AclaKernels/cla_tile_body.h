// Bodies of the per-level key-aggregation loops (cla_levels.h). The including file defines VL
// (floats per vector) and AK_LEVEL(name), and sets the target. Sums run in a fixed order at each
// level; a level with FMA contracts a*b+c (so results agree to rounding, not bits, across levels,
// and bit for bit between the training and inference paths, which share these loops).
#include "cla_levels.h"
#include "cla_tap_lists.h"

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

// The tap arithmetic of ak_taps_make for a run of pixels in plain arrays (so it vectorises),
// then the lists: interior samples push their four corners without bounds tests.
void AK_LEVEL(ak_cla_push_key_taps)(const float *img, int h, int w, int c, int nt, const int *py, const int *px,
                                    const float *oy, const float *ox, const float *a, const float **rows,
                                    float *wt, size_t list, int *np) {
    int ok[AK_TILE], y0[AK_TILE], x0[AK_TILE];
    float w00[AK_TILE], w01[AK_TILE], w10[AK_TILE], w11[AK_TILE];
    for (int t = 0; t < nt; t++) {
        const float y = (float)py[t] + oy[t], x = (float)px[t] + ox[t];
        // the same test as ak_taps_make, before any conversion to int (NaN and huge values fail it)
        ok[t] = a[t] >= 0.f && y > -1.f && y < (float)h && x > -1.f && x < (float)w;
        const float yy = ok[t] ? y : 0.f, xx = ok[t] ? x : 0.f;
        const float fy = floorf(yy), fx = floorf(xx);
        y0[t] = (int)fy; x0[t] = (int)fx;
        const float ly = yy - fy, lx = xx - fx, hy = 1.f - ly, hx = 1.f - lx;
        w00[t] = hy * hx; w01[t] = hy * lx; w10[t] = ly * hx; w11[t] = ly * lx;
    }
    for (int t = 0; t < nt; t++) {
        if (!ok[t]) continue;
        const float **prow = rows + t * list;
        float *pwt = wt + t * list;
        const float at = a[t];
        const int yt = y0[t], xt = x0[t];
        int k = np[t];
        if (yt >= 0 && yt + 1 < h && xt >= 0 && xt + 1 < w) {
            const float *p = img + ((long)yt * w + xt) * c;
            prow[k] = p; pwt[k] = at * w00[t];
            prow[k + 1] = p + c; pwt[k + 1] = at * w01[t];
            prow[k + 2] = p + (long)w * c; pwt[k + 2] = at * w10[t];
            prow[k + 3] = p + (long)w * c + c; pwt[k + 3] = at * w11[t];
            np[t] = k + 4;
            continue;
        }
        const float tw[4] = {w00[t], w01[t], w10[t], w11[t]};
        for (int j = 0; j < 4; j++) {
            const int y = yt + (j >> 1), x = xt + (j & 1);
            if (y >= 0 && y < h && x >= 0 && x < w) { prow[k] = img + ((long)y * w + x) * c; pwt[k] = at * tw[j]; k++; }
        }
        np[t] = k;
    }
}
