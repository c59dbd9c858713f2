// Shared by the key-aggregation kernels (cla_aggregate*.c): tap lists of channels-last value
// maps and the masked softmax of a tile of pixels (the vector loops are in cla_tile_body.h).
#ifndef ACLA_CLA_TAP_LISTS_H
#define ACLA_CLA_TAP_LISTS_H
#include "bilinear_taps.h"
#include <stddef.h>
#include <math.h>
#include "acla_fast_exp.h"

// The four corner rows (c floats each) of a tap in one NHWC image; NULL for corners outside.
static inline void tap_rows(const float *img, int h, int w, int c, const ak_taps *t, const float *rows[4]) {
    for (int j = 0; j < 4; j++) {
        int y = t->y0 + (j >> 1), x = t->x0 + (j & 1);
        rows[j] = (y >= 0 && y < h && x >= 0 && x < w) ? img + ((long)y * w + x) * c : NULL;
    }
}

static inline void tap_weights(const ak_taps *t, float tw[4]) {
    tw[0] = t->w00; tw[1] = t->w01; tw[2] = t->w10; tw[3] = t->w11;
}

static inline int offset_taps(const float *ob, long hw, long i, int q, int y, int x, int h, int w, ak_taps *t) {
    return ak_taps_make(y + ob[2L * q * hw + i], x + ob[(2L * q + 1) * hw + i], h, w, t);
}

// Pixels per tile. The key planes ([q][h][w]: offsets, logits, mask) are one map apart (a
// multiple of 4 KiB for common sizes), so reading every key of ONE pixel touches 4 * r * K lines
// that all map to the same cache sets and evict each other; a tile reads each plane's run of
// AK_TILE consecutive pixels instead, contiguously.
#define AK_TILE 32

// The masked softmax of the nt <= AK_TILE pixels from i0, as softmax_terms does it per pixel: the
// largest logit of an open key (maxe), ex[q * AK_TILE + t] = M_q exp(e_q - maxe) for open keys and
// 0 for closed ones, and their sum z in key order (0 when no key is open).
static inline void tile_softmax(const float *lb, const float *mb, long hw, int nq, long i0, int nt,
                                float *maxe, float *z, float *ex) {
    // Branch-free selects, so the loops vectorise: with half the keys closed at random, branches
    // on the mask mispredicted every other key.
    for (int t = 0; t < nt; t++) { maxe[t] = -INFINITY; z[t] = 0.f; }
    for (int q = 0; q < nq; q++) {
        const float *lq = lb + (long)q * hw + i0;
        if (mb) {
            const float *mq = mb + (long)q * hw + i0;
#pragma omp simd
            for (int t = 0; t < nt; t++) maxe[t] = mq[t] > 0.f && lq[t] > maxe[t] ? lq[t] : maxe[t];
        } else {
#pragma omp simd
            for (int t = 0; t < nt; t++) maxe[t] = lq[t] > maxe[t] ? lq[t] : maxe[t];
        }
    }
    for (int q = 0; q < nq; q++) {
        const float *lq = lb + (long)q * hw + i0;
        float *eq = ex + (long)q * AK_TILE;
        if (mb) {
            const float *mq = mb + (long)q * hw + i0;
            // a closed key's exponent may be inf - inf (no key open): ak_expf clamps it, the select drops it
#pragma omp simd
            for (int t = 0; t < nt; t++) {
                const float e = mq[t] * ak_expf(lq[t] - maxe[t]), kept = mq[t] > 0.f ? e : 0.f;
                eq[t] = kept;
                z[t] += kept;
            }
        } else {
#pragma omp simd
            for (int t = 0; t < nt; t++) {
                const float e = ak_expf(lq[t] - maxe[t]);
                eq[t] = e;
                z[t] += e;
            }
        }
    }
}
#endif
