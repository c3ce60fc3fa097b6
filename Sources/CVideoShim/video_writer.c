#include "CVideoShim.h"
#include "video_message.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffmpeg_library.h"

struct sfc_video_writer {
    AVFormatContext *format;
    AVCodecContext *codec;
    AVStream *stream;
    struct SwsContext *sws;
    AVFrame *frame;
    AVPacket *packet;
    int width;           // of the frames given
    int height;
    int pad;             // the encoded size is one pixel larger than given in some direction
    uint8_t *padded;     // the given frame (with its last column/row repeated when pad)
    int64_t next_pts;
    int header_written;
    int finished;
};


static void writer_error(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) snprintf(buffer, size, "error %d", code);
}

static const AVCodec *find_encoder(sfc_video_codec codec, const AVOutputFormat *container) {
    const AVCodec *found = NULL;
    switch (codec) {
    case SFC_CODEC_H264: found = avcodec_find_encoder_by_name("libx264"); break;
    case SFC_CODEC_MPEG4: found = avcodec_find_encoder(AV_CODEC_ID_MPEG4); break;
    case SFC_CODEC_MJPEG: found = avcodec_find_encoder(AV_CODEC_ID_MJPEG); break;
    case SFC_CODEC_FFV1: found = avcodec_find_encoder(AV_CODEC_ID_FFV1); break;
    case SFC_CODEC_AUTO: {
        const AVCodec *h264 = avcodec_find_encoder_by_name("libx264");
        if (h264 && avformat_query_codec(container, AV_CODEC_ID_H264, FF_COMPLIANCE_NORMAL) == 1) return h264;
        return avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    }
    }
    return found;
}

static enum AVPixelFormat pixel_format(sfc_video_codec codec, const AVCodec *encoder) {
    if (codec == SFC_CODEC_FFV1) return AV_PIX_FMT_BGR0;
    if (codec == SFC_CODEC_MJPEG || encoder->id == AV_CODEC_ID_MJPEG) return AV_PIX_FMT_YUVJ420P;
    return AV_PIX_FMT_YUV420P;
}

static sfc_video_writer *writer_fail(sfc_video_writer *w, sfc_video_writer_info *info, const char *format, ...) {
    va_list args;
    va_start(args, format);
    char text[SFC_VIDEO_MESSAGE_CAPACITY];
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    sfc_video_message(info->message, "%s", text);
    sfc_video_writer_close(w);
    return NULL;
}

sfc_video_writer *sfc_video_writer_open(const char *path, const char *name, sfc_video_codec codec, int width,
                                        int height, int fps_num, int fps_den, int quality, int rotation,
                                        sfc_video_writer_info *info) {
    memset(info, 0, sizeof *info);
    if (sfc_ffmpeg_load(info->message) != 0) return NULL;
    sfc_video_quiet_logging();
    char reason[128];
    sfc_video_writer *w = calloc(1, sizeof *w);
    if (!w) {
        sfc_video_message(info->message, "out of memory");
        return NULL;
    }
    if (width <= 0 || height <= 0 || fps_num <= 0 || fps_den <= 0) {
        return writer_fail(w, info, "invalid video size %dx%d or rate %d/%d", width, height, fps_num, fps_den);
    }
    int status = avformat_alloc_output_context2(&w->format, NULL, NULL, name);
    if (status < 0 || !w->format) {
        w->format = NULL;
        return writer_fail(w, info, "no video container for this file name (use .mp4, .mkv, .mov or .avi)");
    }
    const AVOutputFormat *container = w->format->oformat;
    snprintf(info->container, sizeof info->container, "%s", container->name);
    const AVCodec *encoder = find_encoder(codec, container);
    if (!encoder) return writer_fail(w, info, "this FFmpeg has no encoder for the codec asked for");
    if (avformat_query_codec(container, encoder->id, FF_COMPLIANCE_NORMAL) != 1) {
        return writer_fail(w, info, "a %s file cannot hold %s video", container->name, encoder->name);
    }
    snprintf(info->encoder, sizeof info->encoder, "%s", encoder->name);
    enum AVPixelFormat format = pixel_format(codec, encoder);
    int subsampled = format != AV_PIX_FMT_BGR0;
    int encoded_width = subsampled ? (width + 1) & ~1 : width;
    int encoded_height = subsampled ? (height + 1) & ~1 : height;
    w->width = width;
    w->height = height;
    w->pad = encoded_width != width || encoded_height != height;

    w->stream = avformat_new_stream(w->format, NULL);
    w->codec = avcodec_alloc_context3(encoder);
    w->frame = av_frame_alloc();
    w->packet = av_packet_alloc();
    if (!w->stream || !w->codec || !w->frame || !w->packet) return writer_fail(w, info, "out of memory");
    AVCodecContext *c = w->codec;
    c->width = encoded_width;
    c->height = encoded_height;
    c->pix_fmt = format;
    c->time_base = (AVRational){fps_den, fps_num};
    c->framerate = (AVRational){fps_num, fps_den};
    c->sample_aspect_ratio = (AVRational){1, 1};
    c->thread_count = 0;
    if (subsampled) {
        // BT.601, said explicitly so that every decoder converts back the same way.
        c->colorspace = AVCOL_SPC_SMPTE170M;
        c->color_primaries = AVCOL_PRI_SMPTE170M;
        c->color_trc = AVCOL_TRC_SMPTE170M;
        c->color_range = format == AV_PIX_FMT_YUVJ420P ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    }
    if (quality < 1) quality = 1;
    if (quality > 100) quality = 100;
    if (encoder->id == AV_CODEC_ID_H264) {
        // quality 100 is CRF 0 (lossless), 1 is CRF 51; the default 80 gives CRF 10.
        char crf[16];
        snprintf(crf, sizeof crf, "%d", (100 - quality) * 51 / 99);
        av_opt_set(c->priv_data, "crf", crf, 0);
        av_opt_set(c->priv_data, "preset", "veryfast", 0);
    } else if (encoder->id == AV_CODEC_ID_MPEG4 || encoder->id == AV_CODEC_ID_MJPEG) {
        // quality 100 is qscale 1, 1 is 31.
        c->flags |= AV_CODEC_FLAG_QSCALE;
        c->global_quality = FF_QP2LAMBDA * (1 + (100 - quality) * 30 / 99);
        if (encoder->id == AV_CODEC_ID_MPEG4) c->gop_size = 30;
    } else if (encoder->id == AV_CODEC_ID_FFV1) {
        c->gop_size = 30;
    }
    if (container->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    status = avcodec_open2(c, encoder, NULL);
    if (status < 0) {
        writer_error(status, reason, sizeof reason);
        return writer_fail(w, info, "cannot open the %s encoder (%s)", encoder->name, reason);
    }
    status = avcodec_parameters_from_context(w->stream->codecpar, c);
    if (status < 0) return writer_fail(w, info, "cannot set up the video stream");
    w->stream->time_base = c->time_base;
    w->stream->avg_frame_rate = c->framerate;
    if (rotation != 0 && rotation != 90 && rotation != 180 && rotation != 270) {
        return writer_fail(w, info, "rotation must be 0, 90, 180 or 270 degrees (got %d)", rotation);
    }
    if (rotation != 0) {
        if (strcmp(container->name, "mp4") != 0 && strcmp(container->name, "mov") != 0) {
            return writer_fail(w, info, "only .mp4 and .mov files store display rotation here, not %s", container->name);
        }
        // av_display_rotation_set takes a clockwise angle (av_display_rotation_get gives it
        // back counterclockwise, which is how readers, ours included, see a phone's rotation).
        int32_t matrix[9];
        av_display_rotation_set(matrix, (double)rotation);
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 29, 100)
        AVPacketSideData *side = av_packet_side_data_new(&w->stream->codecpar->coded_side_data,
                                                         &w->stream->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX, sizeof matrix, 0);
        if (!side) return writer_fail(w, info, "out of memory");
        memcpy(side->data, matrix, sizeof matrix);
#else
        uint8_t *side = av_stream_new_side_data(w->stream, AV_PKT_DATA_DISPLAYMATRIX, sizeof matrix);
        if (!side) return writer_fail(w, info, "out of memory");
        memcpy(side, matrix, sizeof matrix);
#endif
    }
    w->frame->format = format;
    w->frame->width = encoded_width;
    w->frame->height = encoded_height;
    if (av_frame_get_buffer(w->frame, 0) < 0) return writer_fail(w, info, "out of memory");
    w->sws = sws_getContext(encoded_width, encoded_height, AV_PIX_FMT_RGB24, encoded_width, encoded_height, format,
                            SWS_BILINEAR | SWS_ACCURATE_RND, NULL, NULL, NULL);
    if (!w->sws) return writer_fail(w, info, "cannot convert RGB to %s", av_get_pix_fmt_name(format));
    if (subsampled) {
        int *inverse, *table, src_range, dst_range, brightness, contrast, saturation;
        if (sws_getColorspaceDetails(w->sws, &inverse, &src_range, &table, &dst_range, &brightness, &contrast,
                                     &saturation) >= 0) {
            sws_setColorspaceDetails(w->sws, inverse, 1, sws_getCoefficients(SWS_CS_ITU601),
                                     format == AV_PIX_FMT_YUVJ420P, brightness, contrast, saturation);
        }
    }
    // Frames are copied into a buffer of our own: padded when the size is odd, and with room
    // past the end for libswscale's vector reads.
    w->padded = malloc((size_t)encoded_width * encoded_height * 3 + SFC_VIDEO_RGB_SLACK);
    if (!w->padded) return writer_fail(w, info, "out of memory");
    status = avio_open(&w->format->pb, path, AVIO_FLAG_WRITE);
    if (status < 0) {
        writer_error(status, reason, sizeof reason);
        return writer_fail(w, info, "cannot create the file (%s)", reason);
    }
    status = avformat_write_header(w->format, NULL);
    if (status < 0) {
        writer_error(status, reason, sizeof reason);
        return writer_fail(w, info, "cannot write the %s header (%s)", container->name, reason);
    }
    w->header_written = 1;
    return w;
}

// Sends one frame (or NULL to flush) and writes every packet the encoder has ready.
static int encode(sfc_video_writer *w, AVFrame *frame, char *message) {
    char reason[128];
    int status = avcodec_send_frame(w->codec, frame);
    if (status < 0) {
        writer_error(status, reason, sizeof reason);
        sfc_video_message(message, "the %s encoder refused a frame (%s)", w->codec->codec->name, reason);
        return -1;
    }
    for (;;) {
        status = avcodec_receive_packet(w->codec, w->packet);
        if (status == AVERROR(EAGAIN) || status == AVERROR_EOF) return 0;
        if (status < 0) {
            writer_error(status, reason, sizeof reason);
            sfc_video_message(message, "encoding failed (%s)", reason);
            return -1;
        }
        av_packet_rescale_ts(w->packet, w->codec->time_base, w->stream->time_base);
        w->packet->stream_index = w->stream->index;
        status = av_interleaved_write_frame(w->format, w->packet);
        if (status < 0) {
            writer_error(status, reason, sizeof reason);
            sfc_video_message(message, "writing failed (%s)", reason);
            return -1;
        }
    }
}

int sfc_video_writer_add_rgb(sfc_video_writer *w, const uint8_t *rgb, char *message) {
    if (w->finished) {
        sfc_video_message(message, "the video is already finished");
        return -1;
    }
    if (av_frame_make_writable(w->frame) < 0) {
        sfc_video_message(message, "out of memory");
        return -1;
    }
    int ew = w->codec->width, eh = w->codec->height;
    size_t row = (size_t)w->width * 3, padded_row = (size_t)ew * 3;
    if (!w->pad) {
        memcpy(w->padded, rgb, row * (size_t)eh);
    } else {
        for (int y = 0; y < eh; y++) {
            const uint8_t *in = rgb + (size_t)(y < w->height ? y : w->height - 1) * row;
            uint8_t *out = w->padded + (size_t)y * padded_row;
            memcpy(out, in, row);
            if (ew > w->width) memcpy(out + row, in + row - 3, 3);
        }
    }
    const uint8_t *planes[4] = {w->padded, NULL, NULL, NULL};
    int strides[4] = {ew * 3, 0, 0, 0};
    sws_scale(w->sws, planes, strides, 0, eh, w->frame->data, w->frame->linesize);
    w->frame->pts = w->next_pts++;
    return encode(w, w->frame, message);
}

int sfc_video_writer_finish(sfc_video_writer *w, char *message) {
    if (w->finished) return 0;
    w->finished = 1;
    if (encode(w, NULL, message) != 0) return -1;
    int status = av_write_trailer(w->format);
    if (status < 0) {
        char reason[128];
        writer_error(status, reason, sizeof reason);
        sfc_video_message(message, "cannot finish the file (%s)", reason);
        return -1;
    }
    status = avio_closep(&w->format->pb);
    if (status < 0) {
        char reason[128];
        writer_error(status, reason, sizeof reason);
        sfc_video_message(message, "cannot close the file (%s)", reason);
        return -1;
    }
    return 0;
}

void sfc_video_writer_close(sfc_video_writer *w) {
    if (!w) return;
    if (w->format && w->format->pb) avio_closep(&w->format->pb);
    avformat_free_context(w->format);
    avcodec_free_context(&w->codec);
    av_frame_free(&w->frame);
    av_packet_free(&w->packet);
    sws_freeContext(w->sws);
    free(w->padded);
    free(w);
}
