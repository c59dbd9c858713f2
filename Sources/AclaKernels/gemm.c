// The one way acla runs a GEMM: OpenBLAS stays single-threaded and our own OpenMP threads each
// multiply a slice of the output. Debian's OpenBLAS is the pthread build, whose pool would
// otherwise fight libomp's (still spinning) workers for the same cores; with one pool, a thread
// count of n means n busy threads and no more. Concurrent single-threaded calls are safe in this
// build: it is compiled with threading, which also compiles in the locks around OpenBLAS's
// shared buffer bookkeeping (tested by GemmTests with several threads at once).
#include "acla_kernels.h"
#include <cblas.h>

// Below this many multiply-adds a GEMM runs in the calling thread: waking the team costs more.
#define PARALLEL_MIN_MACS (1L << 18)

void ak_sgemm_serial(int transa, int transb, int m, int n, int k, float alpha,
                     const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc) {
    if (m <= 0 || n <= 0) return;
    cblas_sgemm(CblasRowMajor, transa ? CblasTrans : CblasNoTrans, transb ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void ak_sgemm(int transa, int transb, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc, int nthreads) {
    ak_blas_single_thread();
    if (m <= 0 || n <= 0) return;
    if (nthreads < 2 || (long)m * n * (k > 0 ? k : 1) < PARALLEL_MIN_MACS) {
        ak_sgemm_serial(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    // Split the longer side of C so that every slice keeps a useful width; each output element
    // is still summed over all of k by one call, so the split changes no result beyond the
    // kernel's edge handling.
    const int split_n = n >= m;
    const int len = split_n ? n : m;
    const int parts = nthreads < len ? nthreads : len;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int t = 0; t < parts; t++) {
        // slices rounded to multiples of 16 floats (a 64-byte line, an AVX-512 register)
        int lo = (int)((long)len * t / parts) & ~15, hi = t + 1 == parts ? len : (int)((long)len * (t + 1) / parts) & ~15;
        if (hi <= lo) continue;
        if (split_n) {
            const float *bs = transb ? b + (long)lo * ldb : b + lo;
            ak_sgemm_serial(transa, transb, m, hi - lo, k, alpha, a, lda, bs, ldb, beta, c + lo, ldc);
        } else {
            const float *as = transa ? a + lo : a + (long)lo * lda;
            ak_sgemm_serial(transa, transb, hi - lo, n, k, alpha, as, lda, b, ldb, beta, c + (long)lo * ldc, ldc);
        }
    }
}
