#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on a clock that never jumps (CLOCK_MONOTONIC), for timing.
public func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Seconds between laps: `lap()` returns the time since the previous lap (or since creation).
public struct Stopwatch: Sendable {
    private var last = monotonicSeconds()

    public init() {}

    public mutating func lap() -> Double {
        let now = monotonicSeconds()
        defer { last = now }
        return now - last
    }
}
