#ifndef SIAMFC_IMAGE_SHIM_H
#define SIAMFC_IMAGE_SHIM_H

#include <stddef.h>
#include <stdint.h>

// libjpeg and libpng report fatal errors by longjmp, which Swift cannot catch. Every function
// here keeps its setjmp and all library calls inside C and reports failure as a return code
// plus a message, so a corrupt file becomes a Swift error instead of exit() or a crash.

#define SFC_MESSAGE_CAPACITY 256

// What made a decoder fail, decided where the failure happens, so that callers never have to
// interpret a library's message text.
typedef enum {
    SFC_ERROR_NONE = 0,
    SFC_ERROR_CORRUPT,        // the library rejected the data
    SFC_ERROR_TRUNCATED,      // the data ends before the image does
    SFC_ERROR_TOO_LARGE,      // the header's size is over max_pixels (or empty)
    SFC_ERROR_UNSUPPORTED,    // well-formed, but a layout the shim does not decode
    SFC_ERROR_OUT_OF_MEMORY,
} sfc_error_kind;

typedef struct sfc_jpeg_decoder sfc_jpeg_decoder;

typedef struct {
    uint32_t width;
    uint32_t height;
    int components;        // 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK
    int progressive;
    int warnings;          // non-fatal warnings seen so far
    sfc_error_kind error;  // set on failure
    char message[SFC_MESSAGE_CAPACITY];  // the error, or the last warning
} sfc_jpeg_info;

// Reads the header. Returns NULL on failure with info->error and info->message set. Images over
// max_pixels are rejected here, before any large allocation.
sfc_jpeg_decoder *sfc_jpeg_open(const uint8_t *data, size_t size, uint64_t max_pixels,
                                sfc_jpeg_info *info);
// Decodes into width*height*3 bytes of RGB. Returns 0 on success, else sets info->error.
int sfc_jpeg_read_rgb(sfc_jpeg_decoder *decoder, uint8_t *rgb, sfc_jpeg_info *info);
void sfc_jpeg_close(sfc_jpeg_decoder *decoder);

typedef enum {
    SFC_JPEG_GRAY = 1,
    SFC_JPEG_RGB = 3,   // stored as YCbCr
    SFC_JPEG_CMYK = 4,  // stored as CMYK (Adobe marker)
    SFC_JPEG_YCCK = 5,  // CMYK input stored as YCCK (Adobe marker)
} sfc_jpeg_layout;

// Encodes `components`-channel interleaved pixels. On success returns 0 and a malloc'd buffer
// in *out (free with sfc_free).
int sfc_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                    sfc_jpeg_layout layout, int quality, int progressive,
                    uint8_t **out, size_t *out_size, char *message);

typedef struct sfc_png_decoder sfc_png_decoder;

typedef struct {
    uint32_t width;
    uint32_t height;
    int color_type;   // PNG_COLOR_TYPE_*
    int bit_depth;
    int interlaced;
    int warnings;
    sfc_error_kind error;  // set on failure
    char message[SFC_MESSAGE_CAPACITY];
} sfc_png_info;

// Reads the header, as sfc_jpeg_open does.
sfc_png_decoder *sfc_png_open(const uint8_t *data, size_t size, uint64_t max_pixels,
                              sfc_png_info *info);
// Decodes into width*height*3 bytes of RGB: gray is replicated, palettes expanded, 16-bit
// scaled to 8, alpha dropped. Returns 0 on success, else sets info->error.
int sfc_png_read_rgb(sfc_png_decoder *decoder, uint8_t *rgb, sfc_png_info *info);
void sfc_png_close(sfc_png_decoder *decoder);

// Encodes rows of `color_type`/`bit_depth` samples (16-bit samples big-endian, as PNG stores
// them). `palette` holds palette_size RGB triples for palette images. compression 0...9.
int sfc_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int color_type,
                   int bit_depth, int interlaced, const uint8_t *palette, int palette_size,
                   int compression, uint8_t **out, size_t *out_size, char *message);

void sfc_free(void *pointer);

#endif
