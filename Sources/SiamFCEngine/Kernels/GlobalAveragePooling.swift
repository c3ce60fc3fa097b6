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
                    means(xs.value + range.lowerBound * plane, planes: range.count, count: plane, into: ys.value + range.lowerBound)
                }
            })
        }
    }

    /// The sum of `count` floats added one after the other from zero, OpenCV 5's dnn order (a
    /// sum in partial lanes rounds differently, and NanoTrack's boxes follow OpenCV's only with
    /// its network outputs to the bit).
    @inline(__always)
    static func sum(_ row: UnsafePointer<Float>, count: Int) -> Float {
        var total: Float = 0
        for i in 0..<count { total += row[i] }
        return total
    }

    /// The means of `planes` consecutive planes of `count` floats each (`out[p]`), every sum in
    /// ``sum(_:count:)``'s order; eight planes at a time, so that eight independent additions
    /// hide each one's latency.
    static func means(_ x: UnsafePointer<Float>, planes: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        var p = 0
        while p + 8 <= planes {
            let base = x + p * count
            var acc = SIMD8<Float>()
            for i in 0..<count {
                acc += SIMD8(base[i], base[count + i], base[2 * count + i], base[3 * count + i],
                             base[4 * count + i], base[5 * count + i], base[6 * count + i], base[7 * count + i])
            }
            for l in 0..<8 { out[p + l] = acc[l] / Float(count) }
            p += 8
        }
        while p < planes {
            out[p] = sum(x + p * count, count: count) / Float(count)
            p += 1
        }
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
