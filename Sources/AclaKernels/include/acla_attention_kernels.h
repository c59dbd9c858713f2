// Kernels of the attention modules (ATTENTION.md sections 3-6). Pointers in, pointers out; the
// thread count is an explicit argument and every parallel loop is schedule(static).
//
// Layout words used below: r sources, kk keys per source, q = s*kk + k the key index (source
// major, as the offset/logit channels), "map" = [n][h][w] planes, NHWC = channels-last.
#ifndef ACLA_ATTENTION_KERNELS_H
#define ACLA_ATTENTION_KERNELS_H
#include <stdint.h>

// ---- layout (attention_layout.c) ----
// dst[b][i][ch] = src[b][ch][i] for i < hw, and the inverse.
void ak_nchw_to_nhwc(const float *src, int n, int c, long hw, float *dst, int nthreads);
void ak_nhwc_to_nchw(const float *src, int n, int c, long hw, float *dst, int nthreads);

// ---- key gates (cla_gates.c) ----
// gates[s]: a one-channel map [n][h][w] per source (the gate conv's output), or NULL when the
// source is switched off (its beta is then 0). offsets [n][2*r*kk][h][w] hold (dy, dx) of key q
// in channels 2q, 2q+1. beta [n][r*kk][h][w] = S(gates[s], y + dy, x + dx); 0 for samples
// wholly outside the map or at non-finite locations.
void ak_cla_gate_forward(const float *const *gates, int r, int kk, int n, int h, int w,
                         const float *offsets, float *beta, int nthreads);
// Accumulates into dgates[s] (array or entries may be NULL) and doffsets (may be NULL).
void ak_cla_gate_backward(const float *const *gates, int r, int kk, int n, int h, int w,
                          const float *offsets, const float *dbeta,
                          float *const *dgates, float *doffsets, int nthreads);

// The Gumbel noise of the training gates (GumbelGate.swift) from 2 * count uniforms drawn in
// order: noise[i] = g(u[2i]) - g(u[2i+1]), g(u) = -log(-log(u + 1e-8) + 1e-8) in double.
void ak_gumbel_noise(const double *u, long count, float *noise, int nthreads);
// The gate on logits (+ noise, may be NULL): u = sigmoid(x / tau) in double, m = 1[x > 0] if
// hard else u; u NULL: evaluation, m = 1[logit > 0] only. And its backward d = dm u (1 - u) / tau.
void ak_gumbel_gate(const float *logits, const float *noise, long count, double tau, int hard, float *m,
                    double *u, int nthreads);
void ak_gumbel_gate_backward(const float *dm, const double *u, long count, double tau, float *d, int nthreads);

// ---- key aggregation (cla_aggregate.c) ----
// y[b][i][:] = sum_q a_q * S(values[s(q)][b], p_i + offset_q), with a = the masked softmax of
// the logits: a_q = M_q exp(e_q) / sum_p M_p exp(e_p); y = 0 where no key is open.
// values[s]: NHWC [n][h][w][c]; may be NULL only when every mask of source s is 0 (never read).
// logits [n][r*kk][h][w]; mask [n][r*kk][h][w] or NULL (every key open, weight 1).
// Only keys with mask > 0 are sampled (the sparse gather); their number is added to *gathered.
// y: NHWC [n][h][w][c]; weights (may be NULL): the a_q, [n][r*kk][h][w].
// Every kernel of this section takes caller scratch (uninitialised) of the size its
// *_scratch_floats function gives for the same arguments, and returns 0, or -1 when scratch is
// NULL. The vector loops run at the CPU level ak_cpu_level() chose (cla_levels.h).
long ak_cla_aggregate_forward_scratch_floats(int r, int kk, int nthreads);
int ak_cla_aggregate_forward(const float *const *values, int r, int kk, int n, int c, int h, int w,
                             const float *offsets, const float *logits, const float *mask,
                             float *y, float *weights, int64_t *gathered, float *scratch, int nthreads);
// The same sum for inference, one source at a time (cla_aggregate_stream.c), bit-identical:
// ak_cla_key_weights writes a [n][r*kk][h][w] = the a_q of open keys (>= 0) and -1 for closed
// keys, adding the number of open keys to *gathered; then for each source s in order,
// ak_cla_aggregate_source adds sum_k a_{s,k} S(values, p_i + offset_{s,k}) over its open keys to
// y (NHWC; add = 0 for the first source called, which overwrites y instead). values: source s's
// NHWC map [n][h][w][c]. rho (may be NULL; [n][h][w], overwritten or added to as y) gets
// sum_k a_{s,k} times the in-map share of key k's bilinear corner weights: what an affine map's
// bias contributes when the map is applied after the gather instead of before.
long ak_cla_key_weights_scratch_floats(int nq, int nthreads);
int ak_cla_key_weights(const float *logits, const float *mask, int nq, int n, long hw, float *a,
                       int64_t *gathered, float *scratch, int nthreads);
long ak_cla_aggregate_source_scratch_floats(int kk, int nthreads);
int ak_cla_aggregate_source(const float *values, int s, int r, int kk, int n, int c, int h, int w,
                            const float *offsets, const float *a, int add, float *y, float *rho,
                            float *scratch, int nthreads);
// y [n][c][hw] += bias[c] * (rho[n][hw] - 1): the value conv's bias when the conv ran on the
// gathered features (attention_value_bias.c).
void ak_cla_value_bias(float *y, const float *bias, const float *rho, int n, int c, long hw, int nthreads);
// dy NHWC. Accumulates into dvalues[s] (NHWC; array or entries may be NULL), doffsets, dlogits,
// dmask (each may be NULL). When dmask is requested every key is sampled (closed keys too: the
// gradient into a closed mask needs its value), so every values[s] must then be non-NULL.
// One image at a time, tiles of query pixels in parallel, then the value scatter with each
// thread owning a channel range (cla_aggregate_backward.c): results do not depend on the thread
// count. h * w must fit an int (the scatter records hold pixel indices).
long ak_cla_aggregate_backward_scratch_floats(int r, int kk, int h, int w, int nthreads);
int ak_cla_aggregate_backward(const float *const *values, int r, int kk, int n, int c, int h, int w,
                              const float *offsets, const float *logits, const float *mask,
                              const float *dy, float *const *dvalues, float *doffsets,
                              float *dlogits, float *dmask, float *scratch, int nthreads);

// ---- dot-product attention over whole maps (attention_nonlocal.c), one image ----
// theta [cp][nq] (queries), phi and g [cp][nk] (keys of every source side by side); attn is
// caller scratch of nq*nk floats; y [cp][nq] = g * softmax_rows(theta^T phi)^T (overwritten).
void ak_nonlocal_forward(const float *theta, const float *phi, const float *g, int cp, long nq,
                         long nk, float *attn, float *y, int nthreads);
// Recomputes the attention into attn, then accumulates dtheta [cp][nq], dphi and dg [cp][nk]
// (each may be NULL); dattn is scratch of nq*nk floats.
void ak_nonlocal_backward(const float *theta, const float *phi, const float *g, int cp, long nq,
                          long nk, const float *dy, float *attn, float *dattn,
                          float *dtheta, float *dphi, float *dg, int nthreads);
// The softmax attention row of one query i (nk floats) into row, for the probe.
void ak_nonlocal_row(const float *theta, const float *phi, int cp, long nq, long nk, long i,
                     float *row);
#endif
