#define SFC_FFMPEG_LOADER
#include "ffmpeg_library.h"

#ifdef SFC_FFMPEG_DYNAMIC
#include "video_message.h"
#include <dlfcn.h>
#include <pthread.h>

sfc_ffmpeg_functions sfc_ffmpeg;

#define SFC_STRINGIFY_(x) #x
#define SFC_STRINGIFY(x) SFC_STRINGIFY_(x)
// The major version the shim was compiled against: its ABI is the one the headers describe.
#ifdef __APPLE__
#define SFC_LIBRARY(name, major) "lib" name "." SFC_STRINGIFY(major) ".dylib"
#else
#define SFC_LIBRARY(name, major) "lib" name ".so." SFC_STRINGIFY(major)
#endif

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[SFC_VIDEO_MESSAGE_CAPACITY];

static void *open_library(const char *file) {
    void *handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        sfc_video_message(load_error, "FFmpeg's %s could not be loaded (%s); scripts/setup installs it", file,
                          why ? why : "no reason given");
    }
    return handle;
}

static void load(void) {
    void *avutil = open_library(SFC_LIBRARY("avutil", LIBAVUTIL_VERSION_MAJOR));
    if (!avutil) return;
    void *swscale = open_library(SFC_LIBRARY("swscale", LIBSWSCALE_VERSION_MAJOR));
    if (!swscale) return;
    void *avcodec = open_library(SFC_LIBRARY("avcodec", LIBAVCODEC_VERSION_MAJOR));
    if (!avcodec) return;
    void *avformat = open_library(SFC_LIBRARY("avformat", LIBAVFORMAT_VERSION_MAJOR));
    if (!avformat) return;
    sfc_ffmpeg_functions table;
    const char *missing = NULL;
    void *from = NULL;
#define SFC_FIND(name)                                                                             \
    if (!missing && !(table.p_##name = (__typeof__(name) *)dlsym(from, #name))) missing = #name;
    from = avutil;
    SFC_FFMPEG_AVUTIL(SFC_FIND)
    from = swscale;
    SFC_FFMPEG_SWSCALE(SFC_FIND)
    from = avcodec;
    SFC_FFMPEG_AVCODEC(SFC_FIND)
    from = avformat;
    SFC_FFMPEG_AVFORMAT(SFC_FIND)
#undef SFC_FIND
    if (missing) {
        sfc_video_message(load_error, "FFmpeg's libraries lack %s: they are older than the headers the shim was built with",
                          missing);
        return;
    }
    sfc_ffmpeg = table;
    load_error[0] = 0;
}

int sfc_ffmpeg_load(char *message) {
    pthread_once(&load_once, load);
    // Set once, by the one call of load, before pthread_once returns to any caller.
    if (sfc_ffmpeg.p_avformat_open_input) return 0;
    if (message) sfc_video_message(message, "%s", load_error[0] ? load_error : "FFmpeg's libraries could not be loaded");
    return -1;
}

#else

int sfc_ffmpeg_load(char *message) {
    (void)message;
    return 0;
}

#endif
