#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parallel loops over index ranges, for the engine's kernels and any work split over cores.
public enum Parallel {
    /// Cores available to this process.
    public static let coreCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Runs `body` over `0..<count` split into contiguous chunks, one per core; serially when
    /// the work (`count * costPerItem`, in rough element operations) is too small to pay for
    /// waking a second thread.
    public static func forEachChunk(
        _ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void
    ) {
        forEachChunkWithIndex(count, costPerItem: costPerItem) { _, range in body(range) }
    }
}

extension Parallel {
    /// How many chunks ``forEachChunkWithIndex(_:costPerItem:_:)`` splits `count` items into.
    public static func chunkCount(_ count: Int, costPerItem: Int = 1) -> Int {
        let chunks = min(coreCount, count)
        return chunks <= 1 || count * costPerItem < 32_768 ? min(1, count) : chunks
    }

    /// As ``forEachChunk(_:costPerItem:_:)``, also passing the chunk's index in
    /// `0 ..< chunkCount(count, costPerItem:)`, for per-chunk accumulators that are combined
    /// afterwards in a fixed order (so results do not depend on thread timing).
    public static func forEachChunkWithIndex(
        _ count: Int, costPerItem: Int = 1, _ body: (Int, Range<Int>) -> Void
    ) {
        let chunks = chunkCount(count, costPerItem: costPerItem)
        if chunks <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        // On the worker team the engine's runs use, so that a loop between two runs (a crop
        // before a backbone) finds the team's helpers rather than starting threads of its own
        // beside them, which would leave more threads than cores.
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            let run = TaskGraphRun<Never>(graph: TaskGraph(chunks: [chunks], predecessors: [[]])) { _, chunk, _ in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { box.value(chunk, start..<end) }
                return nil
            }
            _ = run.run()
        }
    }
}

/// Hands a non-Sendable value to other threads (`concurrentPerform`, the worker team); callers
/// guarantee that the parallel iterations touch disjoint memory.
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
