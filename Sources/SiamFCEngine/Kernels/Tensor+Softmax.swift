#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// Softmax along one axis of a tensor seen as `[outer, axis, inner]` (for NCHW and axis 1:
/// over the channels at every pixel), numerically stable: the maximum along the axis is
/// subtracted before `exp`. Work is split over (outer index, block of inner positions), and each
/// block runs along the axis with contiguous inner rows.
enum Softmax {
    /// Inner positions per task.
    static let block = 256

    /// `[outer, axis, inner]` for `shape` and `axis` (negative counts from the end).
    static func layout(_ shape: [Int], axis: Int, op: String) throws -> (outer: Int, size: Int, inner: Int) {
        let resolved = axis < 0 ? axis + shape.count : axis
        guard resolved >= 0, resolved < shape.count else {
            throw EngineError("\(op): axis \(axis) is out of range for shape \(shape)")
        }
        return (shape[..<resolved].reduce(1, *), shape[resolved], shape[(resolved + 1)...].reduce(1, *))
    }

    static func forward(_ x: Tensor, outer: Int, size: Int, inner: Int) -> Tensor {
        precondition(outer * size * inner == x.count, "Softmax.forward: \(outer)x\(size)x\(inner) for shape \(x.shape)")
        let blocks = (inner + block - 1) / block
        return x.withBaseAddress { xb in
            Tensor(uninitialized: x.shape, pointer: { yb in
                let (xs, ys) = (UncheckedSendable(xb), UncheckedSendable(yb))
                Parallel.forEachChunk(outer * blocks, costPerItem: 8 * size * min(inner, block)) { range in
                    let scratch = ScratchBuffer(count: 2 * block)
                    let (largest, total) = (scratch.pointer, scratch.pointer + block)
                    for task in range {
                        let o = task / blocks, start = (task % blocks) * block
                        let width = min(block, inner - start)
                        let src = xs.value + o * size * inner + start, dst = ys.value + o * size * inner + start
                        for i in 0..<width { largest[i] = -.infinity; total[i] = 0 }
                        for c in 0..<size {
                            let row = src + c * inner
                            for i in 0..<width { largest[i] = Swift.max(largest[i], row[i]) }
                        }
                        for c in 0..<size {
                            let row = src + c * inner, out = dst + c * inner
                            for i in 0..<width {
                                let e = expf(row[i] - largest[i])
                                out[i] = e
                                total[i] += e
                            }
                        }
                        for i in 0..<width { total[i] = 1 / total[i] }
                        for c in 0..<size {
                            let out = dst + c * inner
                            for i in 0..<width { out[i] *= total[i] }
                        }
                    }
                }
            })
        }
    }

    /// `dx = y · (dy − Σ_axis dy · y)` for the softmax output `y`.
    static func backward(_ y: Tensor, _ dy: Tensor, outer: Int, size: Int, inner: Int) -> Tensor {
        precondition(y.shape == dy.shape && outer * size * inner == y.count,
                     "Softmax.backward: output \(y.shape), gradient \(dy.shape)")
        let blocks = (inner + block - 1) / block
        return y.withBaseAddress { yb in
            dy.withBaseAddress { gyb in
                Tensor(uninitialized: y.shape, pointer: { gxb in
                    let (ys, gys, gxs) = (UncheckedSendable(yb), UncheckedSendable(gyb), UncheckedSendable(gxb))
                    Parallel.forEachChunk(outer * blocks, costPerItem: 4 * size * min(inner, block)) { range in
                        let scratch = ScratchBuffer(count: block)
                        let dot = scratch.pointer
                        for task in range {
                            let o = task / blocks, start = (task % blocks) * block
                            let width = min(block, inner - start)
                            let base = o * size * inner + start
                            for i in 0..<width { dot[i] = 0 }
                            for c in 0..<size {
                                let yRow = ys.value + base + c * inner, gRow = gys.value + base + c * inner
                                for i in 0..<width { dot[i] += yRow[i] * gRow[i] }
                            }
                            for c in 0..<size {
                                let yRow = ys.value + base + c * inner, gRow = gys.value + base + c * inner
                                let out = gxs.value + base + c * inner
                                for i in 0..<width { out[i] = yRow[i] * (gRow[i] - dot[i]) }
                            }
                        }
                    }
                })
            }
        }
    }
}

extension Tensor {
    /// Softmax along `axis` (default 1: the channels of NCHW), with the maximum subtracted
    /// first so that large inputs do not overflow; throws when the axis is out of range.
    public func softmax(axis: Int = 1) throws -> Tensor {
        let (outer, size, inner) = try Softmax.layout(shape, axis: axis, op: "softmax")
        return Softmax.forward(self, outer: outer, size: size, inner: inner)
    }
}
