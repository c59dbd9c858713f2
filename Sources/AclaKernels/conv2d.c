// 2-D convolution, stride 1, zero padding k/2, as im2col in row bands + OpenBLAS sgemm.
// Bands keep the column buffer bounded (about BAND_FLOATS floats) for any image size; a 1x1
// convolution is a plain GEMM on the input. A faster kernel (Winograd, blocked layouts) can
// replace this file behind the same two functions.
#include "acla_kernels.h"
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#define BAND_FLOATS (1L << 21)

// Rows of the output per band so the column buffer holds about band_floats floats (at least one
// row); band_floats <= 0 means the default.
static int band_rows(int cin, int k, int h, int w, long band_floats) {
    if (band_floats <= 0) band_floats = BAND_FLOATS;
    long per_row = (long)cin * k * k * w;
    long rows = per_row > 0 ? band_floats / per_row : h;
    if (rows < 1) rows = 1;
    if (rows > h) rows = h;
    return (int)rows;
}

// col[(ci*k + ky)*k + kx][r*w + x] = x[ci][y0 + r + ky - p][x + kx - p] (zero outside)
static void im2col_band(const float *x, int cin, int h, int w, int k, int y0, int rows,
                        float *col, int nthreads) {
    const int p = k / 2;
    const long plane = (long)rows * w;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int ci = 0; ci < cin; ci++) {
        const float *src = x + (long)ci * h * w;
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                float *dst = col + ((long)(ci * k + ky) * k + kx) * plane;
                for (int r = 0; r < rows; r++) {
                    int sy = y0 + r + ky - p;
                    float *d = dst + (long)r * w;
                    if (sy < 0 || sy >= h) { memset(d, 0, sizeof(float) * w); continue; }
                    const float *s = src + (long)sy * w;
                    // [xlo, xhi) reads inside the row; a kernel wider than the map can push
                    // xlo past w, so clamp it or the zero fill would run past this row.
                    int xlo = p - kx > 0 ? p - kx : 0;           // first x with x+kx-p >= 0
                    if (xlo > w) xlo = w;
                    int xhi = w + p - kx < w ? w + p - kx : w;   // first x with x+kx-p >= w
                    if (xhi < xlo) xhi = xlo;
                    for (int xx = 0; xx < xlo; xx++) d[xx] = 0.f;
                    if (xhi > xlo) memcpy(d + xlo, s + xlo + kx - p, sizeof(float) * (xhi - xlo));
                    for (int xx = xhi; xx < w; xx++) d[xx] = 0.f;
                }
            }
    }
}

// The adjoint of im2col_band: dx[ci][...] += col[...]
static void col2im_band(const float *col, int cin, int h, int w, int k, int y0, int rows,
                        float *dx, int nthreads) {
    const int p = k / 2;
    const long plane = (long)rows * w;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int ci = 0; ci < cin; ci++) {
        float *dst = dx + (long)ci * h * w;
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                const float *src = col + ((long)(ci * k + ky) * k + kx) * plane;
                for (int r = 0; r < rows; r++) {
                    int sy = y0 + r + ky - p;
                    if (sy < 0 || sy >= h) continue;
                    const float *s = src + (long)r * w;
                    float *d = dst + (long)sy * w;
                    int xlo = p - kx > 0 ? p - kx : 0;
                    int xhi = w + p - kx < w ? w + p - kx : w;
                    for (int xx = xlo; xx < xhi; xx++) d[xx + kx - p] += s[xx];
                }
            }
    }
}

int ak_conv2d_forward(const float *x, int n, int cin, int h, int w,
                      const float *weight, const float *bias, int cout, int k,
                      float *y, int nthreads) {
    return ak_conv2d_forward_banded(x, n, cin, h, w, weight, bias, cout, k, y, 0, nthreads);
}

int ak_conv2d_forward_banded(const float *x, int n, int cin, int h, int w,
                             const float *weight, const float *bias, int cout, int k,
                             float *y, long band_floats, int nthreads) {
    const long hw = (long)h * w;
    const int kdim = cin * k * k;
    const int rows = band_rows(cin, k, h, w, band_floats);
    float *col = NULL;
    if (k > 1) {
        col = malloc(sizeof(float) * (size_t)kdim * rows * w);
        if (!col) return -1;
    }
    for (int b = 0; b < n; b++) {
        const float *xb = x + (long)b * cin * hw;
        float *yb = y + (long)b * cout * hw;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (int co = 0; co < cout; co++) {
            float v = bias ? bias[co] : 0.f;
            float *d = yb + (long)co * hw;
            for (long i = 0; i < hw; i++) d[i] = v;
        }
        if (k == 1) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, (int)hw, cin,
                        1.f, weight, cin, xb, (int)hw, 1.f, yb, (int)hw);
            continue;
        }
        for (int y0 = 0; y0 < h; y0 += rows) {
            int r = h - y0 < rows ? h - y0 : rows;
            im2col_band(xb, cin, h, w, k, y0, r, col, nthreads);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, r * w, kdim,
                        1.f, weight, kdim, col, r * w, 1.f, yb + (long)y0 * w, (int)hw);
        }
    }
    free(col);
    return 0;
}

int ak_conv2d_backward(const float *x, int n, int cin, int h, int w,
                       const float *weight, int cout, int k, const float *dy,
                       float *dx, float *dweight, float *dbias, int nthreads) {
    return ak_conv2d_backward_banded(x, n, cin, h, w, weight, cout, k, dy, dx, dweight, dbias, 0, nthreads);
}

int ak_conv2d_backward_banded(const float *x, int n, int cin, int h, int w,
                              const float *weight, int cout, int k, const float *dy,
                              float *dx, float *dweight, float *dbias, long band_floats, int nthreads) {
    const long hw = (long)h * w;
    const int kdim = cin * k * k;
    const int rows = band_rows(cin, k, h, w, band_floats);
    float *col = NULL, *dcol = NULL;
    if (k > 1) {
        col = malloc(sizeof(float) * (size_t)kdim * rows * w);
        dcol = malloc(sizeof(float) * (size_t)kdim * rows * w);
        if (!col || !dcol) { free(col); free(dcol); return -1; }
    }
    for (int b = 0; b < n; b++) {
        const float *xb = x + (long)b * cin * hw;
        const float *dyb = dy + (long)b * cout * hw;
        if (dbias) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
            for (int co = 0; co < cout; co++) {
                double s = 0;
                const float *d = dyb + (long)co * hw;
                for (long i = 0; i < hw; i++) s += d[i];
                dbias[co] += (float)s;
            }
        }
        if (k == 1) {
            if (dweight)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cout, cin, (int)hw,
                            1.f, dyb, (int)hw, xb, (int)hw, 1.f, dweight, cin);
            if (dx)
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, cin, (int)hw, cout,
                            1.f, weight, cin, dyb, (int)hw, 1.f, dx + (long)b * cin * hw, (int)hw);
            continue;
        }
        for (int y0 = 0; y0 < h; y0 += rows) {
            int r = h - y0 < rows ? h - y0 : rows;
            if (dweight) {
                im2col_band(xb, cin, h, w, k, y0, r, col, nthreads);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cout, kdim, r * w,
                            1.f, dyb + (long)y0 * w, (int)hw, col, r * w, 1.f, dweight, kdim);
            }
            if (dx) {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kdim, r * w, cout,
                            1.f, weight, kdim, dyb + (long)y0 * w, (int)hw, 0.f, dcol, r * w);
                col2im_band(dcol, cin, h, w, k, y0, r, dx + (long)b * cin * hw, nthreads);
            }
        }
    }
    free(col);
    free(dcol);
    return 0;
}
