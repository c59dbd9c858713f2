// Zhou Wang's SSIM map of one channel with a separable Gaussian window and "valid" filtering.
// The 2-D window of ssim_index (fspecial('gaussian', 11, 1.5), normalised) is the outer
// product of the normalised 1-D window, so two 1-D passes give the same filter in O(11) per
// pixel instead of O(121).
#include "acla_imageio.h"
#include <stdlib.h>

int aci_ssim_plane(const double *a, const double *b, int64_t height, int64_t width,
                   const double *window, int32_t size, double c1, double c2, double *out) {
    const int64_t oh = height - size + 1, ow = width - size + 1;
    if (oh <= 0 || ow <= 0) return -1;
    // Horizontal pass: five filtered quantities per (row, valid column).
    const size_t n = (size_t)height * (size_t)ow;
    double *h = malloc(sizeof(double) * 5 * n);
    if (!h) return -1;
    double *ha = h, *hb = h + n, *haa = h + 2 * n, *hbb = h + 3 * n, *hab = h + 4 * n;
    for (int64_t y = 0; y < height; y++) {
        const double *ra = a + y * width, *rb = b + y * width;
        for (int64_t x = 0; x < ow; x++) {
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            for (int32_t k = 0; k < size; k++) {
                const double w = window[k], va = ra[x + k], vb = rb[x + k];
                sa += w * va;
                sb += w * vb;
                saa += w * va * va;
                sbb += w * vb * vb;
                sab += w * va * vb;
            }
            const size_t i = (size_t)(y * ow + x);
            ha[i] = sa; hb[i] = sb; haa[i] = saa; hbb[i] = sbb; hab[i] = sab;
        }
    }
    double total = 0;
    for (int64_t y = 0; y < oh; y++) {
        for (int64_t x = 0; x < ow; x++) {
            double mu1 = 0, mu2 = 0, e11 = 0, e22 = 0, e12 = 0;
            for (int32_t k = 0; k < size; k++) {
                const double w = window[k];
                const size_t i = (size_t)((y + k) * ow + x);
                mu1 += w * ha[i];
                mu2 += w * hb[i];
                e11 += w * haa[i];
                e22 += w * hbb[i];
                e12 += w * hab[i];
            }
            const double m11 = mu1 * mu1, m22 = mu2 * mu2, m12 = mu1 * mu2;
            const double s11 = e11 - m11, s22 = e22 - m22, s12 = e12 - m12;
            total += ((2 * m12 + c1) * (2 * s12 + c2)) / ((m11 + m22 + c1) * (s11 + s22 + c2));
        }
    }
    free(h);
    *out = total / ((double)oh * (double)ow);
    return 0;
}
