/// Indexing along one axis (ONNX `Gather`).
extension Tensor {
    /// The slices at `indices` (of shape `indexShape`, values in 0 ..< shape[axis]) along
    /// `axis`: the result's shape is `shape[..<axis] + indexShape + shape[(axis+1)...]`.
    public func gathered(indices: [Int], indexShape: [Int], axis: Int) throws -> Tensor {
        guard axis >= 0, axis < rank else { throw EngineError("gather: axis \(axis) for shape \(shape)") }
        guard indexShape.allSatisfy({ $0 >= 0 }), indexShape.reduce(1, *) == indices.count else {
            throw EngineError("gather: \(indices.count) indices for index shape \(indexShape)")
        }
        for i in indices where i < 0 || i >= shape[axis] {
            throw EngineError("gather: index \(i) outside dimension \(axis) of \(shape)")
        }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), size = shape[axis]
        let out = Array(shape[..<axis]) + indexShape + Array(shape[(axis + 1)...])
        return withBaseAddress { src in
            Tensor(uninitialized: out, pointer: { dst in
                guard inner > 0 else { return }
                for o in 0..<outer {
                    for (j, i) in indices.enumerated() {
                        (dst + (o * indices.count + j) * inner).update(from: src + (o * size + i) * inner, count: inner)
                    }
                }
            })
        }
    }
}
