#include "depthwise_backward.h"
#include "CKernels.h"

#include <string.h>

// The weight gradient is a sum per tap of dy times the input shifted to that tap; the input
// gradient is the transposed convolution: for padding p < kernel, the forward depthwise kernel
// (sfc_depthwise_plane, AVX2) run with the flipped filter on dy, zero-padded by kernel - 1 - p and,
// for stride 2, with a zero between consecutive values (plus one more row and column at the
// bottom right when the forward pass dropped the input's last row and column).
//
// Layout: the padded plane has (height + 2 padding) rows of row_length floats. For stride 1 a row
// is the padded row; for stride 2 it is the padded row's even columns (half floats) followed by
// its odd columns, so the taps of consecutive output columns are consecutive floats: padded
// column ox * stride + kx is at phase (kx % stride) * half + ox + kx / stride.

static int padded_width(int width, int padding) { return width + 2 * padding; }
static int half_width(int width, int padding) { return (padded_width(width, padding) + 1) / 2; }
static int row_length(int width, int stride, int padding) {
    return stride == 1 ? padded_width(width, padding) : 2 * half_width(width, padding);
}

// Side of the stride-2 gradient spread out with zeros and padded for the transposed convolution.
static int spread_side(int out, int size, int kernel, int padding) {
    int q = kernel - 1 - padding, r = (size + 2 * padding - kernel) % 2;
    return 2 * out - 1 + 2 * q + r;
}

// Whether the input gradient runs as the transposed convolution on the forward kernel (else by
// scattering into a padded plane); scratch sizes and the computation must agree on it.
static int transposed_applies(int kernel, int stride, int padding) {
    return padding < kernel && kernel <= 8 && (stride == 1 || stride == 2);
}

size_t sfc_depthwise_backward_scratch_size(int height, int width, int kernel, int stride, int padding) {
    size_t plane = (size_t)(height + 2 * padding) * (size_t)row_length(width, stride, padding);
    int oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1;
    if (oh <= 0 || ow <= 0) return 1;
    size_t transposed = plane;  // the fallback: the padded input gradient
    if (transposed_applies(kernel, stride, padding) && stride == 1) {
        transposed = sfc_depthwise_scratch_size(oh, ow, kernel, 1, kernel - 1 - padding);
    } else if (transposed_applies(kernel, stride, padding)) {
        int sh = spread_side(oh, height, kernel, padding), sw = spread_side(ow, width, kernel, padding);
        transposed = (size_t)sh * (size_t)sw + sfc_depthwise_scratch_size(sh, sw, kernel, 1, 0);
    }
    // The padded input (weight gradient), then the input gradient's scratch.
    return plane + transposed;
}

// Offset in a layout row of padded column c.
static int column_offset(int c, int stride, int half) { return stride == 1 ? c : (c % 2) * half + c / 2; }

static void pad_input(const float *input, int height, int width, int stride, int padding, float *plane) {
    int rs = row_length(width, stride, padding), half = half_width(width, padding);
    memset(plane, 0, sizeof(float) * (size_t)(height + 2 * padding) * (size_t)rs);
    for (int y = 0; y < height; y++) {
        float *row = plane + (size_t)(y + padding) * (size_t)rs;
        const float *source = input + (size_t)y * (size_t)width;
        if (stride == 1) {
            memcpy(row + padding, source, sizeof(float) * (size_t)width);
        } else {
            for (int x = 0; x < width; x++) row[column_offset(x + padding, 2, half)] = source[x];
        }
    }
}

// Copies the interior of the padded gradient plane back into height x width.
static void unpad_gradient(const float *plane, int height, int width, int stride, int padding, float *grad_input) {
    int rs = row_length(width, stride, padding), half = half_width(width, padding);
    for (int y = 0; y < height; y++) {
        const float *row = plane + (size_t)(y + padding) * (size_t)rs;
        float *target = grad_input + (size_t)y * (size_t)width;
        if (stride == 1) {
            memcpy(target, row + padding, sizeof(float) * (size_t)width);
        } else {
            for (int x = 0; x < width; x++) target[x] = row[column_offset(x + padding, 2, half)];
        }
    }
}

static void axpy_scalar(float alpha, const float *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] += alpha * x[i];
}

// grad_weight[tap] += sum over oy, ox of dy[oy][ox] * padded[oy * stride + ky][tap column + ox].
static void weight_gradient_scalar(const float *padded, int rs, int half, const float *dy, int oh, int ow, int kernel,
                                   int stride, float *grad_weight) {
    for (int ky = 0; ky < kernel; ky++) {
        for (int kx = 0; kx < kernel; kx++) {
            int column = column_offset(kx, stride, half);
            float total = 0.0f;
            for (int oy = 0; oy < oh; oy++) {
                const float *a = dy + (size_t)oy * (size_t)ow, *b = padded + (size_t)(oy * stride + ky) * (size_t)rs + column;
                for (int ox = 0; ox < ow; ox++) total += a[ox] * b[ox];
            }
            grad_weight[ky * kernel + kx] += total;
        }
    }
}

typedef void (*weight_gradient_fn)(const float *, int, int, const float *, int, int, int, int, float *);
typedef void (*plane_fn)(const float *, int, int, const float *, int, int, int, float, int, float *, float *);

// The input gradient by scattering dy into a padded plane (any padding), for the cases the
// transposed convolution below does not take.
static void input_gradient_scatter(const float *grad_out, int oh, int ow, int height, int width, const float *weight,
                                   int kernel, int stride, int padding, float *grad_input, float *gradient) {
    int rs = row_length(width, stride, padding), half = half_width(width, padding);
    memset(gradient, 0, sizeof(float) * (size_t)(height + 2 * padding) * (size_t)rs);
    for (int oy = 0; oy < oh; oy++) {
        const float *dy = grad_out + (size_t)oy * (size_t)ow;
        for (int ky = 0; ky < kernel; ky++) {
            float *row = gradient + (size_t)(oy * stride + ky) * (size_t)rs;
            for (int kx = 0; kx < kernel; kx++) axpy_scalar(weight[ky * kernel + kx], dy, row + column_offset(kx, stride, half), ow);
        }
    }
    unpad_gradient(gradient, height, width, stride, padding, grad_input);
}

// The input gradient as a stride-1 forward depthwise convolution with the flipped filter.
static void input_gradient_transposed(const float *grad_out, int oh, int ow, int height, int width, const float *weight,
                                      int kernel, int stride, int padding, float *grad_input, float *scratch, plane_fn plane) {
    float flipped[64];
    for (int i = 0; i < kernel * kernel; i++) flipped[i] = weight[kernel * kernel - 1 - i];
    int q = kernel - 1 - padding;
    if (stride == 1) {
        plane(grad_out, oh, ow, flipped, kernel, 1, q, 0.0f, SFC_ACTIVATION_NONE, grad_input, scratch);
        return;
    }
    int sh = spread_side(oh, height, kernel, padding), sw = spread_side(ow, width, kernel, padding);
    float *spread = scratch;
    memset(spread, 0, sizeof(float) * (size_t)sh * (size_t)sw);
    for (int oy = 0; oy < oh; oy++) {
        const float *source = grad_out + (size_t)oy * (size_t)ow;
        float *row = spread + (size_t)(q + 2 * oy) * (size_t)sw + q;
        for (int ox = 0; ox < ow; ox++) row[2 * ox] = source[ox];
    }
    plane(spread, sh, sw, flipped, kernel, 1, 0, 0.0f, SFC_ACTIVATION_NONE, grad_input, spread + (size_t)sh * (size_t)sw);
}

static void backward_plane(const float *input, const float *grad_out, int height, int width, const float *weight,
                           int kernel, int stride, int padding, float *grad_input, float *grad_weight, float *scratch,
                           weight_gradient_fn weight_gradient, plane_fn plane) {
    int oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1;
    if (oh <= 0 || ow <= 0) return;
    int rs = row_length(width, stride, padding), half = half_width(width, padding);
    size_t plane_size = (size_t)(height + 2 * padding) * (size_t)rs;
    pad_input(input, height, width, stride, padding, scratch);
    weight_gradient(scratch, rs, half, grad_out, oh, ow, kernel, stride, grad_weight);
    if (!grad_input) return;
    if (transposed_applies(kernel, stride, padding)) {
        input_gradient_transposed(grad_out, oh, ow, height, width, weight, kernel, stride, padding, grad_input,
                                  scratch + plane_size, plane);
    } else {
        input_gradient_scatter(grad_out, oh, ow, height, width, weight, kernel, stride, padding, grad_input,
                               scratch + plane_size);
    }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

int sfc_depthwise_backward_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// Each tap keeps one vector of partial sums over all its rows; the lanes are added in a fixed
// order at the end, so results depend on nothing but the data.
__attribute__((target("avx2,fma")))
static void weight_gradient_avx2(const float *padded, int rs, int half, const float *dy, int oh, int ow, int kernel,
                                 int stride, float *grad_weight) {
    int vectors = ow / 8 * 8;
    for (int ky = 0; ky < kernel; ky++) {
        for (int kx = 0; kx < kernel; kx++) {
            int column = column_offset(kx, stride, half);
            __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
            float tail = 0.0f;
            for (int oy = 0; oy < oh; oy++) {
                const float *a = dy + (size_t)oy * (size_t)ow, *b = padded + (size_t)(oy * stride + ky) * (size_t)rs + column;
                int ox = 0;
                for (; ox + 16 <= vectors; ox += 16) {
                    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + ox), _mm256_loadu_ps(b + ox), acc0);
                    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + ox + 8), _mm256_loadu_ps(b + ox + 8), acc1);
                }
                if (ox < vectors) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + ox), _mm256_loadu_ps(b + ox), acc0);
                for (ox = vectors; ox < ow; ox++) tail += a[ox] * b[ox];
            }
            __m256 acc = _mm256_add_ps(acc0, acc1);
            __m128 sum = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
            sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
            sum = _mm_add_ss(sum, _mm_shuffle_ps(sum, sum, 1));
            grad_weight[ky * kernel + kx] += _mm_cvtss_f32(sum) + tail;
        }
    }
}

void sfc_depthwise_backward_plane(const float *input, const float *grad_out, int height, int width, const float *weight,
                                  int kernel, int stride, int padding, float *grad_input, float *grad_weight,
                                  float *scratch, int vector) {
    // The caller passes vector = 1 only where sfc_depthwise_backward_available() said so.
    if (vector) {
        backward_plane(input, grad_out, height, width, weight, kernel, stride, padding, grad_input, grad_weight, scratch,
                       weight_gradient_avx2, sfc_depthwise_plane);
    } else {
        backward_plane(input, grad_out, height, width, weight, kernel, stride, padding, grad_input, grad_weight, scratch,
                       weight_gradient_scalar, sfc_depthwise_plane_portable);
    }
}

#else

int sfc_depthwise_backward_available(void) { return 0; }

void sfc_depthwise_backward_plane(const float *input, const float *grad_out, int height, int width, const float *weight,
                                  int kernel, int stride, int padding, float *grad_input, float *grad_weight,
                                  float *scratch, int vector) {
    (void)vector;
    backward_plane(input, grad_out, height, width, weight, kernel, stride, padding, grad_input, grad_weight, scratch,
                   weight_gradient_scalar, sfc_depthwise_plane_portable);
}

#endif
