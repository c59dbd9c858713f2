// Winograd F(m x m, 3x3) forward convolution, m = 4 or 6 (layout in winograd.h).
// Each thread owns a contiguous range of tile blocks and runs all phases of a block in a row
// (input transform; then per group of up to 64 output channels the t*t tile GEMMs and the
// output transform with bias and epilogue), so V and M stay in that core's L2 and no phase waits
// for the other thread: both cores are busy throughout.
// The kernels are chosen once per call by CPU level (cpu_dispatch.c).
#include "winograd.h"
#include <stdlib.h>

// V + M per block, in floats: about 3/4 of a 1 MiB L2.
#define BLOCK_BUDGET_FLOATS (3L << 16)
// Output channels per GEMM + output transform pass (M holds this many rows per xi).
#define CHANNEL_GROUP 64

static int channel_group(const ak_wino_shape *s) { return s->coutp < CHANNEL_GROUP ? s->coutp : CHANNEL_GROUP; }

static int valid_tile(int m) { return m == 4 || m == 6; }
static int round_up(int a, int b) { return (a + b - 1) / b * b; }

static void shape_of(ak_wino_shape *s, int cin, int cout, int h, int w, int m) {
    s->m = m;
    s->t = m + 2;
    s->cin = cin;
    s->cout = cout;
    s->coutp = round_up(cout, AK_WINO_CO_BLOCK);
    s->h = h;
    s->w = w;
    s->ntx = (w + m - 1) / m;
    s->nty = (h + m - 1) / m;
}

long ak_winograd_weight_floats(int cout, int cin, int m) {
    if (!valid_tile(m) || cout <= 0 || cin <= 0) return 0;
    return (long)(m + 2) * (m + 2) * round_up(cout, AK_WINO_CO_BLOCK) * cin;
}

// G for F(4, 3) and F(6, 3): t x 3.
static const double G4[6][3] = {{1. / 4, 0, 0}, {-1. / 6, -1. / 6, -1. / 6}, {-1. / 6, 1. / 6, -1. / 6},
                                {1. / 24, 1. / 12, 1. / 6}, {1. / 24, -1. / 12, 1. / 6}, {0, 0, 1}};
static const double G6[8][3] = {{1, 0, 0}, {-2. / 9, -2. / 9, -2. / 9}, {-2. / 9, 2. / 9, -2. / 9},
                                {1. / 90, 1. / 45, 2. / 45}, {1. / 90, -1. / 45, 2. / 45},
                                {32. / 45, 16. / 45, 8. / 45}, {32. / 45, -16. / 45, 8. / 45}, {0, 0, 1}};

int ak_winograd_transform_weights(const float *weight, int cout, int cin, int m, float *u, int nthreads) {
    if (!valid_tile(m) || cout <= 0 || cin <= 0) return -1;
    const int t = m + 2, coutp = round_up(cout, AK_WINO_CO_BLOCK), ncob = coutp / AK_WINO_CO_BLOCK;
    const double(*G)[3] = m == 4 ? G4 : G6;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int co = 0; co < coutp; co++)
        for (int ci = 0; ci < cin; ci++) {
            double g[3][3] = {{0}}, gt[8][3], U[8][8];
            if (co < cout)
                for (int k = 0; k < 9; k++) g[k / 3][k % 3] = weight[((long)co * cin + ci) * 9 + k];
            for (int i = 0; i < t; i++)          // G g
                for (int b = 0; b < 3; b++) gt[i][b] = G[i][0] * g[0][b] + G[i][1] * g[1][b] + G[i][2] * g[2][b];
            for (int i = 0; i < t; i++)          // (G g) G^T
                for (int j = 0; j < t; j++) U[i][j] = gt[i][0] * G[j][0] + gt[i][1] * G[j][1] + gt[i][2] * G[j][2];
            for (int xi = 0; xi < t * t; xi++)
                u[(((long)xi * ncob + co / AK_WINO_CO_BLOCK) * cin + ci) * AK_WINO_CO_BLOCK + co % AK_WINO_CO_BLOCK] =
                    (float)U[xi / t][xi % t];
        }
    return 0;
}

// Blocks of T tiles: a multiple of 32 (the AVX-512 GEMM's width) within the cache budget (16 at
// least), or smaller so that every thread gets a block; the last block may be shorter.
// ldv: the row length of V and M.
static void blocking(const ak_wino_shape *s, long tiles, long block_tiles, int nthreads,
                     long *blocks, int *T, int *ldv) {
    const long per_tile = (long)s->t * s->t * (s->cin + channel_group(s));
    long cap = block_tiles;
    if (cap <= 0) {
        cap = BLOCK_BUDGET_FLOATS / per_tile;
        cap = cap >= 32 ? cap / 32 * 32 : 16;
    }
    if (cap > 512) cap = 512;
    const int parts = nthreads < 1 ? 1 : nthreads;
    long each = (tiles + parts - 1) / parts;    // a thread's share
    if (block_tiles <= 0) each = (each + 15) / 16 * 16;
    *T = (int)(each < cap ? each : cap);
    *blocks = (tiles + *T - 1) / *T;
    *ldv = round_up(*T, 16);
}

static long per_thread_floats(const ak_wino_shape *s, int ldv) {
    return (long)s->t * s->t * (AK_WINO_PLANE(s->cin, ldv) + AK_WINO_PLANE(channel_group(s), ldv)) + 16;   // + 16: 64-byte alignment
}

long ak_winograd_scratch_floats(int n, int cin, int cout, int h, int w, int m, long block_tiles, int nthreads) {
    if (!valid_tile(m) || n <= 0 || cin <= 0 || cout <= 0 || h <= 0 || w <= 0) return 0;
    ak_wino_shape s;
    shape_of(&s, cin, cout, h, w, m);
    long blocks;
    int T, ldv;
    blocking(&s, (long)n * s.nty * s.ntx, block_tiles, nthreads, &blocks, &T, &ldv);
    const int parts = nthreads < 1 ? 1 : (blocks < nthreads ? (int)blocks : nthreads);
    return per_thread_floats(&s, ldv) * parts;
}

int ak_winograd_forward(const float *x, int n, int cin, int h, int w, const float *u, const float *bias,
                        int cout, int m, const ak_conv_epilogue *ep, float *y, float *scratch,
                        long block_tiles, int nthreads) {
    if (!valid_tile(m)) return -1;
    if (n <= 0 || cin <= 0 || cout <= 0 || h <= 0 || w <= 0) return 0;
    ak_wino_shape s;
    shape_of(&s, cin, cout, h, w, m);
    const long tiles = (long)n * s.nty * s.ntx;
    long blocks;
    int T, ldv;
    blocking(&s, tiles, block_tiles, nthreads, &blocks, &T, &ldv);
    const int parts = nthreads < 1 ? 1 : (blocks < nthreads ? (int)blocks : nthreads);
    const long each = per_thread_floats(&s, ldv);
    const int cg = channel_group(&s);
    float *owned = NULL;
    if (!scratch) {
        scratch = owned = malloc(sizeof(float) * (size_t)(each * parts));
        if (!scratch) return -1;
    }
    void (*input)(const ak_wino_shape *, const float *, long, int, float *, int) = ak_wino_input_portable;
    void (*gemm)(const ak_wino_shape *, const float *, const float *, float *, int, int, int, int) = ak_wino_gemm_portable;
    void (*output)(const ak_wino_shape *, const float *, int, long, int, int, int, const float *,
                   const ak_conv_epilogue *, float *) = ak_wino_output_portable;
    switch (ak_cpu_level()) {
    case AK_CPU_AVX512: input = ak_wino_input_avx512; gemm = ak_wino_gemm_avx512; output = ak_wino_output_avx512; break;
    case AK_CPU_AVX2: input = ak_wino_input_avx2; gemm = ak_wino_gemm_avx2; output = ak_wino_output_avx2; break;
    default: break;
    }
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int p = 0; p < parts; p++) {
        float *base = scratch + each * p;
        base += (16 - ((size_t)base / sizeof(float)) % 16) % 16;   // 64-byte aligned
        float *v = base, *mm = base + (long)s.t * s.t * AK_WINO_PLANE(s.cin, ldv);
        for (long blk = blocks * p / parts; blk < blocks * (p + 1) / parts; blk++) {
            const long t0 = blk * T;
            const int count = tiles - t0 < T ? (int)(tiles - t0) : T;
            if (count <= 0) break;
            input(&s, x, t0, count, v, ldv);
            for (int co0 = 0; co0 < s.coutp; co0 += cg) {
                const int g = s.coutp - co0 < cg ? s.coutp - co0 : cg;
                gemm(&s, u, v, mm, count, ldv, co0, g);
                output(&s, mm, ldv, t0, count, co0, g, bias, ep, y);
            }
        }
    }
    free(owned);
    return 0;
}
