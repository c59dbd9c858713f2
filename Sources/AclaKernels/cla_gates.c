// Sampling of the one-channel gate maps at every key location (ATTENTION.md section 4:
// beta = S(B_s, location of key (s, k))), and its adjoint.
#include "acla_attention_kernels.h"
#include "bilinear_taps.h"
#include <math.h>
#include <stddef.h>

// One image row at a time: each key plane is then read as a contiguous run of w pixels (the planes
// are one map apart, so visiting every key of ONE pixel touches 3 * r * K lines in the same cache
// sets), and the pixel coordinates need no division.
void ak_cla_gate_forward(const float *const *gates, int r, int kk, int n, int h, int w,
                         const float *offsets, float *beta, int nthreads) {
    const long hw = (long)h * w;
    const int nq = r * kk;
    for (int b = 0; b < n; b++) {
        const float *ob = offsets + (long)b * 2 * nq * hw;
        float *bb = beta + (long)b * nq * hw;
#pragma omp parallel for schedule(static) num_threads(nthreads)
        for (int y = 0; y < h; y++) {
            const long i0 = (long)y * w;
            for (int q = 0; q < nq; q++) {
                const float *plane = gates[q / kk] ? gates[q / kk] + (long)b * hw : NULL;
                const float *oy = ob + 2L * q * hw + i0, *ox = ob + (2L * q + 1) * hw + i0;
                float *out = bb + (long)q * hw + i0;
                for (int x = 0; x < w; x++) {
                    ak_taps t;
                    float v = 0.f;
                    if (plane && ak_taps_make(y + oy[x], x + ox[x], h, w, &t)) {
                        if (t.y0 >= 0 && t.y0 + 1 < h && t.x0 >= 0 && t.x0 + 1 < w) {
                            // all four corners inside: ak_tap_sample's sum without its bounds tests
                            const float *p = plane + (long)t.y0 * w + t.x0;
                            v = t.w00 * p[0] + t.w01 * p[1] + t.w10 * p[w] + t.w11 * p[w + 1];
                        } else {
                            v = ak_tap_sample(plane, h, w, &t);
                        }
                    }
                    out[x] = v;
                }
            }
        }
    }
}

void ak_cla_gate_backward(const float *const *gates, int r, int kk, int n, int h, int w,
                          const float *offsets, const float *dbeta,
                          float *const *dgates, float *doffsets, int nthreads) {
    const long hw = (long)h * w;
    const int nq = r * kk;
    for (int b = 0; b < n; b++) {
        const float *ob = offsets + (long)b * 2 * nq * hw;
        const float *db = dbeta + (long)b * nq * hw;
        if (doffsets) {
            float *dob = doffsets + (long)b * 2 * nq * hw;
#pragma omp parallel for schedule(static) num_threads(nthreads)
            for (long i = 0; i < hw; i++) {
                const int y = (int)(i / w), x = (int)(i % w);
                for (int q = 0; q < nq; q++) {
                    const float *plane = gates[q / kk];
                    ak_taps t;
                    if (!plane || !ak_taps_make(y + ob[2L * q * hw + i], x + ob[(2L * q + 1) * hw + i], h, w, &t))
                        continue;
                    float gy, gx, g = db[(long)q * hw + i];
                    ak_tap_coord_grad(plane + (long)b * hw, h, w, &t, &gy, &gx);
                    dob[2L * q * hw + i] += g * gy;
                    dob[(2L * q + 1) * hw + i] += g * gx;
                }
            }
        }
        if (dgates) {
            // One source per thread: a source's scatter never races, and the order of the sums
            // is fixed, so training is reproducible.
#pragma omp parallel for schedule(static) num_threads(nthreads)
            for (int s = 0; s < r; s++) {
                if (!dgates[s]) continue;
                float *dplane = dgates[s] + (long)b * hw;
                for (long i = 0; i < hw; i++) {
                    const int y = (int)(i / w), x = (int)(i % w);
                    for (int k = 0; k < kk; k++) {
                        const int q = s * kk + k;
                        ak_taps t;
                        if (!ak_taps_make(y + ob[2L * q * hw + i], x + ob[(2L * q + 1) * hw + i], h, w, &t)) continue;
                        ak_tap_scatter(dplane, h, w, &t, db[(long)q * hw + i]);
                    }
                }
            }
        }
    }
}

// noise[i] = g(u[2i]) - g(u[2i+1]) with g(u) = -log(-log(u + 1e-8) + 1e-8), in double as the
// Swift reference computes it (the same libm, so the same bits), then rounded to float.
void ak_gumbel_noise(const double *u, long count, float *noise, int nthreads) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long i = 0; i < count; i++) {
        const double g1 = -log(-log(u[2 * i] + 1e-8) + 1e-8), g2 = -log(-log(u[2 * i + 1] + 1e-8) + 1e-8);
        noise[i] = (float)(g1 - g2);
    }
}

// The gate itself (GumbelGate.swift), element-wise in parallel: x = logit (+ noise), u =
// sigmoid(x / tau) in double (kept for the backward), m = 1[x > 0] (hard) or u (soft). With u
// NULL (evaluation) only m = 1[logit > 0]. The same double arithmetic and libm as the Swift loop
// it replaces, so the same bits.
void ak_gumbel_gate(const float *logits, const float *noise, long count, double tau, int hard, float *m,
                    double *u, int nthreads) {
    if (!u) {
#pragma omp parallel for simd schedule(static) num_threads(nthreads)
        for (long i = 0; i < count; i++) m[i] = logits[i] > 0.f ? 1.f : 0.f;
        return;
    }
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long i = 0; i < count; i++) {
        const double x = (double)logits[i] + (noise ? (double)noise[i] : 0.0);
        u[i] = 1.0 / (1.0 + exp(-x / tau));
        m[i] = hard ? (x > 0 ? 1.f : 0.f) : (float)u[i];
    }
}

// d = dm * u (1 - u) / tau: the straight-through (and soft) gradient.
void ak_gumbel_gate_backward(const float *dm, const double *u, long count, double tau, float *d, int nthreads) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long i = 0; i < count; i++) d[i] = (float)((double)dm[i] * u[i] * (1 - u[i]) / tau);
}
