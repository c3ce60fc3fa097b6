#include "CImageShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int warnings;
    sfc_error_kind kind;  // why the last longjmp happened
    char message[SFC_MESSAGE_CAPACITY];
} sfc_jpeg_error;

struct sfc_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    sfc_jpeg_error error;
};

static void sfc_jpeg_error_exit(j_common_ptr cinfo) {
    sfc_jpeg_error *error = (sfc_jpeg_error *)cinfo->err;
    error->kind = cinfo->err->msg_code == JERR_OUT_OF_MEMORY ? SFC_ERROR_OUT_OF_MEMORY : SFC_ERROR_CORRUPT;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

static void sfc_jpeg_emit_message(j_common_ptr cinfo, int level) {
    sfc_jpeg_error *error = (sfc_jpeg_error *)cinfo->err;
    if (level >= 0) return;  // trace messages
    // libjpeg treats a file that ends early as a warning and pads the image with gray. For a
    // tracker that is silent data corruption, so a premature end of file is fatal here.
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
        error->kind = SFC_ERROR_TRUNCATED;
        snprintf(error->message, SFC_MESSAGE_CAPACITY, "truncated JPEG (premature end of file)");
        longjmp(error->jump, 1);
    }
    error->warnings += 1;
    (*cinfo->err->format_message)(cinfo, error->message);
}

static void sfc_jpeg_install_errors(sfc_jpeg_error *error, struct jpeg_error_mgr **slot) {
    *slot = jpeg_std_error(&error->base);
    error->base.error_exit = sfc_jpeg_error_exit;
    error->base.emit_message = sfc_jpeg_emit_message;
    error->warnings = 0;
    error->kind = SFC_ERROR_NONE;
    error->message[0] = 0;
}

static void sfc_copy_message(char *dst, const char *src) {
    snprintf(dst, SFC_MESSAGE_CAPACITY, "%s", src);
}

sfc_jpeg_decoder *sfc_jpeg_open(const uint8_t *data, size_t size, uint64_t max_pixels,
                                sfc_jpeg_info *info) {
    memset(info, 0, sizeof(*info));
    sfc_jpeg_decoder *decoder = calloc(1, sizeof(sfc_jpeg_decoder));
    if (!decoder) {
        info->error = SFC_ERROR_OUT_OF_MEMORY;
        sfc_copy_message(info->message, "out of memory");
        return NULL;
    }
    sfc_jpeg_install_errors(&decoder->error, &decoder->cinfo.err);
    if (setjmp(decoder->error.jump)) {
        info->error = decoder->error.kind;
        sfc_copy_message(info->message, decoder->error.message);
        jpeg_destroy_decompress(&decoder->cinfo);
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->cinfo);
    jpeg_mem_src(&decoder->cinfo, data, (unsigned long)size);
    jpeg_read_header(&decoder->cinfo, TRUE);

    struct jpeg_decompress_struct *c = &decoder->cinfo;
    info->width = c->image_width;
    info->height = c->image_height;
    info->components = c->num_components;
    info->progressive = c->progressive_mode ? 1 : 0;
    if (c->image_width == 0 || c->image_height == 0 ||
        (uint64_t)c->image_width * (uint64_t)c->image_height > max_pixels) {
        info->error = SFC_ERROR_TOO_LARGE;
        snprintf(info->message, SFC_MESSAGE_CAPACITY,
                 "image is %ux%u pixels, over the limit of %llu pixels", c->image_width,
                 c->image_height, (unsigned long long)max_pixels);
        jpeg_destroy_decompress(c);
        free(decoder);
        return NULL;
    }
    switch (c->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        c->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        // libjpeg converts YCCK to CMYK but not to RGB; the last step happens in read_rgb.
        c->out_color_space = JCS_CMYK;
        break;
    default:
        info->error = SFC_ERROR_UNSUPPORTED;
        snprintf(info->message, SFC_MESSAGE_CAPACITY, "unsupported JPEG colour space %d",
                 (int)c->jpeg_color_space);
        jpeg_destroy_decompress(c);
        free(decoder);
        return NULL;
    }
    info->warnings = decoder->error.warnings;
    return decoder;
}

int sfc_jpeg_read_rgb(sfc_jpeg_decoder *decoder, uint8_t *rgb, sfc_jpeg_info *info) {
    struct jpeg_decompress_struct *c = &decoder->cinfo;
    // volatile: it is assigned between setjmp and a possible longjmp.
    uint8_t *volatile cmyk_row = NULL;
    if (setjmp(decoder->error.jump)) {
        info->error = decoder->error.kind;
        sfc_copy_message(info->message, decoder->error.message);
        info->warnings = decoder->error.warnings;
        free(cmyk_row);
        return 1;
    }
    jpeg_start_decompress(c);
    const size_t width = c->output_width;
    const size_t stride = width * 3;
    if (c->out_color_space == JCS_CMYK) {
        cmyk_row = malloc(width * 4);
        if (!cmyk_row) {
            info->error = SFC_ERROR_OUT_OF_MEMORY;
            sfc_copy_message(info->message, "out of memory");
            return 1;
        }
        // Adobe applications write inverted CMYK; libjpeg flags it with the Adobe marker.
        const int inverted = c->saw_Adobe_marker;
        while (c->output_scanline < c->output_height) {
            uint8_t *out = rgb + (size_t)c->output_scanline * stride;
            JSAMPROW row = cmyk_row;
            jpeg_read_scanlines(c, &row, 1);
            for (size_t x = 0; x < width; x++) {
                unsigned cc = cmyk_row[4 * x], m = cmyk_row[4 * x + 1];
                unsigned y = cmyk_row[4 * x + 2], k = cmyk_row[4 * x + 3];
                if (!inverted) {
                    cc = 255 - cc; m = 255 - m; y = 255 - y; k = 255 - k;
                }
                out[3 * x] = (uint8_t)((cc * k + 127) / 255);
                out[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
                out[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
            }
        }
        free(cmyk_row);
        cmyk_row = NULL;
    } else {
        JSAMPROW rows[16];
        while (c->output_scanline < c->output_height) {
            int n = 0;
            for (; n < 16 && c->output_scanline + n < c->output_height; n++) {
                rows[n] = rgb + (size_t)(c->output_scanline + n) * stride;
            }
            jpeg_read_scanlines(c, rows, (JDIMENSION)n);
        }
    }
    jpeg_finish_decompress(c);
    info->warnings = decoder->error.warnings;
    if (info->warnings > 0) sfc_copy_message(info->message, decoder->error.message);
    return 0;
}

void sfc_jpeg_close(sfc_jpeg_decoder *decoder) {
    if (!decoder) return;
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder);
}

int sfc_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                    sfc_jpeg_layout layout, int quality, int progressive,
                    uint8_t **out, size_t *out_size, char *message) {
    struct jpeg_compress_struct cinfo;
    sfc_jpeg_error error;
    // volatile: jpeg_mem_dest may have allocated it before a longjmp.
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    *out = NULL;
    *out_size = 0;
    message[0] = 0;
    sfc_jpeg_install_errors(&error, &cinfo.err);
    if (setjmp(error.jump)) {
        sfc_copy_message(message, error.message);
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &buffer_size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    int components = 3;
    switch (layout) {
    case SFC_JPEG_GRAY: components = 1; cinfo.in_color_space = JCS_GRAYSCALE; break;
    case SFC_JPEG_RGB: components = 3; cinfo.in_color_space = JCS_RGB; break;
    case SFC_JPEG_CMYK:
    case SFC_JPEG_YCCK: components = 4; cinfo.in_color_space = JCS_CMYK; break;
    default:
        sfc_copy_message(message, "unknown JPEG layout");
        jpeg_destroy_compress(&cinfo);
        return 1;
    }
    cinfo.input_components = components;
    jpeg_set_defaults(&cinfo);
    if (layout == SFC_JPEG_YCCK) jpeg_set_colorspace(&cinfo, JCS_YCCK);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    const size_t stride = (size_t)width * components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = buffer_size;
    return 0;
}

void sfc_free(void *pointer) { free(pointer); }
