// The vectorised inner loops of the key-aggregation kernels, one build per CPU level
// (cla_tile_body.h compiled by cla_tiles_portable.c, cla_tiles_avx2.c, cla_tiles_avx512.c). They
// hold no OpenMP region (outlined regions do not inherit target attributes): the drivers in
// cla_aggregate*.c run the parallel loops and call these per tile through ak_cla_level().
#ifndef ACLA_CLA_LEVELS_H
#define ACLA_CLA_LEVELS_H
#include <stddef.h>

typedef struct {
    // y[t*c .. t*c+c) = (add ? y : 0) + sum_p wt[t*list + p] * rows[t*list + p][0..c), p < np[t],
    // for t < nt: the weighted tap sums of one tile of pixels, taps summed in list order.
    void (*gather_tile)(int c, int nt, const int *np, const float *const *rows, const float *wt,
                        size_t list, int add, float *y);
    // d[e*4 + j] = rows[e*4 + j] . dy[(e % tile) * c ..) for e < nq * tile entries ([q][t], t < nt
    // used, stride tile), 0 where rows[e*4 + j] is NULL: the four corner dot products of every key.
    void (*corner_dots)(int c, int nq, int nt, int tile, const float *const *rows, const float *dy,
                        float *d);
    // For p < count and j < 4 with wt[4p + j] != 0:
    // dv[(base[p] + (j >> 1) * w + (j & 1)) * c + ch] += wt[4p + j] * dy[p * c + ch], c0 <= ch < c1.
    void (*scatter)(int c, int w, int c0, int c1, long count, const int *base, const float *wt,
                    const float *dy, float *dv);
    // Appends to pixel t's tap list (rows/wt + t*list, count np[t]) the in-map corners of key
    // q's sample for each t < nt with a[t] >= 0 (a negative weight marks a closed key): the row
    // of img (NHWC, one image) and a[t] times the corner's bilinear weight, corners in the order
    // of push_taps. (py, px): the pixels' coordinates; oy, ox: the key's offsets at the pixels.
    void (*push_key_taps)(const float *img, int h, int w, int c, int nt, const int *py, const int *px,
                          const float *oy, const float *ox, const float *a, const float **rows, float *wt,
                          size_t list, int *np);
} ak_cla_level_fns;

// The functions of the level ak_cpu_level() chose.
const ak_cla_level_fns *ak_cla_level(void);

#define AK_CLA_LEVEL_DECL(sfx)                                                                  \
    void ak_cla_gather_tile_##sfx(int c, int nt, const int *np, const float *const *rows,      \
                                  const float *wt, size_t list, int add, float *y);             \
    void ak_cla_corner_dots_##sfx(int c, int nq, int nt, int tile, const float *const *rows,   \
                                  const float *dy, float *d);                                   \
    void ak_cla_scatter_##sfx(int c, int w, int c0, int c1, long count, const int *base,       \
                              const float *wt, const float *dy, float *dv);                  \
    void ak_cla_push_key_taps_##sfx(const float *img, int h, int w, int c, int nt, const int *py,  \
                                    const int *px, const float *oy, const float *ox, const float *a, \
                                    const float **rows, float *wt, size_t list, int *np);
AK_CLA_LEVEL_DECL(portable)
AK_CLA_LEVEL_DECL(avx2)
AK_CLA_LEVEL_DECL(avx512)
#endif
