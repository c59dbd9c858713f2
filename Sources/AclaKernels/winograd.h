// Winograd F(m x m, 3x3) convolution, m = 4 or 6 (conv2d_winograd.c drives it): internal layout
// and the per-CPU-level kernels (winograd_body.h compiled as winograd_{portable,avx2,avx512}.c).
//
// Tiles: output tile (ty, tx) of image b covers rows ty*m.., columns tx*m..; it reads the
// t x t input patch (t = m + 2) starting one row and one column before it (zero padding 1).
// Tiles are numbered q = (b * nty + ty) * ntx + tx over the batch; a block is a range of them.
// Per block, with T tiles and row length ldv = T rounded up to 16:
//   V[xi][ci][ldv]    input transforms B^T d B, xi = i * t + j (i: row, j: column); planes xi
//                     AK_WINO_PLANE(cin, ldv) floats apart (M and D likewise)
//   M[xi][co][ldv]    the products summed over ci, M[xi] = U[xi] V[xi], for one group of cg
//                     output channels at a time (the GEMM, then the output transform of the
//                     group, so M stays in L1/L2)
// U, the transformed weights G g G^T, is packed per xi in blocks of 8 output channels:
//   U[xi][cob][ci][8] (co = cob * 8 + r; channels past cout are zero), coutp = 8 * ncob.
#ifndef ACLA_WINOGRAD_H
#define ACLA_WINOGRAD_H
#include "acla_kernels.h"

#define AK_WINO_CO_BLOCK 8

// Floats from one xi plane of V, M or D to the next: rows x ldv plus one cache line. Without the
// line, rows * ldv is a multiple of 4 KiB for 64 channels, so the t*t values a transform stores
// or loads per tile all map to one L1 set and evict each other.
#define AK_WINO_PLANE(rows, ldv) ((long)(rows) * (ldv) + 16)

typedef struct ak_wino_shape {
    int m, t;                 // output and input tile sizes
    int cin, cout, coutp;     // coutp: cout rounded up to AK_WINO_CO_BLOCK
    int h, w, ntx, nty;       // map size and tiles per row / column
} ak_wino_shape;

// One block's phases at one CPU level. Input: tiles [t0, t0 + T) of x into v. GEMM: M[xi] for
// all xi, output channels [co0, co0 + cg) (cg a multiple of 8), columns [0, T). Output: those
// channels (the ones below cout) into y with bias and epilogue (residual: the whole batch's,
// like y, or NULL).
#define AK_WINO_DECLARE(suffix)                                                                  \
    void ak_wino_input_##suffix(const ak_wino_shape *s, const float *x, long t0, int T,          \
                                float *v, int ldv);                                             \
    void ak_wino_gemm_##suffix(const ak_wino_shape *s, const float *u, const float *v, float *mm, \
                               int T, int ldv, int co0, int cg);                                \
    void ak_wino_output_##suffix(const ak_wino_shape *s, const float *mm, int ldv, long t0, int T, \
                                 int co0, int cg, const float *bias, const ak_conv_epilogue *ep, float *y); \
    void ak_wino_dy_##suffix(const ak_wino_shape *s, const float *dy, long t0, int T, float *d, int ldv);
AK_WINO_DECLARE(portable)
AK_WINO_DECLARE(avx2)
AK_WINO_DECLARE(avx512)
#endif
