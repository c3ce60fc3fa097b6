import CConcurrency

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The project's one lock: a pthread mutex with a condition variable, so that the same type
/// guards shared state and lets a thread wait for another's result. The mutex spins briefly
/// before it sleeps (see `sfc_mutex_init_adaptive`): every section it guards is short.
///
/// The mutex and condition live in their own allocations: pthread objects must not move, and
/// the address of a Swift stored property is not guaranteed to be stable.
public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        let status = sfc_mutex_init_adaptive(mutex) | pthread_cond_init(condition, nil)
        precondition(status == 0, "pthread_mutex_init or pthread_cond_init failed")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Holding the lock, waits until `ready()` is true (re-checked after every wake-up), then
    /// runs `body`. Another thread makes it true inside ``withLockBroadcasting(_:)``.
    public func wait<T>(until ready: () -> Bool, then body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready() { pthread_cond_wait(condition, mutex) }
        return try body()
    }

    /// Runs `body` holding the lock, then wakes every thread waiting in ``wait(until:then:)``.
    public func withLockBroadcasting<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body()
    }
}
