#ifndef SIAMFC_CONCURRENCY_H
#define SIAMFC_CONCURRENCY_H

// What the worker team's spin-waits need and Swift does not offer on every platform we build
// for: a pause hint and lock-free counters.

// A pause hint for spin-waits (the x86 PAUSE instruction where there is one).
void sfc_cpu_relax(void);

// Atomic counters for spin-waits that must not take a lock: waiting threads poll a counter that
// the thread making progress bumps (acquire/release ordering).
static inline long sfc_atomic_load(const long *counter) { return __atomic_load_n(counter, __ATOMIC_ACQUIRE); }
static inline void sfc_atomic_increment(long *counter) { __atomic_add_fetch(counter, 1, __ATOMIC_RELEASE); }

#endif
