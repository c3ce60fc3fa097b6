#ifndef SIAMFC_DEPTHWISE_BACKWARD_H
#define SIAMFC_DEPTHWISE_BACKWARD_H

#include <stddef.h>

// The gradient of a depthwise convolution (one filter per channel, square kernel, zero padding,
// stride 1 or 2), one (image, channel) plane at a time, for training light networks.

// Floats of scratch sfc_depthwise_backward_plane needs for a plane of height x width.
size_t sfc_depthwise_backward_scratch_size(int height, int width, int kernel, int stride, int padding);

// For one plane: adds the weight gradient (kernel x kernel, grad_weight[ky * kernel + kx] +=
// sum over outputs of grad_out * input at that tap) and, when grad_input is not NULL, writes the
// input gradient (height x width). grad_out is oh x ow with oh = (height + 2 padding - kernel) /
// stride + 1, ow likewise. The weight gradient reads the input from a zero-padded copy (rows split
// into even and odd columns for stride 2) so that every tap reads consecutive floats; the input
// gradient is the transposed convolution, run on sfc_depthwise_plane with the flipped filter.
// vector = 1 uses AVX2/FMA (only where sfc_depthwise_backward_available() is 1); 0 runs the
// portable loops.
void sfc_depthwise_backward_plane(const float *input, const float *grad_out, int height, int width, const float *weight,
                                  int kernel, int stride, int padding, float *grad_input, float *grad_weight,
                                  float *scratch, int vector);

// 1 when sfc_depthwise_backward_plane can run its AVX2/FMA loops on this CPU.
int sfc_depthwise_backward_available(void);

#endif
