// The backward pass of the key aggregation (cla_aggregate.c), one image at a time in two
// parallel passes over caller scratch (no allocation):
// 1. tiles of AK_TILE query pixels: the masked softmax, the four corner dot products dy . v of
//    every sampled key (vectorised, cla_tile_body.h), and from them the gradients of the logits,
//    masks and offsets, which belong to the tile's own pixels (no race); each key's scatter
//    record (top-left corner index, the four weights a_q * bilinear weight) is kept.
// 2. the records scatter a_q * dy into the value maps, each thread owning a range of channels:
//    no race, and every element's sum runs in the same order whatever the thread count.
#include "acla_attention_kernels.h"
#include "cla_levels.h"
#include "cla_tap_lists.h"
#include <omp.h>

// Per thread: corner row pointers [q][t][4] (2 float slots each), their dots d [q][t][4], ex [q][t].
static long backward_thread_floats(int nq) { return (long)AK_TILE * nq * (8 + 4 + 1); }

long ak_cla_aggregate_backward_scratch_floats(int r, int kk, int h, int w, int nthreads) {
    if (r <= 0 || kk <= 0 || h <= 0 || w <= 0 || nthreads <= 0) return 0;
    const int nq = r * kk;
    return backward_thread_floats(nq) * nthreads + 5L * nq * h * w;
}

typedef struct {
    const float *const *values;
    int kk, nq, c, h, w;
    long hw;
    const float *ob, *lb, *mb, *dy;   // this image's planes; dy NHWC
    float *dob, *dlb, *dmb;
    int *base;                        // [q][hw] scatter records
    float *rec;                       // [q][hw][4]
    long b;
    const ak_cla_level_fns *fn;
} backward_image;

static void backward_tile(const backward_image *A, long i0, int nt, float *mine) {
    const int nq = A->nq, kk = A->kk, c = A->c, h = A->h, w = A->w;
    const long hw = A->hw;
    const float **rows = (const float **)mine;
    float *d = mine + 8L * AK_TILE * nq;
    float *ex = d + 4L * AK_TILE * nq;
    float maxe[AK_TILE], z[AK_TILE], dot[AK_TILE];
    int py[AK_TILE], px[AK_TILE];
    for (int t = 0; t < nt; t++) { py[t] = (int)((i0 + t) / w); px[t] = (int)((i0 + t) % w); dot[t] = 0.f; }
    tile_softmax(A->lb, A->mb, hw, nq, i0, nt, maxe, z, ex);
    // The corners every key needs: open keys, and closed ones too when the mask gradient is asked
    // for (it needs their sample); none where no key of the pixel is open (every gradient is 0).
    for (int q = 0; q < nq; q++) {
        const float *img = A->values[q / kk] ? A->values[q / kk] + A->b * hw * c : NULL;
        const float *mq = A->mb ? A->mb + (long)q * hw + i0 : NULL;
        for (int t = 0; t < nt; t++) {
            const float **rj = rows + 4 * ((long)q * AK_TILE + t);
            const int open = !mq || mq[t] > 0.f;
            ak_taps tp;
            if (img && z[t] > 0.f && (open || A->dmb) && offset_taps(A->ob, hw, i0 + t, q, py[t], px[t], h, w, &tp))
                tap_rows(img, h, w, c, &tp, rj);
            else
                rj[0] = rj[1] = rj[2] = rj[3] = NULL;
        }
    }
    A->fn->corner_dots(c, nq, nt, AK_TILE, rows, A->dy + i0 * c, d);
    // da_q = dy . S(v_q) (the bilinear sample of the 2x2 dot "plane"), the offset gradient from
    // the plane's slope, and the scatter records; dot = sum_q a_q da_q in key order.
    for (int q = 0; q < nq; q++) {
        const float *mq = A->mb ? A->mb + (long)q * hw + i0 : NULL;
        for (int t = 0; t < nt; t++) {
            const long e = (long)q * AK_TILE + t, i = i0 + t;
            float *dq = d + 4 * e, *rec = A->rec + 4 * ((long)q * hw + i);
            const int open = z[t] > 0.f && (!mq || mq[t] > 0.f);
            const float a = open ? ex[e] / z[t] : 0.f;
            ak_taps tp;
            const int sampled = rows[4 * e] || rows[4 * e + 1] || rows[4 * e + 2] || rows[4 * e + 3];
            A->base[(long)q * hw + i] = 0;
            rec[0] = rec[1] = rec[2] = rec[3] = 0.f;
            float da = 0.f;
            if (sampled && offset_taps(A->ob, hw, i, q, py[t], px[t], h, w, &tp)) {
                ak_taps local = tp;
                local.y0 = 0; local.x0 = 0;
                da = ak_tap_sample(dq, 2, 2, &local);
                if (open) {
                    if (A->dob) {
                        float gy, gx;
                        ak_tap_coord_grad(dq, 2, 2, &local, &gy, &gx);
                        A->dob[2L * q * hw + i] += a * gy;
                        A->dob[(2L * q + 1) * hw + i] += a * gx;
                    }
                    float tw[4];
                    tap_weights(&tp, tw);
                    A->base[(long)q * hw + i] = tp.y0 * w + tp.x0;
                    for (int j = 0; j < 4; j++)
                        if (rows[4 * e + j]) rec[j] = a * tw[j];
                }
            }
            dq[0] = da;   // da_q kept in the first slot for the second sweep
            dot[t] += a * da;
        }
    }
    for (int q = 0; q < nq; q++) {
        const float *lq = A->lb + (long)q * hw + i0, *mq = A->mb ? A->mb + (long)q * hw + i0 : NULL;
        for (int t = 0; t < nt; t++) {
            if (!(z[t] > 0.f)) continue;
            const long e = (long)q * AK_TILE + t, i = i0 + t;
            const int open = !mq || mq[t] > 0.f;
            const float a = open ? ex[e] / z[t] : 0.f, g = d[4 * e] - dot[t];
            if (A->dlb) A->dlb[(long)q * hw + i] += a * g;
            // d a_p / d M_q = (w_q / Z)(delta_pq - a_p) with w_q = exp(e_q - max), for closed keys too
            if (A->dmb) A->dmb[(long)q * hw + i] += ak_expf(lq[t] - maxe[t]) / z[t] * g;
        }
    }
}

int ak_cla_aggregate_backward(const float *const *values, int r, int kk, int n, int c, int h, int w,
                              const float *offsets, const float *logits, const float *mask,
                              const float *dy, float *const *dvalues, float *doffsets,
                              float *dlogits, float *dmask, float *scratch, int nthreads) {
    if (!scratch) return -1;
    const long hw = (long)h * w;
    const int nq = r * kk;
    const long tiles = (hw + AK_TILE - 1) / AK_TILE;
    const long per_thread = backward_thread_floats(nq);
    float *records = scratch + per_thread * nthreads;
    const int chunks = nthreads < c ? nthreads : c;
    for (int b = 0; b < n; b++) {
        const long qoff = (long)b * nq * hw;
        const backward_image A = {
            values, kk, nq, c, h, w, hw, offsets + 2 * qoff, logits + qoff, mask ? mask + qoff : NULL,
            dy + (long)b * hw * c, doffsets ? doffsets + 2 * qoff : NULL, dlogits ? dlogits + qoff : NULL,
            dmask ? dmask + qoff : NULL, (int *)records, records + (long)nq * hw, b, ak_cla_level(),
        };
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (long tile = 0; tile < tiles; tile++) {
            const long i0 = tile * AK_TILE;
            backward_tile(&A, i0, (int)(hw - i0 < AK_TILE ? hw - i0 : AK_TILE),
                          scratch + per_thread * omp_get_thread_num());
        }
        if (!dvalues) continue;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (int part = 0; part < chunks; part++) {
            const int c0 = (int)((long)c * part / chunks), c1 = (int)((long)c * (part + 1) / chunks);
            for (int q = 0; q < nq; q++) {
                float *dv = dvalues[q / kk];
                if (!dv) continue;
                A.fn->scatter(c, w, c0, c1, hw, A.base + (long)q * hw, A.rec + 4L * q * hw, A.dy,
                              dv + (long)b * hw * c);
            }
        }
    }
    return 0;
}
