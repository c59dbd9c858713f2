// PixelShuffle and its gradient as one parallel copy each: out[b, ch, y*r + i, x*r + j] =
// in[b, ch*r*r + i*r + j, y, x]. Each output row is written from r input rows (the Swift loop
// this replaces divided per element, ran on one thread and zero-filled its output first).
#include "acla_kernels.h"
#include <omp.h>

void ak_pixel_shuffle(const float *in, float *out, int n, int c, int h, int w, int r, int nthreads) {
    const long ow = (long)w * r, oh = (long)h * r, rows = (long)n * c * oh;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long row = 0; row < rows; row++) {
        const long bc = row / oh, y = (row % oh) / r, i = (row % oh) % r;   // bc = b * c + ch
        float *o = out + row * ow;
        for (int j = 0; j < r; j++) {
            const float *s = in + ((bc * r * r + i * r + j) * h + y) * w;
            for (long x = 0; x < w; x++) o[x * r + j] = s[x];
        }
    }
}

void ak_pixel_shuffle_backward(const float *dy, float *dx, int n, int c, int h, int w, int r, int nthreads) {
    const long ow = (long)w * r, oh = (long)h * r, rows = (long)n * c * oh;
    // every (input plane, y) row is written by exactly one output row: no two threads share one
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long row = 0; row < rows; row++) {
        const long bc = row / oh, y = (row % oh) / r, i = (row % oh) % r;
        const float *g = dy + row * ow;
        for (int j = 0; j < r; j++) {
            float *d = dx + ((bc * r * r + i * r + j) * h + y) * w;
            for (long x = 0; x < w; x++) d[x] = g[x * r + j];
        }
    }
}
