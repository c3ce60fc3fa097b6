#ifndef SIAMFC_IMAGE_KERNELS_H
#define SIAMFC_IMAGE_KERNELS_H

#include <stdint.h>

// The two passes of the 8-bit fixed-point bilinear resize (FixedPointResize in SiamFCImageIO),
// with AVX2 chosen at run time and a portable fallback; both give the same bits.

// Horizontal pass over one source row of RGB bytes: for each output pixel d and channel c,
// out[3d + c] = weight0[d] * src[offset0[d] + c] + weight1[d] * src[offset1[d] + c].
// `src` must have one readable byte after its last pixel and `out` one writable value after
// its last (the vector path loads and stores four channels where it needs three).
void sfc_resize_horizontal_rgb(const uint8_t *src, const int32_t *offset0, const int32_t *offset1,
                               const int32_t *weight0, const int32_t *weight1, int count, int32_t *out);

// Vertical pass: out[i] = clamp(((b0 * (h0[i] >> 4)) >> 16) + ((b1 * (h1[i] >> 4)) >> 16) + 2) >> 2.
void sfc_resize_vertical(const int32_t *h0, const int32_t *h1, int32_t b0, int32_t b1, int count, uint8_t *out);

// Tests: 1 makes both passes take the portable path, 0 restores the run-time choice.
void sfc_image_kernels_force_portable(int force);

#endif
