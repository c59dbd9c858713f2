// exp(x) in float32 arithmetic only (no libm call), so that the loops that use it vectorise at
// every CPU level: the masked softmax of the key aggregation ran one scalar expf per key.
// Cephes' expf: x = n ln2 + r with |r| <= ln2/2 (two-part ln2), a degree-6 polynomial for exp(r),
// then 2^n through the exponent bits. Relative error about 2 ulp against exp in float64.
// x is clamped to [-87.3, 88.0] so 2^n stays normal: exp(-87.3) = 1.2e-38 where exp underflows.
// The clamps also map NaN to -87.3 (no undefined float-to-int conversion); a NaN feature shows in
// the module's output through its residual sum regardless.
#ifndef ACLA_FAST_EXP_H
#define ACLA_FAST_EXP_H
#include <stdint.h>
#include <string.h>

static inline float ak_expf(float x) {
    x = x > -87.3365447f ? x : -87.3365447f;
    x = x < 88.0f ? x : 88.0f;
    // round to nearest by the 1.5 * 2^23 trick (no roundps below SSE4.1)
    const float fn = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const float r = (x - fn * 0.693359375f) - fn * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const uint32_t bits = (uint32_t)((int32_t)fn + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}
#endif
