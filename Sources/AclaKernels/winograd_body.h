// Winograd input and output transforms for one CPU level, vectorised across VL consecutive tiles
// of a tile row (clang vector extensions: VL = 16 is one AVX-512 register, 8 one AVX2 register,
// the portable build splits them into SSE ops). Included by winograd_{portable,avx2,avx512}.c
// with VL, AK_LEVEL(name) and the target attributes defined; see winograd.h for the layout.
// Transform matrices (Lavin & Gray; points 0, +-1, +-2, [+-1/2,] infinity), written out with
// their common subexpressions as ncnn and NNPACK do.
#include <string.h>

typedef float vf __attribute__((ext_vector_type(VL)));
#define AK_INLINE static inline __attribute__((always_inline))

AK_INLINE vf vload(const float *p) { vf r; memcpy(&r, p, sizeof r); return r; }
AK_INLINE void vstore(float *p, vf a) { memcpy(p, &a, sizeof a); }
AK_INLINE vf vsplat(float a) { return (vf)(a); }

// B^T d for F(4, 3): 6 inputs, 6 outputs.
AK_INLINE void bt4(const vf *d, vf *o) {
    o[0] = 4.f * d[0] - 5.f * d[2] + d[4];
    o[1] = (d[3] + d[4]) - 4.f * (d[1] + d[2]);
    o[2] = (d[4] - d[3]) + 4.f * (d[1] - d[2]);
    o[3] = (d[4] - d[2]) + 2.f * (d[3] - d[1]);
    o[4] = (d[4] - d[2]) - 2.f * (d[3] - d[1]);
    o[5] = 4.f * d[1] - 5.f * d[3] + d[5];
}

// A^T m for F(4, 3): 6 inputs, 4 outputs.
AK_INLINE void at4(const vf *m, vf *o) {
    const vf a = m[1] + m[2], b = m[1] - m[2], c = m[3] + m[4], d = m[3] - m[4];
    o[0] = m[0] + a + c;
    o[1] = b + 2.f * d;
    o[2] = a + 4.f * c;
    o[3] = b + 8.f * d + m[5];
}

// B^T d for F(6, 3): 8 inputs, 8 outputs.
AK_INLINE void bt6(const vf *d, vf *o) {
    o[0] = (d[0] - d[6]) + 5.25f * (d[4] - d[2]);
    o[7] = (d[7] - d[1]) + 5.25f * (d[3] - d[5]);
    const vf t1 = d[2] + d[6] - 4.25f * d[4], t2 = d[1] + d[5] - 4.25f * d[3];
    o[1] = t1 + t2;
    o[2] = t1 - t2;
    const vf t3 = 0.25f * d[2] - 1.25f * d[4] + d[6], t4 = 0.5f * d[1] - 2.5f * d[3] + 2.f * d[5];
    o[3] = t3 + t4;
    o[4] = t3 - t4;
    const vf t5 = 4.f * d[2] - 5.f * d[4] + d[6], t6 = 2.f * d[1] - 2.5f * d[3] + 0.5f * d[5];
    o[5] = t5 + t6;
    o[6] = t5 - t6;
}

// A^T m for F(6, 3): 8 inputs, 6 outputs.
AK_INLINE void at6(const vf *m, vf *o) {
    const vf a1 = m[1] + m[2], b1 = m[1] - m[2], a2 = m[3] + m[4], b2 = m[3] - m[4];
    const vf a3 = m[5] + m[6], b3 = m[5] - m[6];
    o[0] = m[0] + a1 + a2 + a3;
    o[1] = b1 + 2.f * b2 + 0.5f * b3;
    o[2] = a1 + 4.f * a2 + 0.25f * a3;
    o[3] = b1 + 8.f * b2 + 0.125f * b3;
    o[4] = a1 + 16.f * a2 + 0.0625f * a3;
    o[5] = b1 + 32.f * b2 + 0.03125f * b3 + m[7];
}

// The tile row segment that holds tile t0 + o of a block: image b, tile row ty, first tile
// column a, and L tiles (to the end of the row or of the block).
AK_INLINE void segment(const ak_wino_shape *s, long q, int remaining, int *b, int *ty, int *a, int *L) {
    const long per_image = (long)s->nty * s->ntx;
    *b = (int)(q / per_image);
    const long rem = q % per_image;
    *ty = (int)(rem / s->ntx);
    *a = (int)(rem % s->ntx);
    *L = s->ntx - *a < remaining ? s->ntx - *a : remaining;
}

// Tiles of a row segment transformed per strip: the t input rows under SUB tiles, copied once
// with their zero padding (no bounds checks in the inner loops).
#define SUB 64
#define STRIP ((SUB + VL + 1) * 6 + 2)

// Input transform of one tile size. A chunk of VL tiles de-interleaves each strip row into m
// phases (phase c, lane l: column l * m + c of the chunk), and column c of tile l is phase
// c % m at lane l + c / m. A chunk writes all VL lanes: lanes past the segment hold values of
// no tile and are overwritten by the next segment, or land in the row padding (ldv >= T
// rounded up to 16).
AK_INLINE void wino_input(const ak_wino_shape *s, const float *x, long t0, int T, float *v, int ldv,
                          const int m, const int t) {
    const int cin = s->cin, h = s->h, w = s->w;
    const long hw = (long)h * w;
    float strip[8][STRIP] __attribute__((aligned(64)));
    float P[6][VL + 4] __attribute__((aligned(64)));
    vf H[8][8], d[8], o[8];
    for (int off = 0; off < T;) {
        int b, ty, a, L;
        segment(s, t0 + off, T - off, &b, &ty, &a, &L);
        for (int ci = 0; ci < cin; ci++) {
            const float *xc = x + ((long)b * cin + ci) * hw;
            for (int s0 = 0; s0 < L; s0 += SUB) {
                const int Ls = L - s0 < SUB ? L - s0 : SUB;
                const int x0 = (a + s0) * m - 1, len = ((Ls + VL - 1) / VL * VL + 1) * m;
                const int lo = x0 < 0 ? -x0 : 0;
                int hi = w - x0 < len ? w - x0 : len;
                if (hi < lo) hi = lo;
                int live[8];
                for (int r = 0; r < t; r++) {
                    const int yy = ty * m - 1 + r;
                    live[r] = yy >= 0 && yy < h;
                    if (!live[r]) continue;
                    // the next channel's rows: short strided streams the hardware prefetcher
                    // does not see coming, so the copy would wait on memory
                    if (ci + 1 < cin)
                        for (int k = lo; k < hi; k += 16) __builtin_prefetch(xc + hw + (long)yy * w + x0 + k, 0, 3);
                    float *dst = strip[r];
                    const float *row = xc + (long)yy * w + x0;
                    for (int k = 0; k < lo; k++) dst[k] = 0.f;
                    int k = lo;
                    for (; k + VL <= hi; k += VL) vstore(dst + k, vload(row + k));
                    for (; k < hi; k++) dst[k] = row[k];
                    for (k = hi; k < len; k++) dst[k] = 0.f;
                }
                for (int l0 = 0; l0 < Ls; l0 += VL) {
                    for (int r = 0; r < t; r++) {
                        if (!live[r]) {
                            for (int c = 0; c < t; c++) H[r][c] = vsplat(0.f);
                            continue;
                        }
                        const float *src = strip[r] + l0 * m;
#ifdef AK_WINO_GATHER
                        AK_WINO_GATHER(src, m, t, d);
#else
                        for (int l = 0; l <= VL; l++)
                            for (int c = 0; c < m; c++) P[c][l] = src[l * m + c];
                        for (int c = 0; c < t; c++) d[c] = vload(&P[c % m][c / m]);
#endif
                        if (m == 4) bt4(d, H[r]); else bt6(d, H[r]);
                    }
                    // lanes past the row's end (only in the block's last chunk) are not stored
                    const int p = off + s0 + l0, room = ldv - p < VL ? ldv - p : VL;
                    for (int j = 0; j < t; j++) {
                        for (int r = 0; r < t; r++) d[r] = H[r][j];
                        if (m == 4) bt4(d, o); else bt6(d, o);
                        for (int i = 0; i < t; i++) {
                            float *dst = v + (long)(i * t + j) * AK_WINO_PLANE(cin, ldv) + (long)ci * ldv + p;
                            if (room == VL) {
                                vstore(dst, o[i]);
                            } else {
                                float lanes[VL];
                                vstore(lanes, o[i]);
                                memcpy(dst, lanes, sizeof(float) * (size_t)room);
                            }
                        }
                    }
                }
            }
        }
        off += L;
    }
}

void AK_LEVEL(ak_wino_input)(const ak_wino_shape *s, const float *x, long t0, int T, float *v, int ldv) {
    if (s->m == 4) wino_input(s, x, t0, T, v, ldv, 4, 6);
    else wino_input(s, x, t0, T, v, ldv, 6, 8);
}

// Output transform of one tile size for output channels [co0, co0 + cg) (M holds cg rows per
// xi), bias and epilogue, written row by row into y.
AK_INLINE void wino_output(const ak_wino_shape *s, const float *mm, int ldv, long t0, int T, int co0, int cg,
                           const float *bias, const ak_conv_epilogue *ep, float *y, const int m, const int t) {
    const int cout = s->cout, h = s->h, w = s->w;
    const int co1 = co0 + cg < cout ? co0 + cg : cout;
    const long hw = (long)h * w;
    const float *res = ep ? ep->residual : 0;
    const int fused = ep && (ep->relu || res);
    vf mi[8], O[8][6], col[8], oc[6], out[6][6];
    for (int off = 0; off < T;) {
        int b, ty, a, L;
        segment(s, t0 + off, T - off, &b, &ty, &a, &L);
        const int rows = h - ty * m < m ? h - ty * m : m;
        for (int co = co0; co < co1; co++) {
            const vf bv = vsplat(bias ? bias[co] : 0.f);
            float *yc = y + ((long)b * cout + co) * hw;
            const float *rc = res ? res + ((long)b * cout + co) * hw : 0;
            // the next channel's output (and residual) rows, as in the input transform
            if (co + 1 < co1)
                for (int io = 0; io < rows; io++) {
                    const long row = (long)(ty * m + io) * w + a * m;
                    const int span = L * m < w - a * m ? L * m : w - a * m;
                    for (int k = 0; k < span; k += 16) {
                        __builtin_prefetch(yc + hw + row + k, 1, 3);
                        if (rc) __builtin_prefetch(rc + hw + row + k, 0, 3);
                    }
                }
            for (int l0 = 0; l0 < L; l0 += VL) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) mi[j] = vload(mm + (long)(i * t + j) * AK_WINO_PLANE(cg, ldv) + (long)(co - co0) * ldv + off + l0);
                    if (m == 4) at4(mi, O[i]); else at6(mi, O[i]);
                }
                for (int jo = 0; jo < m; jo++) {
                    for (int i = 0; i < t; i++) col[i] = O[i][jo];
                    if (m == 4) at4(col, oc); else at6(col, oc);
                    for (int io = 0; io < m; io++) out[io][jo] = oc[io] + bv;
                }
                const int xs = (a + l0) * m;
                const int lanes = L - l0 < VL ? L - l0 : VL;
                const int cnt = w - xs < lanes * m ? w - xs : lanes * m;
                for (int io = 0; io < rows; io++) {
                    float *dst = yc + (long)(ty * m + io) * w + xs;
                    if (cnt == VL * m) {
#ifdef AK_WINO_SCATTER
                        AK_WINO_SCATTER(dst, out[io], m);
#else
                        for (int l = 0; l < VL; l++)
                            for (int jo = 0; jo < m; jo++) dst[l * m + jo] = out[io][jo][l];
#endif
                    } else {
                        for (int k = 0; k < cnt; k++) dst[k] = out[io][k % m][k / m];
                    }
                    if (fused) AK_LEVEL(ak_conv_epilogue_sweep)(ep, dst, rc ? rc + (dst - yc) : 0, cnt);
                }
            }
        }
        off += L;
    }
}

void AK_LEVEL(ak_wino_output)(const ak_wino_shape *s, const float *mm, int ldv, long t0, int T, int co0, int cg,
                              const float *bias, const ak_conv_epilogue *ep, float *y) {
    if (s->m == 4) wino_output(s, mm, ldv, t0, T, co0, cg, bias, ep, y, 4, 6);
    else wino_output(s, mm, ldv, t0, T, co0, cg, bias, ep, y, 6, 8);
}

// A v for F(4, 3) (4 inputs, 6 outputs) and F(6, 3) (6 inputs, 8 outputs): the transposes of
// at4/at6, for the weight gradient's transform of dy (conv2d_winograd_grad.c).
AK_INLINE void a4(const vf *v, vf *o) {
    const vf e = v[0] + v[2], f = v[1] + v[3], g = v[0] + 4.f * v[2], k = 2.f * v[1] + 8.f * v[3];
    o[0] = v[0];
    o[1] = e + f;
    o[2] = e - f;
    o[3] = g + k;
    o[4] = g - k;
    o[5] = v[3];
}

AK_INLINE void a6(const vf *v, vf *o) {
    const vf e1 = v[0] + v[2] + v[4], f1 = v[1] + v[3] + v[5];
    const vf e2 = v[0] + 4.f * v[2] + 16.f * v[4], f2 = 2.f * v[1] + 8.f * v[3] + 32.f * v[5];
    const vf e3 = v[0] + 0.25f * v[2] + 0.0625f * v[4], f3 = 0.5f * v[1] + 0.125f * v[3] + 0.03125f * v[5];
    o[0] = v[0];
    o[1] = e1 + f1;
    o[2] = e1 - f1;
    o[3] = e2 + f2;
    o[4] = e2 - f2;
    o[5] = e3 + f3;
    o[6] = e3 - f3;
    o[7] = v[5];
}

// D[xi][co][ldv] = (A dy A^T)[xi] for the tiles [t0, t0 + T) of a block, VL tiles of a tile row
// at a time (dy zero outside the map).
AK_INLINE void wino_dy(const ak_wino_shape *s, const float *dy, long t0, int T, float *dd, int ldv,
                       const int m, const int t) {
    const int cout = s->cout, h = s->h, w = s->w;
    const long hw = (long)h * w;
#ifdef AK_WINO_GATHER
    // seg: one row of VL tiles (m columns each), zero past the map; the gathers read up to 128
    // floats whatever m (the lanes and phases past VL * m are never used)
    float seg[VL * 8 + 64] __attribute__((aligned(64)));
    memset(seg, 0, sizeof seg);
#else
    float lanes[6][VL] __attribute__((aligned(64)));
#endif
    vf v[8], R[6][8], col[6], o[8];
    for (int off = 0; off < T;) {
        int b, ty, a, L;
        segment(s, t0 + off, T - off, &b, &ty, &a, &L);
        const int rows = h - ty * m < m ? h - ty * m : m;
        for (int co = 0; co < cout; co++) {
            const float *dc = dy + ((long)b * cout + co) * hw + (long)ty * m * w;
            for (int l0 = 0; l0 < L; l0 += VL) {
                const int n = L - l0 < VL ? L - l0 : VL;
                for (int i = 0; i < m; i++) {
                    if (i >= rows) {
                        for (int c = 0; c < t; c++) R[i][c] = vsplat(0.f);
                        continue;
                    }
                    const float *row = dc + (long)i * w;
#ifdef AK_WINO_GATHER
                    // a contiguous copy, then the in-register de-interleave of the input transform
                    // (element-wise copies into lanes[][] stall on store forwarding at each vload)
                    const int xs = (a + l0) * m, cnt = n * m < w - xs ? n * m : w - xs;
                    if (cnt == VL * m) {   // whole vectors, each read back by the gather at once
                        for (int k = 0; k < VL * m; k += VL) vstore(seg + k, vload(row + xs + k));
                    } else {
                        for (int k = 0; k < cnt; k++) seg[k] = row[xs + k];
                        for (int k = cnt; k < VL * m; k++) seg[k] = 0.f;
                    }
                    AK_WINO_GATHER(seg, m, m, v);
#else
                    for (int l = 0; l < VL; l++) {
                        const int x0 = (a + l0 + l) * m;
                        for (int j = 0; j < m; j++) lanes[j][l] = l < n && x0 + j < w ? row[x0 + j] : 0.f;
                    }
                    for (int j = 0; j < m; j++) v[j] = vload(lanes[j]);
#endif
                    if (m == 4) a4(v, R[i]); else a6(v, R[i]);
                }
                const int p = off + l0, room = ldv - p < VL ? ldv - p : VL;
                for (int c = 0; c < t; c++) {
                    for (int i = 0; i < m; i++) col[i] = R[i][c];
                    if (m == 4) a4(col, o); else a6(col, o);
                    for (int r = 0; r < t; r++) {
                        float *dst = dd + (long)(r * t + c) * AK_WINO_PLANE(cout, ldv) + (long)co * ldv + p;
                        if (room == VL) {
                            vstore(dst, o[r]);
                        } else {
                            float tmp[VL];
                            vstore(tmp, o[r]);
                            memcpy(dst, tmp, sizeof(float) * (size_t)room);
                        }
                    }
                }
            }
        }
        off += L;
    }
}

void AK_LEVEL(ak_wino_dy)(const ak_wino_shape *s, const float *dy, long t0, int T, float *d, int ldv) {
    if (s->m == 4) wino_dy(s, dy, t0, T, d, ldv, 4, 6);
    else wino_dy(s, dy, t0, T, d, ldv, 6, 8);
}
