// The inference form of the key aggregation (nothing is recorded for a backward pass): the
// softmax weights of every key first, then one source at a time, so that only one channels-last
// value map has to exist at once (r of them, 4 MiB each at 128x128x64, cost more in page faults
// and cache misses than the gather itself). The sums run in the order of
// ak_cla_aggregate_forward's (keys are source-major, and a pixel's partial sum is carried from
// one source to the next unrounded), so both give bit-identical results.
#include "acla_attention_kernels.h"
#include "cla_levels.h"
#include "cla_tap_lists.h"
#include <omp.h>

long ak_cla_key_weights_scratch_floats(int nq, int nthreads) {
    return nq > 0 && nthreads > 0 ? (long)AK_TILE * nq * nthreads : 0;
}

// Per thread: the tap lists of a tile (a row pointer, 2 float slots, and a weight per tap).
static long source_thread_floats(int kk) { return (long)AK_TILE * 4L * kk * 3; }

long ak_cla_aggregate_source_scratch_floats(int kk, int nthreads) {
    return kk > 0 && nthreads > 0 ? source_thread_floats(kk) * nthreads : 0;
}

int ak_cla_key_weights(const float *logits, const float *mask, int nq, int n, long hw, float *a,
                       int64_t *gathered, float *scratch, int nthreads) {
    if (!scratch) return -1;
    const long tiles = (hw + AK_TILE - 1) / AK_TILE;
    const long per_thread = (long)AK_TILE * nq;
    int64_t total = 0;
#pragma omp parallel for schedule(static) num_threads(nthreads) reduction(+:total)
    for (long bt = 0; bt < (long)n * tiles; bt++) {
        const long b = bt / tiles, i0 = (bt % tiles) * AK_TILE;
        const int nt = (int)(hw - i0 < AK_TILE ? hw - i0 : AK_TILE);
        const float *lb = logits + b * nq * hw, *mb = mask ? mask + b * nq * hw : NULL;
        float *ab = a + b * nq * hw;
        float *ex = scratch + per_thread * omp_get_thread_num();
        float maxe[AK_TILE], z[AK_TILE];
        tile_softmax(lb, mb, hw, nq, i0, nt, maxe, z, ex);
        int64_t opened = 0;
        for (int q = 0; q < nq; q++) {
            const float *mq = mb ? mb + (long)q * hw + i0 : NULL;
            const float *eq = ex + (long)q * AK_TILE;
            float *aq = ab + (long)q * hw + i0;
            // selects, not branches (see tile_softmax); an empty pixel (z = 0) divides by 1
#pragma omp simd reduction(+:opened)
            for (int t = 0; t < nt; t++) {
                const int open = z[t] > 0.f && (!mq || mq[t] > 0.f);
                const float a = eq[t] / (z[t] > 0.f ? z[t] : 1.f);
                aq[t] = open ? a : -1.f;
                opened += open;
            }
        }
        total += opened;
    }
    if (gathered) *gathered += total;
    return 0;
}

int ak_cla_aggregate_source(const float *values, int s, int r, int kk, int n, int c, int h, int w,
                            const float *offsets, const float *a, int add, float *y, float *rho,
                            float *scratch, int nthreads) {
    if (!scratch) return -1;
    const long hw = (long)h * w;
    const int nq = r * kk;
    const long tiles = (hw + AK_TILE - 1) / AK_TILE;
    const size_t list = 4 * (size_t)kk;
    const long per_thread = source_thread_floats(kk);
    const ak_cla_level_fns *fn = ak_cla_level();
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long bt = 0; bt < (long)n * tiles; bt++) {
        const long b = bt / tiles, i0 = (bt % tiles) * AK_TILE;
        const int nt = (int)(hw - i0 < AK_TILE ? hw - i0 : AK_TILE);
        const float *ob = offsets + b * 2 * nq * hw, *ab = a + b * nq * hw;
        const float *img = values + b * hw * c;
        float *mine = scratch + per_thread * omp_get_thread_num();
        const float **rows = (const float **)mine;
        float *wt = mine + 2 * AK_TILE * list;
        int np[AK_TILE], py[AK_TILE], px[AK_TILE];
        for (int t = 0; t < nt; t++) { np[t] = 0; py[t] = (int)((i0 + t) / w); px[t] = (int)((i0 + t) % w); }
        for (int k = 0; k < kk; k++) {
            const int q = s * kk + k;
            // a closed key (weight -1) is never sampled
            fn->push_key_taps(img, h, w, c, nt, py, px, ob + 2L * q * hw + i0, ob + (2L * q + 1) * hw + i0,
                              ab + (long)q * hw + i0, rows, wt, list, np);
        }
        fn->gather_tile(c, nt, np, rows, wt, list, add, y + (b * hw + i0) * c);
        if (rho) {
            float *rt = rho + b * hw + i0;
            for (int t = 0; t < nt; t++) {
                float sum = 0.f;
                for (int j = 0; j < np[t]; j++) sum += wt[t * list + j];
                rt[t] = add ? rt[t] + sum : sum;
            }
        }
    }
    return 0;
}
