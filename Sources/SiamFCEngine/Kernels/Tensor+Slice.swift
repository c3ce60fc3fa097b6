/// Strided slices of any rank (ONNX `Slice`).
extension Tensor {
    /// For each dimension `d`, `counts[d]` elements from index `starts[d]` in steps of
    /// `steps[d]` (negative: backwards); every index taken must lie inside the dimension.
    public func sliced(starts: [Int], steps: [Int], counts: [Int]) throws -> Tensor {
        guard starts.count == rank, steps.count == rank, counts.count == rank else {
            throw EngineError("slice: \(starts.count) starts for shape \(shape)")
        }
        for d in 0..<rank where counts[d] > 0 {
            let last = starts[d] + (counts[d] - 1) * steps[d]
            guard counts[d] >= 0, steps[d] != 0, starts[d] >= 0, starts[d] < shape[d], last >= 0, last < shape[d] else {
                throw EngineError("slice: \(counts[d]) elements from \(starts[d]) by \(steps[d]) outside dimension \(d) of \(shape)")
            }
        }
        guard counts.allSatisfy({ $0 >= 0 }) else { throw EngineError("slice: negative count in \(counts)") }
        guard rank > 0 else { return self }
        var strides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        let rows = counts.dropLast().reduce(1, *), width = counts[rank - 1]
        let step = steps[rank - 1] * strides[rank - 1]
        return withBaseAddress { src in
            Tensor(uninitialized: counts, pointer: { dst in
                guard rows > 0, width > 0 else { return }
                var index = [Int](repeating: 0, count: rank - 1)
                for row in 0..<rows {
                    var source = starts[rank - 1]
                    for d in 0..<(rank - 1) { source += (starts[d] + index[d] * steps[d]) * strides[d] }
                    let line = dst + row * width
                    for i in 0..<width { line[i] = src[source + i * step] }
                    var d = rank - 2
                    while d >= 0 {
                        index[d] += 1
                        if index[d] < counts[d] { break }
                        index[d] = 0
                        d -= 1
                    }
                }
            })
        }
    }
}
