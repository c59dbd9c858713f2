// Convolution micro-benchmark: im2col (OpenBLAS) vs Winograd F(4x4,3x3) and F(6x6,3x3) on the
// layer shapes of EDSR-baseline (64 features) and EDSR (256 features), x2, batch 1. Built and run
// by bench/conv_layers.sh against the library's own kernel sources. Prints, per layer shape, the
// median milliseconds of each algorithm (runs interleaved), effective GFLOP/s (2 * direct MACs /
// time), the im2col/Winograd ratio and the Winograd error against im2col (max-norm relative).
#include "acla_kernels.h"
#include "winograd.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static float *randoms(long count, float scale, unsigned *seed) {
    float *p = malloc(sizeof(float) * (size_t)count);
    for (long i = 0; i < count; i++) p[i] = scale * (float)((double)rand_r(seed) / RAND_MAX * 2.0 - 1.0);
    return p;
}

static double rel_err(const float *a, const float *b, long count) {
    double d = 0, s = 0;
    for (long i = 0; i < count; i++) {
        d = fmax(d, fabs((double)a[i] - b[i]));
        s = fmax(s, fabs((double)b[i]));
    }
    return d / (s > 0 ? s : 1);
}

// One layer: cin -> cout, k x k, on an h x w map; algorithms 0 im2col, 4/6 Winograd.
static void layer(const char *name, int cin, int cout, int k, int h, int w, int repeats, int threads, long block) {
    unsigned seed = 7;
    float *x = randoms((long)cin * h * w, 1.f, &seed), *wt = randoms((long)cout * cin * k * k, 0.05f, &seed);
    float *b = randoms(cout, 0.1f, &seed);
    float *y0 = malloc(sizeof(float) * (size_t)cout * h * w), *y = malloc(sizeof(float) * (size_t)cout * h * w);
    long sc = ak_conv2d_im2col_forward_scratch_floats(1, cin, h, w, k, 0, threads);
    float *scratch = malloc(sizeof(float) * (size_t)(sc > 0 ? sc : 1));
    const int algos[3] = {0, 4, 6}, nalg = k == 3 ? 3 : 1;
    float *u[3] = {0}, *ws[3] = {0};
    for (int a = 1; a < nalg; a++) {
        u[a] = malloc(sizeof(float) * (size_t)ak_winograd_weight_floats(cout, cin, algos[a]));
        ak_winograd_transform_weights(wt, cout, cin, algos[a], u[a], threads);
        ws[a] = malloc(sizeof(float) * (size_t)ak_winograd_scratch_floats(1, cin, cout, h, w, algos[a], block, threads));
    }
    double *t[3];
    for (int a = 0; a < 3; a++) t[a] = calloc((size_t)repeats, sizeof(double));
    double err[3] = {0};
    for (int r = -2; r < repeats; r++)      // two warm-up rounds
        for (int a = 0; a < nalg; a++) {
            float *out = a == 0 ? y0 : y;
            double t0 = now();
            if (a == 0) ak_conv2d_im2col_forward(x, 1, cin, h, w, wt, b, cout, k, NULL, out, scratch, 0, threads);
            else ak_winograd_forward(x, 1, cin, h, w, u[a], b, cout, algos[a], NULL, out, ws[a], block, threads);
            double dt = now() - t0;
            if (r >= 0) t[a][r] = dt;
            if (a > 0 && r == repeats - 1) err[a] = rel_err(y, y0, (long)cout * h * w);
        }
    const double gflop = 2.0 * cin * cout * k * k * h * w * 1e-9;
    double med[3];
    for (int a = 0; a < nalg; a++) {
        qsort(t[a], (size_t)repeats, sizeof(double), cmp);
        med[a] = t[a][repeats / 2];
    }
    printf("| %s | %d->%d k%d %dx%d | %.3f (%.0f) |", name, cin, cout, k, h, w, med[0] * 1e3, gflop / med[0]);
    for (int a = 1; a < 3; a++) {
        if (a < nalg) printf(" %.3f (%.0f) | %.2f | %.1e |", med[a] * 1e3, gflop / med[a], med[0] / med[a], err[a]);
        else printf(" - | - | - |");
    }
    printf("\n");
    fflush(stdout);
    for (int a = 0; a < 3; a++) { free(t[a]); free(u[a]); free(ws[a]); }
    free(x); free(wt); free(b); free(y0); free(y); free(scratch);
}

// The data gradient dx of a 3x3 layer: im2col's backward (dx only) against Winograd F(4x4) of dy
// with the flipped, transposed weight (what ConvolutionPlan runs after a Winograd forward).
static void data_gradient(const char *name, int cin, int cout, int h, int w, int repeats, int threads) {
    unsigned seed = 9;
    float *x = randoms((long)cin * h * w, 1.f, &seed), *wt = randoms((long)cout * cin * 9, 0.05f, &seed);
    float *dy = randoms((long)cout * h * w, 1.f, &seed);
    float *dx0 = malloc(sizeof(float) * (size_t)cin * h * w), *dx = malloc(sizeof(float) * (size_t)cin * h * w);
    float *wtt = malloc(sizeof(float) * (size_t)cout * cin * 9);
    for (int co = 0; co < cout; co++)
        for (int ci = 0; ci < cin; ci++)
            for (int k = 0; k < 9; k++) wtt[((long)ci * cout + co) * 9 + 8 - k] = wt[((long)co * cin + ci) * 9 + k];
    float *u = malloc(sizeof(float) * (size_t)ak_winograd_weight_floats(cin, cout, 4));
    ak_winograd_transform_weights(wtt, cin, cout, 4, u, threads);
    float *ws = malloc(sizeof(float) * (size_t)ak_winograd_scratch_floats(1, cout, cin, h, w, 4, 0, threads));
    float *col = malloc(sizeof(float) * (size_t)ak_conv2d_im2col_backward_scratch_floats(cin, h, w, 3, 0));
    double *t[2] = {calloc((size_t)repeats, sizeof(double)), calloc((size_t)repeats, sizeof(double))};
    for (int r = -2; r < repeats; r++)
        for (int a = 0; a < 2; a++) {
            double t0 = now();
            if (a == 0) {
                memset(dx0, 0, sizeof(float) * (size_t)cin * h * w);
                ak_conv2d_im2col_backward(x, 1, cin, h, w, wt, cout, 3, dy, dx0, NULL, NULL, col, 0, threads);
            } else {
                ak_winograd_forward(dy, 1, cout, h, w, u, NULL, cin, 4, NULL, dx, ws, 0, threads);
            }
            if (r >= 0) t[a][r] = now() - t0;
        }
    for (int a = 0; a < 2; a++) qsort(t[a], (size_t)repeats, sizeof(double), cmp);
    const double m0 = t[0][repeats / 2], m1 = t[1][repeats / 2];
    printf("| %s dx | %d->%d k3 %dx%d | %.3f | %.3f | %.2f | %.1e |\n", name, cin, cout, h, w, m0 * 1e3, m1 * 1e3, m0 / m1,
           rel_err(dx, dx0, (long)cin * h * w));
    fflush(stdout);
    free(t[0]); free(t[1]); free(x); free(wt); free(dy); free(dx0); free(dx); free(wtt); free(u); free(ws); free(col);
}

// The F(4x4) tile GEMMs of one block (36 products of cg x cin by cin x T) with the library's
// micro-kernel on its packed weights, against cblas_sgemm (OpenBLAS, one thread) on plain
// row-major weights, in the calling thread only.
static void tile_gemm(int cin, int T, int repeats) {
    const int cg = 64, t2 = 36, ldv = (T + 15) / 16 * 16;
    ak_wino_shape s = {4, 6, cin, cg, cg, 64, 64, 16, 16};
    unsigned seed = 3;
    float *u = randoms((long)t2 * cg * cin, 1.f, &seed), *v = randoms((long)t2 * cin * ldv, 1.f, &seed);
    float *mm = malloc(sizeof(float) * (size_t)t2 * cg * ldv);
    void (*gemm)(const ak_wino_shape *, const float *, const float *, float *, int, int, int, int) =
        ak_cpu_level() == AK_CPU_AVX512 ? ak_wino_gemm_avx512 : ak_cpu_level() == AK_CPU_AVX2 ? ak_wino_gemm_avx2 : ak_wino_gemm_portable;
    double *t[2] = {calloc((size_t)repeats, sizeof(double)), calloc((size_t)repeats, sizeof(double))};
    for (int r = -2; r < repeats; r++) {
        double t0 = now();
        gemm(&s, u, v, mm, T, ldv, 0, cg);
        double t1 = now();
        for (int xi = 0; xi < t2; xi++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cg, T, cin, 1.f, u + (long)xi * cg * cin, cin,
                        v + (long)xi * cin * ldv, ldv, 0.f, mm + (long)xi * cg * ldv, ldv);
        if (r >= 0) { t[0][r] = t1 - t0; t[1][r] = now() - t1; }
    }
    for (int a = 0; a < 2; a++) qsort(t[a], (size_t)repeats, sizeof(double), cmp);
    const double gf = 2.0 * t2 * cg * cin * T * 1e-9, m0 = t[0][repeats / 2], m1 = t[1][repeats / 2];
    printf("| %d | %d | %.1f (%.0f) | %.1f (%.0f) | %.2f |\n", cin, T, m0 * 1e6, gf / m0, m1 * 1e6, gf / m1, m1 / m0);
    free(t[0]); free(t[1]); free(u); free(v); free(mm);
}

int main(int argc, char **argv) {
    int threads = 2, repeats = 9, size = 0;
    long block = 0;
    const char *model = "all";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeats")) repeats = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) size = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--block")) block = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--model")) model = argv[i + 1];
    }
    printf("CPU level in use: %s (ACLA_CPU lowers it); threads %d; %d timed runs per cell (median), block %ld\n\n",
           ak_cpu_level_name(ak_cpu_level()), threads, repeats, block);
    printf("| layer | shape | im2col ms (GFLOP/s) | F(4x4) ms (GFLOP/s) | im2col/F4 | F4 error | F(6x6) ms (GFLOP/s) | im2col/F6 | F6 error |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    if (!strcmp(model, "all") || !strcmp(model, "baseline")) {
        const int s = size ? size : 256;
        layer("baseline head", 3, 64, 3, s, s, repeats, threads, block);
        layer("baseline body (x33)", 64, 64, 3, s, s, repeats, threads, block);
        layer("baseline upsampler", 64, 256, 3, s, s, repeats, threads, block);
        layer("baseline tail", 64, 3, 3, 2 * s, 2 * s, repeats, threads, block);
    }
    if (!strcmp(model, "all") || !strcmp(model, "edsr")) {
        const int s = size ? size : 64;
        layer("EDSR head", 3, 256, 3, s, s, repeats, threads, block);
        layer("EDSR body (x65)", 256, 256, 3, s, s, repeats, threads, block);
        layer("EDSR upsampler", 256, 1024, 3, s, s, repeats, threads, block);
        layer("EDSR tail", 256, 3, 3, 2 * s, 2 * s, repeats, threads, block);
    }
    printf("\nData gradient (training: batch 1 of a 48x48 patch and the model's own size)\n\n");
    printf("| layer | shape | im2col backward, dx only, ms | Winograd F(4x4) dx ms | ratio | error |\n|---|---|---|---|---|---|\n");
    data_gradient("baseline body", 64, 64, 48, 48, repeats, threads);
    data_gradient("baseline body", 64, 64, size ? size : 256, size ? size : 256, repeats, threads);
    data_gradient("EDSR body", 256, 256, 48, 48, repeats, threads);
    ak_blas_single_thread();
    printf("\nTile GEMMs of one F(4x4) block, 64 output channels, one thread (medians of %d calls)\n\n", repeats * 20);
    printf("| cin | tiles T | micro-kernel us (GFLOP/s) | cblas_sgemm us (GFLOP/s) | cblas/micro |\n|---|---|---|---|---|\n");
    for (int i = 0; i < 5; i++) {
        static const int shapes[5][2] = {{64, 16}, {64, 32}, {64, 64}, {256, 32}, {256, 64}};
        tile_gemm(shapes[i][0], shapes[i][1], repeats * 20);
    }
    return 0;
}
