/// An aligned scratch allocation from ``BufferPool``; returned when the last reference goes.
final class ScratchBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    private let bytes: Int

    init(count: Int) {
        precondition(count >= 0, "ScratchBuffer: negative count \(count)")
        bytes = max(count, 1) * MemoryLayout<Float>.stride
        pointer = BufferPool.shared.allocate(bytes: bytes).bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { BufferPool.shared.release(UnsafeMutableRawPointer(pointer), bytes: bytes) }
}
