// Weight-gradient micro-benchmark: the im2col path (OpenBLAS GEMMs over column bands) against the
// Winograd-domain path (conv2d_winograd_grad.c, F(4x4) and F(6x6)) on training shapes (batch 16,
// 48x48 patches, the 3x3 body convolutions of EDSR 8x32 and EDSR-baseline 16x64). Built and run by
// bench/conv_weight_gradient.sh. Prints per shape the median milliseconds of each (runs
// interleaved), the ratio, and the Winograd result's max-norm relative difference from im2col's.
#include "acla_kernels.h"
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

static float *randoms(long count, unsigned *seed) {
    float *p = malloc(sizeof(float) * (size_t)count);
    for (long i = 0; i < count; i++) p[i] = (float)((double)rand_r(seed) / RAND_MAX * 2.0 - 1.0);
    return p;
}

static void shape(int n, int c, int h, int w, int repeats, int threads) {
    unsigned seed = 11;
    const long maps = (long)n * c * h * w, wcount = (long)c * c * 9;
    float *x = randoms(maps, &seed), *dy = randoms(maps, &seed), *wt = randoms(wcount, &seed);
    float *dw[3];
    for (int a = 0; a < 3; a++) dw[a] = malloc(sizeof(float) * (size_t)wcount);
    long s0 = ak_conv2d_im2col_backward_scratch_floats(c, h, w, 3, 0) * threads;
    long s4 = ak_winograd_weight_gradient_scratch_floats(n, c, c, h, w, 4, threads);
    long s6 = ak_winograd_weight_gradient_scratch_floats(n, c, c, h, w, 6, threads);
    long sc = s0 > s4 ? s0 : s4;
    sc = sc > s6 ? sc : s6;
    float *scratch = malloc(sizeof(float) * (size_t)sc);
    double *t[3];
    for (int a = 0; a < 3; a++) t[a] = calloc((size_t)repeats, sizeof(double));
    for (int r = -1; r < repeats; r++)
        for (int a = 0; a < 3; a++) {
            memset(dw[a], 0, sizeof(float) * (size_t)wcount);
            const double t0 = now();
            if (a == 0) ak_conv2d_im2col_backward(x, n, c, h, w, wt, c, 3, dy, NULL, dw[0], NULL, scratch, 0, threads);
            else ak_winograd_weight_gradient(x, n, c, h, w, dy, c, a == 1 ? 4 : 6, dw[a], scratch, threads);
            if (r >= 0) t[a][r] = now() - t0;
        }
    double med[3], err[3] = {0};
    for (int a = 0; a < 3; a++) {
        qsort(t[a], (size_t)repeats, sizeof(double), cmp);
        med[a] = t[a][repeats / 2] * 1e3;
        double d = 0, s = 0;
        for (long i = 0; i < wcount; i++) { d = fmax(d, fabs((double)dw[a][i] - dw[0][i])); s = fmax(s, fabs((double)dw[0][i])); }
        err[a] = d / s;
    }
    printf("| %2d x %3d x %dx%d | %8.2f | %8.2f | %8.2f | %5.2fx | %5.2fx | %.1e | %.1e |\n", n, c, h, w, med[0], med[1], med[2],
           med[0] / med[1], med[0] / med[2], err[1], err[2]);
    free(x); free(dy); free(wt); free(scratch);
    for (int a = 0; a < 3; a++) { free(dw[a]); free(t[a]); }
}

int main(int argc, char **argv) {
    int threads = 2, repeats = 7;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeats")) repeats = atoi(argv[i + 1]);
    }
    printf("weight gradient, %d threads, median of %d (ms); CPU level %d\n\n", threads, repeats, (int)ak_cpu_level());
    printf("| batch x channels x map | im2col | Winograd F4 | F6 | im2col/F4 | im2col/F6 | F4 diff | F6 diff |\n|---|---|---|---|---|---|---|---|\n");
    shape(16, 32, 48, 48, repeats, threads);
    shape(16, 64, 48, 48, repeats, threads);
    shape(16, 64, 96, 96, repeats, threads);
    return 0;
}
