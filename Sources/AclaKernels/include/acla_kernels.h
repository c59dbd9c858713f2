// Hot loops of acla, in C with OpenMP. Pointers in, pointers out; the thread count is always
// an explicit argument: the only thread pool is OpenMP's; OpenBLAS is kept single-threaded and
// called from our threads on slices (threads.c, gemm.c).
// Internal names start with ak_ so the linker version script never exports them.
#ifndef ACLA_KERNELS_H
#define ACLA_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// ---- global average pooling (global_average_pool.c) ----
// y[p] = the mean of x[p*hw ..< (p+1)*hw] for each of `planes` planes, accumulated in double.
void ak_global_average_pool(const float *x, float *y, long planes, long hw, int nthreads);

// ---- element-wise maps (elementwise.c) ----
// y = a + b over count floats (y may alias a or b).
void ak_add(const float *a, const float *b, float *y, long count, int nthreads);

// ---- channel scaling (channel_scale.c) ----
// y = x * s[p] on each plane p, plus r when r is not NULL; its backward (dx may alias dy).
void ak_channel_scale(const float *x, const float *s, const float *r, float *y, long planes, long hw,
                      int nthreads);
void ak_channel_scale_backward(const float *dy, const float *x, const float *s, float *dx, float *ds,
                               long planes, long hw, int nthreads);

// ---- PixelShuffle (pixel_shuffle.c) ----
// out[b, ch, y*r + i, x*r + j] = in[b, ch*r*r + i*r + j, y, x] for c output channels, and the
// same map backwards for the gradient (every element of out / dx is written).
void ak_pixel_shuffle(const float *in, float *out, int n, int c, int h, int w, int r, int nthreads);
void ak_pixel_shuffle_backward(const float *dy, float *dx, int n, int c, int h, int w, int r, int nthreads);

// ---- threads (threads.c) ----
// Keeps OpenBLAS at one thread (idempotent, cheap); ak_sgemm and conv2d call it themselves.
void ak_blas_single_thread(void);
int ak_hardware_threads(void);
// Starts n-1 threads as libomp would (its stack size, a first allocation), all alive at once, then
// ends them: 0 when all started, else the errno of the failure; *started = threads that ran
// (counting the caller). thread_trial.c
int ak_thread_trial(int n, int *started);
// Runs an empty OpenMP region of n threads (each allocating once), so libomp creates the calling
// thread's workers now and keeps them; returns how many ran. thread_trial.c
int ak_thread_warm_team(int n);
// Memory buffers in OpenBLAS's fixed table (2 x its MAX_THREADS): GEMM calls that may run at once.
int ak_blas_buffer_slots(void);

// ---- CPU dispatch (cpu_dispatch.c): code for AVX2/FMA and AVX-512 runs only when allowed ----
enum { AK_CPU_PORTABLE = 0, AK_CPU_AVX2 = 1, AK_CPU_AVX512 = 2 };
// What this CPU (and OS) supports.
int ak_cpu_detected_level(void);
// The level in use: detected once, lowered by ACLA_CPU=portable|avx2|avx512 (never raised).
int ak_cpu_level(void);
// Forces a level for all threads (tests, benchmarks); returns it, or -1 (nothing changed) when
// the CPU lacks it or it is not a level.
int ak_cpu_set_level(int level);
// Forgets the level, so the next ak_cpu_level() detects it and reads ACLA_CPU again (tests).
void ak_cpu_reset_level(void);
// "portable", "avx2", "avx512" ("unknown" for anything else).
const char *ak_cpu_level_name(int level);

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

// ---- convolution: stride 1, zero padding k/2, odd k, NCHW, weight [cout, cin, k, k] ----
// The epilogue every algorithm applies in the same sweep as the convolution (conv2d_epilogue.c):
// y = conv(x) + bias; if relu, y = y > 0 ? y : 0; if residual, y = residual + residual_scale * y,
// rounded exactly as the separate relu, scale and add ops (no FMA contraction).
typedef struct ak_conv_epilogue {
    int relu;
    const float *residual;      // NULL, or [n, cout, h, w] like y
    float residual_scale;
} ak_conv_epilogue;
// The epilogue on count floats of one output plane (residual: the matching floats, or NULL).
void ak_conv_epilogue_apply(const ak_conv_epilogue *ep, float *y, const float *residual, long count);

// Naive direct convolution in double sums (conv2d_reference.c): the tests' oracle. ep may be NULL.
void ak_conv2d_reference_forward(const float *x, int n, int cin, int h, int w,
                                 const float *weight, const float *bias, int cout, int k,
                                 const ak_conv_epilogue *ep, float *y, int nthreads);
// Accumulates into dx, dweight and dbias (each may be NULL).
void ak_conv2d_reference_backward(const float *x, int n, int cin, int h, int w,
                                  const float *weight, int cout, int k, const float *dy,
                                  float *dx, float *dweight, float *dbias, int nthreads);

// im2col in row bands + OpenBLAS (conv2d_im2col.c). band_floats bounds the column band (<= 0:
// the default, 2^18 floats per thread forward, 2^21 backward; tests shrink it so several bands,
// and a short last band, run on small maps). scratch: NULL (allocated per call) or at least
// *_scratch_floats(...) floats computed with the same arguments. Return 0, or -1 when an
// allocation failed. y is overwritten; ep may be NULL.
long ak_conv2d_im2col_forward_scratch_floats(int n, int cin, int h, int w, int k, long band_floats,
                                             int nthreads);
int ak_conv2d_im2col_forward(const float *x, int n, int cin, int h, int w,
                             const float *weight, const float *bias, int cout, int k,
                             const ak_conv_epilogue *ep, float *y, float *scratch,
                             long band_floats, int nthreads);
// Accumulates into dx, dweight and dbias (each may be NULL).
long ak_conv2d_im2col_backward_scratch_floats(int cin, int h, int w, int k, long band_floats);
int ak_conv2d_im2col_backward(const float *x, int n, int cin, int h, int w,
                              const float *weight, int cout, int k, const float *dy,
                              float *dx, float *dweight, float *dbias, float *scratch,
                              long band_floats, int nthreads);

// Winograd F(m x m, 3x3), m = 4 or 6, 3x3 kernels only (conv2d_winograd.c, winograd*.c).
// The weights are transformed once into u (ak_winograd_weight_floats floats, packed for the
// tile GEMM); the forward reads u instead of the weights. block_tiles: tiles per block (<= 0:
// sized for the L2 cache). scratch: NULL (allocated per call) or ak_winograd_scratch_floats(...)
// floats for the same arguments. Return 0, or -1 (bad tile size, allocation failure).
long ak_winograd_weight_floats(int cout, int cin, int m);
int ak_winograd_transform_weights(const float *weight, int cout, int cin, int m, float *u, int nthreads);
long ak_winograd_scratch_floats(int n, int cin, int cout, int h, int w, int m, long block_tiles, int nthreads);
int ak_winograd_forward(const float *x, int n, int cin, int h, int w, const float *u, const float *bias,
                        int cout, int m, const ak_conv_epilogue *ep, float *y, float *scratch,
                        long block_tiles, int nthreads);
// The weight gradient of the same convolution, accumulated into dweight [cout, cin, 3, 3], with
// dy [n, cout, h, w] (conv2d_winograd_grad.c). scratch: NULL or
// ak_winograd_weight_gradient_scratch_floats(...) floats. Return 0, or -1.
long ak_winograd_weight_gradient_scratch_floats(int n, int cin, int cout, int h, int w, int m, int nthreads);
int ak_winograd_weight_gradient(const float *x, int n, int cin, int h, int w, const float *dy, int cout, int m,
                                float *dweight, float *scratch, int nthreads);

// ---- loaded file of an address (image_path.c) ----
// Copies the path of the loaded object holding `address` (as the loader knows it) into buf;
// returns 0, or -1 when unknown or longer than cap - 1.
int ak_image_path(const void *address, char *buf, size_t cap);
#endif
