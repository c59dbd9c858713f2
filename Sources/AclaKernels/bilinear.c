// Per-pixel deformable sampling: every pixel reads each channel at its own (dy, dx) per key.
#include "acla_kernels.h"
#include "bilinear_taps.h"

void ak_deform_sample_forward(const float *values, int n, int c, int h, int w,
                              const float *offsets, int kk, float *out, int nthreads) {
    const long hw = (long)h * w;
    for (int b = 0; b < n; b++) {
        const float *vb = values + (long)b * c * hw;
        const float *ob = offsets + (long)b * 2 * kk * hw;
        float *outb = out + (long)b * kk * c * hw;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (long i = 0; i < hw; i++) {
            int y = (int)(i / w), x = (int)(i % w);
            for (int k = 0; k < kk; k++) {
                ak_taps t;
                int inside = ak_taps_make(y + ob[(2L * k) * hw + i], x + ob[(2L * k + 1) * hw + i], h, w, &t);
                for (int ch = 0; ch < c; ch++)
                    outb[((long)k * c + ch) * hw + i] = inside ? ak_tap_sample(vb + ch * hw, h, w, &t) : 0.f;
            }
        }
    }
}

void ak_deform_sample_backward(const float *values, int n, int c, int h, int w,
                               const float *offsets, int kk, const float *dout,
                               float *dvalues, float *doffsets, int nthreads) {
    const long hw = (long)h * w;
    for (int b = 0; b < n; b++) {
        const float *vb = values + (long)b * c * hw;
        const float *ob = offsets + (long)b * 2 * kk * hw;
        const float *db = dout + (long)b * kk * c * hw;
        if (dvalues) {
            float *dvb = dvalues + (long)b * c * hw;
            // One channel per thread: the scatter never races.
#pragma omp parallel for schedule(static) num_threads(nthreads)
            for (int ch = 0; ch < c; ch++)
                for (long i = 0; i < hw; i++) {
                    int y = (int)(i / w), x = (int)(i % w);
                    for (int k = 0; k < kk; k++) {
                        ak_taps t;
                        if (!ak_taps_make(y + ob[(2L * k) * hw + i], x + ob[(2L * k + 1) * hw + i], h, w, &t)) continue;
                        ak_tap_scatter(dvb + ch * hw, h, w, &t, db[((long)k * c + ch) * hw + i]);
                    }
                }
        }
        if (doffsets) {
            float *dob = doffsets + (long)b * 2 * kk * hw;
#pragma omp parallel for schedule(static) num_threads(nthreads)
            for (long i = 0; i < hw; i++) {
                int y = (int)(i / w), x = (int)(i % w);
                for (int k = 0; k < kk; k++) {
                    ak_taps t;
                    if (!ak_taps_make(y + ob[(2L * k) * hw + i], x + ob[(2L * k + 1) * hw + i], h, w, &t)) continue;
                    float sy = 0.f, sx = 0.f;
                    for (int ch = 0; ch < c; ch++) {
                        float gy, gx, g = db[((long)k * c + ch) * hw + i];
                        ak_tap_coord_grad(vb + ch * hw, h, w, &t, &gy, &gx);
                        sy += g * gy; sx += g * gx;
                    }
                    dob[(2L * k) * hw + i] += sy;
                    dob[(2L * k + 1) * hw + i] += sx;
                }
            }
        }
    }
}
