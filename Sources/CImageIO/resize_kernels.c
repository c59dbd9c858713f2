// One-dimensional resampling passes of MATLAB's imresize (the weights and indices are computed
// in Swift, Imaging/BicubicWeights.swift). Each output value is accumulated in double in tap
// order, as imresizemex does, which is what makes the uint8 path bit-exact.
#include "acla_imageio.h"
#include <math.h>
#include <stdlib.h>

int aci_resample_axis_u8(const uint8_t *src, int64_t outer, int64_t in_len, int64_t inner,
                         const double *weights, const int32_t *indices, int32_t taps,
                         int64_t out_len, uint8_t *dst) {
    double *acc = malloc(sizeof(double) * (size_t)(inner > 0 ? inner : 1));
    if (!acc) return -1;
    for (int64_t b = 0; b < outer; b++) {
        const uint8_t *block = src + b * in_len * inner;
        uint8_t *out_block = dst + b * out_len * inner;
        for (int64_t o = 0; o < out_len; o++) {
            for (int64_t i = 0; i < inner; i++) acc[i] = 0.0;
            for (int32_t j = 0; j < taps; j++) {
                const double w = weights[o * taps + j];
                const uint8_t *row = block + (int64_t)indices[o * taps + j] * inner;
                for (int64_t i = 0; i < inner; i++) acc[i] += w * (double)row[i];
            }
            uint8_t *out_row = out_block + o * inner;
            for (int64_t i = 0; i < inner; i++) {
                double v = acc[i];
                out_row[i] = v <= 0.0 ? 0 : (v >= 255.0 ? 255 : (uint8_t)round(v));
            }
        }
    }
    free(acc);
    return 0;
}

int aci_resample_axis_f64(const double *src, int64_t outer, int64_t in_len, int64_t inner,
                          const double *weights, const int32_t *indices, int32_t taps,
                          int64_t out_len, double *dst) {
    for (int64_t b = 0; b < outer; b++) {
        const double *block = src + b * in_len * inner;
        double *out_block = dst + b * out_len * inner;
        for (int64_t o = 0; o < out_len; o++) {
            double *out_row = out_block + o * inner;
            for (int64_t i = 0; i < inner; i++) out_row[i] = 0.0;
            for (int32_t j = 0; j < taps; j++) {
                const double w = weights[o * taps + j];
                const double *row = block + (int64_t)indices[o * taps + j] * inner;
                for (int64_t i = 0; i < inner; i++) out_row[i] += w * row[i];
            }
        }
    }
    return 0;
}
