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

#endif
