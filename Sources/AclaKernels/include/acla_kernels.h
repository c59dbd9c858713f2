// Hot loops of acla, in C with OpenMP. Pointers in, pointers out; the thread count is always
// an explicit argument: the only thread pool is OpenMP's; OpenBLAS is kept single-threaded and
// called from our threads on slices (threads.c, gemm.c).
// Internal names start with ak_ so the linker version script never exports them.
#ifndef ACLA_KERNELS_H
#define ACLA_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// ---- threads (threads.c) ----
// Keeps OpenBLAS at one thread (idempotent, cheap); ak_sgemm and conv2d call it themselves.
void ak_blas_single_thread(void);
int ak_hardware_threads(void);
// Starts n-1 threads as libomp would (its stack size, a first allocation), all alive at once, then
// ends them: 0 when all started, else the errno of the failure; *started = threads that ran
// (counting the caller). thread_trial.c
int ak_thread_trial(int n, int *started);
// Memory buffers in OpenBLAS's fixed table (2 x its MAX_THREADS): GEMM calls that may run at once.
int ak_blas_buffer_slots(void);

// ---- GEMM (gemm.c): row-major C = alpha op(A) op(B) + beta C, op = transpose when trans != 0 ----
// Splits the longer side of C across nthreads OpenMP threads, each calling single-threaded
// OpenBLAS on its slice; small products run in the calling thread.
void ak_sgemm(int transa, int transb, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc, int nthreads);
// The same in the calling thread only, for code already inside a parallel region.
void ak_sgemm_serial(int transa, int transb, int m, int n, int k, float alpha,
                     const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc);

// ---- thread-local state (thread_state.c) ----
// Whether operations record the autograd tape on this thread (1 = record when inputs want it).
int ak_grad_enabled(void);
void ak_set_grad_enabled(int enabled);
// The Swift Workspace installed on this thread (an unretained object pointer), or NULL.
void *ak_current_workspace(void);
void ak_set_current_workspace(void *workspace);

// ---- convolution (conv2d.c): stride 1, zero padding k/2, odd k, NCHW ----
// Scratch-free API: the kernel allocates its own bounded im2col bands; returns 0 or -1 on
// allocation failure.
int ak_conv2d_forward(const float *x, int n, int cin, int h, int w,
                      const float *weight, const float *bias, int cout, int k,
                      float *y, int nthreads);
// Accumulates into dx (may be NULL), dweight (may be NULL) and dbias (may be NULL).
int ak_conv2d_backward(const float *x, int n, int cin, int h, int w,
                       const float *weight, int cout, int k, const float *dy,
                       float *dx, float *dweight, float *dbias, int nthreads);
// The same with the column-band budget in floats (<= 0: the default, 1 MiB per thread forward,
// about 8 MB backward): tests shrink it so several bands, and a short last band, run on small maps.
int ak_conv2d_forward_banded(const float *x, int n, int cin, int h, int w,
                             const float *weight, const float *bias, int cout, int k,
                             float *y, long band_floats, int nthreads);
int ak_conv2d_backward_banded(const float *x, int n, int cin, int h, int w,
                              const float *weight, int cout, int k, const float *dy,
                              float *dx, float *dweight, float *dbias, long band_floats, int nthreads);

// ---- bilinear sampling (bilinear.c), ATTENTION.md section 1 ----
// values [n, c, h, w]; offsets [n, 2*kk, h, w] holding (dy, dx) per key relative to each pixel;
// out [n, kk*c, h, w]: out[b, k*c + ch, y, x] = S(values[b, ch], y + dy_k, x + dx_k).
void ak_deform_sample_forward(const float *values, int n, int c, int h, int w,
                              const float *offsets, int kk, float *out, int nthreads);
// Accumulates into dvalues and doffsets (either may be NULL).
void ak_deform_sample_backward(const float *values, int n, int c, int h, int w,
                               const float *offsets, int kk, const float *dout,
                               float *dvalues, float *doffsets, int nthreads);
// ---- loaded file of an address (image_path.c) ----
// Copies the path of the loaded object holding `address` (as the loader knows it) into buf;
// returns 0, or -1 when unknown or longer than cap - 1.
int ak_image_path(const void *address, char *buf, size_t cap);
#endif
