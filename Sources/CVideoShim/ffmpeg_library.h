#ifndef SFC_FFMPEG_LIBRARY_H
#define SFC_FFMPEG_LIBRARY_H

// FFmpeg's headers, and on Linux the functions the shim calls, looked up in FFmpeg's shared
// libraries the first time a video is opened. Linking them would make every process pay for
// loading them and the 120-odd libraries they need (about 0.1 s), video or not. Each call site
// keeps FFmpeg's own name: the macros below turn it into a call through the table. The list and
// the macros are checked against each other by the build: a listed function without a macro is
// an undefined symbol at link time, a macro without a listed function a missing member.

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 29, 100)
#define SFC_FFMPEG_SIDE_DATA(X) X(av_packet_side_data_get) X(av_packet_side_data_new)
#else
#define SFC_FFMPEG_SIDE_DATA(X) X(av_stream_get_side_data) X(av_stream_new_side_data)
#endif

// Every FFmpeg function the shim calls, by library.
#define SFC_FFMPEG_AVUTIL(X)                                                                         \
    X(av_display_rotation_get) X(av_display_rotation_set) X(av_frame_alloc) X(av_frame_free)         \
    X(av_frame_get_buffer) X(av_frame_make_writable) X(av_frame_unref) X(av_free) X(av_freep)        \
    X(av_get_pix_fmt_name) X(av_log_format_line2) X(av_log_set_callback) X(av_malloc) X(av_max_alloc) \
    X(av_opt_set) X(av_strerror)
#define SFC_FFMPEG_SWSCALE(X)                                                                        \
    X(sws_freeContext) X(sws_getCachedContext) X(sws_getCoefficients) X(sws_getColorspaceDetails)    \
    X(sws_getContext) X(sws_scale) X(sws_setColorspaceDetails)
#define SFC_FFMPEG_AVCODEC(X)                                                                        \
    X(av_packet_alloc) X(av_packet_free) X(av_packet_rescale_ts) X(av_packet_unref)                  \
    X(avcodec_alloc_context3) X(avcodec_descriptor_get) X(avcodec_find_decoder)                      \
    X(avcodec_find_encoder) X(avcodec_find_encoder_by_name) X(avcodec_free_context) X(avcodec_open2) \
    X(avcodec_parameters_from_context) X(avcodec_parameters_to_context) X(avcodec_receive_frame)     \
    X(avcodec_receive_packet) X(avcodec_send_frame) X(avcodec_send_packet)
#define SFC_FFMPEG_AVFORMAT(X)                                                                       \
    X(av_find_best_stream) X(av_interleaved_write_frame) X(av_read_frame) X(av_write_trailer)        \
    X(avformat_alloc_context) X(avformat_alloc_output_context2) X(avformat_close_input)              \
    X(avformat_find_stream_info) X(avformat_free_context) X(avformat_new_stream)                     \
    X(avformat_open_input) X(avformat_query_codec) X(avformat_write_header) X(avio_alloc_context)    \
    X(avio_closep) X(avio_context_free) X(avio_feof) X(avio_open) SFC_FFMPEG_SIDE_DATA(X)

// Loads FFmpeg's libraries once per process (thread-safe). Returns 0, or -1 with message set to
// why (which library, as the loader said). Every public entry of the shim calls it first.
int sfc_ffmpeg_load(char *message);

#ifdef SFC_FFMPEG_DYNAMIC
#define SFC_FFMPEG_MEMBER(name) __typeof__(name) *p_##name;
typedef struct {
    SFC_FFMPEG_AVUTIL(SFC_FFMPEG_MEMBER)
    SFC_FFMPEG_SWSCALE(SFC_FFMPEG_MEMBER)
    SFC_FFMPEG_AVCODEC(SFC_FFMPEG_MEMBER)
    SFC_FFMPEG_AVFORMAT(SFC_FFMPEG_MEMBER)
} sfc_ffmpeg_functions;
#undef SFC_FFMPEG_MEMBER

extern sfc_ffmpeg_functions sfc_ffmpeg;

#ifndef SFC_FFMPEG_LOADER
#define av_display_rotation_get sfc_ffmpeg.p_av_display_rotation_get
#define av_display_rotation_set sfc_ffmpeg.p_av_display_rotation_set
#define av_frame_alloc sfc_ffmpeg.p_av_frame_alloc
#define av_frame_free sfc_ffmpeg.p_av_frame_free
#define av_frame_get_buffer sfc_ffmpeg.p_av_frame_get_buffer
#define av_frame_make_writable sfc_ffmpeg.p_av_frame_make_writable
#define av_frame_unref sfc_ffmpeg.p_av_frame_unref
#define av_free sfc_ffmpeg.p_av_free
#define av_freep sfc_ffmpeg.p_av_freep
#define av_get_pix_fmt_name sfc_ffmpeg.p_av_get_pix_fmt_name
#define av_log_format_line2 sfc_ffmpeg.p_av_log_format_line2
#define av_log_set_callback sfc_ffmpeg.p_av_log_set_callback
#define av_malloc sfc_ffmpeg.p_av_malloc
#define av_max_alloc sfc_ffmpeg.p_av_max_alloc
#define av_opt_set sfc_ffmpeg.p_av_opt_set
#define av_strerror sfc_ffmpeg.p_av_strerror
#define sws_freeContext sfc_ffmpeg.p_sws_freeContext
#define sws_getCachedContext sfc_ffmpeg.p_sws_getCachedContext
#define sws_getCoefficients sfc_ffmpeg.p_sws_getCoefficients
#define sws_getColorspaceDetails sfc_ffmpeg.p_sws_getColorspaceDetails
#define sws_getContext sfc_ffmpeg.p_sws_getContext
#define sws_scale sfc_ffmpeg.p_sws_scale
#define sws_setColorspaceDetails sfc_ffmpeg.p_sws_setColorspaceDetails
#define av_packet_alloc sfc_ffmpeg.p_av_packet_alloc
#define av_packet_free sfc_ffmpeg.p_av_packet_free
#define av_packet_rescale_ts sfc_ffmpeg.p_av_packet_rescale_ts
#define av_packet_unref sfc_ffmpeg.p_av_packet_unref
#define avcodec_alloc_context3 sfc_ffmpeg.p_avcodec_alloc_context3
#define avcodec_descriptor_get sfc_ffmpeg.p_avcodec_descriptor_get
#define avcodec_find_decoder sfc_ffmpeg.p_avcodec_find_decoder
#define avcodec_find_encoder sfc_ffmpeg.p_avcodec_find_encoder
#define avcodec_find_encoder_by_name sfc_ffmpeg.p_avcodec_find_encoder_by_name
#define avcodec_free_context sfc_ffmpeg.p_avcodec_free_context
#define avcodec_open2 sfc_ffmpeg.p_avcodec_open2
#define avcodec_parameters_from_context sfc_ffmpeg.p_avcodec_parameters_from_context
#define avcodec_parameters_to_context sfc_ffmpeg.p_avcodec_parameters_to_context
#define avcodec_receive_frame sfc_ffmpeg.p_avcodec_receive_frame
#define avcodec_receive_packet sfc_ffmpeg.p_avcodec_receive_packet
#define avcodec_send_frame sfc_ffmpeg.p_avcodec_send_frame
#define avcodec_send_packet sfc_ffmpeg.p_avcodec_send_packet
#define av_find_best_stream sfc_ffmpeg.p_av_find_best_stream
#define av_interleaved_write_frame sfc_ffmpeg.p_av_interleaved_write_frame
#define av_read_frame sfc_ffmpeg.p_av_read_frame
#define av_write_trailer sfc_ffmpeg.p_av_write_trailer
#define avformat_alloc_context sfc_ffmpeg.p_avformat_alloc_context
#define avformat_alloc_output_context2 sfc_ffmpeg.p_avformat_alloc_output_context2
#define avformat_close_input sfc_ffmpeg.p_avformat_close_input
#define avformat_find_stream_info sfc_ffmpeg.p_avformat_find_stream_info
#define avformat_free_context sfc_ffmpeg.p_avformat_free_context
#define avformat_new_stream sfc_ffmpeg.p_avformat_new_stream
#define avformat_open_input sfc_ffmpeg.p_avformat_open_input
#define avformat_query_codec sfc_ffmpeg.p_avformat_query_codec
#define avformat_write_header sfc_ffmpeg.p_avformat_write_header
#define avio_alloc_context sfc_ffmpeg.p_avio_alloc_context
#define avio_closep sfc_ffmpeg.p_avio_closep
#define avio_context_free sfc_ffmpeg.p_avio_context_free
#define avio_feof sfc_ffmpeg.p_avio_feof
#define avio_open sfc_ffmpeg.p_avio_open
#define av_packet_side_data_get sfc_ffmpeg.p_av_packet_side_data_get
#define av_packet_side_data_new sfc_ffmpeg.p_av_packet_side_data_new
#define av_stream_get_side_data sfc_ffmpeg.p_av_stream_get_side_data
#define av_stream_new_side_data sfc_ffmpeg.p_av_stream_new_side_data
#endif
#endif

#endif
