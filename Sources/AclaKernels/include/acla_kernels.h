// Hot loops of acla, in C with OpenMP. Pointers in, pointers out; the thread count is always
// an explicit argument (one setting governs OpenMP and OpenBLAS, see threads.c).
// Internal names start with ak_ so the linker version script never exports them.
#ifndef ACLA_KERNELS_H
#define ACLA_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// ---- threads (threads.c) ----
void ak_set_blas_threads(int n);
int ak_hardware_threads(void);

// ---- version and status text (static_strings.c) ----
int ak_version_major(void);
int ak_version_minor(void);
int ak_version_patch(void);
const char *ak_version_string(void);
const char *ak_status_string(int status);

// ---- thread-local state (thread_state.c) ----
// Last error message of the calling thread (copied; valid until the next set on this thread).
void ak_set_last_error(const char *message);
const char *ak_last_error(void);
// Whether operations record the autograd tape on this thread (1 = record when inputs want it).
int ak_grad_enabled(void);
void ak_set_grad_enabled(int enabled);

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
// The same with the column-band budget in floats (<= 0: the default, about 8 MB): tests shrink
// it so several bands, and a short last band, run on small maps.
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
#endif
