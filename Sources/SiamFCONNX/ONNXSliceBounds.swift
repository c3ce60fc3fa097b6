import SiamFCEngine

/// The bounds of an ONNX `Slice`: per listed axis a start, an end (exclusive) and a step, each
/// negative start or end counting from the end, clamped to the dimension as the operator
/// specification says.
struct ONNXSliceBounds: Sendable, Equatable {
    let starts: [Int]
    let ends: [Int]
    /// Nil: the first `starts.count` axes.
    let axes: [Int]?
    /// Nil: all 1.
    let steps: [Int]?

    func apply(_ x: Tensor) throws(EngineError) -> Tensor {
        guard starts.count == ends.count, axes.map({ $0.count == starts.count }) ?? true,
              steps.map({ $0.count == starts.count }) ?? true, starts.count <= x.rank else {
            throw EngineError("slice: starts \(starts), ends \(ends), axes \(axes ?? []), steps \(steps ?? []) do not match each other or rank \(x.rank)")
        }
        let axes = try ONNXIntegers.axes(axes ?? Array(0..<starts.count), rank: x.rank, what: "slice axes")
        var first = [Int](repeating: 0, count: x.rank), step = [Int](repeating: 1, count: x.rank), count = x.shape
        for (i, axis) in axes.enumerated() {
            let size = x.shape[axis], s = steps?[i] ?? 1
            guard s != 0 else { throw EngineError("slice: step 0 on axis \(axis)") }
            var start = starts[i] < 0 ? starts[i] + size : starts[i]
            var end = ends[i] < 0 ? ends[i] + size : ends[i]
            if s > 0 {
                start = min(max(start, 0), size)
                end = min(max(end, 0), size)
                count[axis] = max(0, (end - start + s - 1) / s)
            } else {
                start = min(max(start, 0), size - 1)
                end = min(max(end, -1), size - 1)
                count[axis] = max(0, (start - end - s - 1) / -s)
            }
            first[axis] = count[axis] > 0 ? start : 0
            step[axis] = s
        }
        do { return try x.sliced(starts: first, steps: step, counts: count) } catch let error as EngineError { throw error } catch {
            throw EngineError("slice: \(error)")
        }
    }
}
