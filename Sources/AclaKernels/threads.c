#include "acla_kernels.h"
#include <cblas.h>
#include <unistd.h>

// One pool: OpenBLAS (Debian's pthread build has its own pool) stays at one thread, and every
// GEMM is parallelised by our OpenMP threads calling it on slices (gemm.c, conv2d_im2col.c). A pthread
// OpenBLAS pool beside libomp's workers, which keep spinning for KMP_BLOCKTIME after each region,
// oversubscribes the cores. Checked before each GEMM rather than once, since a host program
// sharing the same libopenblas may resize it; reading the count is a plain load.
void ak_blas_single_thread(void) {
    if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
}

int ak_hardware_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}
