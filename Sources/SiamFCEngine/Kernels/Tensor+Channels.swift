/// Copies along the channel dimension of NCHW tensors.
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
        return Tensor(uninitialized: [n, total, first.shape[2], first.shape[3]], pointer: { dst in
            var offset = 0
            for p in parts {
                let c = p.shape[1]
                p.withBaseAddress { src in
                    for b in 0..<n {
                        (dst + (b * total + offset) * plane).update(from: src + b * c * plane, count: c * plane)
                    }
                }
                offset += c
            }
        })
    }

    /// Channels `channels` of an NCHW tensor: one part of a channel concatenation.
    func channels(_ channels: Range<Int>) -> Tensor {
        precondition(rank == 4 && channels.lowerBound >= 0 && channels.upperBound <= shape[1],
                     "Tensor.channels: channels \(channels) of shape \(shape)")
        let (n, total, plane, c) = (shape[0], shape[1], shape[2] * shape[3], channels.count)
        return withBaseAddress { src in
            Tensor(uninitialized: [n, c, shape[2], shape[3]], pointer: { dst in
                for b in 0..<n {
                    (dst + b * c * plane).update(from: src + (b * total + channels.lowerBound) * plane, count: c * plane)
                }
            })
        }
    }
}
