#ifndef SIAMFC_KERNELS_ACTIVATION_H
#define SIAMFC_KERNELS_ACTIVATION_H

#include "CKernels.h"

// The activations the kernels fuse into their stores, one value or eight at a time. Both forms
// compute the same expressions (HardSwish divides by 6, no FMA), so every path gives the same
// bits.

static inline float sfc_activate1(float v, int activation) {
    switch (activation) {
    case SFC_ACTIVATION_RELU: return v < 0.0f ? 0.0f : v;
    case SFC_ACTIVATION_RELU6: return v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
    case SFC_ACTIVATION_HARDSWISH: {
        float t = v + 3.0f;
        t = t < 0.0f ? 0.0f : (t > 6.0f ? 6.0f : t);
        return v * t / 6.0f;
    }
    default: return v;
    }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// AVX2 only, so that it inlines into the AVX2 and the AVX2+FMA kernels alike.
__attribute__((target("avx2"), always_inline))
static inline __m256 sfc_activate8(__m256 v, int activation) {
    const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.0f);
    switch (activation) {
    case SFC_ACTIVATION_RELU: return _mm256_max_ps(v, zero);
    case SFC_ACTIVATION_RELU6: return _mm256_min_ps(_mm256_max_ps(v, zero), six);
    case SFC_ACTIVATION_HARDSWISH: {
        __m256 t = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(v, _mm256_set1_ps(3.0f)), zero), six);
        return _mm256_div_ps(_mm256_mul_ps(v, t), six);
    }
    default: return v;
    }
}
#endif

#endif
