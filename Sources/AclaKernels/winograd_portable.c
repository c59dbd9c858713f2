// Winograd kernels for any x86-64 (SSE4.2 at most): transforms from winograd_body.h (4 lanes, one
// SSE register), and the tile GEMM in plain C (8 output channels x 8 tiles per step, which the
// compiler vectorises for SSE). The plan uses Winograd at this level only when asked: OpenBLAS's own kernels
// behind im2col are the safer choice on such CPUs.
#include "winograd.h"
#include "conv2d_epilogue_levels.h"

#define VL 4
#define AK_LEVEL(name) name##_portable
#include "winograd_body.h"

void ak_wino_gemm_portable(const ak_wino_shape *s, const float *u, const float *v, float *mm, int T, int ldv, int co0, int cg) {
    const int t2 = s->t * s->t, cin = s->cin, ncob = cg / AK_WINO_CO_BLOCK;
    for (int xi = 0; xi < t2; xi++) {
        const float *ux = u + ((long)xi * s->coutp + co0) * cin;
        const float *vx = v + xi * AK_WINO_PLANE(cin, ldv);
        float *mx = mm + xi * AK_WINO_PLANE(cg, ldv);
        for (int j = 0; j < T; j += 8)
            for (int cob = 0; cob < ncob; cob++) {
                const float *a = ux + (long)cob * cin * AK_WINO_CO_BLOCK;
                float acc[AK_WINO_CO_BLOCK][8] = {{0}};
                for (int ci = 0; ci < cin; ci++) {
                    const float *bv = vx + (long)ci * ldv + j;
                    for (int r = 0; r < AK_WINO_CO_BLOCK; r++)
                        for (int l = 0; l < 8; l++) acc[r][l] += a[ci * AK_WINO_CO_BLOCK + r] * bv[l];
                }
                for (int r = 0; r < AK_WINO_CO_BLOCK; r++)
                    memcpy(mx + (long)(cob * AK_WINO_CO_BLOCK + r) * ldv + j, acc[r], sizeof acc[r]);
            }
    }
}
