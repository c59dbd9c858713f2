// Naive direct 2-D convolution (stride 1, zero padding k/2, NCHW), forward and backward: the
// oracle every fast algorithm is tested against, and the plan's choice for shapes too small to
// pay for a GEMM call. Sums run in double in a fixed order, so results do not depend on the
// thread count; each output element is owned by one thread (no reductions across threads).
#include "acla_kernels.h"

// y[b][co][oy][ox] = bias[co] + sum_{ci,ky,kx} w[co][ci][ky][kx] x[b][ci][oy+ky-p][ox+kx-p],
// then the epilogue.
void ak_conv2d_reference_forward(const float *x, int n, int cin, int h, int w,
                                 const float *weight, const float *bias, int cout, int k,
                                 const ak_conv_epilogue *ep, float *y, int nthreads) {
    if (n <= 0 || cout <= 0 || h <= 0 || w <= 0) return;
    const long hw = (long)h * w;
    const int p = k / 2;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long bc = 0; bc < (long)n * cout; bc++) {
        const int b = (int)(bc / cout), co = (int)(bc % cout);
        const float *xb = x + (long)b * cin * hw;
        float *yp = y + bc * hw;
        for (int oy = 0; oy < h; oy++)
            for (int ox = 0; ox < w; ox++) {
                double s = bias ? bias[co] : 0.0;
                for (int ci = 0; ci < cin; ci++) {
                    const float *wk = weight + ((long)co * cin + ci) * k * k;
                    const float *xp = xb + (long)ci * hw;
                    for (int ky = 0; ky < k; ky++) {
                        const int sy = oy + ky - p;
                        if (sy < 0 || sy >= h) continue;
                        for (int kx = 0; kx < k; kx++) {
                            const int sx = ox + kx - p;
                            if (sx >= 0 && sx < w) s += (double)wk[ky * k + kx] * xp[(long)sy * w + sx];
                        }
                    }
                }
                yp[(long)oy * w + ox] = (float)s;
            }
        if (ep) ak_conv_epilogue_apply(ep, yp, ep->residual ? ep->residual + bc * hw : 0, hw);
    }
}

// Accumulates dx[b][ci][iy][ix] += sum_{co,ky,kx} w[co][ci][ky][kx] dy[b][co][iy-ky+p][ix-kx+p],
// dweight[co][ci][ky][kx] += sum_{b,oy,ox} dy[b][co][oy][ox] x[b][ci][oy+ky-p][ox+kx-p] and
// dbias[co] += sum dy[b][co]; each of dx, dweight, dbias may be NULL.
void ak_conv2d_reference_backward(const float *x, int n, int cin, int h, int w,
                                  const float *weight, int cout, int k, const float *dy,
                                  float *dx, float *dweight, float *dbias, int nthreads) {
    if (n <= 0 || cout <= 0 || cin <= 0 || h <= 0 || w <= 0) return;
    const long hw = (long)h * w;
    const int p = k / 2, kk = k * k;
    if (dbias) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (int co = 0; co < cout; co++) {
            double s = 0;
            for (int b = 0; b < n; b++)
                for (long i = 0; i < hw; i++) s += dy[((long)b * cout + co) * hw + i];
            dbias[co] += (float)s;
        }
    }
    if (dweight) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (long q = 0; q < (long)cout * cin * kk; q++) {
            const int co = (int)(q / ((long)cin * kk)), ci = (int)(q / kk % cin);
            const int ky = (int)(q % kk) / k, kx = (int)(q % kk) % k;
            double s = 0;
            for (int b = 0; b < n; b++) {
                const float *d = dy + ((long)b * cout + co) * hw, *xp = x + ((long)b * cin + ci) * hw;
                for (int oy = 0; oy < h; oy++) {
                    const int sy = oy + ky - p;
                    if (sy < 0 || sy >= h) continue;
                    for (int ox = 0; ox < w; ox++) {
                        const int sx = ox + kx - p;
                        if (sx >= 0 && sx < w) s += (double)d[(long)oy * w + ox] * xp[(long)sy * w + sx];
                    }
                }
            }
            dweight[q] += (float)s;
        }
    }
    if (dx) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (long bc = 0; bc < (long)n * cin; bc++) {
            const int b = (int)(bc / cin), ci = (int)(bc % cin);
            float *dxp = dx + bc * hw;
            for (int iy = 0; iy < h; iy++)
                for (int ix = 0; ix < w; ix++) {
                    double s = 0;
                    for (int co = 0; co < cout; co++) {
                        const float *wk = weight + ((long)co * cin + ci) * kk;
                        const float *d = dy + ((long)b * cout + co) * hw;
                        for (int ky = 0; ky < k; ky++) {
                            const int oy = iy - ky + p;
                            if (oy < 0 || oy >= h) continue;
                            for (int kx = 0; kx < k; kx++) {
                                const int ox = ix - kx + p;
                                if (ox >= 0 && ox < w) s += (double)wk[ky * k + kx] * d[(long)oy * w + ox];
                            }
                        }
                    }
                    dxp[(long)iy * w + ix] += (float)s;
                }
        }
    }
}
