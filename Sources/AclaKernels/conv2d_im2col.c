// 2-D convolution, stride 1, zero padding k/2, as im2col in row bands + single-threaded OpenBLAS
// sgemm, parallelised by our own OpenMP threads only (threads.c: one pool).
// Forward: each thread owns a contiguous range of output rows (over the whole batch) and runs
// bias fill, im2col, GEMM and the epilogue band by band in its own column buffer, so a band is
// multiplied and finished while it is hot in that core's cache and no thread waits for another.
// Backward: each thread owns a range of input channels, i.e. its own rows of the column matrix,
// its own columns of dweight and its own planes of dx, so there is no reduction across threads
// and nothing depends on the thread count.
// Scratch (the column bands) comes from the caller when given (a plan owns its workspace; size
// from the *_scratch_floats functions with the same arguments), else it is allocated per call.
#include "acla_kernels.h"
#include <stdlib.h>
#include <string.h>

// Whole-band budget for the backward pass (floats; about 8 MB).
#define BAND_FLOATS (1L << 21)
// Forward budget per thread: the band a thread multiplies stays within its core's L2 cache.
#define FORWARD_BAND_FLOATS (1L << 18)

// Rows of the output per band so the column buffer holds about band_floats floats (at least one
// row, at most max_rows).
static int band_rows(int cin, int k, int w, long band_floats, int max_rows) {
    long per_row = (long)cin * k * k * w;
    long rows = per_row > 0 ? band_floats / per_row : max_rows;
    if (rows < 1) rows = 1;
    if (rows > max_rows) rows = max_rows;
    return (int)rows;
}

// For input channels [c0, c1): col[((ci - c0)*k + ky)*k + kx][r*w + x] = x[ci][y0 + r + ky - p][x + kx - p]
// (zero outside). Rows are counted from c0: a caller that splits channels across threads gives
// each thread its own slice of the buffer at a fixed offset (the last band is shorter, so
// offsets computed from the band's own size would make slices of different bands overlap).
static void im2col_band(const float *x, int c0, int c1, int h, int w, int k, int y0, int rows, float *col) {
    const int p = k / 2;
    const long plane = (long)rows * w;
    for (int ci = c0; ci < c1; ci++) {
        const float *src = x + (long)ci * h * w;
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                float *dst = col + ((long)((ci - c0) * k + ky) * k + kx) * plane;
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

// The adjoint of im2col_band for channels [c0, c1): dx[ci][...] += col[...]
static void col2im_band(const float *col, int c0, int c1, int h, int w, int k, int y0, int rows, float *dx) {
    const int p = k / 2;
    const long plane = (long)rows * w;
    for (int ci = c0; ci < c1; ci++) {
        float *dst = dx + (long)ci * h * w;
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                const float *src = col + ((long)((ci - c0) * k + ky) * k + kx) * plane;
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

// Output rows [y0, y1) of one image, in the calling thread: bias, the GEMM and the epilogue, band
// by band. resb is the image's residual (NULL when the epilogue has none).
static void forward_rows(const float *xb, int cin, int h, int w, const float *weight, const float *bias,
                         int cout, int k, const ak_conv_epilogue *ep, const float *resb,
                         float *yb, int y0, int y1, int rows, float *col) {
    const long hw = (long)h * w;
    const int kdim = cin * k * k;
    for (int ya = y0; ya < y1; ya += rows) {
        int r = y1 - ya < rows ? y1 - ya : rows;
        for (int co = 0; co < cout; co++) {
            float v = bias ? bias[co] : 0.f;
            float *d = yb + co * hw + (long)ya * w;
            for (long i = 0; i < (long)r * w; i++) d[i] = v;
        }
        if (k == 1) {
            ak_sgemm_serial(0, 0, cout, r * w, cin, 1.f, weight, cin, xb + (long)ya * w, (int)hw,
                            1.f, yb + (long)ya * w, (int)hw);
        } else {
            im2col_band(xb, 0, cin, h, w, k, ya, r, col);
            ak_sgemm_serial(0, 0, cout, r * w, kdim, 1.f, weight, kdim, col, r * w,
                            1.f, yb + (long)ya * w, (int)hw);
        }
        if (ep && (ep->relu || resb))
            for (int co = 0; co < cout; co++) {
                const long off = co * hw + (long)ya * w;
                ak_conv_epilogue_apply(ep, yb + off, resb ? resb + off : NULL, (long)r * w);
            }
    }
}

// The forward split: parts threads, each with bands of rows output rows.
static void forward_geometry(int n, int cin, int h, int w, int k, long band_floats, int nthreads,
                             int *parts, int *rows, long *col_floats) {
    const long total = (long)n * h;   // output rows over the whole batch
    *parts = nthreads < 1 ? 1 : (total < nthreads ? (int)total : nthreads);
    const long per_part = (total + *parts - 1) / *parts;
    *rows = band_rows(cin, k, w, band_floats > 0 ? band_floats : FORWARD_BAND_FLOATS,
                      (int)(per_part < h ? per_part : h));
    *col_floats = k > 1 ? (long)cin * k * k * *rows * w : 0;
}

long ak_conv2d_im2col_forward_scratch_floats(int n, int cin, int h, int w, int k, long band_floats,
                                             int nthreads) {
    if (n <= 0 || h <= 0 || w <= 0) return 0;
    int parts, rows;
    long col_floats;
    forward_geometry(n, cin, h, w, k, band_floats, nthreads, &parts, &rows, &col_floats);
    return col_floats * parts;
}

int ak_conv2d_im2col_forward(const float *x, int n, int cin, int h, int w,
                             const float *weight, const float *bias, int cout, int k,
                             const ak_conv_epilogue *ep, float *y, float *scratch,
                             long band_floats, int nthreads) {
    ak_blas_single_thread();
    if (n <= 0 || h <= 0 || w <= 0 || cout <= 0) return 0;
    const long hw = (long)h * w, total = (long)n * h;
    int parts, rows;
    long col_floats;
    forward_geometry(n, cin, h, w, k, band_floats, nthreads, &parts, &rows, &col_floats);
    float *col = scratch, *owned = NULL;
    if (col_floats > 0 && !col) {
        col = owned = malloc(sizeof(float) * (size_t)col_floats * parts);
        if (!col) return -1;
    }
    const float *res = ep ? ep->residual : NULL;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int t = 0; t < parts; t++) {
        // rows [lo, hi) of the batch's n*h output rows, cut at image boundaries
        long lo = total * t / parts, hi = total * (t + 1) / parts;
        float *mycol = col_floats > 0 ? col + col_floats * t : NULL;
        while (lo < hi) {
            int b = (int)(lo / h), y0 = (int)(lo % h);
            int y1 = hi - (long)b * h < h ? (int)(hi - (long)b * h) : h;
            forward_rows(x + (long)b * cin * hw, cin, h, w, weight, bias, cout, k, ep,
                         res ? res + (long)b * cout * hw : NULL,
                         y + (long)b * cout * hw, y0, y1, rows, mycol);
            lo = (long)b * h + y1;
        }
    }
    free(owned);
    return 0;
}

long ak_conv2d_im2col_backward_scratch_floats(int cin, int h, int w, int k, long band_floats) {
    if (k <= 1 || h <= 0 || w <= 0 || cin <= 0) return 0;
    const int rows = band_rows(cin, k, w, band_floats > 0 ? band_floats : BAND_FLOATS, h);
    return 2L * cin * k * k * rows * w;
}

int ak_conv2d_im2col_backward(const float *x, int n, int cin, int h, int w,
                              const float *weight, int cout, int k, const float *dy,
                              float *dx, float *dweight, float *dbias, float *scratch,
                              long band_floats, int nthreads) {
    ak_blas_single_thread();
    if (n <= 0 || h <= 0 || w <= 0 || cout <= 0 || cin <= 0) return 0;
    const long hw = (long)h * w;
    const int kk = k * k, kdim = cin * kk;
    const int rows = band_rows(cin, k, w, band_floats > 0 ? band_floats : BAND_FLOATS, h);
    float *col = NULL, *dcol = NULL, *owned = NULL;
    if (k > 1) {
        const long band = (long)kdim * rows * w;
        col = scratch;
        if (!col) {
            col = owned = malloc(sizeof(float) * (size_t)band * 2);
            if (!col) return -1;
        }
        dcol = col + band;
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
            // dweight[co][ci] += sum_p dy[co][p] x[ci][p];  dx[ci][p] += sum_co w[co][ci] dy[co][p]
            if (dweight)
                ak_sgemm(0, 1, cout, cin, (int)hw, 1.f, dyb, (int)hw, xb, (int)hw, 1.f, dweight, cin, nthreads);
            if (dx)
                ak_sgemm(1, 0, cin, (int)hw, cout, 1.f, weight, cin, dyb, (int)hw, 1.f,
                         dx + (long)b * cin * hw, (int)hw, nthreads);
            continue;
        }
        if (!dweight && !dx) continue;
        const int parts = nthreads < cin ? (nthreads < 1 ? 1 : nthreads) : cin;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (int t = 0; t < parts; t++) {
            // input channels [c0, c1): rows [c0*kk, c1*kk) of col/dcol, the same columns of dweight
            const int c0 = (int)((long)cin * t / parts), c1 = (int)((long)cin * (t + 1) / parts);
            const int q0 = c0 * kk, nq = (c1 - c0) * kk;
            // this thread's slice, at a fixed offset sized for a full band
            float *mycol = col + (long)q0 * rows * w, *mydcol = dcol + (long)q0 * rows * w;
            for (int y0 = 0; y0 < h; y0 += rows) {
                int r = h - y0 < rows ? h - y0 : rows;
                if (dweight) {
                    im2col_band(xb, c0, c1, h, w, k, y0, r, mycol);
                    ak_sgemm_serial(0, 1, cout, nq, r * w, 1.f, dyb + (long)y0 * w, (int)hw,
                                    mycol, r * w, 1.f, dweight + q0, kdim);
                }
                if (dx) {
                    ak_sgemm_serial(1, 0, nq, r * w, cout, 1.f, weight + q0, kdim, dyb + (long)y0 * w, (int)hw,
                                    0.f, mydcol, r * w);
                    col2im_band(mydcol, c0, c1, h, w, k, y0, r, dx + (long)b * cin * hw);
                }
            }
        }
    }
    free(owned);
    return 0;
}
