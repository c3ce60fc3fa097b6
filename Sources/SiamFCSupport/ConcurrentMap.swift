import Dispatch

extension Array where Element: Sendable {
    /// `map` spread over all cores. Each index is computed exactly once; the result keeps order.
    public func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        let results = ResultSlots<T>(count: count)
        let input = self
        DispatchQueue.concurrentPerform(iterations: count) { i in
            results.store(transform(input[i]), at: i)
        }
        return results.values()
    }
}

/// Write-once slots filled from several threads. The storage is a raw allocation, not an
/// array, so that writes never touch shared array metadata; the lock orders each write before
/// the final read, as ThreadSanitizer can see.
private final class ResultSlots<T>: @unchecked Sendable {
    private let lock = Lock()
    private let slots: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ value: T, at index: Int) { lock.withLock { slots[index] = value } }

    func values() -> [T] {
        lock.withLock {
            slots.map { slot in
                guard let slot else { preconditionFailure("concurrentMap: an item was not computed") }
                return slot
            }
        }
    }
}
