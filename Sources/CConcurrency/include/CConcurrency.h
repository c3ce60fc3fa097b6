#ifndef SIAMFC_CONCURRENCY_H
#define SIAMFC_CONCURRENCY_H

// What the worker team's spin-waits need and Swift does not offer on every platform we build
// for: a pause hint, lock-free counters and a mutex that spins before it sleeps.

#include <pthread.h>

// A pause hint for spin-waits (the x86 PAUSE instruction where there is one).
void sfc_cpu_relax(void);

// Atomic counters for spin-waits that must not take a lock: waiting threads poll a counter that
// the thread making progress bumps (acquire/release ordering).
static inline long sfc_atomic_load(const long *counter) { return __atomic_load_n(counter, __ATOMIC_ACQUIRE); }
static inline void sfc_atomic_increment(long *counter) { __atomic_add_fetch(counter, 1, __ATOMIC_RELEASE); }

// Initialises `mutex` as one that spins briefly when it is taken before sleeping in the kernel
// (glibc's adaptive mutex; a default mutex elsewhere). Returns pthread_mutex_init's status.
int sfc_mutex_init_adaptive(pthread_mutex_t *mutex);

#endif
