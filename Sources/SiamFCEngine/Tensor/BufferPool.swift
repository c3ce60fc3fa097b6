import SiamFCSupport

/// Recycles large tensor buffers.
///
/// Feature maps of tens of megabytes are allocated and freed every batch or frame. The C
/// allocator serves such sizes with fresh `mmap` pages, so each allocation pays one page fault
/// per 4 KB (seen as system time dominating inference). Keeping freed buffers by size class and
/// handing them out again removes that cost. Buffers under 64 KB go straight to the allocator,
/// which handles them well; the pool keeps at most `capacityBytes`.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool(capacityBytes: 512 << 20)

    /// Guards `available` and `pooledBytes`: tensors are freed on whichever thread drops them.
    private let lock = Lock()
    private var available: [Int: [UnsafeMutableRawPointer]] = [:]
    private var pooledBytes = 0
    private let capacityBytes: Int
    static let minimumBytes = 64 << 10
    static let alignment = 64

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// The size actually allocated for `bytes`: eight classes per power of two, so at most
    /// 12.5 % is wasted.
    static func sizeClass(_ bytes: Int) -> Int {
        guard bytes > minimumBytes else { return max(bytes, 1) }
        let top = Int.bitWidth - 1 - (bytes - 1).leadingZeroBitCount  // floor(log2(bytes - 1))
        let step = 1 << max(top - 3, 0)
        return (bytes + step - 1) / step * step
    }

    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = Self.sizeClass(bytes)
        if size >= Self.minimumBytes {
            let reused = lock.withLock { () -> UnsafeMutableRawPointer? in
                guard let pointer = available[size]?.popLast() else { return nil }
                pooledBytes -= size
                return pointer
            }
            if let reused { return reused }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
    }

    func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let size = Self.sizeClass(bytes)
        if size >= Self.minimumBytes {
            let kept = lock.withLock { () -> Bool in
                guard pooledBytes + size <= capacityBytes else { return false }
                available[size, default: []].append(pointer)
                pooledBytes += size
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }
}
