import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a flag that long-running work polls, so that it can save its
/// state and exit cleanly instead of dying mid-write.
public final class InterruptFlag: @unchecked Sendable {
    private let lock = Lock()
    private var raised = false
    private var sources: [DispatchSourceSignal] = []

    public init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.raise() }
            source.resume()
            sources.append(source)
        }
    }

    public var isRaised: Bool { lock.withLock { raised } }

    private func raise() { lock.withLock { raised = true } }
}
