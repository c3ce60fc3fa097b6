import SiamFCSupport

/// `x[n, c, :, :] · s[n, c]`: every plane of an NCHW tensor times one factor (the excitation of
/// a squeeze-and-excitation block, `[N, C, H, W] × [N, C, 1, 1]`), and its gradients.
enum ChannelScaling {
    static func check(_ x: [Int], _ s: [Int], op: String) throws {
        guard x.count == 4, s == [x[0], x[1], 1, 1] else {
            throw EngineError("\(op): scale shape \(s) is not [N, C, 1, 1] for input \(x)")
        }
    }

    static func forward(_ x: Tensor, _ s: Tensor) -> Tensor {
        precondition(x.rank == 4 && s.count == x.shape[0] * x.shape[1], "ChannelScaling.forward: \(x.shape) × \(s.shape)")
        let (planes, plane) = (x.shape[0] * x.shape[1], x.shape[2] * x.shape[3])
        return x.withBaseAddress { xb in
            s.withBaseAddress { sb in
                Tensor(uninitialized: x.shape, pointer: { yb in
                    let (xs, ss, ys) = (UncheckedSendable(xb), UncheckedSendable(sb), UncheckedSendable(yb))
                    Parallel.forEachChunk(planes, costPerItem: plane) { range in
                        for p in range {
                            let factor = ss.value[p], src = xs.value + p * plane, dst = ys.value + p * plane
                            for i in 0..<plane { dst[i] = src[i] * factor }
                        }
                    }
                })
            }
        }
    }

    /// `ds[n, c] = Σ dy[n, c, :, :] · x[n, c, :, :]`, shaped `[N, C, 1, 1]`.
    static func scaleGradient(_ dy: Tensor, input x: Tensor) -> Tensor {
        precondition(dy.shape == x.shape && x.rank == 4, "ChannelScaling.scaleGradient: \(dy.shape) for \(x.shape)")
        let (planes, plane) = (x.shape[0] * x.shape[1], x.shape[2] * x.shape[3])
        return x.withBaseAddress { xb in
            dy.withBaseAddress { gyb in
                Tensor(uninitialized: [x.shape[0], x.shape[1], 1, 1], pointer: { gsb in
                    let (xs, gys, gss) = (UncheckedSendable(xb), UncheckedSendable(gyb), UncheckedSendable(gsb))
                    Parallel.forEachChunk(planes, costPerItem: 2 * plane) { range in
                        for p in range {
                            var total: Float = 0
                            for i in 0..<plane { total += gys.value[p * plane + i] * xs.value[p * plane + i] }
                            gss.value[p] = total
                        }
                    }
                })
            }
        }
    }
}

extension Tensor {
    /// Every plane times its factor: `[N, C, H, W] × [N, C, 1, 1]` (squeeze-and-excitation);
    /// throws when `scale` is not `[N, C, 1, 1]`.
    public func scalingChannels(by scale: Tensor) throws -> Tensor {
        try ChannelScaling.check(shape, scale.shape, op: "scaleChannels")
        return ChannelScaling.forward(self, scale)
    }
}
