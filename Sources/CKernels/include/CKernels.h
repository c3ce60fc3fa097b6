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
//   out[o][oy*ow + ox] = act(bias[o] + sum_k packed(W)[o][k] * input[offsets[k] + oy*row_step + ox])
// (bias may be NULL; activation is an SFC_ACTIVATION_* value, 0 and 1 being none and ReLU).
// offsets[k] locates tap k (channel, kernel row, kernel column) for output (0, 0); row_step is
// the input distance between consecutive output rows; consecutive output columns read
// consecutive input floats (stride 1, or stride 2 on the phase-split input). out has
// out_plane floats per output channel. The im2col matrix is never built. portable = 1 runs the
// plain C loops whatever the CPU (for tests).
void sfc_conv_rows(int m, int k, const float *packed, const float *input, const int *offsets, int row_step,
                   int oy0, int oy1, int ow, const float *bias, int activation, float *out, int out_plane,
                   int portable);

// A 1x1 convolution (stride 1, no padding) on one image, for the panels panel0 ..< panel1 of
// the packed weights (output channels 6 panel0 ..< min(m, 6 panel1)) and the pixels p0 ..< p1:
//   out[o][p] = act(bias[o] + sum_k packed(W)[o][k] * x[k][p]) + residual[o][p]
// where x[k][p] = input_act(input[k][p] * input_scale[k]) when input_scale is given (a channel
// scaling and its activation fused in; needs k <= 512), input[k][p] otherwise. input, residual
// and out have `plane` floats per channel; bias and residual may be NULL.
void sfc_pointwise_conv(int k, const float *packed, int panel0, int panel1, int m, const float *input,
                        const float *input_scale, int input_activation, int plane, int p0, int p1, const float *bias,
                        int activation, const float *residual, float *out, int portable);

// Rows iy0 ..< iy0 + rows of the zero-padded image (padded rows outside the image are zero) of
// `channels` planes of height x width, each padded row stored split into `stride` phases of
// sfc_padded_row_length(width, padding, stride) / stride floats (phase q holds padded columns
// q, q + stride, ...): the input layout of sfc_conv_rows for a padded, strided convolution.
// out has rows * sfc_padded_row_length floats per channel.
size_t sfc_padded_row_length(int width, int padding, int stride);
void sfc_padded_rows(const float *input, int channels, int height, int width, int padding, int stride, int iy0,
                     int rows, float *out, int portable);

// Element-wise kernels of planned inference, AVX2 when available (portable = 0), with the same
// rounding as the plain loops. out may be an input.
// out[i] = act(a[i] + b[i]).
void sfc_add(const float *a, const float *b, size_t count, int activation, float *out, int portable);
// out[c * plane + i] = act(x[c * plane + i] * scale[c]) for c in 0 ..< channels.
void sfc_scale_channels(const float *x, const float *scale, int channels, size_t plane, int activation, float *out,
                        int portable);
// out[i] = act(x[i]).
void sfc_activate(const float *x, size_t count, int activation, float *out, int portable);
// out[i] = 1 / (1 + exp(-x[i])), rounded as OpenCV 5's dnn rounds it (its polynomial exp).
void sfc_sigmoid(const float *x, size_t count, float *out, int portable);

// y[j] = sum_i x[i] * w[j * k + i] for j < n (w is n x k, one row per output), each a chain of
// fused multiply-adds from zero in i order: the matrix-vector products of squeeze-and-excitation
// layers, too small for BLAS's call overhead.
void sfc_matvec(int n, int k, const float *w, const float *x, float *y, int portable);

// out[p] = (sum of the `count` floats of plane p, added one after the other from zero) / count,
// for p < planes (planes consecutive): global average pooling in OpenCV 5's dnn order.
void sfc_plane_means(const float *x, int planes, size_t count, float *out, int portable);

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
// stride 2), so consecutive output columns read consecutive floats; the vector kernel leaves it
// alone for 3x3 and 5x5 kernels at stride 1 with "same" padding on rows of a multiple of 8
// floats, which it reads in place. Each output is one chain of fused multiply-adds in (ky, kx)
// order from zero, the bias added last, as OpenCV 5's dnn computes it.
void sfc_depthwise_plane(const float *input, int height, int width, const float *weight, int kernel, int stride,
                         int padding, float bias, int activation, float *out, float *scratch);

// The portable loops of sfc_depthwise_plane, on every CPU (for tests against the vector kernel).
void sfc_depthwise_plane_portable(const float *input, int height, int width, const float *weight, int kernel,
                                  int stride, int padding, float bias, int activation, float *out, float *scratch);

#endif
