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
/// array, so that concurrent writes to different slots never touch shared array metadata.
private final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ value: T, at index: Int) { slots[index] = value }

    func values() -> [T] { slots.compactMap { $0 } }
}
