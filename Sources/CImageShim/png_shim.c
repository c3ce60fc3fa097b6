#include "CImageShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    int warnings;
    sfc_error_kind kind;  // why the last longjmp happened
    char message[SFC_MESSAGE_CAPACITY];
} sfc_png_source;

struct sfc_png_decoder {
    png_structp png;
    png_infop info;
    sfc_png_source source;
};

static void sfc_png_error(png_structp png, png_const_charp text) {
    sfc_png_source *source = png_get_error_ptr(png);
    if (source->kind == SFC_ERROR_NONE) {
        // libpng has no error codes. Its one report of image data that stops before the image
        // does ("Not enough image data": the IDAT chunks or their zlib stream end early) is
        // recognised by its exact text; every other libpng error means bad data.
        source->kind = strcmp(text, "Not enough image data") == 0 ? SFC_ERROR_TRUNCATED : SFC_ERROR_CORRUPT;
    }
    snprintf(source->message, SFC_MESSAGE_CAPACITY, "%s", text);
    png_longjmp(png, 1);
}

static void sfc_png_warning(png_structp png, png_const_charp text) {
    sfc_png_source *source = png_get_error_ptr(png);
    source->warnings += 1;
    snprintf(source->message, SFC_MESSAGE_CAPACITY, "%s", text);
}

static void sfc_png_read(png_structp png, png_bytep out, png_size_t length) {
    sfc_png_source *source = png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        source->kind = SFC_ERROR_TRUNCATED;
        png_error(png, "truncated PNG (premature end of file)");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

sfc_png_decoder *sfc_png_open(const uint8_t *data, size_t size, uint64_t max_pixels,
                              sfc_png_info *info) {
    memset(info, 0, sizeof(*info));
    sfc_png_decoder *decoder = calloc(1, sizeof(sfc_png_decoder));
    if (!decoder) {
        info->error = SFC_ERROR_OUT_OF_MEMORY;
        snprintf(info->message, SFC_MESSAGE_CAPACITY, "out of memory");
        return NULL;
    }
    decoder->source.data = data;
    decoder->source.size = size;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &decoder->source,
                                          sfc_png_error, sfc_png_warning);
    if (decoder->png) decoder->info = png_create_info_struct(decoder->png);
    if (!decoder->png || !decoder->info) {
        info->error = SFC_ERROR_OUT_OF_MEMORY;
        snprintf(info->message, SFC_MESSAGE_CAPACITY, "out of memory");
        png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
        free(decoder);
        return NULL;
    }
    if (setjmp(png_jmpbuf(decoder->png))) {
        info->error = decoder->source.kind;
        snprintf(info->message, SFC_MESSAGE_CAPACITY, "%s", decoder->source.message);
        png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
        free(decoder);
        return NULL;
    }
    png_set_read_fn(decoder->png, &decoder->source, sfc_png_read);
    // Bound what a hostile header can make libpng allocate: dimensions and ancillary chunks.
    png_set_user_limits(decoder->png, 0x7fffffff, 0x7fffffff);
    png_set_chunk_malloc_max(decoder->png, 64u << 20);
    png_read_info(decoder->png, decoder->info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(decoder->png, decoder->info, &width, &height, &bit_depth, &color_type,
                 &interlace, NULL, NULL);
    info->width = width;
    info->height = height;
    info->bit_depth = bit_depth;
    info->color_type = color_type;
    info->interlaced = interlace != PNG_INTERLACE_NONE;
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        info->error = SFC_ERROR_TOO_LARGE;
        snprintf(info->message, SFC_MESSAGE_CAPACITY,
                 "image is %ux%u pixels, over the limit of %llu pixels", width, height,
                 (unsigned long long)max_pixels);
        png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
        free(decoder);
        return NULL;
    }
    info->warnings = decoder->source.warnings;
    return decoder;
}

int sfc_png_read_rgb(sfc_png_decoder *decoder, uint8_t *rgb, sfc_png_info *info) {
    png_structp png = decoder->png;
    png_infop pinfo = decoder->info;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        info->error = decoder->source.kind;
        snprintf(info->message, SFC_MESSAGE_CAPACITY, "%s", decoder->source.message);
        info->warnings = decoder->source.warnings;
        free(rows);
        return 1;
    }
    int color_type = png_get_color_type(png, pinfo);
    int bit_depth = png_get_bit_depth(png, pinfo);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_gray_to_rgb(png);
    }
    if (bit_depth == 16) png_set_scale_16(png);
    if (bit_depth < 8) png_set_packing(png);
    // Alpha (and tRNS transparency, which is never expanded) is dropped, as OpenCV's
    // IMREAD_COLOR does: trackers see the stored colours.
    if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);
    if (png_get_rowbytes(png, pinfo) != (size_t)info->width * 3) {
        info->error = SFC_ERROR_UNSUPPORTED;
        snprintf(info->message, SFC_MESSAGE_CAPACITY, "unsupported PNG pixel layout");
        return 1;
    }
    const size_t stride = (size_t)info->width * 3;
    rows = malloc(sizeof(png_bytep) * info->height);
    if (!rows) {
        info->error = SFC_ERROR_OUT_OF_MEMORY;
        snprintf(info->message, SFC_MESSAGE_CAPACITY, "out of memory");
        return 1;
    }
    for (png_uint_32 y = 0; y < info->height; y++) rows[y] = rgb + (size_t)y * stride;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    rows = NULL;
    info->warnings = decoder->source.warnings;
    if (info->warnings > 0) snprintf(info->message, SFC_MESSAGE_CAPACITY, "%s", decoder->source.message);
    return 0;
}

void sfc_png_close(sfc_png_decoder *decoder) {
    if (!decoder) return;
    png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
    free(decoder);
}

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
    char message[SFC_MESSAGE_CAPACITY];
} sfc_png_sink;

static void sfc_png_write(png_structp png, png_bytep data, png_size_t length) {
    sfc_png_sink *sink = png_get_io_ptr(png);
    if (sink->size + length > sink->capacity) {
        size_t capacity = sink->capacity ? sink->capacity * 2 : 65536;
        while (capacity < sink->size + length) capacity *= 2;
        uint8_t *grown = realloc(sink->data, capacity);
        if (!grown) png_error(png, "out of memory");
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->size, data, length);
    sink->size += length;
}

static void sfc_png_flush(png_structp png) { (void)png; }

static void sfc_png_write_error(png_structp png, png_const_charp text) {
    sfc_png_sink *sink = png_get_error_ptr(png);
    snprintf(sink->message, SFC_MESSAGE_CAPACITY, "%s", text);
    png_longjmp(png, 1);
}

static void sfc_png_write_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

int sfc_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int color_type,
                   int bit_depth, int interlaced, const uint8_t *palette, int palette_size,
                   int compression, uint8_t **out, size_t *out_size, char *message) {
    sfc_png_sink sink = {0};
    *out = NULL;
    *out_size = 0;
    message[0] = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, sfc_png_write_error,
                                              sfc_png_write_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *volatile rows = NULL;
    if (!png || !info) {
        snprintf(message, SFC_MESSAGE_CAPACITY, "out of memory");
        png_destroy_write_struct(&png, &info);
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        snprintf(message, SFC_MESSAGE_CAPACITY, "%s", sink.message);
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(sink.data);
        return 1;
    }
    png_set_write_fn(png, &sink, sfc_png_write, sfc_png_flush);
    png_set_compression_level(png, compression < 0 ? 0 : (compression > 9 ? 9 : compression));
    png_set_IHDR(png, info, width, height, bit_depth, color_type,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color entries[256];
        int count = palette_size > 256 ? 256 : palette_size;
        for (int i = 0; i < count; i++) {
            entries[i].red = palette[3 * i];
            entries[i].green = palette[3 * i + 1];
            entries[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(png, info, entries, count);
    }
    png_write_info(png, info);
    int channels = png_get_channels(png, info);
    size_t stride = ((size_t)width * channels * bit_depth + 7) / 8;
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * stride);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = sink.data;
    *out_size = sink.size;
    return 0;
}
