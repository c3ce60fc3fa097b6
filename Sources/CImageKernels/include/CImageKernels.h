#ifndef SIAMFC_IMAGE_KERNELS_H
#define SIAMFC_IMAGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

// The passes of the 8-bit fixed-point bilinear resize (FixedPointResize in SiamFCImageIO) and
// the channel sums of an image, with AVX2 chosen at run time and a portable fallback; both give
// the same bits.

// Horizontal pass over one source row of RGB bytes: for each output pixel d and channel c,
// out[3d + c] = weight0[d] * src[offset0[d] + c] + weight1[d] * src[offset1[d] + c].
// `src` must have one readable byte after its last pixel and `out` one writable value after
// its last (the vector path loads and stores four channels where it needs three).
void sfc_resize_horizontal_rgb(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                               const int32_t *weight0, const int32_t *weight1, int count, int32_t *out);

// Vertical pass: out[i] = clamp(((b0 * (h0[i] >> 4)) >> 16) + ((b1 * (h1[i] >> 4)) >> 16) + 2) >> 2.
void sfc_resize_vertical(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, uint8_t *out);

// The two passes for planar output (a network's input tensor). Horizontal: the same sums as
// sfc_resize_horizontal_rgb, written as three planes `stride` values apart (R at out, G at
// out + stride, B at out + 2 stride); `src` needs one readable byte after its last pixel.
void sfc_resize_horizontal_planar(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                                  const int32_t *weight0, const int32_t *weight1, int count, int32_t *out, int stride);

// Vertical, as sfc_resize_vertical, with each clamped byte value stored as a float.
void sfc_resize_vertical_float(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, float *out);

// The sums of the R, G and B bytes of `count` interleaved RGB pixels (sums[0], [1], [2]).
void sfc_rgb_channel_sums(const uint8_t *pixels, size_t count, uint64_t sums[3]);

// Tests: 1 makes every kernel here take the portable path, 0 restores the run-time choice.
void sfc_image_kernels_force_portable(int force);

#endif
