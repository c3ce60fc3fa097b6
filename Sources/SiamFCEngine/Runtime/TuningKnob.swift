#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// TEMPORARY: environment overrides for tuning the scheduler.
enum TuningKnob {
    static func value(_ name: String, _ fallback: Int) -> Int {
        guard let raw = getenv(name), let v = Int(String(cString: raw)) else { return fallback }
        return v
    }
}
