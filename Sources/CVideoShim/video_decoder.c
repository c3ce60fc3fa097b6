#include "CVideoShim.h"
#include "video_message.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffmpeg_library.h"

// A packet the demuxer cannot read this many times in a row ends the video: a damaged file
// yields its bad frames one by one, but a demuxer stuck on one spot must not loop for ever.
#define SFC_MAX_CONSECUTIVE_READ_ERRORS 64
#define SFC_IO_BUFFER 65536

// Where the bytes come from: a file (stdio) or a buffer the decoder owns.
typedef struct {
    FILE *file;
    uint8_t *data;
    size_t size;
    size_t position;
} sfc_source;

struct sfc_video_decoder {
    sfc_source source;
    AVIOContext *io;
    AVFormatContext *format;
    AVCodecContext *codec;
    struct SwsContext *sws;
    AVPacket *packet;
    AVFrame *frame;
    int stream;
    int rotation;
    uint64_t max_pixels;
    int64_t start_pts;
    AVRational time_base;
    double frame_rate;
    double last_time;
    double packet_time;
    int flushing;
    int finished;
    int read_errors;
    uint8_t *rotate_buffer;
    size_t rotate_capacity;
    // The colour matrix and range the conversion context was set up for (setting them again
    // rebuilds its tables, which costs more than converting a small frame).
    struct SwsContext *configured;
    int configured_space;
    int configured_full;
    // The last message libav* logged from this thread while working for this decoder.
    char log_message[SFC_VIDEO_MESSAGE_CAPACITY];
};

// --- messages --------------------------------------------------------------------------------

static void error_text(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) snprintf(buffer, size, "error %d", code);
}

// libav* logs through one global callback. The decoder working on this thread keeps the last
// warning or error (for its messages); everything else is dropped, so nothing reaches stderr.
static _Thread_local sfc_video_decoder *current_decoder;

static void log_callback(void *context, int level, const char *format, va_list args) {
    if (level > AV_LOG_WARNING || current_decoder == NULL) return;
    char line[SFC_VIDEO_MESSAGE_CAPACITY];
    int prefix = 0;
    av_log_format_line2(context, level, format, args, line, sizeof line, &prefix);
    sfc_video_message(current_decoder->log_message, "%s", line);
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static void install_log_callback(void) { av_log_set_callback(log_callback); }

void sfc_video_quiet_logging(void) {
    if (sfc_ffmpeg_load(NULL) == 0) pthread_once(&log_once, install_log_callback);
}

void sfc_video_limit_allocations(size_t bytes) {
    if (sfc_ffmpeg_load(NULL) == 0) av_max_alloc(bytes);
}

// --- I/O ---------------------------------------------------------------------------------------

static int source_read(void *opaque, uint8_t *buffer, int size) {
    sfc_source *s = opaque;
    if (size <= 0) return 0;
    if (s->file) {
        size_t n = fread(buffer, 1, (size_t)size, s->file);
        if (n == 0) return ferror(s->file) ? AVERROR(EIO) : AVERROR_EOF;
        return (int)n;
    }
    if (s->position >= s->size) return AVERROR_EOF;
    size_t n = s->size - s->position;
    if (n > (size_t)size) n = (size_t)size;
    memcpy(buffer, s->data + s->position, n);
    s->position += n;
    return (int)n;
}

static int64_t source_seek(void *opaque, int64_t offset, int whence) {
    sfc_source *s = opaque;
    whence &= ~AVSEEK_FORCE;
    if (s->file) {
        if (whence == AVSEEK_SIZE) {
            long here = ftell(s->file);
            if (here < 0 || fseek(s->file, 0, SEEK_END) != 0) return AVERROR(EIO);
            long end = ftell(s->file);
            if (fseek(s->file, here, SEEK_SET) != 0) return AVERROR(EIO);
            return end;
        }
        if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return AVERROR(EINVAL);
        if (fseeko(s->file, (off_t)offset, whence) != 0) return AVERROR(EIO);
        return (int64_t)ftello(s->file);
    }
    int64_t base;
    switch (whence) {
    case AVSEEK_SIZE: return (int64_t)s->size;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)s->position; break;
    case SEEK_END: base = (int64_t)s->size; break;
    default: return AVERROR(EINVAL);
    }
    if (offset > INT64_MAX - base) return AVERROR(EINVAL);
    int64_t target = base + offset;
    if (target < 0 || target > (int64_t)s->size) return AVERROR(EINVAL);
    s->position = (size_t)target;
    return target;
}

// Formats that would open further files (HLS, DASH, concat, image sequences, external
// references) get this instead: a video is the one file the caller named.
static int refuse_nested_open(struct AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
                              AVDictionary **options) {
    (void)s; (void)pb; (void)url; (void)flags; (void)options;
    return AVERROR(EPERM);
}

// --- opening -----------------------------------------------------------------------------------

static int display_rotation(const AVStream *stream) {
    const uint8_t *matrix = NULL;
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 29, 100)
    const AVPacketSideData *side = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                           stream->codecpar->nb_coded_side_data,
                                                           AV_PKT_DATA_DISPLAYMATRIX);
    if (side && side->size >= 9 * sizeof(int32_t)) matrix = side->data;
#else
    size_t size = 0;
    matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (size < 9 * sizeof(int32_t)) matrix = NULL;
#endif
    if (!matrix) return 0;
    double angle = av_display_rotation_get((const int32_t *)matrix);
    if (isnan(angle)) return 0;
    // As the ffmpeg tool does: the matrix's counterclockwise angle, negated, is the clockwise
    // rotation to apply, rounded to a quarter turn.
    long quarter = lround(-angle / 90.0);
    int rotation = (int)(((quarter % 4) + 4) % 4) * 90;
    return rotation;
}

static void describe(sfc_video_decoder *d, sfc_video_info *info) {
    const AVStream *stream = d->format->streams[d->stream];
    const AVCodecParameters *par = stream->codecpar;
    info->coded_width = par->width;
    info->coded_height = par->height;
    info->rotation = d->rotation;
    int swap = d->rotation == 90 || d->rotation == 270;
    info->width = swap ? par->height : par->width;
    info->height = swap ? par->width : par->height;
    AVRational rate = stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0 ? stream->avg_frame_rate
                                                                                       : stream->r_frame_rate;
    info->frame_rate = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
    d->frame_rate = info->frame_rate;
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
        info->duration = (double)stream->duration * av_q2d(stream->time_base);
    } else if (d->format->duration != AV_NOPTS_VALUE && d->format->duration > 0) {
        info->duration = (double)d->format->duration / AV_TIME_BASE;
    } else {
        info->duration = -1;
    }
    info->frame_count_hint = stream->nb_frames > 0 ? stream->nb_frames : 0;
    const AVInputFormat *format = d->format->iformat;
    snprintf(info->container, sizeof info->container, "%s",
             format->long_name ? format->long_name : (format->name ? format->name : "unknown"));
    const AVCodecDescriptor *descriptor = avcodec_descriptor_get(par->codec_id);
    snprintf(info->codec, sizeof info->codec, "%s",
             descriptor ? (descriptor->long_name ? descriptor->long_name : descriptor->name) : "unknown");
    const char *pixel = av_get_pix_fmt_name((enum AVPixelFormat)par->format);
    snprintf(info->pixel_format, sizeof info->pixel_format, "%s", pixel ? pixel : "unknown");
}

static sfc_video_decoder *fail(sfc_video_decoder *d, sfc_video_info *info, sfc_video_error error, const char *format,
                               ...) {
    info->error = error;
    char text[SFC_VIDEO_MESSAGE_CAPACITY];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    sfc_video_message(info->message, "%s", text);
    sfc_video_close(d);
    return NULL;
}

static sfc_video_decoder *open_source(sfc_video_decoder *d, uint64_t max_pixels, int threads, sfc_video_info *info) {
    sfc_video_quiet_logging();
    current_decoder = d;
    d->max_pixels = max_pixels;
    d->stream = -1;
    d->last_time = NAN;
    d->packet_time = NAN;
    char reason[128];

    uint8_t *buffer = av_malloc(SFC_IO_BUFFER);
    if (!buffer) return fail(d, info, SFC_VIDEO_FAILED, "out of memory");
    d->io = avio_alloc_context(buffer, SFC_IO_BUFFER, 0, &d->source, source_read, NULL, source_seek);
    if (!d->io) {
        av_free(buffer);
        return fail(d, info, SFC_VIDEO_FAILED, "out of memory");
    }
    d->format = avformat_alloc_context();
    if (!d->format) return fail(d, info, SFC_VIDEO_FAILED, "out of memory");
    d->format->pb = d->io;
    d->format->flags |= AVFMT_FLAG_CUSTOM_IO;
    d->format->io_open = refuse_nested_open;
    // Keeps probing of hostile input short: the defaults read up to 5 s of streams.
    d->format->probesize = 8 << 20;
    d->format->max_analyze_duration = 10 * AV_TIME_BASE;
    int status = avformat_open_input(&d->format, "", NULL, NULL);
    if (status < 0) {
        d->format = NULL;  // freed by avformat_open_input on failure
        error_text(status, reason, sizeof reason);
        return fail(d, info, SFC_VIDEO_NOT_A_VIDEO, "not a video file FFmpeg can read (%s%s%s)", reason,
                    d->log_message[0] ? ": " : "", d->log_message);
    }
    status = avformat_find_stream_info(d->format, NULL);
    if (status < 0) {
        error_text(status, reason, sizeof reason);
        return fail(d, info, SFC_VIDEO_NOT_A_VIDEO, "not a video file FFmpeg can read (%s%s%s)", reason,
                    d->log_message[0] ? ": " : "", d->log_message);
    }
    d->log_message[0] = 0;
    int stream = av_find_best_stream(d->format, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (stream < 0) {
        return fail(d, info, SFC_VIDEO_NOT_A_VIDEO, "no video stream (%u stream%s of other kinds)",
                    d->format->nb_streams, d->format->nb_streams == 1 ? "" : "s");
    }
    d->stream = stream;
    AVStream *st = d->format->streams[stream];
    // Only the chosen stream's packets are wanted.
    for (unsigned i = 0; i < d->format->nb_streams; i++) {
        if ((int)i != stream) d->format->streams[i]->discard = AVDISCARD_ALL;
    }
    d->rotation = display_rotation(st);
    describe(d, info);
    const AVCodecParameters *par = st->codecpar;
    if (par->width <= 0 || par->height <= 0) {
        return fail(d, info, SFC_VIDEO_NOT_A_VIDEO, "the video stream has no frame size");
    }
    if ((uint64_t)par->width * (uint64_t)par->height > max_pixels) {
        return fail(d, info, SFC_VIDEO_TOO_LARGE, "frames of %dx%d are over the limit of %llu pixels", par->width,
                    par->height, (unsigned long long)max_pixels);
    }
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec) return fail(d, info, SFC_VIDEO_NO_DECODER, "no decoder for %s video in this FFmpeg", info->codec);
    d->codec = avcodec_alloc_context3(codec);
    if (!d->codec) return fail(d, info, SFC_VIDEO_FAILED, "out of memory");
    status = avcodec_parameters_to_context(d->codec, par);
    if (status < 0) {
        error_text(status, reason, sizeof reason);
        return fail(d, info, SFC_VIDEO_FAILED, "cannot set up the %s decoder (%s)", codec->name, reason);
    }
    d->codec->thread_count = threads < 0 ? 1 : threads;
    d->codec->max_pixels = (int64_t)(max_pixels > INT64_MAX ? INT64_MAX : max_pixels);
    d->codec->pkt_timebase = st->time_base;
    status = avcodec_open2(d->codec, codec, NULL);
    if (status < 0) {
        error_text(status, reason, sizeof reason);
        return fail(d, info, SFC_VIDEO_NO_DECODER, "cannot open the %s decoder (%s)", codec->name, reason);
    }
    d->packet = av_packet_alloc();
    d->frame = av_frame_alloc();
    if (!d->packet || !d->frame) return fail(d, info, SFC_VIDEO_FAILED, "out of memory");
    d->time_base = st->time_base;
    d->start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    info->error = SFC_VIDEO_OK;
    info->message[0] = 0;
    current_decoder = NULL;
    return d;
}

sfc_video_decoder *sfc_video_open_file(const char *path, uint64_t max_pixels, int threads, sfc_video_info *info) {
    memset(info, 0, sizeof *info);
    if (sfc_ffmpeg_load(info->message) != 0) {
        info->error = SFC_VIDEO_FAILED;
        return NULL;
    }
    sfc_video_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        info->error = SFC_VIDEO_FAILED;
        sfc_video_message(info->message, "out of memory");
        return NULL;
    }
    d->source.file = fopen(path, "rb");
    if (!d->source.file) {
        int code = errno;
        return fail(d, info, SFC_VIDEO_NOT_FOUND, "%s", strerror(code));
    }
    return open_source(d, max_pixels, threads, info);
}

sfc_video_decoder *sfc_video_open_memory(const uint8_t *data, size_t size, uint64_t max_pixels, int threads,
                                         sfc_video_info *info) {
    memset(info, 0, sizeof *info);
    if (sfc_ffmpeg_load(info->message) != 0) {
        info->error = SFC_VIDEO_FAILED;
        return NULL;
    }
    sfc_video_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        info->error = SFC_VIDEO_FAILED;
        sfc_video_message(info->message, "out of memory");
        return NULL;
    }
    d->source.data = malloc(size > 0 ? size : 1);
    if (!d->source.data) return fail(d, info, SFC_VIDEO_FAILED, "out of memory");
    if (size > 0) memcpy(d->source.data, data, size);
    d->source.size = size;
    return open_source(d, max_pixels, threads, info);
}

void sfc_video_close(sfc_video_decoder *d) {
    if (!d) return;
    sws_freeContext(d->sws);
    av_frame_free(&d->frame);
    av_packet_free(&d->packet);
    avcodec_free_context(&d->codec);
    if (d->format) avformat_close_input(&d->format);
    if (d->io) {
        av_freep(&d->io->buffer);
        avio_context_free(&d->io);
    }
    if (d->source.file) fclose(d->source.file);
    free(d->source.data);
    free(d->rotate_buffer);
    if (current_decoder == d) current_decoder = NULL;
    free(d);
}

// --- decoding ----------------------------------------------------------------------------------

static double seconds(sfc_video_decoder *d, int64_t pts) {
    if (pts == AV_NOPTS_VALUE) return NAN;
    return (double)(pts - d->start_pts) * av_q2d(d->time_base);
}

static sfc_video_status bad_frame(sfc_video_decoder *d, sfc_video_frame_info *frame, const char *what, int code) {
    char reason[128];
    error_text(code, reason, sizeof reason);
    frame->time = d->packet_time;
    if (d->log_message[0]) {
        sfc_video_message(frame->message, "%s (%s: %s)", what, reason, d->log_message);
    } else {
        sfc_video_message(frame->message, "%s (%s)", what, reason);
    }
    d->log_message[0] = 0;
    return SFC_VIDEO_BAD_FRAME;
}

static sfc_video_status deliver(sfc_video_decoder *d, sfc_video_frame_info *frame) {
    AVFrame *f = d->frame;
    int swap = d->rotation == 90 || d->rotation == 270;
    frame->width = swap ? f->height : f->width;
    frame->height = swap ? f->width : f->height;
    double time = seconds(d, f->best_effort_timestamp);
    if (isnan(time) && !isnan(d->last_time) && d->frame_rate > 0) time = d->last_time + 1.0 / d->frame_rate;
    frame->time = time;
    d->last_time = time;
    if (f->width <= 0 || f->height <= 0 || (uint64_t)f->width * (uint64_t)f->height > d->max_pixels) {
        sfc_video_message(frame->message, "a frame of %dx%d (over the limit of %llu pixels)", f->width, f->height,
                    (unsigned long long)d->max_pixels);
        av_frame_unref(f);
        return SFC_VIDEO_BAD_FRAME;
    }
    frame->concealed = (f->flags & AV_FRAME_FLAG_CORRUPT) || f->decode_error_flags != 0;
    if (frame->concealed) {
        sfc_video_message(frame->message, "decoded with errors concealed%s%s", d->log_message[0] ? ": " : "",
                    d->log_message);
    }
    d->log_message[0] = 0;
    return SFC_VIDEO_FRAME;
}

sfc_video_status sfc_video_next(sfc_video_decoder *d, sfc_video_frame_info *frame) {
    memset(frame, 0, sizeof *frame);
    frame->time = NAN;
    if (d->finished) return SFC_VIDEO_END;
    current_decoder = d;
    sfc_video_status result;
    av_frame_unref(d->frame);
    for (;;) {
        int status = avcodec_receive_frame(d->codec, d->frame);
        if (status == 0) {
            d->read_errors = 0;
            result = deliver(d, frame);
            break;
        }
        if (status == AVERROR_EOF) {
            d->finished = 1;
            result = SFC_VIDEO_END;
            break;
        }
        if (status != AVERROR(EAGAIN)) {
            result = bad_frame(d, frame, "the decoder rejected a frame", status);
            break;
        }
        if (d->flushing) {
            // EAGAIN while flushing means the decoder has nothing more; treat it as the end.
            d->finished = 1;
            result = SFC_VIDEO_END;
            break;
        }
        status = av_read_frame(d->format, d->packet);
        if (status == AVERROR_EOF || (status < 0 && avio_feof(d->format->pb))) {
            d->flushing = 1;
            avcodec_send_packet(d->codec, NULL);
            continue;
        }
        if (status < 0) {
            if (++d->read_errors > SFC_MAX_CONSECUTIVE_READ_ERRORS) {
                char reason[128];
                error_text(status, reason, sizeof reason);
                sfc_video_message(frame->message, "reading stopped after %d unreadable packets in a row (%s)",
                            SFC_MAX_CONSECUTIVE_READ_ERRORS, reason);
                d->finished = 1;
                result = SFC_VIDEO_STOPPED;
                break;
            }
            result = bad_frame(d, frame, "unreadable packet", status);
            break;
        }
        if (d->packet->stream_index != d->stream) {
            av_packet_unref(d->packet);
            continue;
        }
        d->packet_time = seconds(d, d->packet->pts != AV_NOPTS_VALUE ? d->packet->pts : d->packet->dts);
        status = avcodec_send_packet(d->codec, d->packet);
        av_packet_unref(d->packet);
        if (status < 0 && status != AVERROR(EAGAIN)) {
            if (++d->read_errors > SFC_MAX_CONSECUTIVE_READ_ERRORS) {
                sfc_video_message(frame->message, "decoding stopped after %d corrupt packets in a row",
                            SFC_MAX_CONSECUTIVE_READ_ERRORS);
                d->finished = 1;
                result = SFC_VIDEO_STOPPED;
                break;
            }
            result = bad_frame(d, frame, "corrupt packet", status);
            break;
        }
    }
    current_decoder = NULL;
    return result;
}

// --- conversion --------------------------------------------------------------------------------

// Rotates interleaved RGB clockwise by `rotation` degrees: (w x h) in, rotated size out.
static void rotate_rgb(const uint8_t *in, int w, int h, int rotation, uint8_t *out) {
    if (rotation == 90) {
        // out is h wide: input (x, y) lands at (h - 1 - y, x).
        for (int y = 0; y < h; y++) {
            const uint8_t *row = in + (size_t)y * w * 3;
            uint8_t *column = out + (size_t)(h - 1 - y) * 3;
            for (int x = 0; x < w; x++) {
                uint8_t *o = column + (size_t)x * h * 3;
                o[0] = row[3 * x];
                o[1] = row[3 * x + 1];
                o[2] = row[3 * x + 2];
            }
        }
    } else if (rotation == 270) {
        // input (x, y) lands at (y, w - 1 - x).
        for (int y = 0; y < h; y++) {
            const uint8_t *row = in + (size_t)y * w * 3;
            for (int x = 0; x < w; x++) {
                uint8_t *o = out + ((size_t)(w - 1 - x) * h + y) * 3;
                o[0] = row[3 * x];
                o[1] = row[3 * x + 1];
                o[2] = row[3 * x + 2];
            }
        }
    } else {
        // 180: input (x, y) lands at (w - 1 - x, h - 1 - y).
        size_t count = (size_t)w * h;
        for (size_t i = 0; i < count; i++) {
            const uint8_t *p = in + i * 3;
            uint8_t *o = out + (count - 1 - i) * 3;
            o[0] = p[0];
            o[1] = p[1];
            o[2] = p[2];
        }
    }
}

static int is_full_range(enum AVPixelFormat format) {
    return format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P ||
           format == AV_PIX_FMT_YUVJ440P || format == AV_PIX_FMT_YUVJ411P;
}

int sfc_video_convert_rgb(sfc_video_decoder *d, uint8_t *rgb, size_t capacity, char *message) {
    AVFrame *f = d->frame;
    if (!f->data[0] || f->width <= 0 || f->height <= 0) {
        sfc_video_message(message, "no frame to convert");
        return -1;
    }
    size_t bytes = (size_t)f->width * f->height * 3;
    if (capacity < bytes + SFC_VIDEO_RGB_SLACK) {
        sfc_video_message(message, "buffer of %zu bytes for a %dx%d frame", capacity, f->width, f->height);
        return -1;
    }
    enum AVPixelFormat format = (enum AVPixelFormat)f->format;
    d->sws = sws_getCachedContext(d->sws, f->width, f->height, format, f->width, f->height, AV_PIX_FMT_RGB24,
                                  SWS_BILINEAR, NULL, NULL, NULL);
    if (!d->sws) {
        const char *name = av_get_pix_fmt_name(format);
        sfc_video_message(message, "cannot convert %s frames to RGB", name ? name : "unknown");
        return -1;
    }
    // The matrix and range the frame says it uses; unspecified means BT.601, as in ffmpeg.
    int space = f->colorspace != AVCOL_SPC_UNSPECIFIED ? (int)f->colorspace : SWS_CS_DEFAULT;
    int full = is_full_range(format) || f->color_range == AVCOL_RANGE_JPEG;
    if (d->configured != d->sws || d->configured_space != space || d->configured_full != full) {
        int *inverse = NULL, *table = NULL, source_range = 0, destination_range = 0, brightness = 0, contrast = 0,
            saturation = 0;
        if (sws_getColorspaceDetails(d->sws, &inverse, &source_range, &table, &destination_range, &brightness,
                                     &contrast, &saturation) >= 0) {
            sws_setColorspaceDetails(d->sws, sws_getCoefficients(space), full, table, destination_range, brightness,
                                     contrast, saturation);
        }
        d->configured = d->sws;
        d->configured_space = space;
        d->configured_full = full;
    }
    uint8_t *target = rgb;
    if (d->rotation != 0) {
        if (d->rotate_capacity < bytes + SFC_VIDEO_RGB_SLACK) {
            uint8_t *grown = realloc(d->rotate_buffer, bytes + SFC_VIDEO_RGB_SLACK);
            if (!grown) {
                sfc_video_message(message, "out of memory");
                return -1;
            }
            d->rotate_buffer = grown;
            d->rotate_capacity = bytes + SFC_VIDEO_RGB_SLACK;
        }
        target = d->rotate_buffer;
    }
    uint8_t *planes[4] = {target, NULL, NULL, NULL};
    int strides[4] = {f->width * 3, 0, 0, 0};
    int rows = sws_scale(d->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
    if (rows != f->height) {
        sfc_video_message(message, "conversion to RGB failed (%d of %d rows)", rows, f->height);
        return -1;
    }
    if (d->rotation != 0) rotate_rgb(target, f->width, f->height, d->rotation, rgb);
    return 0;
}
