// The weighted sum over sampled keys of CLA/ACLA (ATTENTION.md sections 3-4): a masked softmax
// of the query's logits, then bilinear taps of channels-last value maps. Only open keys
// (mask > 0) are sampled in the forward pass: closed keys cost nothing.
#include "acla_attention_kernels.h"
#include "bilinear_taps.h"
#include "cla_tap_lists.h"
#include <math.h>
#include <omp.h>
#include <stdlib.h>

// The masked-softmax terms of one pixel: ex[q] = M_q exp(e_q - m) for open keys (0 for closed),
// m the largest logit of an open key. Returns their sum Z (0 when no key is open).
static float softmax_terms(const float *lg, const float *mk, long hw, int nq, float *ex, float *maxe) {
    float m = -INFINITY;
    int any = 0;
    for (int q = 0; q < nq; q++) {
        float mq = mk ? mk[(long)q * hw] : 1.f;
        if (mq > 0.f) { any = 1; if (lg[(long)q * hw] > m) m = lg[(long)q * hw]; }
    }
    *maxe = m;
    if (!any) return 0.f;
    float z = 0.f;
    for (int q = 0; q < nq; q++) {
        float mq = mk ? mk[(long)q * hw] : 1.f;
        ex[q] = mq > 0.f ? mq * expf(lg[(long)q * hw] - m) : 0.f;
        z += ex[q];
    }
    return z;
}

static inline float dot_c(int c, const float *restrict a, const float *restrict b) {
    float s = 0.f;
    for (int ch = 0; ch < c; ch++) s += a[ch] * b[ch];
    return s;
}


int ak_cla_aggregate_forward(const float *const *values, int r, int kk, int n, int c, int h, int w,
                             const float *offsets, const float *logits, const float *mask,
                             float *y, float *weights, int64_t *gathered, int nthreads) {
    const long hw = (long)h * w;
    const int nq = r * kk;
    const long tiles = (hw + AK_TILE - 1) / AK_TILE;
    // Per thread and tile: the softmax terms ex[q][t], then each pixel's tap list (up to 4
    // corners per open key: a row pointer and the weight a_q * bilinear weight).
    const size_t list = 4 * (size_t)nq;
    const size_t per_thread = AK_TILE * ((size_t)nq * sizeof(float) + list * (sizeof(float *) + sizeof(float)));
    char *scratch = malloc(per_thread * (size_t)nthreads);
    if (!scratch) return -1;
    int64_t total = 0;
    for (int b = 0; b < n; b++) {
        const float *ob = offsets + (long)b * 2 * nq * hw;
        const float *lb = logits + (long)b * nq * hw;
        const float *mb = mask ? mask + (long)b * nq * hw : NULL;
        float *wb = weights ? weights + (long)b * nq * hw : NULL;
#pragma omp parallel for schedule(static) num_threads(nthreads) reduction(+:total)
        for (long tile = 0; tile < tiles; tile++) {
            char *mine = scratch + per_thread * (size_t)omp_get_thread_num();
            const float **rows = (const float **)mine;
            float *wt = (float *)(mine + AK_TILE * list * sizeof(float *));
            float *ex = wt + AK_TILE * list;
            const long i0 = tile * AK_TILE;
            const int nt = (int)(hw - i0 < AK_TILE ? hw - i0 : AK_TILE);
            float maxe[AK_TILE], z[AK_TILE];
            int np[AK_TILE], py[AK_TILE], px[AK_TILE];
            for (int t = 0; t < nt; t++) { np[t] = 0; py[t] = (int)((i0 + t) / w); px[t] = (int)((i0 + t) % w); }
            tile_softmax(lb, mb, hw, nq, i0, nt, maxe, z, ex);
            // The tap lists, in key order per pixel; closed keys are never sampled.
            for (int q = 0; q < nq; q++) {
                const float *img = values[q / kk] + (long)b * hw * c;
                const float *mq = mb ? mb + (long)q * hw + i0 : NULL;
                for (int t = 0; t < nt; t++) {
                    const long i = i0 + t;
                    const int open = z[t] > 0.f && (!mq || mq[t] > 0.f);
                    const float a = open ? ex[(long)q * AK_TILE + t] / z[t] : 0.f;
                    if (wb) wb[(long)q * hw + i] = a;
                    if (!open) continue;
                    total++;
                    ak_taps tp;
                    if (!offset_taps(ob, hw, i, q, py[t], px[t], h, w, &tp)) continue;
                    push_taps(img, h, w, c, &tp, a, rows + t * list, wt + t * list, &np[t]);
                }
            }
            for (int t = 0; t < nt; t++)
                accumulate_taps(c, np[t], rows + t * list, wt + t * list, 0, y + ((long)b * hw + i0 + t) * c);
        }
    }
    free(scratch);
    if (gathered) *gathered += total;
    return 0;
}

// Pass 1 of the backward pass for one pixel: gradients of the logits, masks and offsets, and the
// weights a_q into aq (for the value scatter of pass 2).
static void pixel_backward(const float *const *values, int kk, int nq, int b, int c, int h, int w,
                           long i, const float *ob, const float *lb, const float *mb, const float *dyrow,
                           float *dob, float *dlb, float *dmb, float *aq, long hw, float *ex, float *da) {
    float maxe;
    float z = softmax_terms(lb + i, mb ? mb + i : NULL, hw, nq, ex, &maxe);
    for (int q = 0; q < nq; q++) aq[(long)q * hw] = 0.f;
    if (!(z > 0.f)) return;   // no open key: y = 0 locally, every gradient is zero
    const int py = (int)(i / w), px = (int)(i % w);
    float dot = 0.f;
    for (int q = 0; q < nq; q++) {
        const int open = !mb || mb[(long)q * hw + i] > 0.f;
        const float a = open ? ex[q] / z : 0.f;
        aq[(long)q * hw] = a;
        da[q] = 0.f;
        ak_taps t;
        if (!(open || dmb) || !offset_taps(ob, hw, i, q, py, px, h, w, &t)) continue;
        // The four corner dot products with dy form a 2x2 "plane" whose bilinear sample is
        // dy . v_q and whose coordinate gradient is dy . dv_q/d(y, x).
        const float *rows[4];
        float d[4];
        tap_rows(values[q / kk] + (long)b * hw * c, h, w, c, &t, rows);
        for (int j = 0; j < 4; j++) {
            d[j] = rows[j] ? dot_c(c, rows[j], dyrow) : 0.f;
        }
        ak_taps local = t;
        local.y0 = 0; local.x0 = 0;
        da[q] = ak_tap_sample(d, 2, 2, &local);
        dot += a * da[q];
        if (dob && open) {
            float gy, gx;
            ak_tap_coord_grad(d, 2, 2, &local, &gy, &gx);
            dob[2L * q * hw + i] += a * gy;
            dob[(2L * q + 1) * hw + i] += a * gx;
        }
    }
    for (int q = 0; q < nq; q++) {
        const float a = aq[(long)q * hw];
        if (dlb) dlb[(long)q * hw + i] += a * (da[q] - dot);
        // d a_p / d M_q = (w_q / Z)(delta_pq - a_p) with w_q = exp(e_q - max), for closed keys too
        if (dmb) dmb[(long)q * hw + i] += expf(lb[(long)q * hw + i] - maxe) / z * (da[q] - dot);
    }
}

int ak_cla_aggregate_backward(const float *const *values, int r, int kk, int n, int c, int h, int w,
                              const float *offsets, const float *logits, const float *mask,
                              const float *dy, float *const *dvalues, float *doffsets,
                              float *dlogits, float *dmask, float *scratch, int nthreads) {
    const long hw = (long)h * w;
    const int nq = r * kk;
    float *buf = malloc(sizeof(float) * 2 * (size_t)nq * (size_t)nthreads);
    if (!buf) return -1;
    for (int b = 0; b < n; b++) {
        const long qoff = (long)b * nq * hw;
        const float *ob = offsets + 2 * qoff;
        float *dob = doffsets ? doffsets + 2 * qoff : NULL;
        float *dlb = dlogits ? dlogits + qoff : NULL;
        float *dmb = dmask ? dmask + qoff : NULL;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (long i = 0; i < hw; i++) {
            float *ex = buf + 2L * omp_get_thread_num() * nq;
            pixel_backward(values, kk, nq, b, c, h, w, i, ob, logits + qoff, mask ? mask + qoff : NULL,
                           dy + ((long)b * hw + i) * c, dob, dlb, dmb, scratch + qoff + i, hw, ex, ex + nq);
        }
    }
    free(buf);
    if (!dvalues) return 0;
    // Pass 2: scatter a_q * dy into the value maps. Each thread owns a range of channels, so the
    // scatter never races and its summation order is fixed.
    const int chunks = nthreads < c ? nthreads : c;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int part = 0; part < chunks; part++) {
        const int c0 = (int)((long)c * part / chunks), c1 = (int)((long)c * (part + 1) / chunks);
        for (int b = 0; b < n; b++) {
            const long qoff = (long)b * nq * hw;
            for (long i = 0; i < hw; i++) {
                const int py = (int)(i / w), px = (int)(i % w);
                const float *dyrow = dy + ((long)b * hw + i) * c;
                for (int q = 0; q < nq; q++) {
                    const float a = scratch[qoff + (long)q * hw + i];
                    float *dv = dvalues[q / kk];
                    ak_taps t;
                    if (a == 0.f || !dv || !offset_taps(offsets + 2 * qoff, hw, i, q, py, px, h, w, &t)) continue;
                    float tw[4];
                    tap_weights(&t, tw);
                    for (int j = 0; j < 4; j++) {
                        int y = t.y0 + (j >> 1), x = t.x0 + (j & 1);
                        if (y < 0 || y >= h || x < 0 || x >= w) continue;
                        float *row = dv + ((long)b * hw + (long)y * w + x) * c;
                        const float wt = a * tw[j];
                        for (int ch = c0; ch < c1; ch++) row[ch] += wt * dyrow[ch];
                    }
                }
            }
        }
    }
    return 0;
}
