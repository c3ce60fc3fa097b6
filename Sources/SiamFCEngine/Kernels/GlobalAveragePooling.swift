import CKernels
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

    /// The means of `planes` consecutive planes of `count` floats each (`out[p]`), every sum
    /// added one after the other from zero: OpenCV 5's dnn order (a sum in partial lanes rounds
    /// differently, and NanoTrack's boxes follow OpenCV's only with its network outputs to the
    /// bit).
    static func means(_ x: UnsafePointer<Float>, planes: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        sfc_plane_means(x, Int32(planes), count, out, 0)
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
