import SiamFCSupport

/// Permutation of a tensor's dimensions (ONNX Transpose): output dimension `i` is input
/// dimension `permutation[i]`.
enum Transposition {
    /// Checks that `permutation` is a permutation of `0 ..< shape.count`.
    static func check(_ shape: [Int], _ permutation: [Int], op: String = "transpose") throws {
        guard permutation.count == shape.count, permutation.sorted() == Array(0..<shape.count) else {
            throw EngineError("\(op): \(permutation) is not a permutation of the dimensions of shape \(shape)")
        }
    }

    /// The inverse permutation (the gradient's).
    static func inverse(_ permutation: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: permutation.count)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return inverse
    }

    /// Copies `x` into the permuted layout: the output is walked in order, all but its last
    /// dimension by an odometer, the last one as a strided read of the input. Work is split
    /// over the output's rows.
    static func forward(_ x: Tensor, _ permutation: [Int]) -> Tensor {
        precondition(permutation.count == x.rank && permutation.sorted() == Array(0..<x.rank),
                     "Transposition.forward: \(permutation) for shape \(x.shape)")
        let shape = x.shape
        let outShape = permutation.map { shape[$0] }
        guard x.count > 0, x.rank > 0 else { return x.viewed(as: outShape) }
        if permutation == Array(0..<x.rank) { return x.viewed(as: outShape) }
        var strides = [Int](repeating: 1, count: shape.count)
        for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        let readStrides = permutation.map { strides[$0] }
        let rank = outShape.count
        let inner = outShape[rank - 1], innerStride = readStrides[rank - 1]
        let rows = x.count / inner
        return x.withBaseAddress { src in
            Tensor(uninitialized: outShape, pointer: { dst in
                let (s, d) = (UncheckedSendable(src), UncheckedSendable(dst))
                Parallel.forEachChunk(rows, costPerItem: inner) { range in
                    // Odometer over the output's leading dimensions, started at the chunk's row.
                    var index = [Int](repeating: 0, count: max(rank - 1, 1))
                    var rest = range.lowerBound, offset = 0
                    for dim in stride(from: rank - 2, through: 0, by: -1) {
                        index[dim] = rest % outShape[dim]
                        rest /= outShape[dim]
                        offset += index[dim] * readStrides[dim]
                    }
                    for row in range {
                        let from = s.value + offset, to = d.value + row * inner
                        for i in 0..<inner { to[i] = from[i * innerStride] }
                        var dim = rank - 2
                        while dim >= 0 {
                            index[dim] += 1
                            offset += readStrides[dim]
                            if index[dim] < outShape[dim] { break }
                            offset -= index[dim] * readStrides[dim]
                            index[dim] = 0
                            dim -= 1
                        }
                    }
                }
            })
        }
    }
}

extension Tensor {
    /// The dimensions permuted: output dimension `i` is dimension `permutation[i]` of `self`
    /// (`[1, 0]` transposes a matrix, `[0, 2, 3, 1]` turns NCHW into NHWC); throws when
    /// `permutation` is not a permutation of the dimensions.
    public func transposed(_ permutation: [Int]) throws -> Tensor {
        try Transposition.check(shape, permutation)
        return Transposition.forward(self, permutation)
    }
}
