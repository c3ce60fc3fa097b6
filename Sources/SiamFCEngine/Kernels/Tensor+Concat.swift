/// Joining tensors along any axis (ONNX `Concat`); ``concatChannels(_:)`` is the NCHW case.
extension Tensor {
    /// The parts joined along `axis` (0 ..< rank); every other dimension must agree.
    public static func concatenated(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first, axis >= 0, axis < first.rank else {
            throw EngineError("concat: axis \(axis) for \(parts.first?.shape.description ?? "no inputs")")
        }
        var total = 0
        for p in parts {
            guard p.rank == first.rank,
                  p.shape.indices.allSatisfy({ $0 == axis || p.shape[$0] == first.shape[$0] }) else {
                throw EngineError("concat: shape \(p.shape) does not match \(first.shape) outside axis \(axis)")
            }
            total += p.shape[axis]
        }
        var shape = first.shape
        shape[axis] = total
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        return Tensor(uninitialized: shape, pointer: { dst in
            var offset = 0
            for p in parts {
                let chunk = p.shape[axis] * inner
                p.withBaseAddress { src in
                    for o in 0..<outer where chunk > 0 {
                        (dst + o * total * inner + offset).update(from: src + o * chunk, count: chunk)
                    }
                }
                offset += chunk
            }
        })
    }
}
