import CConcurrency

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work that the helpers of ``WorkerTeam`` can join.
package protocol TeamRun: AnyObject, Sendable {
    /// Computes parts of the run until none is left to claim (the caller and each helper that
    /// joins call it).
    func participate(worker: Int)
}

/// Helper threads, one per core beyond the first, that join a ``TaskGraphRun`` offered by the
/// thread that runs it: the engine's planned runs and every ``Parallel`` loop. One team for
/// both, so that the process never has more busy threads than cores.
///
/// A run never depends on the helpers: the caller alone can claim every chunk, so a run offered
/// while the helpers serve another run (several trackers on several threads) simply runs on its
/// caller. Which thread computes a chunk never changes what it computes, so results do not
/// depend on thread timing. After a run a helper spins for a short while before sleeping, so
/// back-to-back runs (backbone, then head) do not pay a wake-up each.
package final class WorkerTeam: @unchecked Sendable {
    package static let shared = WorkerTeam(helpers: Parallel.coreCount - 1)

    package let helperCount: Int
    /// Guards `offered`, `seats` and `idle`.
    private let lock = Lock()
    private var offered: (any TeamRun)?
    private var seats = 0
    private var idle = 0
    /// Bumped on every offer, so idle helpers can poll without taking the lock.
    private let offers: UnsafeMutablePointer<Int>

    /// Polls of the offer counter (a pause each, 10–40 ns) before an idle helper sleeps: enough
    /// to catch the next run of a tracking update (backbone, then head) without a wake-up, which
    /// on a loaded machine can wait for a core (measured: update 3.3 ms instead of 4.3 ms under
    /// load with 10,000 polls rather than 1,000); short enough not to burn a shared core long.
    static let idleSpins = 10_000

    private init(helpers: Int) {
        helperCount = max(0, helpers)
        idle = helperCount
        offers = .allocate(capacity: 1)
        offers.initialize(to: 0)
        for index in 0..<helperCount { Self.startThread { [self] in helperLoop(worker: index + 1) } }
    }

    /// Lets up to `helpers` idle helpers join `run`; returns at once.
    func offer(_ run: any TeamRun, helpers: Int) {
        guard helperCount > 0, helpers > 0 else { return }
        lock.withLockBroadcasting {
            guard idle > 0, offered == nil else { return }
            offered = run
            seats = min(idle, helpers)
            sfc_atomic_increment(offers)
        }
    }

    /// Takes back an offer no helper has taken yet (the run is over).
    func withdraw(_ run: any TeamRun) {
        guard helperCount > 0 else { return }
        lock.withLock {
            if offered === run { offered = nil; seats = 0 }
        }
    }

    private func take() -> (any TeamRun)? {
        guard let run = offered else { return nil }
        seats -= 1
        idle -= 1
        if seats == 0 { offered = nil }
        return run
    }

    private func helperLoop(worker: Int) {
        while true {
            let seen = sfc_atomic_load(offers)
            if let run = lock.withLock({ take() }) {
                run.participate(worker: worker)
                lock.withLock { idle += 1 }
                continue
            }
            var spins = 0
            while sfc_atomic_load(offers) == seen && spins < Self.idleSpins {
                spins += 1
                sfc_cpu_relax()
            }
            if spins >= Self.idleSpins { lock.wait(until: { offered != nil }, then: {}) }
        }
    }

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private static func startThread(_ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        precondition(status == 0, "WorkerTeam: pthread_create failed (\(status))")
        #if canImport(Darwin)
        if let thread { pthread_detach(thread) }
        #else
        pthread_detach(thread)
        #endif
    }
}
