#include "CKernels.h"
#include "activation.h"

#include <stddef.h>
#include <string.h>

// Depthwise convolution of one channel plane (see CKernels.h). The plane is first copied into a
// zero-padded scratch plane; for stride 2 each padded row is stored split into its even and odd
// columns, so that consecutive output columns read consecutive floats for every kernel tap. The
// vector kernel then computes 8 output columns per register, several output rows at once. The
// copy costs as much as the arithmetic on small planes, so the vector path has its own
// (pad_plane_avx2: stores only, no library calls, no masked stores, which are slow on AMD), and
// the common stride-1 case skips it (dw_plane_direct).

// Padded row length in the scratch plane: for stride 2, two phases of `half` floats each.
static int padded_width(int width, int padding) { return width + 2 * padding; }
static int row_length(int width, int stride, int padding) {
    int pw = padded_width(width, padding);
    return stride == 1 ? pw : 2 * ((pw + 1) / 2);
}

size_t sfc_depthwise_scratch_size(int height, int width, int kernel, int stride, int padding) {
    // Slack past the last row: vector loads of a ragged last tile may read up to 8 + kernel
    // floats beyond it (masked lanes, never stored), and the padding copy spills whole vectors.
    // For stride 2, one more padded row (plus a vector) as before (callers size scratch by it).
    size_t plane = (size_t)(height + 2 * padding) * (size_t)row_length(width, stride, padding) + 16 + (size_t)kernel;
    return stride == 1 ? plane : plane + (size_t)row_length(width, stride, padding) + 16;
}

// Copies the plane into the zero-padded scratch layout (phase-split rows for stride 2, see
// sfc_padded_rows) and zeroes the slack after it.
static void pad_plane(const float *input, int height, int width, int kernel, int stride, int padding, float *scratch,
                      int vector) {
    int rs = row_length(width, stride, padding);
    sfc_padded_rows(input, 1, height, width, padding, stride, 0, height + 2 * padding, scratch, !vector);
    memset(scratch + (size_t)(height + 2 * padding) * rs, 0, (size_t)(16 + kernel) * sizeof(float));
}

// Offset of tap (ky, kx) in the scratch layout, for output (0, 0).
static inline int tap_offset(int ky, int kx, int stride, int rs) {
    return stride == 1 ? ky * rs + kx : ky * rs + (kx & 1) * (rs / 2) + (kx >> 1);
}

static void depthwise_scalar(const float *scratch, int rs, const float *weight, int kernel, int stride, float bias,
                             int activation, float *out, int oh, int ow) {
    for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
            const float *base = scratch + (size_t)oy * stride * rs + ox;
            float sum = 0.0f;
            for (int ky = 0; ky < kernel; ky++)
                for (int kx = 0; kx < kernel; kx++) sum += weight[ky * kernel + kx] * base[tap_offset(ky, kx, stride, rs)];
            out[(size_t)oy * ow + ox] = sfc_activate1(sum + bias, activation);
        }
    }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// pad_plane for the vector kernel: stores only, no library calls (which cost more than the
// copy on planes of a few hundred floats). Stride 2 splits each row straight from the input:
// 16 input floats from column 2x - padding give phase entries x .. x+7 of both phases, and
// masked loads read zeros beyond the row's ends.
__attribute__((target("avx2,fma")))
static void pad_plane_avx2(const float *input, int height, int width, int kernel, int stride, int padding,
                           float *scratch) {
    int rs = row_length(width, stride, padding);
    const __m256 zero = _mm256_setzero_ps();
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    // Zero rows: the padding above, and below it the padding and the slack.
    int top = padding * rs, below = padding * rs + 16 + kernel, i;
    for (i = 0; i + 8 <= top; i += 8) _mm256_storeu_ps(scratch + i, zero);
    for (; i < top; i++) scratch[i] = 0.0f;
    float *bottom = scratch + (size_t)(padding + height) * rs;
    for (i = 0; i + 8 <= below; i += 8) _mm256_storeu_ps(bottom + i, zero);
    for (; i < below; i++) bottom[i] = 0.0f;
    for (int y = 0; y < height; y++) {
        const float *src = input + (size_t)y * width;
        float *dst = scratch + (size_t)(y + padding) * rs;
        if (stride == 1) {
            // Rounded up to whole vectors: the spill lands in the next row (written after) or
            // the zeroed slack.
            for (int j = 0; j < rs; j += 8) _mm256_storeu_ps(dst + j, zero);
            int x = 0;
            for (; x + 8 <= width; x += 8) _mm256_storeu_ps(dst + padding + x, _mm256_loadu_ps(src + x));
            if (x < width) {
                // A whole vector with zeros past the row: they land in the right padding, the next
                // row (written after) or the zeroed slack. (Masked stores are slow on some CPUs.)
                __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(width - x), lane);
                _mm256_storeu_ps(dst + padding + x, _mm256_maskload_ps(src + x, mask));
            }
            continue;
        }
        int half = rs / 2;
        for (int x = 0; x < half; x += 8) {
            int c0 = 2 * x - padding;
            __m256 a, b;
            if (c0 >= 0 && c0 + 16 <= width) {
                a = _mm256_loadu_ps(src + c0);
                b = _mm256_loadu_ps(src + c0 + 8);
            } else {
                // Lanes whose column c0 + lane (c0 + 8 + lane) lies in 0 ..< width.
                __m256i ma = _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(width - c0), lane),
                                              _mm256_cmpgt_epi32(lane, _mm256_set1_epi32(-c0 - 1)));
                __m256i mb = _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(width - c0 - 8), lane),
                                              _mm256_cmpgt_epi32(lane, _mm256_set1_epi32(-c0 - 9)));
                // Masked-off lanes are never read, so the address may lie outside the row.
                const float *at = (const float *)((const char *)src + (ptrdiff_t)c0 * (ptrdiff_t)sizeof(float));
                a = _mm256_maskload_ps(at, ma);
                b = _mm256_maskload_ps(at + 8, mb);
            }
            __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
            e = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
            o = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
            if (x + 8 <= half) {
                _mm256_storeu_ps(dst + x, e);
                _mm256_storeu_ps(dst + half + x, o);
            } else {
                // Entries past `half` are zeros: the odd ones may spill into the next row (written
                // after) or the zeroed rows below; the even ones would overwrite odd entries.
                float even[8];
                _mm256_storeu_ps(even, e);
                for (int j = 0; j < half - x; j++) dst[x + j] = even[j];
                _mm256_storeu_ps(dst + half + x, o);
            }
        }
    }
}

// Rows of outputs computed together: independent accumulators hide the FMA latency, and
// neighbouring output rows share input rows in L1. Each output is a chain of FMAs from zero over
// the taps in (ky, kx) order, the bias added last: OpenCV 5's dnn rounds so (a chain started at
// the bias rounds differently, and NanoTrack's boxes need OpenCV's outputs to the bit).
#define DW_ROWS 4

// Output rows oy .. oy+rows-1 (rows <= DW_ROWS), 8 columns from ox; `mask` selects the valid
// columns of a ragged last tile. K and S are constants in the specialised instances below.
__attribute__((target("avx2,fma"), always_inline))
static inline void dw_tile(const float *scratch, int rs, const float *weight, int K, int S, __m256 bias, int activation,
                           float *out, int ow, int oy, int rows, int ox, int full, __m256i mask) {
    __m256 acc[DW_ROWS];
    for (int r = 0; r < DW_ROWS; r++) acc[r] = _mm256_setzero_ps();
    for (int ky = 0; ky < K; ky++) {
        for (int kx = 0; kx < K; kx++) {
            __m256 w = _mm256_broadcast_ss(weight + ky * K + kx);
            int offset = tap_offset(ky, kx, S, rs) + ox;
            for (int r = 0; r < DW_ROWS; r++) {
                if (r < rows) {
                    const float *p = scratch + (size_t)(oy + r) * S * rs + offset;
                    acc[r] = _mm256_fmadd_ps(w, _mm256_loadu_ps(p), acc[r]);
                }
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        __m256 v = sfc_activate8(_mm256_add_ps(acc[r], bias), activation);
        float *dst = out + (size_t)(oy + r) * ow + ox;
        if (full) _mm256_storeu_ps(dst, v);
        else _mm256_maskstore_ps(dst, mask, v);
    }
}

__attribute__((target("avx2,fma"), always_inline))
static inline void dw_plane(const float *scratch, int rs, const float *weight, int K, int S, float bias, int activation,
                            float *out, int oh, int ow) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 b = _mm256_set1_ps(bias);
    for (int oy = 0; oy < oh; oy += DW_ROWS) {
        int rows = oh - oy < DW_ROWS ? oh - oy : DW_ROWS;
        for (int ox = 0; ox < ow; ox += 8) {
            int columns = ow - ox;
            __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns), lane);
            if (rows == DW_ROWS)
                dw_tile(scratch, rs, weight, K, S, b, activation, out, ow, oy, DW_ROWS, ox, columns >= 8, mask);
            else
                for (int r = 0; r < rows; r++)
                    dw_tile(scratch, rs, weight, K, S, b, activation, out, ow, oy + r, 1, ox, columns >= 8, mask);
        }
    }
}

// 3x3 kernels: the nine weights stay in registers for the whole plane, and each input row of a
// tile is loaded once per kernel column and used for every output row it reaches (18 loads
// instead of 36 plus 9 broadcasts per 4x8 tile at stride 1). For each output the taps are still
// added in (ky, kx) order. (Twenty-five 5x5 weights would not fit in the 16 registers.)
__attribute__((target("avx2,fma"), always_inline))
static inline void dw_tile3(const float *scratch, int rs, const __m256 *w, int S, __m256 bias, int activation,
                            float *out, int ow, int oy, int rows, int ox, int full, __m256i mask) {
    __m256 acc[DW_ROWS];
    for (int r = 0; r < DW_ROWS; r++) acc[r] = _mm256_setzero_ps();
    for (int i = 0; i < (DW_ROWS - 1) * S + 3; i++) {
        const float *row = scratch + (size_t)(oy * S + i) * rs + ox;
        for (int kx = 0; kx < 3; kx++) {
            int used = 0;
            for (int r = 0; r < DW_ROWS; r++) used |= r < rows && i - r * S >= 0 && i - r * S < 3;
            if (!used) continue;
            __m256 v = _mm256_loadu_ps(row + tap_offset(0, kx, S, rs));
            for (int r = 0; r < DW_ROWS; r++) {
                int ky = i - r * S;
                if (r < rows && ky >= 0 && ky < 3) acc[r] = _mm256_fmadd_ps(w[ky * 3 + kx], v, acc[r]);
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        __m256 v = sfc_activate8(_mm256_add_ps(acc[r], bias), activation);
        float *dst = out + (size_t)(oy + r) * ow + ox;
        if (full) _mm256_storeu_ps(dst, v);
        else _mm256_maskstore_ps(dst, mask, v);
    }
}

__attribute__((target("avx2,fma"), always_inline))
static inline void dw_plane3(const float *scratch, int rs, const float *weight, int S, float bias, int activation,
                             float *out, int oh, int ow) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 b = _mm256_set1_ps(bias);
    __m256 w[9];
    for (int t = 0; t < 9; t++) w[t] = _mm256_broadcast_ss(weight + t);
    for (int oy = 0; oy < oh; oy += DW_ROWS) {
        int rows = oh - oy < DW_ROWS ? oh - oy : DW_ROWS;
        for (int ox = 0; ox < ow; ox += 8) {
            int columns = ow - ox;
            __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns), lane);
            if (rows == DW_ROWS)
                dw_tile3(scratch, rs, w, S, b, activation, out, ow, oy, DW_ROWS, ox, columns >= 8, mask);
            else
                for (int r = 0; r < rows; r++)
                    dw_tile3(scratch, rs, w, S, b, activation, out, ow, oy + r, 1, ox, columns >= 8, mask);
        }
    }
}

// Stride 1 with "same" padding on rows of whole vectors reads the plane itself, with no padded
// copy (which cost as much as the arithmetic). Input rows above or below the plane are left out
// of an output's chain: adding their zero products would not change it, so the bits are the
// padded chain's. A tap whose eight columns would leave the row at its left or right end is the
// tile's own vector shifted across lanes, zeros coming in.
enum { DW_INSIDE, DW_LEFT, DW_RIGHT };
#define DW_MAX_KERNEL 5

// Columns ox + d ..< ox + d + 8 of `row`, given here = columns ox ..< ox + 8.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 dw_span(const float *row, int ox, int d, int edge, __m256 here, __m256i lane) {
    if ((edge == DW_LEFT && d < 0) || (edge == DW_RIGHT && d > 0)) {
        __m256 moved = _mm256_permutevar8x32_ps(here, _mm256_add_epi32(lane, _mm256_set1_epi32(d)));
        __m256i kept = d < 0 ? _mm256_cmpgt_epi32(lane, _mm256_set1_epi32(-d - 1))
                             : _mm256_cmpgt_epi32(_mm256_set1_epi32(8 - d), lane);
        return _mm256_and_ps(moved, _mm256_castsi256_ps(kept));
    }
    return d == 0 ? here : _mm256_loadu_ps(row + ox + d);
}

// Output rows oy ..< oy + rows, columns ox ..< ox + 8, of a K x K kernel (padding K / 2, K at
// most DW_MAX_KERNEL). For K == 3 the weights come in registers (w3). `checked`: some input
// rows lie outside the plane. K, rows, edge and checked are constants in every instance.
__attribute__((target("avx2,fma"), always_inline))
static inline void dw_direct_tile(const float *input, int height, int width, const float *weight, const __m256 *w3,
                                  int K, __m256 bias, int activation, float *out, int oy, int rows, int ox, int edge,
                                  int checked, __m256i lane) {
    const int P = K / 2;
    __m256 acc[DW_ROWS];
    for (int r = 0; r < DW_ROWS; r++) acc[r] = _mm256_setzero_ps();
    if (K == 3) {
        // Each input row once per kernel column, for every output row it reaches.
        for (int i = 0; i < rows - 1 + K; i++) {
            int y = oy + i - P;
            if (checked && (y < 0 || y >= height)) continue;
            const float *row = input + (size_t)y * width;
            __m256 here = _mm256_loadu_ps(row + ox);
            for (int kx = 0; kx < K; kx++) {
                __m256 v = dw_span(row, ox, kx - P, edge, here, lane);
                for (int r = 0; r < rows; r++) {
                    int ky = i - r;
                    if (ky >= 0 && ky < K) acc[r] = _mm256_fmadd_ps(w3[ky * 3 + kx], v, acc[r]);
                }
            }
        }
    } else {
        // One kernel row's weights in registers at a time (all of a 5x5 would not fit).
        for (int ky = 0; ky < K; ky++) {
            __m256 w[DW_MAX_KERNEL];
            for (int kx = 0; kx < K; kx++) w[kx] = _mm256_broadcast_ss(weight + ky * K + kx);
            for (int r = 0; r < rows; r++) {
                int y = oy + r + ky - P;
                if (checked && (y < 0 || y >= height)) continue;
                const float *row = input + (size_t)y * width;
                __m256 here = _mm256_loadu_ps(row + ox);
                for (int kx = 0; kx < K; kx++) acc[r] = _mm256_fmadd_ps(w[kx], dw_span(row, ox, kx - P, edge, here, lane), acc[r]);
            }
        }
    }
    for (int r = 0; r < rows; r++)
        _mm256_storeu_ps(out + (size_t)(oy + r) * width + ox, sfc_activate8(_mm256_add_ps(acc[r], bias), activation));
}

#define DW_DIRECT_ROW(K, ROWS, CHECKED)                                                                           \
    for (int ox = 0; ox < width; ox += 8) {                                                                       \
        int edge = ox == 0 ? DW_LEFT : (ox + 8 == width ? DW_RIGHT : DW_INSIDE);                                  \
        if (edge == DW_LEFT)                                                                                      \
            dw_direct_tile(input, height, width, weight, w3, K, b, activation, out, oy, ROWS, ox, DW_LEFT, CHECKED, lane); \
        else if (edge == DW_RIGHT)                                                                                \
            dw_direct_tile(input, height, width, weight, w3, K, b, activation, out, oy, ROWS, ox, DW_RIGHT, CHECKED, lane); \
        else                                                                                                      \
            dw_direct_tile(input, height, width, weight, w3, K, b, activation, out, oy, ROWS, ox, DW_INSIDE, CHECKED, lane); \
    }

// Whole planes with width a multiple of 8, at least 16 (a left and a right tile).
__attribute__((target("avx2,fma"), always_inline))
static inline void dw_plane_direct(const float *input, int height, int width, const float *weight, int K, float bias,
                                   int activation, float *out) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 b = _mm256_set1_ps(bias);
    __m256 w3[9];
    for (int t = 0; t < 9; t++) w3[t] = K == 3 ? _mm256_broadcast_ss(weight + t) : _mm256_setzero_ps();
    int oy = 0;
    for (; oy + DW_ROWS <= height; oy += DW_ROWS) {
        if (oy - K / 2 >= 0 && oy + DW_ROWS - 1 + K / 2 < height) {
            DW_DIRECT_ROW(K, DW_ROWS, 0)
        } else {
            DW_DIRECT_ROW(K, DW_ROWS, 1)
        }
    }
    for (; oy < height; oy++) DW_DIRECT_ROW(K, 1, 1)
}

__attribute__((target("avx2,fma")))
static void dw_3x3_direct(const float *x, int h, int w, const float *k, float b, int a, float *o) {
    dw_plane_direct(x, h, w, k, 3, b, a, o);
}
__attribute__((target("avx2,fma")))
static void dw_5x5_direct(const float *x, int h, int w, const float *k, float b, int a, float *o) {
    dw_plane_direct(x, h, w, k, 5, b, a, o);
}

// Separate instances for the stride-1 and stride-2 layouts and the common kernel sizes, so the
// compiler unrolls the taps with constant offsets; other sizes use the generic instance.
__attribute__((target("avx2,fma")))
static void dw_3x3_s1(const float *s, int rs, const float *w, float b, int a, float *o, int oh, int ow) {
    dw_plane3(s, rs, w, 1, b, a, o, oh, ow);
}
__attribute__((target("avx2,fma")))
static void dw_3x3_s2(const float *s, int rs, const float *w, float b, int a, float *o, int oh, int ow) {
    dw_plane3(s, rs, w, 2, b, a, o, oh, ow);
}
__attribute__((target("avx2,fma")))
static void dw_5x5_s1(const float *s, int rs, const float *w, float b, int a, float *o, int oh, int ow) {
    dw_plane(s, rs, w, 5, 1, b, a, o, oh, ow);
}
__attribute__((target("avx2,fma")))
static void dw_5x5_s2(const float *s, int rs, const float *w, float b, int a, float *o, int oh, int ow) {
    dw_plane(s, rs, w, 5, 2, b, a, o, oh, ow);
}
__attribute__((target("avx2,fma")))
static void dw_generic(const float *s, int rs, const float *w, int k, int stride, float b, int a, float *o, int oh, int ow) {
    dw_plane(s, rs, w, k, stride, b, a, o, oh, ow);
}

int sfc_depthwise_available(void) { return sfc_small_gemm_available(); }

void sfc_depthwise_plane(const float *input, int height, int width, const float *weight, int kernel, int stride,
                         int padding, float bias, int activation, float *out, float *scratch) {
    int rs = row_length(width, stride, padding);
    int oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1;
    if (oh <= 0 || ow <= 0) return;
    int vector = sfc_small_gemm_available();
    if (vector && stride == 1 && (kernel == 3 || kernel == 5) && padding == kernel / 2 && width % 8 == 0 && width >= 16) {
        if (kernel == 3) dw_3x3_direct(input, height, width, weight, bias, activation, out);
        else dw_5x5_direct(input, height, width, weight, bias, activation, out);
        return;
    }
    if (vector) pad_plane_avx2(input, height, width, kernel, stride, padding, scratch);
    else pad_plane(input, height, width, kernel, stride, padding, scratch, 0);
    if (!vector) {
        depthwise_scalar(scratch, rs, weight, kernel, stride, bias, activation, out, oh, ow);
    } else if (kernel == 3 && stride == 1) {
        dw_3x3_s1(scratch, rs, weight, bias, activation, out, oh, ow);
    } else if (kernel == 3 && stride == 2) {
        dw_3x3_s2(scratch, rs, weight, bias, activation, out, oh, ow);
    } else if (kernel == 5 && stride == 1) {
        dw_5x5_s1(scratch, rs, weight, bias, activation, out, oh, ow);
    } else if (kernel == 5 && stride == 2) {
        dw_5x5_s2(scratch, rs, weight, bias, activation, out, oh, ow);
    } else {
        dw_generic(scratch, rs, weight, kernel, stride, bias, activation, out, oh, ow);
    }
}

#else

int sfc_depthwise_available(void) { return 0; }

void sfc_depthwise_plane(const float *input, int height, int width, const float *weight, int kernel, int stride,
                         int padding, float bias, int activation, float *out, float *scratch) {
    int rs = row_length(width, stride, padding);
    int oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1;
    if (oh <= 0 || ow <= 0) return;
    pad_plane(input, height, width, kernel, stride, padding, scratch, 0);
    depthwise_scalar(scratch, rs, weight, kernel, stride, bias, activation, out, oh, ow);
}

#endif

void sfc_depthwise_plane_portable(const float *input, int height, int width, const float *weight, int kernel,
                                  int stride, int padding, float bias, int activation, float *out, float *scratch) {
    int rs = row_length(width, stride, padding);
    int oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1;
    if (oh <= 0 || ow <= 0) return;
    pad_plane(input, height, width, kernel, stride, padding, scratch, 0);
    depthwise_scalar(scratch, rs, weight, kernel, stride, bias, activation, out, oh, ow);
}
