/// The SiamFC head: slides exemplar features over search features and sums over channels,
/// times `scale` (SiamFC uses 0.001).
///
/// `search` is `[N, C, H, W]`; `exemplar` is `[1, C, h, w]` (one target against N search
/// regions, as in tracking at several scales) or `[N, C, h, w]` (pairs, as in training).
/// The result is `[N, 1, H - h + 1, W - w + 1]`.
public func crossCorrelation(search: Variable, exemplar: Variable, scale: Float = 1) throws -> Variable {
    let y = try Tensor.crossCorrelation(search: search.value, exemplar: exemplar.value, scale: scale)
    return Variable(y, inputs: [search, exemplar]) { dy, inputs in
        let (x, z) = (inputs[0], inputs[1])
        var scaled = dy
        scaled.scale(by: scale)
        let n = x.shape[0]
        if z.shape[0] == 1 {
            // One exemplar: a convolution whose weight is the exemplar.
            guard let g = try? ConvolutionGeometry(input: x.shape, weight: z.shape, stride: 1, padding: 0, groups: 1) else { return }
            let grads = Convolution.backward(g, input: x.value, weight: z.value, dy: scaled,
                                             needInput: x.requiresGrad, needWeight: z.requiresGrad, needBias: false)
            if let d = grads.input { x.accumulate(d) }
            if let d = grads.weight { z.accumulate(d) }
            return
        }
        var dx = x.requiresGrad ? Tensor(zeros: x.shape) : nil
        var dz = z.requiresGrad ? Tensor(zeros: z.shape) : nil
        for i in 0..<n {
            let xi = x.value.batchItem(i), zi = z.value.batchItem(i), gi = scaled.batchItem(i)
            guard let g = try? ConvolutionGeometry(input: xi.shape, weight: zi.shape, stride: 1, padding: 0, groups: 1) else { return }
            let grads = Convolution.backward(g, input: xi, weight: zi, dy: gi, needInput: dx != nil, needWeight: dz != nil, needBias: false)
            if let d = grads.input { dx?.setBatchItem(i, d) }
            if let d = grads.weight { dz?.setBatchItem(i, d) }
        }
        if let dx { x.accumulate(dx) }
        if let dz { z.accumulate(dz) }
    }
}

extension Tensor {
    public static func crossCorrelation(search: Tensor, exemplar: Tensor, scale: Float = 1) throws -> Tensor {
        guard search.rank == 4, exemplar.rank == 4, search.shape[1] == exemplar.shape[1],
              exemplar.shape[0] == 1 || exemplar.shape[0] == search.shape[0]
        else {
            throw EngineError("crossCorrelation: exemplar \(exemplar.shape) does not fit search \(search.shape)")
        }
        var y: Tensor
        if exemplar.shape[0] == 1 {
            y = try search.conv2d(weight: exemplar)
        } else {
            let parts = try (0..<search.shape[0]).map { i in
                try search.batchItem(i).conv2d(weight: exemplar.batchItem(i))
            }
            y = try Tensor.concatBatch(parts)
        }
        if scale != 1 { y.scale(by: scale) }
        return y
    }

    /// Item `i` of the batch dimension, as a tensor with batch 1.
    public func batchItem(_ i: Int) -> Tensor {
        let size = count / max(shape[0], 1)
        return withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: [1] + shape.dropFirst()) { dst in
                dst.baseAddress!.update(from: src.baseAddress! + i * size, count: size)
            }
        }
    }

    mutating func setBatchItem(_ i: Int, _ item: Tensor) {
        let size = count / max(shape[0], 1)
        withUnsafeMutableBufferPointer { dst in
            item.withUnsafeBufferPointer { src in
                (dst.baseAddress! + i * size).update(from: src.baseAddress!, count: size)
            }
        }
    }

    /// Stacks batch-1 (or larger) tensors with equal trailing shapes along the batch dimension.
    public static func concatBatch(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw EngineError("concatBatch: no tensors") }
        let tail = Array(first.shape.dropFirst())
        for p in parts where Array(p.shape.dropFirst()) != tail {
            throw EngineError("concatBatch: shape \(p.shape) does not match \(first.shape)")
        }
        let total = parts.reduce(0) { $0 + $1.shape[0] }
        return Tensor(uninitializedShape: [total] + tail) { dst in
            var offset = 0
            for p in parts {
                p.withUnsafeBufferPointer { src in
                    (dst.baseAddress! + offset).update(from: src.baseAddress!, count: src.count)
                }
                offset += p.count
            }
        }
    }
}
