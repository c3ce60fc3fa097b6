#include "CKernels.h"

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

// Reference version of sfc_conv_rows, for CPUs without the vector kernel.
static void conv_rows_scalar(int m, int k, const float *packed, const float *input, const int *offsets, int row_step,
                             int oy0, int oy1, int ow, const float *bias, int relu, float *out, int out_plane) {
    for (int p = 0; p * MR < m; p++) {
        int rows = m - p * MR < MR ? m - p * MR : MR;
        const float *pa = packed + (size_t)p * MR * k;
        for (int oy = oy0; oy < oy1; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                const float *base = input + (size_t)oy * row_step + ox;
                float sums[MR] = {0};
                for (int kk = 0; kk < k; kk++) {
                    float v = base[offsets[kk]];
                    for (int i = 0; i < MR; i++) sums[i] += pa[kk * MR + i] * v;
                }
                for (int i = 0; i < rows; i++) {
                    float v = sums[i] + (bias ? bias[p * MR + i] : 0.0f);
                    out[(size_t)(p * MR + i) * out_plane + (size_t)oy * ow + ox] = relu && v < 0 ? 0.0f : v;
                }
            }
        }
    }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

int sfc_small_gemm_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// One 6x16 tile of outputs: twelve 8-float accumulators; per tap, two loads of 8 consecutive
// input floats at base + offsets[k], six broadcasts of packed weights, twelve FMAs. `columns`
// below 16 marks a ragged last tile, read and written with masks (masked loads never touch the
// memory they skip). Each output is complete here, so it is stored once: bias, sum, ReLU.
__attribute__((target("avx2,fma")))
static void conv_tile(int rows, int k, const float *pa, const float *base, const int *offsets, const float *bias,
                      int relu, float *c, int ldc, int columns) {
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
    for (int kk = 0; kk < k; kk++) {
        const float *row = base + offsets[kk];
        __m256 b0, b1;
        if (full) {
            b0 = _mm256_loadu_ps(row);
            b1 = _mm256_loadu_ps(row + 8);
        } else {
            b0 = _mm256_maskload_ps(row, mask0);
            b1 = _mm256_maskload_ps(row + 8, mask1);
        }
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
    const __m256 zero = _mm256_setzero_ps();
    for (int i = 0; i < rows; i++) {
        float *out = c + (size_t)i * ldc;
        __m256 offset = _mm256_set1_ps(bias ? bias[i] : 0.0f);
        __m256 v0 = _mm256_add_ps(acc[i][0], offset), v1 = _mm256_add_ps(acc[i][1], offset);
        if (relu) {
            v0 = _mm256_max_ps(v0, zero);
            v1 = _mm256_max_ps(v1, zero);
        }
        if (full) {
            _mm256_storeu_ps(out, v0);
            _mm256_storeu_ps(out + 8, v1);
        } else {
            _mm256_maskstore_ps(out, mask0, v0);
            _mm256_maskstore_ps(out + 8, mask1, v1);
        }
    }
}

void sfc_conv_rows(int m, int k, const float *packed, const float *input, const int *offsets, int row_step,
                   int oy0, int oy1, int ow, const float *bias, int relu, float *out, int out_plane) {
    if (!sfc_small_gemm_available()) {
        conv_rows_scalar(m, k, packed, input, offsets, row_step, oy0, oy1, ow, bias, relu, out, out_plane);
        return;
    }
    // Column tiles outside, channel panels inside: the input a tile reads (k taps x 16 floats)
    // stays in L1 while every panel of weights streams over it.
    for (int oy = oy0; oy < oy1; oy++) {
        const float *row = input + (size_t)oy * row_step;
        for (int x = 0; x < ow; x += NR) {
            int columns = ow - x < NR ? ow - x : NR;
            for (int p = 0; p * MR < m; p++) {
                int rows = m - p * MR < MR ? m - p * MR : MR;
                conv_tile(rows, k, packed + (size_t)p * MR * k, row + x, offsets, bias ? bias + p * MR : NULL, relu,
                          out + (size_t)p * MR * out_plane + (size_t)oy * ow + x, out_plane, columns);
            }
        }
    }
}

#else

int sfc_small_gemm_available(void) { return 0; }

void sfc_conv_rows(int m, int k, const float *packed, const float *input, const int *offsets, int row_step,
                   int oy0, int oy1, int ow, const float *bias, int relu, float *out, int out_plane) {
    conv_rows_scalar(m, k, packed, input, offsets, row_step, oy0, oy1, ow, bias, relu, out, out_plane);
}

#endif
