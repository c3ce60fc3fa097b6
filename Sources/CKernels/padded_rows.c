#include "CKernels.h"

#include <string.h>

// Padded, phase-split input rows for sfc_conv_rows (see CKernels.h): a strided convolution then
// reads consecutive floats for consecutive output columns at every tap.

size_t sfc_padded_row_length(int width, int padding, int stride) {
    int padded = width + 2 * padding;
    return (size_t)stride * (size_t)((padded + stride - 1) / stride);
}

// Phase entries x0 ..< x1 of one padded row: out[q * phase_width + x] = padded[x * stride + q].
static void split_scalar(const float *row, int width, int padding, int stride, int phase_width, float *out, int x0,
                         int x1) {
    for (int q = 0; q < stride; q++) {
        for (int x = x0; x < x1; x++) {
            int column = x * stride + q - padding;
            out[q * phase_width + x] = column >= 0 && column < width ? row[column] : 0.0f;
        }
    }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// Stride 2: 16 input floats from column 2x - padding give 8 entries of each phase. Returns the
// first entry left for the scalar loop; entries before x0 (left padding) are done by the caller.
__attribute__((target("avx2,fma")))
static int split2_avx2(const float *row, int width, int padding, int phase_width, float *out, int x0) {
    float *even = out, *odd = out + phase_width;
    int x = x0;
    for (; x + 8 <= phase_width && 2 * x - padding + 16 <= width; x += 8) {
        const float *src = row + 2 * x - padding;
        __m256 a = _mm256_loadu_ps(src), b = _mm256_loadu_ps(src + 8);
        __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
        _mm256_storeu_ps(even + x, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0))));
        _mm256_storeu_ps(odd + x, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0))));
    }
    return x;
}

// Stride 1: the padded row as zeros, then the input row over them; no library calls, which
// cost more than the copy for rows of a few dozen floats.
__attribute__((target("avx2,fma")))
static void pad_row_avx2(const float *row, int width, int padding, int length, float *dst) {
    const __m256 zero = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= length; i += 8) _mm256_storeu_ps(dst + i, zero);
    for (; i < length; i++) dst[i] = 0.0f;
    if (!row) return;
    for (i = 0; i + 8 <= width; i += 8) _mm256_storeu_ps(dst + padding + i, _mm256_loadu_ps(row + i));
    for (; i < width; i++) dst[padding + i] = row[i];
}
#endif

void sfc_padded_rows(const float *input, int channels, int height, int width, int padding, int stride, int iy0,
                     int rows, float *out, int portable) {
    int length = (int)sfc_padded_row_length(width, padding, stride);
    int phase_width = length / stride;
    int vector = !portable && sfc_small_gemm_available() && stride == 2;
    // First phase entry whose 16-float source window starts inside the row.
    int first = (padding + 1) / 2;
    for (int c = 0; c < channels; c++) {
        const float *plane = input + (size_t)c * height * width;
        for (int r = 0; r < rows; r++) {
            float *dst = out + ((size_t)c * rows + r) * length;
            int iy = iy0 + r - padding;
            const float *row = iy < 0 || iy >= height ? NULL : plane + (size_t)iy * width;
#if defined(__x86_64__) || defined(_M_X64)
            if (!portable && sfc_small_gemm_available() && (stride == 1 || !row)) {
                pad_row_avx2(row, width, padding, length, dst);
                continue;
            }
#endif
            if (!row) {
                memset(dst, 0, (size_t)length * sizeof(float));
                continue;
            }
            if (stride == 1) {
                memset(dst, 0, (size_t)padding * sizeof(float));
                memcpy(dst + padding, row, (size_t)width * sizeof(float));
                memset(dst + padding + width, 0, (size_t)(length - padding - width) * sizeof(float));
                continue;
            }
            int x = 0;
#if defined(__x86_64__) || defined(_M_X64)
            if (vector && first < phase_width) {
                split_scalar(row, width, padding, stride, phase_width, dst, 0, first);
                x = split2_avx2(row, width, padding, phase_width, dst, first);
            }
#endif
            (void)vector;
            split_scalar(row, width, padding, stride, phase_width, dst, x, phase_width);
        }
    }
}
