/// Copies along the batch dimension.
extension Tensor {
    /// Item `i` of the batch dimension, as a tensor with batch 1.
    public func batchItem(_ i: Int) -> Tensor {
        precondition(rank >= 1 && i >= 0 && i < shape[0], "Tensor.batchItem: item \(i) of shape \(shape)")
        let size = count / shape[0]
        return withBaseAddress { src in
            Tensor(uninitialized: [1] + shape.dropFirst(), pointer: { dst in
                dst.update(from: src + i * size, count: size)
            })
        }
    }

    /// Overwrites item `i` of the batch dimension with `item`, a tensor with batch 1.
    mutating func setBatchItem(_ i: Int, _ item: Tensor) {
        precondition(rank >= 1 && i >= 0 && i < shape[0] && item.shape == [1] + shape.dropFirst(),
                     "Tensor.setBatchItem: item \(i) of shape \(item.shape) into shape \(shape)")
        let size = item.count
        withMutableBaseAddress { dst in
            item.withBaseAddress { src in (dst + i * size).update(from: src, count: size) }
        }
    }

    /// Stacks batch-1 (or larger) tensors with equal trailing shapes along the batch dimension.
    public static func concatBatch(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw EngineError("concatBatch: no tensors") }
        let tail = Array(first.shape.dropFirst())
        for p in parts where p.rank == 0 || Array(p.shape.dropFirst()) != tail {
            throw EngineError("concatBatch: shape \(p.shape) does not match \(first.shape)")
        }
        let total = parts.reduce(0) { $0 + $1.shape[0] }
        return Tensor(uninitialized: [total] + tail, pointer: { dst in
            var offset = 0
            for p in parts {
                p.withBaseAddress { src in (dst + offset).update(from: src, count: p.count) }
                offset += p.count
            }
        })
    }
}
