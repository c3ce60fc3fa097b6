#ifndef SIAMFC_KERNELS_ACTIVATION_H
#define SIAMFC_KERNELS_ACTIVATION_H

#include "CKernels.h"

#include <math.h>

// The activations the kernels fuse into their stores, one value or eight at a time. Both forms
// compute the same expression, so every path gives the same bits. HardSwish is
// v * clamp(fma(v, 1/6, 1/2), 0, 1), OpenCV 5's dnn formula, rounded as it rounds (a fused
// multiply-add, then one product): NanoTrack's boxes follow OpenCV's only when the networks'
// outputs do to the bit, since tracking amplifies a last-bit difference.

static inline float sfc_activate1(float v, int activation) {
    switch (activation) {
    case SFC_ACTIVATION_RELU: return v < 0.0f ? 0.0f : v;
    case SFC_ACTIVATION_RELU6: return v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
    case SFC_ACTIVATION_HARDSWISH: {
        float t = fmaf(v, 1.0f / 6.0f, 0.5f);
        return v * (t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t));
    }
    default: return v;
    }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// For the AVX2+FMA kernels (every vector kernel runs only where both are present).
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 sfc_activate8(__m256 v, int activation) {
    const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.0f);
    switch (activation) {
    case SFC_ACTIVATION_RELU: return _mm256_max_ps(v, zero);
    case SFC_ACTIVATION_RELU6: return _mm256_min_ps(_mm256_max_ps(v, zero), six);
    case SFC_ACTIVATION_HARDSWISH: {
        __m256 t = _mm256_fmadd_ps(v, _mm256_set1_ps(1.0f / 6.0f), _mm256_set1_ps(0.5f));
        return _mm256_mul_ps(v, _mm256_min_ps(_mm256_max_ps(t, zero), _mm256_set1_ps(1.0f)));
    }
    default: return v;
    }
}
#endif

#endif
