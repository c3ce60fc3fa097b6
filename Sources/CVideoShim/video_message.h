#ifndef SFC_VIDEO_MESSAGE_H
#define SFC_VIDEO_MESSAGE_H

#include "CVideoShim.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

// Formats an error message into a caller's SFC_VIDEO_MESSAGE_CAPACITY buffer, made one line
// whatever a library put in it (the CLI prints errors on one line). Shared by the decoder and
// the writer.
static void sfc_video_message(char *message, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(message, SFC_VIDEO_MESSAGE_CAPACITY, format, args);
    va_end(args);
    for (char *c = message; *c; c++) {
        if (*c == '\n' || *c == '\r') *c = ' ';
    }
    size_t n = strlen(message);
    while (n > 0 && message[n - 1] == ' ') message[--n] = 0;
}

#endif
