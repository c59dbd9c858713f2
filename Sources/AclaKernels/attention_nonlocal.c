// Dot-product (embedded Gaussian) attention over every position of one or more whole maps, for
// the NL and CLNL baselines (ATTENTION.md section 6). GEMMs run through ak_sgemm (gemm.c):
// single-threaded OpenBLAS on slices, on the same OpenMP threads as everything else.
#include "acla_attention_kernels.h"
#include "acla_kernels.h"
#include <math.h>

static void softmax_rows(float *attn, long nq, long nk, int nthreads) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long i = 0; i < nq; i++) {
        float *row = attn + i * nk;
        float m = -INFINITY;
        for (long j = 0; j < nk; j++) if (row[j] > m) m = row[j];
        float z = 0.f;
        for (long j = 0; j < nk; j++) { row[j] = expf(row[j] - m); z += row[j]; }
        for (long j = 0; j < nk; j++) row[j] /= z;
    }
}

static void attention(const float *theta, const float *phi, int cp, long nq, long nk, float *attn, int nthreads) {
    // attn[i][j] = sum_c theta[c][i] phi[c][j]
    ak_sgemm(1, 0, (int)nq, (int)nk, cp, 1.f, theta, (int)nq,
             phi, (int)nk, 0.f, attn, (int)nk, nthreads);
    softmax_rows(attn, nq, nk, nthreads);
}

void ak_nonlocal_forward(const float *theta, const float *phi, const float *g, int cp, long nq,
                         long nk, float *attn, float *y, int nthreads) {
    attention(theta, phi, cp, nq, nk, attn, nthreads);
    // y[c][i] = sum_j g[c][j] attn[i][j]
    ak_sgemm(0, 1, cp, (int)nq, (int)nk, 1.f, g, (int)nk,
             attn, (int)nk, 0.f, y, (int)nq, nthreads);
}

void ak_nonlocal_backward(const float *theta, const float *phi, const float *g, int cp, long nq,
                          long nk, const float *dy, float *attn, float *dattn,
                          float *dtheta, float *dphi, float *dg, int nthreads) {
    attention(theta, phi, cp, nq, nk, attn, nthreads);
    // dg[c][j] += sum_i dy[c][i] attn[i][j]
    if (dg)
        ak_sgemm(0, 0, cp, (int)nk, (int)nq, 1.f, dy, (int)nq,
                 attn, (int)nk, 1.f, dg, (int)nk, nthreads);
    if (!dtheta && !dphi) return;
    // dattn[i][j] = sum_c dy[c][i] g[c][j], then the softmax adjoint in place
    ak_sgemm(1, 0, (int)nq, (int)nk, cp, 1.f, dy, (int)nq,
             g, (int)nk, 0.f, dattn, (int)nk, nthreads);
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long i = 0; i < nq; i++) {
        const float *p = attn + i * nk;
        float *d = dattn + i * nk;
        float dot = 0.f;
        for (long j = 0; j < nk; j++) dot += p[j] * d[j];
        for (long j = 0; j < nk; j++) d[j] = p[j] * (d[j] - dot);
    }
    // dtheta[c][i] += sum_j phi[c][j] dS[i][j];  dphi[c][j] += sum_i theta[c][i] dS[i][j]
    if (dtheta)
        ak_sgemm(0, 1, cp, (int)nq, (int)nk, 1.f, phi, (int)nk,
                 dattn, (int)nk, 1.f, dtheta, (int)nq, nthreads);
    if (dphi)
        ak_sgemm(0, 0, cp, (int)nk, (int)nq, 1.f, theta, (int)nq,
                 dattn, (int)nk, 1.f, dphi, (int)nk, nthreads);
}

void ak_nonlocal_row(const float *theta, const float *phi, int cp, long nq, long nk, long i, float *row) {
    float m = -INFINITY;
    for (long j = 0; j < nk; j++) {
        float s = 0.f;
        for (int c = 0; c < cp; c++) s += theta[(long)c * nq + i] * phi[(long)c * nk + j];
        row[j] = s;
        if (s > m) m = s;
    }
    float z = 0.f;
    for (long j = 0; j < nk; j++) { row[j] = expf(row[j] - m); z += row[j]; }
    for (long j = 0; j < nk; j++) row[j] /= z;
}
