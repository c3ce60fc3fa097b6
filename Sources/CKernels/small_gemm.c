#include "CKernels.h"
#include "activation.h"

#include <string.h>

// Register tile: 6 output channels x 16 output columns.
#define MR 6
#define NR 16

size_t sfc_small_gemm_packed_size(int m, int k) {
    return (size_t)((m + MR - 1) / MR) * MR * (size_t)k;
}

void sfc_small_gemm_pack(int m, int k, const float *a, int lda, float *packed) {
    int panels = (m + MR - 1) / MR;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (size_t)p * MR * k;
        for (int kk = 0; kk < k; kk++) {
            for (int i = 0; i < MR; i++) {
                int row = p * MR + i;
                dst[kk * MR + i] = row < m ? a[(size_t)row * lda + kk] : 0.0f;
            }
        }
    }
}

// Reference tile: the same sums in the same order (tap by tap) as the vector tile, so that
// only the FMA rounding differs. Tap kk of column x is read at base[offsets[kk] + x], or at
// base[kk * tap_step + x] when offsets is NULL.
static void tile_scalar(int rows, int k, const float *pa, const float *base, const int *offsets, int tap_step,
                        const float *bias, int activation, const float *residual, float *c, int ldc, int columns) {
    for (int x = 0; x < columns; x++) {
        float sums[MR] = {0};
        for (int kk = 0; kk < k; kk++) {
            float v = base[(offsets ? offsets[kk] : kk * tap_step) + x];
            for (int i = 0; i < MR; i++) sums[i] += pa[kk * MR + i] * v;
        }
        for (int i = 0; i < rows; i++) {
            float v = sfc_activate1(sums[i] + (bias ? bias[i] : 0.0f), activation);
            if (residual) v += residual[(size_t)i * ldc + x];
            c[(size_t)i * ldc + x] = v;
        }
    }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

int sfc_small_gemm_available(void) {
    // Asked once per plane and per tile: the answer is cached (a benign, idempotent race).
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

// One 6x16 tile of outputs: twelve 8-float accumulators; per tap, two loads of 8 consecutive
// input floats, six broadcasts of packed weights, twelve FMAs. `columns` below 16 marks a
// ragged last tile, read and written with masks (masked loads never touch the memory they
// skip). Each output is complete here, so it is stored once: bias, sum, activation, residual.
// OFFSETS selects the tap addressing at compile time (a table, or a constant channel step).
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_avx2(int rows, int k, const float *pa, const float *base, const int *offsets, int tap_step,
                             const float *bias, int activation, const float *residual, float *c, int ldc, int columns,
                             const int OFFSETS) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns), lane);
    const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns - 8), lane);
    const int full = columns >= NR;
    const float *row = base;
    for (int kk = 0; kk < k; kk++) {
        if (OFFSETS) row = base + offsets[kk];
        __m256 b0, b1;
        if (full) {
            b0 = _mm256_loadu_ps(row);
            b1 = _mm256_loadu_ps(row + 8);
        } else {
            b0 = _mm256_maskload_ps(row, mask0);
            b1 = _mm256_maskload_ps(row + 8, mask1);
        }
        if (!OFFSETS) row += tap_step;
        const float *a = pa + kk * MR;
        __m256 a0 = _mm256_broadcast_ss(a);
        c00 = _mm256_fmadd_ps(a0, b0, c00); c01 = _mm256_fmadd_ps(a0, b1, c01);
        __m256 a1 = _mm256_broadcast_ss(a + 1);
        c10 = _mm256_fmadd_ps(a1, b0, c10); c11 = _mm256_fmadd_ps(a1, b1, c11);
        __m256 a2 = _mm256_broadcast_ss(a + 2);
        c20 = _mm256_fmadd_ps(a2, b0, c20); c21 = _mm256_fmadd_ps(a2, b1, c21);
        __m256 a3 = _mm256_broadcast_ss(a + 3);
        c30 = _mm256_fmadd_ps(a3, b0, c30); c31 = _mm256_fmadd_ps(a3, b1, c31);
        __m256 a4 = _mm256_broadcast_ss(a + 4);
        c40 = _mm256_fmadd_ps(a4, b0, c40); c41 = _mm256_fmadd_ps(a4, b1, c41);
        __m256 a5 = _mm256_broadcast_ss(a + 5);
        c50 = _mm256_fmadd_ps(a5, b0, c50); c51 = _mm256_fmadd_ps(a5, b1, c51);
    }
    __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    for (int i = 0; i < rows; i++) {
        float *out = c + (size_t)i * ldc;
        __m256 offset = _mm256_set1_ps(bias ? bias[i] : 0.0f);
        __m256 v0 = sfc_activate8(_mm256_add_ps(acc[i][0], offset), activation);
        __m256 v1 = sfc_activate8(_mm256_add_ps(acc[i][1], offset), activation);
        if (full) {
            if (residual) {
                v0 = _mm256_add_ps(v0, _mm256_loadu_ps(residual + (size_t)i * ldc));
                v1 = _mm256_add_ps(v1, _mm256_loadu_ps(residual + (size_t)i * ldc + 8));
            }
            _mm256_storeu_ps(out, v0);
            _mm256_storeu_ps(out + 8, v1);
        } else {
            if (residual) {
                v0 = _mm256_add_ps(v0, _mm256_maskload_ps(residual + (size_t)i * ldc, mask0));
                v1 = _mm256_add_ps(v1, _mm256_maskload_ps(residual + (size_t)i * ldc + 8, mask1));
            }
            _mm256_maskstore_ps(out, mask0, v0);
            _mm256_maskstore_ps(out + 8, mask1, v1);
        }
    }
}

__attribute__((target("avx2,fma")))
static void tile_offsets_avx2(int rows, int k, const float *pa, const float *base, const int *offsets,
                              const float *bias, int activation, float *c, int ldc, int columns) {
    tile_avx2(rows, k, pa, base, offsets, 0, bias, activation, NULL, c, ldc, columns, 1);
}

__attribute__((target("avx2,fma")))
static void tile_step_avx2(int rows, int k, const float *pa, const float *base, int tap_step, const float *bias,
                           int activation, const float *residual, float *c, int ldc, int columns) {
    tile_avx2(rows, k, pa, base, NULL, tap_step, bias, activation, residual, c, ldc, columns, 0);
}
#else
int sfc_small_gemm_available(void) { return 0; }
#endif

void sfc_conv_rows(int m, int k, const float *packed, const float *input, const int *offsets, int row_step,
                   int oy0, int oy1, int ow, const float *bias, int activation, float *out, int out_plane,
                   int portable) {
    int vector = !portable && sfc_small_gemm_available();
    // Column tiles outside, channel panels inside: the input a tile reads (k taps x 16 floats)
    // stays in L1 while every panel of weights streams over it.
    for (int oy = oy0; oy < oy1; oy++) {
        const float *row = input + (size_t)oy * row_step;
        for (int x = 0; x < ow; x += NR) {
            int columns = ow - x < NR ? ow - x : NR;
            for (int p = 0; p * MR < m; p++) {
                int rows = m - p * MR < MR ? m - p * MR : MR;
                const float *pa = packed + (size_t)p * MR * k;
                const float *b = bias ? bias + p * MR : NULL;
                float *c = out + (size_t)p * MR * out_plane + (size_t)oy * ow + x;
#if defined(__x86_64__) || defined(_M_X64)
                if (vector) {
                    tile_offsets_avx2(rows, k, pa, row + x, offsets, b, activation, c, out_plane, columns);
                    continue;
                }
#endif
                (void)vector;
                tile_scalar(rows, k, pa, row + x, offsets, 0, b, activation, NULL, c, out_plane, columns);
            }
        }
    }
}

#if defined(__x86_64__) || defined(_M_X64)
// One packed input tile of 16 full columns: act(input * scale) (or the input as it is).
__attribute__((target("avx2,fma")))
static void pack_tile_avx2(int k, const float *input, int plane, const float *scale, int activation, float *tile) {
    for (int kk = 0; kk < k; kk++) {
        const float *row = input + (size_t)kk * plane;
        __m256 a = _mm256_loadu_ps(row), b = _mm256_loadu_ps(row + 8);
        if (scale) {
            __m256 s = _mm256_set1_ps(scale[kk]);
            a = sfc_activate8(_mm256_mul_ps(a, s), activation);
            b = sfc_activate8(_mm256_mul_ps(b, s), activation);
        }
        _mm256_storeu_ps(tile + kk * NR, a);
        _mm256_storeu_ps(tile + kk * NR + 8, b);
    }
}
#endif

void sfc_pointwise_conv(int k, const float *packed, int panel0, int panel1, int m, const float *input,
                        const float *input_scale, int input_activation, int plane, int p0, int p1, const float *bias,
                        int activation, const float *residual, float *out, int portable) {
    int vector = !portable && sfc_small_gemm_available();
    // The input tile (k rows of 16 floats, `plane` apart) is copied to consecutive floats when
    // the rows are far apart (a power-of-two distance puts them in a few L1 sets, where they
    // would evict each other while every panel of weights streams over them), and always when
    // the input is scaled on the way (a channel scaling and activation fused in).
    enum { PACK_LIMIT = 512 };
    float tile[PACK_LIMIT * NR];
    int pack = input_scale || (vector && k <= PACK_LIMIT && panel1 - panel0 > 1 && plane >= 2048);
    if (k > PACK_LIMIT) pack = 0;
    for (int x = p0; x < p1; x += NR) {
        int columns = p1 - x < NR ? p1 - x : NR;
        const float *source = input + x;
        int step = plane;
        if (pack) {
#if defined(__x86_64__) || defined(_M_X64)
            if (vector && columns == NR) {
                pack_tile_avx2(k, input + x, plane, input_scale, input_activation, tile);
            } else
#endif
            for (int kk = 0; kk < k; kk++) {
                const float *row = input + (size_t)kk * plane + x;
                for (int j = 0; j < columns; j++)
                    tile[kk * NR + j] = input_scale ? sfc_activate1(row[j] * input_scale[kk], input_activation) : row[j];
            }
            source = tile;
            step = NR;
        }
        for (int p = panel0; p < panel1; p++) {
            int rows = m - p * MR < MR ? m - p * MR : MR;
            const float *pa = packed + (size_t)p * MR * k;
            const float *b = bias ? bias + p * MR : NULL;
            size_t at = (size_t)p * MR * plane + x;
            const float *r = residual ? residual + at : NULL;
#if defined(__x86_64__) || defined(_M_X64)
            if (vector) {
                tile_step_avx2(rows, k, pa, source, step, b, activation, r, out + at, plane, columns);
                continue;
            }
#endif
            (void)vector;
            tile_scalar(rows, k, pa, source, NULL, step, b, activation, r, out + at, plane, columns);
        }
    }
}
