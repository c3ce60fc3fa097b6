/// The same values under a new shape (one dimension may be -1).
public func reshape(_ x: Variable, _ shape: [Int]) throws -> Variable {
    let y = try x.value.reshaped(shape)
    let original = x.shape
    return Variable(y, inputs: [x]) { dy, inputs in
        if let d = try? dy.reshaped(original) { inputs[0].accumulate(d) }
    }
}

/// `[N, ...] -> [N, product of the rest]`.
public func flatten(_ x: Variable) throws -> Variable {
    guard let n = x.shape.first else { throw EngineError("flatten: needs at least one dimension") }
    return try reshape(x, [n, n == 0 ? 0 : x.value.count / n])
}

/// Concatenates NCHW tensors along channels; all other dimensions must agree.
public func concatChannels(_ parts: [Variable]) throws -> Variable {
    let y = try Tensor.concatChannels(parts.map(\.value))
    let channels = parts.map { $0.shape[1] }
    return Variable(y, inputs: parts) { dy, inputs in
        let n = dy.shape[0], plane = dy.shape[2] * dy.shape[3], total = dy.shape[1]
        var offset = 0
        for (input, c) in zip(inputs, channels) {
            defer { offset += c }
            guard input.requiresGrad else { continue }
            let part = dy.withUnsafeBufferPointer { src in
                Tensor(uninitializedShape: input.shape) { dst in
                    for b in 0..<n {
                        (dst.baseAddress! + b * c * plane).update(
                            from: src.baseAddress! + (b * total + offset) * plane, count: c * plane)
                    }
                }
            }
            input.accumulate(part)
        }
    }
}

extension Tensor {
    public static func concatChannels(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first, first.rank == 4 else {
            throw EngineError("concatChannels: needs one or more NCHW tensors")
        }
        for p in parts where p.rank != 4 || p.shape[0] != first.shape[0] || p.shape[2] != first.shape[2] || p.shape[3] != first.shape[3] {
            throw EngineError("concatChannels: shape \(p.shape) does not match \(first.shape) outside channels")
        }
        let n = first.shape[0], plane = first.shape[2] * first.shape[3]
        let total = parts.reduce(0) { $0 + $1.shape[1] }
        return Tensor(uninitializedShape: [n, total, first.shape[2], first.shape[3]]) { dst in
            var offset = 0
            for p in parts {
                let c = p.shape[1]
                p.withUnsafeBufferPointer { src in
                    for b in 0..<n {
                        (dst.baseAddress! + (b * total + offset) * plane).update(
                            from: src.baseAddress! + b * c * plane, count: c * plane)
                    }
                }
                offset += c
            }
        }
    }
}
