/// Int32 indices kept alive by a backward closure, such as the position of each maximum that
/// max pooling's gradient goes back to.
final class IndexBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>

    init(count: Int) {
        precondition(count >= 0, "IndexBuffer: negative count \(count)")
        pointer = .allocate(capacity: max(count, 1))
    }

    deinit { pointer.deallocate() }
}
