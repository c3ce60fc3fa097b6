import SiamFCSupport

/// The mean of every (image, channel) plane: `[N, C, H, W] → [N, C, 1, 1]` (squeeze-and-
/// excitation blocks, ONNX GlobalAveragePool), and its gradient.
enum GlobalAveragePooling {
    static func check(_ shape: [Int], op: String) throws {
        guard shape.count == 4 else { throw EngineError("\(op): input must be NCHW, got shape \(shape)") }
        guard shape[2] > 0 && shape[3] > 0 else { throw EngineError("\(op): empty planes in shape \(shape)") }
    }

    static func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[2] * x.shape[3] > 0, "GlobalAveragePooling.forward: shape \(x.shape)")
        let (planes, plane) = (x.shape[0] * x.shape[1], x.shape[2] * x.shape[3])
        return x.withBaseAddress { xb in
            Tensor(uninitialized: [x.shape[0], x.shape[1], 1, 1], pointer: { yb in
                let (xs, ys) = (UncheckedSendable(xb), UncheckedSendable(yb))
                Parallel.forEachChunk(planes, costPerItem: plane) { range in
                    for p in range {
                        ys.value[p] = sum(xs.value + p * plane, count: plane) / Float(plane)
                    }
                }
            })
        }
    }

    /// The sum of `count` floats in 16 interleaved partial sums (element i goes to sum i mod 16),
    /// added pairwise at the end: vectorizable, and the same order on every run.
    @inline(__always)
    static func sum(_ row: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            acc += UnsafeRawPointer(row + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var total = acc.sum()
        while i < count { total += row[i]; i += 1 }
        return total
    }

    /// Every element of a plane gets `dy / (H·W)`.
    static func backward(_ dy: Tensor, inputShape shape: [Int]) -> Tensor {
        precondition(shape.count == 4 && dy.count == shape[0] * shape[1], "GlobalAveragePooling.backward: \(dy.shape) for \(shape)")
        let (planes, plane) = (shape[0] * shape[1], shape[2] * shape[3])
        return dy.withBaseAddress { gyb in
            Tensor(uninitialized: shape, pointer: { gxb in
                let (gys, gxs) = (UncheckedSendable(gyb), UncheckedSendable(gxb))
                Parallel.forEachChunk(planes, costPerItem: plane) { range in
                    for p in range { (gxs.value + p * plane).update(repeating: gys.value[p] / Float(plane), count: plane) }
                }
            })
        }
    }
}

extension Tensor {
    /// The mean of every (image, channel) plane: `[N, C, H, W] → [N, C, 1, 1]`; throws for
    /// other ranks or empty planes.
    public func globalAveragePool() throws -> Tensor {
        try GlobalAveragePooling.check(shape, op: "globalAveragePool")
        return GlobalAveragePooling.forward(self)
    }
}
