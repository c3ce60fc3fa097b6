#ifndef SIAMFC_KERNELS_H
#define SIAMFC_KERNELS_H

#include <stddef.h>

// Convolution kernels for layers with few output channels per group, where BLAS would spend as
// long copying ("packing") its operands as multiplying them.

// 1 when this CPU runs the vectorised kernel (x86-64 with AVX2 and FMA), 0 otherwise (a plain C
// version then does the same work, slowly).
int sfc_small_gemm_available(void);

// Floats needed to pack the weights (m x k): whole 6-row panels.
size_t sfc_small_gemm_packed_size(int m, int k);

// Packs the weights (m x k, leading dimension lda) into 6-row panels, k-major, rows past m zero.
void sfc_small_gemm_pack(int m, int k, const float *a, int lda, float *packed);

// Convolution without padding as an implicit GEMM, for output rows oy0 ..< oy1 of one group:
//   out[o][oy*ow + ox] = bias[o] + sum_k packed(W)[o][k] * input[offsets[k] + oy*row_step + ox]
// (bias may be NULL; with relu, negative results are stored as 0).
// offsets[k] locates tap k (channel, kernel row, kernel column) for output (0, 0); row_step is
// the input distance between consecutive output rows; consecutive output columns read
// consecutive input floats (stride 1, or stride 2 on the phase-split input). out has
// out_plane floats per output channel. The im2col matrix is never built.
void sfc_conv_rows(int m, int k, const float *packed, const float *input, const int *offsets, int row_step,
                   int oy0, int oy1, int ow, const float *bias, int relu, float *out, int out_plane);

// Depthwise convolution (one filter per channel), square kernel, zero padding, stride 1 or 2
// (other strides work through the generic path), a bias and an activation fused into the store.

// Activations fused into the depthwise kernel's store: none, max(v, 0), min(max(v, 0), 6), and
// v * min(max(v + 3, 0), 6) / 6.
enum {
    SFC_ACTIVATION_NONE = 0,
    SFC_ACTIVATION_RELU = 1,
    SFC_ACTIVATION_RELU6 = 2,
    SFC_ACTIVATION_HARDSWISH = 3,
};

// 1 when sfc_depthwise_plane runs the AVX2/FMA kernel (8 output columns per register, separate
// stride-1 and stride-2 instances), 0 when it runs the portable loops.
int sfc_depthwise_available(void);

// Floats of scratch sfc_depthwise_plane needs for one plane of height x width.
size_t sfc_depthwise_scratch_size(int height, int width, int kernel, int stride, int padding);

// One channel: out (oh x ow, row-major, oh = (height + 2 padding - kernel) / stride + 1, ow
// likewise) = activation(bias + sum over taps of weight[ky * kernel + kx] * padded input).
// scratch holds sfc_depthwise_scratch_size floats: the zero-padded plane (phase-split rows for
// stride 2), so consecutive output columns read consecutive floats.
void sfc_depthwise_plane(const float *input, int height, int width, const float *weight, int kernel, int stride,
                         int padding, float bias, int activation, float *out, float *scratch);

// The portable loops of sfc_depthwise_plane, on every CPU (for tests against the vector kernel).
void sfc_depthwise_plane_portable(const float *input, int height, int width, const float *weight, int kernel,
                                  int stride, int padding, float bias, int activation, float *out, float *scratch);

#endif
