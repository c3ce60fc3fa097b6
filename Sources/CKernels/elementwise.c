#include "CKernels.h"
#include "activation.h"

#include <math.h>

// Element-wise kernels of planned inference (see CKernels.h). The vector loops compute exactly
// the scalar expressions (FMA only where the scalar form calls fmaf), so both give the same bits.

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// MODE 0: a + b; 1: a * scalar; 2: a alone.
__attribute__((target("avx2,fma"), always_inline))
static inline size_t map_avx2(const float *a, const float *b, float scalar, size_t count, int activation, float *out,
                              const int MODE) {
    size_t i = 0;
    const __m256 s = _mm256_set1_ps(scalar);
    for (; i + 8 <= count; i += 8) {
        __m256 v = _mm256_loadu_ps(a + i);
        if (MODE == 0) v = _mm256_add_ps(v, _mm256_loadu_ps(b + i));
        if (MODE == 1) v = _mm256_mul_ps(v, s);
        _mm256_storeu_ps(out + i, sfc_activate8(v, activation));
    }
    return i;
}

__attribute__((target("avx2,fma")))
static size_t add_avx2(const float *a, const float *b, size_t count, int activation, float *out) {
    return map_avx2(a, b, 0, count, activation, out, 0);
}
__attribute__((target("avx2,fma")))
static size_t scale_avx2(const float *a, float scalar, size_t count, int activation, float *out) {
    return map_avx2(a, 0, scalar, count, activation, out, 1);
}
__attribute__((target("avx2,fma")))
static size_t activate_avx2(const float *a, size_t count, int activation, float *out) {
    return map_avx2(a, 0, 0, count, activation, out, 2);
}
#define SFC_VECTOR(call) (!portable && sfc_small_gemm_available() ? (call) : 0)
#else
#define SFC_VECTOR(call) 0
#endif

void sfc_add(const float *a, const float *b, size_t count, int activation, float *out, int portable) {
    for (size_t i = SFC_VECTOR(add_avx2(a, b, count, activation, out)); i < count; i++)
        out[i] = sfc_activate1(a[i] + b[i], activation);
}

void sfc_scale_channels(const float *x, const float *scale, int channels, size_t plane, int activation, float *out,
                        int portable) {
    for (int c = 0; c < channels; c++) {
        const float *src = x + (size_t)c * plane;
        float *dst = out + (size_t)c * plane;
        float s = scale[c];
        for (size_t i = SFC_VECTOR(scale_avx2(src, s, plane, activation, dst)); i < plane; i++)
            dst[i] = sfc_activate1(src[i] * s, activation);
    }
}

void sfc_activate(const float *x, size_t count, int activation, float *out, int portable) {
    for (size_t i = SFC_VECTOR(activate_avx2(x, count, activation, out)); i < count; i++)
        out[i] = sfc_activate1(x[i], activation);
}

static float dot_scalar(const float *a, const float *b, int k, int start, float *lanes) {
    // lanes: 8 partial sums (element i goes to lane i mod 8 while vectors last), added pairwise.
    for (int i = start; i < k; i++) lanes[i & 7] += a[i] * b[i];
    float s0 = (lanes[0] + lanes[4]) + (lanes[2] + lanes[6]), s1 = (lanes[1] + lanes[5]) + (lanes[3] + lanes[7]);
    return s0 + s1;
}

#if defined(__x86_64__) || defined(_M_X64)
__attribute__((target("avx2,fma")))
static float dot_avx2(const float *a, const float *b, int k) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= k; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    return dot_scalar(a, b, k, i, lanes);
}
#endif

void sfc_matvec(int n, int k, const float *w, const float *x, float *y, int portable) {
    for (int j = 0; j < n; j++) {
        const float *row = w + (size_t)j * k;
#if defined(__x86_64__) || defined(_M_X64)
        if (!portable && sfc_small_gemm_available()) {
            y[j] = dot_avx2(row, x, k);
            continue;
        }
#endif
        float lanes[8] = {0};
        // The same lanes as the vector loop, so both give nearly the same sums.
        for (int i = 0; i + 8 <= k; i += 8)
            for (int l = 0; l < 8; l++) lanes[l] += row[i + l] * x[i + l];
        y[j] = dot_scalar(row, x, k, k - k % 8, lanes);
    }
}

void sfc_cpu_relax(void) {
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_ia32_pause();
#endif
}
