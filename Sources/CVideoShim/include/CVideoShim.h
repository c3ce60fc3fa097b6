#ifndef SIAMFC_VIDEO_SHIM_H
#define SIAMFC_VIDEO_SHIM_H

#include <stddef.h>
#include <stdint.h>

// Video decoding and encoding through FFmpeg's libraries (libavformat, libavcodec, libswscale,
// libavutil). Swift sees only these opaque handles and plain structs, so FFmpeg's headers never
// reach a Swift module and its API differences between releases stay in one C file.
//
// Every function reports failure as a status plus a one-line message; none of them aborts, logs
// to stderr or reads anything but the one file (or buffer) it was given: nested opens that some
// formats attempt (playlists, concat lists, image patterns, external references) are refused.

#define SFC_VIDEO_MESSAGE_CAPACITY 256

typedef enum {
    SFC_VIDEO_OK = 0,
    SFC_VIDEO_NOT_FOUND,       // the file does not exist or cannot be opened
    SFC_VIDEO_NOT_A_VIDEO,     // no format FFmpeg knows, or no video stream
    SFC_VIDEO_NO_DECODER,      // a video stream whose codec this FFmpeg cannot decode
    SFC_VIDEO_TOO_LARGE,       // frames over max_pixels, from the stream's header
    SFC_VIDEO_FAILED,          // anything else (out of memory, a library call refused)
} sfc_video_error;

typedef struct {
    int width;                 // of the frames delivered: after rotation
    int height;
    int coded_width;           // as stored
    int coded_height;
    int rotation;              // clockwise degrees applied to the stored frames: 0, 90, 180, 270
    double frame_rate;         // frames per second, 0 when the file does not say
    double duration;           // seconds, negative when unknown
    int64_t frame_count_hint;  // the container's frame count, 0 when it has none (not verified)
    char container[128];       // e.g. "QuickTime / MOV"
    char codec[128];           // e.g. "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10"
    char pixel_format[32];     // e.g. "yuv420p"
    sfc_video_error error;     // set on failure
    char message[SFC_VIDEO_MESSAGE_CAPACITY];
} sfc_video_info;

typedef enum {
    SFC_VIDEO_FRAME = 0,       // a frame is ready: sfc_video_convert_rgb gives its pixels
    SFC_VIDEO_END,             // no more frames
    SFC_VIDEO_BAD_FRAME,       // a packet or frame could not be decoded; reading can go on
    SFC_VIDEO_STOPPED,         // an error reading can not go past (message says which)
} sfc_video_status;

typedef struct {
    int width;                 // after rotation
    int height;
    double time;               // presentation time in seconds from the stream's start; NAN if unknown
    int concealed;             // the decoder reported errors in this frame and concealed them
    char message[SFC_VIDEO_MESSAGE_CAPACITY];  // why a frame was bad, or what was concealed
} sfc_video_frame_info;

typedef struct sfc_video_decoder sfc_video_decoder;

// Opens a file, or a buffer (copied), finds its best video stream and opens its decoder.
// threads: libavcodec's decoding threads, 0 for its own choice. Frames of more than max_pixels
// are refused from the stream's header, and later frames over it are bad frames. Returns NULL
// on failure with info->error and info->message set.
sfc_video_decoder *sfc_video_open_file(const char *path, uint64_t max_pixels, int threads, sfc_video_info *info);
sfc_video_decoder *sfc_video_open_memory(const uint8_t *data, size_t size, uint64_t max_pixels, int threads,
                                         sfc_video_info *info);

// Decodes the next frame in presentation order.
sfc_video_status sfc_video_next(sfc_video_decoder *decoder, sfc_video_frame_info *frame);

// Bytes the RGB buffer needs past width*height*3: libswscale's vector code may write a little
// past the last pixel it converts.
#define SFC_VIDEO_RGB_SLACK 256

// Converts the frame sfc_video_next just gave to 8-bit RGB, rotated for display, into
// width*height*3 bytes at rgb, which must have capacity for SFC_VIDEO_RGB_SLACK more. Returns 0,
// or -1 with message set.
int sfc_video_convert_rgb(sfc_video_decoder *decoder, uint8_t *rgb, size_t capacity, char *message);

void sfc_video_close(sfc_video_decoder *decoder);

// Installs the log callback that keeps libav* quiet (done by every open; idempotent).
void sfc_video_quiet_logging(void);

// Caps every allocation libavutil makes (fuzzing keeps the process small with this).
void sfc_video_limit_allocations(size_t bytes);

typedef enum {
    SFC_CODEC_AUTO = 0,        // H.264 (libx264) where the container takes it, else MPEG-4 Part 2
    SFC_CODEC_H264,            // libx264, yuv420p
    SFC_CODEC_MPEG4,           // FFmpeg's MPEG-4 Part 2, yuv420p
    SFC_CODEC_MJPEG,           // FFmpeg's Motion JPEG, full-range yuvj420p
    SFC_CODEC_FFV1,            // FFmpeg's FFV1, lossless, 8-bit RGB (bgr0)
} sfc_video_codec;

typedef struct sfc_video_writer sfc_video_writer;

typedef struct {
    char encoder[64];          // the encoder chosen, e.g. "libx264"
    char container[64];        // the muxer, e.g. "mp4"
    char message[SFC_VIDEO_MESSAGE_CAPACITY];
} sfc_video_writer_info;

// Creates `path` and writes a video of width x height RGB frames at fps_num/fps_den frames per
// second; the container is chosen from `name` (the file name the video will finally have, which
// may differ from the temporary `path`). quality 1...100 maps to the codec's own scale.
// rotation (0, 90, 180, 270, clockwise) is stored as display metadata; frames are stored as
// given. Odd sizes are padded by one edge pixel for chroma-subsampled codecs. NULL on failure.
sfc_video_writer *sfc_video_writer_open(const char *path, const char *name, sfc_video_codec codec, int width,
                                        int height, int fps_num, int fps_den, int quality, int rotation,
                                        sfc_video_writer_info *info);
// Encodes one frame of width*height*3 RGB bytes. Returns 0, or -1 with message set.
int sfc_video_writer_add_rgb(sfc_video_writer *writer, const uint8_t *rgb, char *message);
// Flushes the encoder and writes the container's trailer. Returns 0, or -1 with message set.
int sfc_video_writer_finish(sfc_video_writer *writer, char *message);
// Frees the writer (and closes its file), finished or not.
void sfc_video_writer_close(sfc_video_writer *writer);

#endif
