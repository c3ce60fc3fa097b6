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

// The logistic function as OpenCV 5's dnn computes it: 1 / (1 + e) with e = exp(-x) from its
// vector exponential (Cephes' single-precision polynomial on x − n·ln 2, scaled by 2^n built in
// the exponent bits), every step rounded as there. A correctly rounded expf differs in the last
// bit now and then, which NanoTrack's channel-attention gates pass on to the boxes. The scalar
// form performs the same operations (fmaf rounds once everywhere).
#define SFC_EXP_LO (-88.3762626647949f)
#define SFC_EXP_HI 89.0f
#define SFC_LOG2E 1.44269504088896341f
#define SFC_LN2_HI (-6.93359375E-1f)
#define SFC_LN2_LO 2.12194440E-4f
static const float sfc_exp_poly[6] = {1.9875691500E-4f, 1.3981999507E-3f, 8.3334519073E-3f,
                                      4.1665795894E-2f, 1.6666665459E-1f, 5.0000001201E-1f};

static inline float sigmoid1(float x) {
    float v = 0.0f - x;
    if (v != v) return v;
    v = v < SFC_EXP_LO ? SFC_EXP_LO : v;
    v = v > SFC_EXP_HI ? SFC_EXP_HI : v;
    float n = floorf(fmaf(v, SFC_LOG2E, 0.5f));
    int m = (int)n;
    float r = fmaf(n, SFC_LN2_HI, v);
    r = fmaf(n, SFC_LN2_LO, r);
    float rr = r * r;
    float y = fmaf(r, sfc_exp_poly[0], sfc_exp_poly[1]);
    for (int i = 2; i < 6; i++) y = fmaf(y, r, sfc_exp_poly[i]);
    y = fmaf(y, rr, r) + 1.0f;
    union { unsigned int u; float f; } scale = {(unsigned int)(m + 127) << 23};
    return 1.0f / (1.0f + y * scale.f);
}

#if defined(__x86_64__) || defined(_M_X64)
__attribute__((target("avx2,fma")))
static size_t sigmoid_avx2(const float *x, size_t count, float *out) {
    size_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= count; i += 8) {
        __m256 in = _mm256_loadu_ps(x + i);
        __m256 v = _mm256_sub_ps(_mm256_setzero_ps(), in);
        __m256 c = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(SFC_EXP_LO)), _mm256_set1_ps(SFC_EXP_HI));
        __m256i m = _mm256_cvtps_epi32(_mm256_floor_ps(_mm256_fmadd_ps(c, _mm256_set1_ps(SFC_LOG2E), _mm256_set1_ps(0.5f))));
        __m256 n = _mm256_cvtepi32_ps(m);
        __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(SFC_LN2_HI), c);
        r = _mm256_fmadd_ps(n, _mm256_set1_ps(SFC_LN2_LO), r);
        __m256 rr = _mm256_mul_ps(r, r);
        __m256 y = _mm256_fmadd_ps(r, _mm256_set1_ps(sfc_exp_poly[0]), _mm256_set1_ps(sfc_exp_poly[1]));
        for (int k = 2; k < 6; k++) y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(sfc_exp_poly[k]));
        y = _mm256_add_ps(_mm256_fmadd_ps(y, rr, r), one);
        __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(m, _mm256_set1_epi32(127)), 23));
        __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, _mm256_mul_ps(y, scale)));
        // NaN in, NaN out (the clamps above would have made it finite).
        _mm256_storeu_ps(out + i, _mm256_blendv_ps(s, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
    }
    return i;
}
#endif

void sfc_sigmoid(const float *x, size_t count, float *out, int portable) {
    for (size_t i = SFC_VECTOR(sigmoid_avx2(x, count, out)); i < count; i++) out[i] = sigmoid1(x[i]);
}
