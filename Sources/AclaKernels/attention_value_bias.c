// The bias term of CLA's value conv when the conv runs after the gather (inference):
// sum_k a_k S(V x + b) = V (sum_k a_k S(x)) + b rho, rho = sum_k a_k (in-map corner share); the
// conv on the gathered features added b, so this adds b (rho - 1). Interior pixels with an open
// key have rho = 1 up to rounding; a pixel with every key closed has rho = 0 and gets y = 0.
#include "acla_attention_kernels.h"
#include <omp.h>

void ak_cla_value_bias(float *y, const float *bias, const float *rho, int n, int c, long hw, int nthreads) {
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long bc = 0; bc < (long)n * c; bc++) {
        const float b = bias[bc % c];
        const float *r = rho + (bc / c) * hw;
        float *yc = y + bc * hw;
        for (long i = 0; i < hw; i++) yc[i] += b * (r[i] - 1.f);
    }
}
