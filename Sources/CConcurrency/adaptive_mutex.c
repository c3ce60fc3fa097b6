#define _GNU_SOURCE
#include "CConcurrency.h"

// The engine's planned runs take the run's lock for every chunk claimed and finished, for
// well under a microsecond. A default mutex that finds it held puts the thread to sleep in the
// kernel, and the holder must then wake it: tens of microseconds on the critical path of a run,
// more when the machine is loaded. Spinning first almost always gets the lock instead.
int sfc_mutex_init_adaptive(pthread_mutex_t *mutex) {
    pthread_mutexattr_t attributes;
    int status = pthread_mutexattr_init(&attributes);
    if (status != 0) return status;
#if defined(__GLIBC__)
    pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
    status = pthread_mutex_init(mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    return status;
}
