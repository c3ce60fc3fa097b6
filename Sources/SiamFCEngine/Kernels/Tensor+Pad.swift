/// Constant padding of any rank (ONNX `Pad`, asymmetric convolution and pooling padding).
extension Tensor {
    /// `begin[d]` values before and `end[d]` after dimension `d`, filled with `value`; a
    /// negative amount removes elements instead.
    public func padded(begin: [Int], end: [Int], value: Float) throws -> Tensor {
        guard begin.count == rank, end.count == rank else {
            throw EngineError("pad: \(begin.count)+\(end.count) amounts for shape \(shape)")
        }
        var out = shape
        for d in 0..<rank {
            out[d] = shape[d] + begin[d] + end[d]
            guard out[d] >= 0 else { throw EngineError("pad: \(begin) and \(end) leave nothing of shape \(shape)") }
        }
        guard rank > 0 else { return self }
        let rows = out.dropLast().reduce(1, *), width = out[rank - 1], sourceWidth = shape[rank - 1]
        // The part of an output row that comes from the source row, in output coordinates.
        let from = min(max(begin[rank - 1], 0), width), to = max(min(begin[rank - 1] + sourceWidth, width), from)
        var sourceStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { sourceStrides[d] = sourceStrides[d + 1] * shape[d + 1] }
        return withBaseAddress { src in
            Tensor(uninitialized: out, pointer: { dst in
                guard rows > 0, width > 0 else { return }
                var index = [Int](repeating: 0, count: rank - 1)
                for row in 0..<rows {
                    let line = dst + row * width
                    var source = 0, inside = true
                    for d in 0..<(rank - 1) {
                        let i = index[d] - begin[d]
                        if i < 0 || i >= shape[d] { inside = false; break }
                        source += i * sourceStrides[d]
                    }
                    if inside && to > from {
                        line.update(repeating: value, count: from)
                        (line + from).update(from: src + source + (from - begin[rank - 1]), count: to - from)
                        (line + to).update(repeating: value, count: width - to)
                    } else {
                        line.update(repeating: value, count: width)
                    }
                    var d = rank - 2
                    while d >= 0 {
                        index[d] += 1
                        if index[d] < out[d] { break }
                        index[d] = 0
                        d -= 1
                    }
                }
            })
        }
    }
}
