#include "CKernels.h"

// Means of planes, each sum a chain of additions from zero in element order (see CKernels.h).
// The vector path keeps that order per plane: it transposes 8x8 blocks (eight planes, eight
// consecutive elements) so that one register holds element i of eight planes, and adds the
// block's eight rows one after the other. Two groups of eight planes run side by side, so that
// two independent chains hide the latency of each addition; planes past the end read as zeros
// and are never stored.

static float plane_sum(const float *x, size_t count) {
    float total = 0.0f;
    for (size_t i = 0; i < count; i++) total += x[i];
    return total;
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

__attribute__((target("avx2,fma"), always_inline))
static inline void transpose8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// Adds elements i ..< i + 8 of the group's planes (`valid` of them, from `x`) to `acc`, lane j
// holding plane j.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 add_block(const float *x, size_t count, int valid, size_t i, __m256 acc) {
    __m256 r[8];
    for (int j = 0; j < 8; j++) r[j] = j < valid ? _mm256_loadu_ps(x + (size_t)j * count + i) : _mm256_setzero_ps();
    transpose8(r);
    for (int j = 0; j < 8; j++) acc = _mm256_add_ps(acc, r[j]);
    return acc;
}

// Planes p ..< p + valid (at most 16) from x: the sums, continued in scalar code past the last
// whole block.
__attribute__((target("avx2,fma")))
static void means16_avx2(const float *x, size_t count, int valid, float *out) {
    int first = valid < 8 ? valid : 8, second = valid - first;
    const float *y = x + (size_t)8 * count;
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    size_t i = 0;
    if (second > 0) {
        for (; i + 8 <= count; i += 8) {
            a = add_block(x, count, first, i, a);
            b = add_block(y, count, second, i, b);
        }
    } else {
        for (; i + 8 <= count; i += 8) a = add_block(x, count, first, i, a);
    }
    float sums[16];
    _mm256_storeu_ps(sums, a);
    _mm256_storeu_ps(sums + 8, b);
    for (int j = 0; j < valid; j++) {
        const float *plane = x + (size_t)j * count;
        float total = sums[j];
        for (size_t e = i; e < count; e++) total += plane[e];
        out[j] = total / (float)count;
    }
}
#endif

void sfc_plane_means(const float *x, int planes, size_t count, float *out, int portable) {
#if defined(__x86_64__) || defined(_M_X64)
    if (!portable && sfc_small_gemm_available()) {
        for (int p = 0; p < planes; p += 16)
            means16_avx2(x + (size_t)p * count, count, planes - p < 16 ? planes - p : 16, out + p);
        return;
    }
#endif
    (void)portable;
    for (int p = 0; p < planes; p++) out[p] = plane_sum(x + (size_t)p * count, count) / (float)count;
}
