// The epilogue sweep, compiled once per CPU level (conv2d_epilogue*.c define AK_LEVEL(name) and
// the target attributes). Vector width changes nothing in the results: every operation is a
// single rounded float op, and contraction into FMA is off.
#pragma clang fp contract(off)

void AK_LEVEL(ak_conv_epilogue_sweep)(const ak_conv_epilogue *ep, float *y, const float *residual, long count) {
    if (ep->relu)
        for (long i = 0; i < count; i++) y[i] = y[i] > 0.f ? y[i] : 0.f;
    if (residual) {
        const float s = ep->residual_scale;
        for (long i = 0; i < count; i++) {
            const float t = y[i] * s;
            y[i] = t + residual[i];
        }
    }
}
