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

// Eight outputs at a time, each its own chain of FMAs from zero over i in order, as OpenCV 5's
// dnn computes a one-row Gemm (NanoTrack's squeeze-and-excitation layers; a sum in several
// lanes rounds differently). The eight chains are independent, so the FMA latency is hidden.
__attribute__((always_inline))
static inline void matvec_rows(int n, int k, const float *w, const float *x, float *y) {
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        float s[8] = {0};
        for (int i = 0; i < k; i++)
            for (int l = 0; l < 8; l++) s[l] = fmaf(w[(size_t)(j + l) * k + i], x[i], s[l]);
        for (int l = 0; l < 8; l++) y[j + l] = s[l];
    }
    for (; j < n; j++) {
        float s = 0.0f;
        for (int i = 0; i < k; i++) s = fmaf(w[(size_t)j * k + i], x[i], s);
        y[j] = s;
    }
}

#if defined(__x86_64__) || defined(_M_X64)
__attribute__((target("avx2,fma")))
static void matvec_fma(int n, int k, const float *w, const float *x, float *y) { matvec_rows(n, k, w, x, y); }
#endif

void sfc_matvec(int n, int k, const float *w, const float *x, float *y, int portable) {
#if defined(__x86_64__) || defined(_M_X64)
    if (!portable && sfc_small_gemm_available()) {
        matvec_fma(n, k, w, x, y);
        return;
    }
#endif
    // fmaf rounds once whatever the CPU: the same values as the vector path.
    matvec_rows(n, k, w, x, y);
}

void sfc_cpu_relax(void) {
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_ia32_pause();
#endif
}
