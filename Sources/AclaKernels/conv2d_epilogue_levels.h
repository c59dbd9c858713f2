// The epilogue sweep per CPU level (conv2d_epilogue_body.h compiled three times).
#ifndef CONV2D_EPILOGUE_LEVELS_H
#define CONV2D_EPILOGUE_LEVELS_H
#include "acla_kernels.h"
void ak_conv_epilogue_sweep_portable(const ak_conv_epilogue *ep, float *y, const float *residual, long count);
void ak_conv_epilogue_sweep_avx2(const ak_conv_epilogue *ep, float *y, const float *residual, long count);
void ak_conv_epilogue_sweep_avx512(const ak_conv_epilogue *ep, float *y, const float *residual, long count);
#endif
