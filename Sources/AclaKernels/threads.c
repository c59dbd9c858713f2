#include "acla_kernels.h"
#include <cblas.h>
#include <unistd.h>

// OpenBLAS has its own pthread pool; it is kept at the same size as our OpenMP loops so the
// two never oversubscribe the cores.
void ak_set_blas_threads(int n) { openblas_set_num_threads(n); }

int ak_hardware_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}
