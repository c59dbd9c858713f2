// The weighted sum over sampled keys of CLA/ACLA (ATTENTION.md sections 3-4), training form: a
// masked softmax of the query's logits, then bilinear taps of channels-last value maps, tiles of
// AK_TILE pixels in parallel. Only open keys (mask > 0) are sampled: closed keys cost nothing.
// The backward pass is in cla_aggregate_backward.c, the inference form in cla_aggregate_stream.c.
#include "acla_attention_kernels.h"
#include "cla_levels.h"
#include "cla_tap_lists.h"
#include <omp.h>

// Per thread and tile: the tap list of each pixel (up to 4 corners per open key: a row pointer,
// 2 float slots, and the weight a_q * bilinear weight), then the softmax terms ex[q][t].
static long forward_thread_floats(int nq) { return (long)AK_TILE * (4L * nq * 3 + nq); }

long ak_cla_aggregate_forward_scratch_floats(int r, int kk, int nthreads) {
    if (r <= 0 || kk <= 0 || nthreads <= 0) return 0;
    return forward_thread_floats(r * kk) * nthreads;
}

int ak_cla_aggregate_forward(const float *const *values, int r, int kk, int n, int c, int h, int w,
                             const float *offsets, const float *logits, const float *mask,
                             float *y, float *weights, int64_t *gathered, float *scratch, int nthreads) {
    if (!scratch) return -1;
    const long hw = (long)h * w;
    const int nq = r * kk;
    const long tiles = (hw + AK_TILE - 1) / AK_TILE;
    const size_t list = 4 * (size_t)nq;
    const long per_thread = forward_thread_floats(nq);
    const ak_cla_level_fns *fn = ak_cla_level();
    int64_t total = 0;
    for (int b = 0; b < n; b++) {
        const float *ob = offsets + (long)b * 2 * nq * hw;
        const float *lb = logits + (long)b * nq * hw;
        const float *mb = mask ? mask + (long)b * nq * hw : NULL;
        float *wb = weights ? weights + (long)b * nq * hw : NULL;
#pragma omp parallel for schedule(static) num_threads(nthreads) reduction(+:total)
        for (long tile = 0; tile < tiles; tile++) {
            float *mine = scratch + per_thread * omp_get_thread_num();
            const float **rows = (const float **)mine;
            float *wt = mine + 2 * AK_TILE * list;
            float *ex = wt + AK_TILE * list;
            const long i0 = tile * AK_TILE;
            const int nt = (int)(hw - i0 < AK_TILE ? hw - i0 : AK_TILE);
            float maxe[AK_TILE], z[AK_TILE];
            int np[AK_TILE], py[AK_TILE], px[AK_TILE];
            for (int t = 0; t < nt; t++) { np[t] = 0; py[t] = (int)((i0 + t) / w); px[t] = (int)((i0 + t) % w); }
            tile_softmax(lb, mb, hw, nq, i0, nt, maxe, z, ex);
            // The tap lists, in key order per pixel; closed keys are never sampled.
            for (int q = 0; q < nq; q++) {
                const float *mq = mb ? mb + (long)q * hw + i0 : NULL;
                float av[AK_TILE];   // a_q, or -1 for a closed key (never sampled)
                for (int t = 0; t < nt; t++) {
                    const int open = z[t] > 0.f && (!mq || mq[t] > 0.f);
                    const float a = open ? ex[(long)q * AK_TILE + t] / z[t] : 0.f;
                    if (wb) wb[(long)q * hw + i0 + t] = a;
                    av[t] = open ? a : -1.f;
                    total += open;
                }
                // a NULL source has every key closed (documented), so its map is never read
                const float *img = values[q / kk] ? values[q / kk] + (long)b * hw * c : NULL;
                if (img)
                    fn->push_key_taps(img, h, w, c, nt, py, px, ob + 2L * q * hw + i0, ob + (2L * q + 1) * hw + i0,
                                      av, rows, wt, list, np);
            }
            fn->gather_tile(c, nt, np, rows, wt, list, 0, y + ((long)b * hw + i0) * c);
        }
    }
    if (gathered) *gathered += total;
    return 0;
}
