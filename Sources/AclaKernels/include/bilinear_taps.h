// The bilinear tap rule of ATTENTION.md section 1, in one place for every kernel that samples.
#ifndef ACLA_BILINEAR_TAPS_H
#define ACLA_BILINEAR_TAPS_H
#include <math.h>

typedef struct {
    int y0, x0;          // top-left corner (may be -1 or h-1 etc.; corners outside read zero)
    float w00, w01, w10, w11;
    float ly, lx, hy, hx;
} ak_taps;

// Returns 0 when the whole sample is zero (outside, NaN or infinite): no coordinate is converted
// to an integer before this test, so huge or non-finite offsets can never index out of bounds.
static inline int ak_taps_make(float y, float x, int h, int w, ak_taps *t) {
    if (!(y > -1.f && y < (float)h && x > -1.f && x < (float)w)) return 0;
    float fy = floorf(y), fx = floorf(x);
    t->y0 = (int)fy; t->x0 = (int)fx;
    t->ly = y - fy; t->lx = x - fx; t->hy = 1.f - t->ly; t->hx = 1.f - t->lx;
    t->w00 = t->hy * t->hx; t->w01 = t->hy * t->lx; t->w10 = t->ly * t->hx; t->w11 = t->ly * t->lx;
    return 1;
}

// Corner value of one channel plane (zero outside).
static inline float ak_corner(const float *plane, int h, int w, int y, int x) {
    return (y >= 0 && y < h && x >= 0 && x < w) ? plane[(long)y * w + x] : 0.f;
}

static inline float ak_tap_sample(const float *plane, int h, int w, const ak_taps *t) {
    return t->w00 * ak_corner(plane, h, w, t->y0, t->x0) + t->w01 * ak_corner(plane, h, w, t->y0, t->x0 + 1)
         + t->w10 * ak_corner(plane, h, w, t->y0 + 1, t->x0) + t->w11 * ak_corner(plane, h, w, t->y0 + 1, t->x0 + 1);
}

// d(sample)/dy and d(sample)/dx of one plane.
static inline void ak_tap_coord_grad(const float *plane, int h, int w, const ak_taps *t,
                                     float *gy, float *gx) {
    float v00 = ak_corner(plane, h, w, t->y0, t->x0), v01 = ak_corner(plane, h, w, t->y0, t->x0 + 1);
    float v10 = ak_corner(plane, h, w, t->y0 + 1, t->x0), v11 = ak_corner(plane, h, w, t->y0 + 1, t->x0 + 1);
    *gy = t->lx * (v11 - v01) + t->hx * (v10 - v00);
    *gx = t->ly * (v11 - v10) + t->hy * (v01 - v00);
}

// plane[corner] += g * weight, for corners inside.
static inline void ak_tap_scatter(float *plane, int h, int w, const ak_taps *t, float g) {
    int y0 = t->y0, x0 = t->x0;
    if (y0 >= 0 && y0 < h) {
        if (x0 >= 0 && x0 < w) plane[(long)y0 * w + x0] += g * t->w00;
        if (x0 + 1 >= 0 && x0 + 1 < w) plane[(long)y0 * w + x0 + 1] += g * t->w01;
    }
    if (y0 + 1 >= 0 && y0 + 1 < h) {
        if (x0 >= 0 && x0 < w) plane[(long)(y0 + 1) * w + x0] += g * t->w10;
        if (x0 + 1 >= 0 && x0 + 1 < w) plane[(long)(y0 + 1) * w + x0 + 1] += g * t->w11;
    }
}
#endif
