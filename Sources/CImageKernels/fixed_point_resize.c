#include "CImageKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SFC_X86 1
#endif

static void horizontal_scalar(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                              const int32_t *weight0, const int32_t *weight1, int count, int32_t *out) {
    for (int d = 0; d < count; d++) {
        const uint8_t *p0 = src + offset0[d], *p1 = src + offset1[d];
        int32_t a0 = weight0[d], a1 = weight1[d];
        out[3 * d] = a0 * p0[0] + a1 * p1[0];
        out[3 * d + 1] = a0 * p0[1] + a1 * p1[1];
        out[3 * d + 2] = a0 * p0[2] + a1 * p1[2];
    }
}

static void horizontal_planar_scalar(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                                     const int32_t *weight0, const int32_t *weight1, int from, int count, int32_t *out,
                                     int stride) {
    for (int d = from; d < count; d++) {
        const uint8_t *p0 = src + offset0[d], *p1 = src + offset1[d];
        int32_t a0 = weight0[d], a1 = weight1[d];
        for (int c = 0; c < 3; c++) out[c * stride + d] = a0 * p0[c] + a1 * p1[c];
    }
}

static int32_t vertical_value(int32_t h0, int32_t h1, int32_t b0, int32_t b1) {
    int32_t v = (((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2) >> 2;
    return v < 0 ? 0 : (v > 255 ? 255 : v);
}

static void vertical_scalar(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, uint8_t *out) {
    for (int i = 0; i < count; i++) out[i] = (uint8_t)vertical_value(h0[i], h1[i], b0, b1);
}

#ifdef SFC_X86
__attribute__((target("avx2")))
static void horizontal_avx2(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                            const int32_t *weight0, const int32_t *weight1, int count, int32_t *out) {
    for (int d = 0; d < count; d++) {
        int32_t w0, w1;
        __builtin_memcpy(&w0, src + offset0[d], 4);
        __builtin_memcpy(&w1, src + offset1[d], 4);
        __m128i p0 = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(w0));
        __m128i p1 = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(w1));
        __m128i sum = _mm_add_epi32(_mm_mullo_epi32(p0, _mm_set1_epi32(weight0[d])),
                                    _mm_mullo_epi32(p1, _mm_set1_epi32(weight1[d])));
        _mm_storeu_si128((__m128i *)(out + 3 * d), sum);
    }
}

__attribute__((target("avx2")))
static __m256i vertical_vector(const int32_t *h0, const int32_t *h1, __m256i b0, __m256i b1) {
    __m256i a = _mm256_srai_epi32(_mm256_mullo_epi32(b0, _mm256_srai_epi32(_mm256_loadu_si256((const __m256i *)h0), 4)), 16);
    __m256i b = _mm256_srai_epi32(_mm256_mullo_epi32(b1, _mm256_srai_epi32(_mm256_loadu_si256((const __m256i *)h1), 4)), 16);
    return _mm256_srai_epi32(_mm256_add_epi32(_mm256_add_epi32(a, b), _mm256_set1_epi32(2)), 2);
}

__attribute__((target("avx2")))
static void vertical_avx2(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, uint8_t *out) {
    __m256i vb0 = _mm256_set1_epi32(b0), vb1 = _mm256_set1_epi32(b1);
    int i = 0;
    for (; i + 16 <= count; i += 16) {
        __m256i lo = vertical_vector(h0 + i, h1 + i, vb0, vb1);
        __m256i hi = vertical_vector(h0 + i + 8, h1 + i + 8, vb0, vb1);
        // Saturating packs clamp to 0...255; they interleave 128-bit lanes, which the
        // permutes undo.
        __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xD8);
        __m256i bytes = _mm256_permute4x64_epi64(_mm256_packus_epi16(words, words), 0x08);
        _mm_storeu_si128((__m128i *)(out + i), _mm256_castsi256_si128(bytes));
    }
    for (; i < count; i++) out[i] = (uint8_t)vertical_value(h0[i], h1[i], b0, b1);
}

// Eight output pixels at a time: each pixel's four bytes (R, G, B and the next byte) are
// gathered from both source columns, and each channel's two bytes are paired with the two
// 16-bit weights, so one multiply-add of pairs gives w0 p0 + w1 p1 exactly (all factors are
// below 2^15).
__attribute__((target("avx2")))
static void horizontal_planar_avx2(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                                   const int32_t *weight0, const int32_t *weight1, int count, int32_t *out, int stride) {
    const __m256i low = _mm256_set1_epi32(0xFF), high = _mm256_set1_epi32(0xFF0000);
    int d = 0;
    for (; d + 8 <= count; d += 8) {
        __m256i g0 = _mm256_i32gather_epi32((const int *)src, _mm256_loadu_si256((const __m256i *)(offset0 + d)), 1);
        __m256i g1 = _mm256_i32gather_epi32((const int *)src, _mm256_loadu_si256((const __m256i *)(offset1 + d)), 1);
        __m256i w = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(weight0 + d)),
                                    _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(weight1 + d)), 16));
        __m256i r = _mm256_or_si256(_mm256_and_si256(g0, low), _mm256_and_si256(_mm256_slli_epi32(g1, 16), high));
        __m256i g = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(g0, 8), low), _mm256_and_si256(_mm256_slli_epi32(g1, 8), high));
        __m256i b = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(g0, 16), low), _mm256_and_si256(g1, high));
        _mm256_storeu_si256((__m256i *)(out + d), _mm256_madd_epi16(r, w));
        _mm256_storeu_si256((__m256i *)(out + stride + d), _mm256_madd_epi16(g, w));
        _mm256_storeu_si256((__m256i *)(out + 2 * stride + d), _mm256_madd_epi16(b, w));
    }
    horizontal_planar_scalar(src, offset0, offset1, weight0, weight1, d, count, out, stride);
}

__attribute__((target("avx2")))
static void vertical_float_avx2(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, float *out) {
    __m256i vb0 = _mm256_set1_epi32(b0), vb1 = _mm256_set1_epi32(b1);
    const __m256i zero = _mm256_setzero_si256(), top = _mm256_set1_epi32(255);
    int i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256i v = _mm256_min_epi32(_mm256_max_epi32(vertical_vector(h0 + i, h1 + i, vb0, vb1), zero), top);
        _mm256_storeu_ps(out + i, _mm256_cvtepi32_ps(v));
    }
    for (; i < count; i++) out[i] = (float)vertical_value(h0[i], h1[i], b0, b1);
}

// 32 pixels (96 bytes, three registers) at a time: per register and channel, a mask keeps
// that channel's bytes and a sum of absolute differences against zero adds them up in four
// 64-bit lanes.
__attribute__((target("avx2")))
static size_t channel_sums_avx2(const uint8_t *pixels, size_t count, uint64_t sums[3]) {
    __m256i acc[3] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
    __m256i masks[3][3];
    for (int j = 0; j < 3; j++) {
        for (int c = 0; c < 3; c++) {
            uint8_t bytes[32];
            for (int b = 0; b < 32; b++) bytes[b] = (32 * j + b) % 3 == c ? 0xFF : 0;
            masks[j][c] = _mm256_loadu_si256((const __m256i *)bytes);
        }
    }
    const __m256i zero = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        const uint8_t *p = pixels + 3 * i;
        for (int j = 0; j < 3; j++) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * j));
            for (int c = 0; c < 3; c++)
                acc[c] = _mm256_add_epi64(acc[c], _mm256_sad_epu8(_mm256_and_si256(v, masks[j][c]), zero));
        }
    }
    for (int c = 0; c < 3; c++) {
        uint64_t lanes[4];
        _mm256_storeu_si256((__m256i *)lanes, acc[c]);
        sums[c] += lanes[0] + lanes[1] + lanes[2] + lanes[3];
    }
    return i;
}

// Atomics: tests flip the switch while other tests resize on other threads.
static int force_portable = 0;

static int have_avx2(void) {
    return __builtin_cpu_supports("avx2") && !__atomic_load_n(&force_portable, __ATOMIC_RELAXED);
}
#endif

void sfc_image_kernels_force_portable(int force) {
#ifdef SFC_X86
    __atomic_store_n(&force_portable, force, __ATOMIC_RELAXED);
#else
    (void)force;
#endif
}

void sfc_resize_horizontal_rgb(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                               const int32_t *weight0, const int32_t *weight1, int count, int32_t *out) {
#ifdef SFC_X86
    if (have_avx2()) { horizontal_avx2(src, offset0, offset1, weight0, weight1, count, out); return; }
#endif
    horizontal_scalar(src, offset0, offset1, weight0, weight1, count, out);
}

void sfc_resize_vertical(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, uint8_t *out) {
#ifdef SFC_X86
    if (have_avx2()) { vertical_avx2(h0, h1, b0, b1, count, out); return; }
#endif
    vertical_scalar(h0, h1, b0, b1, count, out);
}

void sfc_resize_horizontal_planar(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                                  const int32_t *weight0, const int32_t *weight1, int count, int32_t *out, int stride) {
#ifdef SFC_X86
    if (have_avx2()) { horizontal_planar_avx2(src, offset0, offset1, weight0, weight1, count, out, stride); return; }
#endif
    horizontal_planar_scalar(src, offset0, offset1, weight0, weight1, 0, count, out, stride);
}

void sfc_resize_vertical_float(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, float *out) {
#ifdef SFC_X86
    if (have_avx2()) { vertical_float_avx2(h0, h1, b0, b1, count, out); return; }
#endif
    for (int i = 0; i < count; i++) out[i] = (float)vertical_value(h0[i], h1[i], b0, b1);
}

void sfc_rgb_channel_sums(const uint8_t *pixels, size_t count, uint64_t sums[3]) {
    sums[0] = sums[1] = sums[2] = 0;
    size_t i = 0;
#ifdef SFC_X86
    if (have_avx2()) i = channel_sums_avx2(pixels, count, sums);
#endif
    for (; i < count; i++) {
        sums[0] += pixels[3 * i];
        sums[1] += pixels[3 * i + 1];
        sums[2] += pixels[3 * i + 2];
    }
}
