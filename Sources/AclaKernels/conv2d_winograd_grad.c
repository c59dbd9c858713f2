// Winograd F(m x m, 3x3) weight gradient, m = 4 or 6. The forward is Y = A^T [U . V] A per tile
// (U = G g G^T, V = B^T d B), so dL/dU = sum over tiles of (A dY A^T) . V and dL/dg = G^T dL/dU G:
// t*t GEMMs of cout x cin over the tiles instead of one cout x 9 cin GEMM over the pixels
// (about 4x fewer multiplications for F(4x4)). Each thread sums its blocks' tiles into its own
// dU; the threads' dU are then added and transformed back in double.
#include "winograd.h"
#include <stdlib.h>
#include <string.h>

// G (t x 3), as in conv2d_winograd.c.
static const double G4[6][3] = {{1. / 4, 0, 0}, {-1. / 6, -1. / 6, -1. / 6}, {-1. / 6, 1. / 6, -1. / 6},
                                {1. / 24, 1. / 12, 1. / 6}, {1. / 24, -1. / 12, 1. / 6}, {0, 0, 1}};
static const double G6[8][3] = {{1, 0, 0}, {-2. / 9, -2. / 9, -2. / 9}, {-2. / 9, 2. / 9, -2. / 9},
                                {1. / 90, 1. / 45, 2. / 45}, {1. / 90, -1. / 45, 2. / 45},
                                {32. / 45, 16. / 45, 8. / 45}, {32. / 45, -16. / 45, 8. / 45}, {0, 0, 1}};

// Tiles per block: V (t*t*cin) and D (t*t*cout) columns within about 3/4 of a 1 MiB L2.
static int block_tiles(int t, int cin, int cout, long tiles, int parts) {
    long cap = (3L << 16) / ((long)t * t * (cin + cout));
    cap = cap >= 16 ? cap / 16 * 16 : 16;
    if (cap > 256) cap = 256;
    long each = (tiles + parts - 1) / parts;
    each = (each + 15) / 16 * 16;
    return (int)(each < cap ? each : cap);
}

static void shape_of(ak_wino_shape *s, int cin, int cout, int h, int w, int m) {
    s->m = m; s->t = m + 2; s->cin = cin; s->cout = cout;
    s->coutp = (cout + AK_WINO_CO_BLOCK - 1) / AK_WINO_CO_BLOCK * AK_WINO_CO_BLOCK;
    s->h = h; s->w = w; s->ntx = (w + m - 1) / m; s->nty = (h + m - 1) / m;
}

static int parts_of(long tiles, int T, int nthreads) {
    const long blocks = (tiles + T - 1) / T;
    const int parts = nthreads < 1 ? 1 : nthreads;
    return blocks < parts ? (int)blocks : parts;
}

long ak_winograd_weight_gradient_scratch_floats(int n, int cin, int cout, int h, int w, int m, int nthreads) {
    if ((m != 4 && m != 6) || n <= 0 || cin <= 0 || cout <= 0 || h <= 0 || w <= 0) return 0;
    ak_wino_shape s;
    shape_of(&s, cin, cout, h, w, m);
    const long tiles = (long)n * s.nty * s.ntx;
    const int parts0 = nthreads < 1 ? 1 : nthreads;
    const int T = block_tiles(s.t, cin, cout, tiles, parts0), ldv = (T + 15) / 16 * 16;
    const long each = (long)s.t * s.t * (AK_WINO_PLANE(cin, ldv) + AK_WINO_PLANE(cout, ldv) + (long)cout * cin) + 16;
    return each * parts_of(tiles, T, nthreads);
}

int ak_winograd_weight_gradient(const float *x, int n, int cin, int h, int w, const float *dy, int cout, int m,
                                float *dweight, float *scratch, int nthreads) {
    if (m != 4 && m != 6) return -1;
    if (n <= 0 || cin <= 0 || cout <= 0 || h <= 0 || w <= 0) return 0;
    ak_blas_single_thread();
    ak_wino_shape s;
    shape_of(&s, cin, cout, h, w, m);
    const int t = s.t, tt = t * t;
    const long tiles = (long)n * s.nty * s.ntx;
    const int T = block_tiles(t, cin, cout, tiles, nthreads < 1 ? 1 : nthreads), ldv = (T + 15) / 16 * 16;
    const long blocks = (tiles + T - 1) / T;
    const int parts = parts_of(tiles, T, nthreads);
    const long du_floats = (long)tt * cout * cin;
    const long each = (long)tt * (AK_WINO_PLANE(cin, ldv) + AK_WINO_PLANE(cout, ldv)) + du_floats + 16;
    float *owned = NULL;
    if (!scratch) {
        scratch = owned = malloc(sizeof(float) * (size_t)(each * parts));
        if (!scratch) return -1;
    }
    void (*input)(const ak_wino_shape *, const float *, long, int, float *, int) = ak_wino_input_portable;
    void (*transform_dy)(const ak_wino_shape *, const float *, long, int, float *, int) = ak_wino_dy_portable;
    switch (ak_cpu_level()) {
    case AK_CPU_AVX512: input = ak_wino_input_avx512; transform_dy = ak_wino_dy_avx512; break;
    case AK_CPU_AVX2: input = ak_wino_input_avx2; transform_dy = ak_wino_dy_avx2; break;
    default: break;
    }
    float *du_of[64];
    const int used = parts < 64 ? parts : 64;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int p = 0; p < used; p++) {
        float *base = scratch + each * p;
        base += (16 - ((size_t)base / sizeof(float)) % 16) % 16;   // 64-byte aligned
        float *v = base, *d = v + (long)tt * AK_WINO_PLANE(cin, ldv), *du = d + (long)tt * AK_WINO_PLANE(cout, ldv);
        du_of[p] = du;
        memset(du, 0, sizeof(float) * (size_t)du_floats);
        for (long blk = blocks * p / used; blk < blocks * (p + 1) / used; blk++) {
            const long t0 = blk * T;
            const int count = tiles - t0 < T ? (int)(tiles - t0) : T;
            if (count <= 0) break;
            input(&s, x, t0, count, v, ldv);
            transform_dy(&s, dy, t0, count, d, ldv);
            for (int xi = 0; xi < tt; xi++)   // dU[xi] += D[xi] V[xi]^T
                ak_sgemm_serial(0, 1, cout, cin, count, 1.f, d + xi * AK_WINO_PLANE(cout, ldv), ldv,
                                v + xi * AK_WINO_PLANE(cin, ldv), ldv, 1.f, du + (long)xi * cout * cin, cin);
        }
    }
    const double(*G)[3] = m == 4 ? G4 : G6;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int co = 0; co < cout; co++)
        for (int ci = 0; ci < cin; ci++) {
            double dU[8][8], left[3][8];
            for (int xi = 0; xi < tt; xi++) {
                double sum = 0;
                for (int p = 0; p < used; p++) sum += du_of[p][((long)xi * cout + co) * cin + ci];
                dU[xi / t][xi % t] = sum;
            }
            for (int a = 0; a < 3; a++)          // G^T dU
                for (int j = 0; j < t; j++) {
                    double acc = 0;
                    for (int i = 0; i < t; i++) acc += G[i][a] * dU[i][j];
                    left[a][j] = acc;
                }
            for (int a = 0; a < 3; a++)          // (G^T dU) G
                for (int b = 0; b < 3; b++) {
                    double acc = 0;
                    for (int j = 0; j < t; j++) acc += left[a][j] * G[j][b];
                    dweight[((long)co * cin + ci) * 9 + a * 3 + b] += (float)acc;
                }
        }
    free(owned);
    return 0;
}
