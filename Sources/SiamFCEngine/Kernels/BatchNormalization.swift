import SiamFCSupport

/// The computations of batch normalisation over the channels of an NCHW tensor: statistics,
/// normalisation, scale and shift, and the gradients. Each runs in parallel over channels (or
/// planes) with every channel's arithmetic in a fixed order, so results do not depend on the
/// number of cores.
enum BatchNormalization {
    /// Per-channel mean and `1/√(σ² + ε)`.
    struct Statistics {
        var mean: [Float]
        var invStd: [Float]
    }

    /// The statistics of the batch `x` (biased variance, from sums in Double), and the
    /// running averages moved towards them as PyTorch does:
    /// `running = (1 - momentum) * running + momentum * batch`, with the unbiased variance.
    static func batchStatistics(_ x: Tensor, runningMean: inout Tensor, runningVar: inout Tensor,
                                momentum: Float, epsilon: Float) -> Statistics {
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        precondition(runningMean.shape == [c] && runningVar.shape == [c] && n * plane >= 2,
                     "BatchNormalization: running statistics \(runningMean.shape), \(runningVar.shape) for input \(x.shape)")
        let m = n * plane
        var mean = [Float](repeating: 0, count: c), invStd = [Float](repeating: 0, count: c)
        x.withBaseAddress { src in
            runningMean.withMutableBaseAddress { runningMean in
                runningVar.withMutableBaseAddress { runningVar in
                    mean.withUnsafeMutableBufferPointer { meanOut in
                        invStd.withUnsafeMutableBufferPointer { invStdOut in
                            let pointers = UncheckedSendable((src, runningMean, runningVar, meanOut, invStdOut))
                            Parallel.forEachChunk(c, costPerItem: 4 * m) { channels in
                                let (src, runningMean, runningVar, meanOut, invStdOut) = pointers.value
                                for ch in channels {
                                    // One pass of sums and sums of squares in Double, four lanes
                                    // at a time: exact enough for any activations a network has.
                                    var sums = SIMD4<Double>(repeating: 0), squareSums = SIMD4<Double>(repeating: 0)
                                    var total: Double = 0, totalSquares: Double = 0
                                    for b in 0..<n {
                                        let row = src + (b * c + ch) * plane
                                        var i = 0
                                        while i + 4 <= plane {
                                            let v = SIMD4<Double>(Double(row[i]), Double(row[i + 1]), Double(row[i + 2]), Double(row[i + 3]))
                                            sums += v
                                            squareSums += v * v
                                            i += 4
                                        }
                                        while i < plane {
                                            let v = Double(row[i])
                                            total += v
                                            totalSquares += v * v
                                            i += 1
                                        }
                                    }
                                    total += sums.sum()
                                    let mu = total / Double(m)
                                    let squares = max(0, totalSquares + squareSums.sum() - total * mu)
                                    let variance = squares / Double(m)
                                    meanOut[ch] = Float(mu)
                                    invStdOut[ch] = Float(1 / (variance + Double(epsilon)).squareRoot())
                                    runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * Float(mu)
                                    runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * Float(squares / Double(m - 1))
                                }
                            }
                        }
                    }
                }
            }
        }
        return Statistics(mean: mean, invStd: invStd)
    }

    /// The running statistics, as evaluation uses them.
    static func runningStatistics(runningMean: Tensor, runningVar: Tensor, epsilon: Float) -> Statistics {
        precondition(runningMean.shape == runningVar.shape, "BatchNormalization: running statistics \(runningMean.shape), \(runningVar.shape)")
        let mean = runningMean.scalars, variance = runningVar.scalars
        return Statistics(mean: mean, invStd: variance.map { 1 / ($0 + epsilon).squareRoot() })
    }

    /// `(x − μ) / √(σ² + ε)` per channel.
    static func normalize(_ x: Tensor, _ statistics: Statistics) -> Tensor {
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        precondition(statistics.mean.count == c && statistics.invStd.count == c,
                     "BatchNormalization: \(statistics.mean.count) statistics for input \(x.shape)")
        return x.withBaseAddress { src in
            Tensor(uninitialized: x.shape, pointer: { dst in
                let pointers = UncheckedSendable((src, dst))
                Parallel.forEachChunk(n * c, costPerItem: plane) { planes in
                    let (src, dst) = pointers.value
                    for bc in planes {
                        let offset = bc * plane, ch = bc % c
                        let (mu, s) = (statistics.mean[ch], statistics.invStd[ch])
                        for i in 0..<plane { dst[offset + i] = (src[offset + i] - mu) * s }
                    }
                }
            })
        }
    }

    /// `x̂ · γ + β` per channel.
    static func scaleAndShift(_ normalized: Tensor, gamma: Tensor, beta: Tensor) -> Tensor {
        let (n, c, plane) = (normalized.shape[0], normalized.shape[1], normalized.shape[2] * normalized.shape[3])
        precondition(gamma.shape == [c] && beta.shape == [c], "BatchNormalization: γ \(gamma.shape), β \(beta.shape) for \(c) channels")
        return normalized.withBaseAddress { xhat in
            gamma.withBaseAddress { g in
                beta.withBaseAddress { bt in
                    Tensor(uninitialized: normalized.shape, pointer: { dst in
                        let pointers = UncheckedSendable((xhat, g, bt, dst))
                        Parallel.forEachChunk(n * c, costPerItem: plane) { planes in
                            let (xhat, g, bt, dst) = pointers.value
                            for bc in planes {
                                let offset = bc * plane, ch = bc % c
                                let (scale, shift) = (g[ch], bt[ch])
                                for i in 0..<plane { dst[offset + i] = xhat[offset + i] * scale + shift }
                            }
                        }
                    })
                }
            }
        }
    }

    /// Per-channel `Σ dy` and `Σ dy · x̂`: the gradients of β and γ, and terms of the input's.
    static func gradientSums(_ dy: Tensor, normalized: Tensor) -> (dy: [Double], dyNormalized: [Double]) {
        precondition(dy.shape == normalized.shape, "BatchNormalization: gradient \(dy.shape) for output \(normalized.shape)")
        let (n, c, plane) = (dy.shape[0], dy.shape[1], dy.shape[2] * dy.shape[3])
        var sumDy = [Double](repeating: 0, count: c)
        var sumDyXhat = [Double](repeating: 0, count: c)
        dy.withBaseAddress { gy in
            normalized.withBaseAddress { xhat in
                sumDy.withUnsafeMutableBufferPointer { sumDy in
                    sumDyXhat.withUnsafeMutableBufferPointer { sumDyXhat in
                        let pointers = UncheckedSendable((gy, xhat, sumDy, sumDyXhat))
                        Parallel.forEachChunk(c, costPerItem: 2 * n * plane) { channels in
                            let (gy, xhat, sumDy, sumDyXhat) = pointers.value
                            for ch in channels {
                                for b in 0..<n {
                                    let offset = (b * c + ch) * plane
                                    // Eight lanes per sum, added in a fixed order.
                                    var s = SIMD8<Float>(repeating: 0), sx = SIMD8<Float>(repeating: 0)
                                    var tail: Float = 0, tailX: Float = 0
                                    var i = 0
                                    while i + 8 <= plane {
                                        let g = UnsafeRawPointer(gy + offset + i).loadUnaligned(as: SIMD8<Float>.self)
                                        let x = UnsafeRawPointer(xhat + offset + i).loadUnaligned(as: SIMD8<Float>.self)
                                        s += g
                                        sx += g * x
                                        i += 8
                                    }
                                    while i < plane {
                                        tail += gy[offset + i]
                                        tailX += gy[offset + i] * xhat[offset + i]
                                        i += 1
                                    }
                                    sumDy[ch] += Double(s.sum() + tail)
                                    sumDyXhat[ch] += Double(sx.sum() + tailX)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (sumDy, sumDyXhat)
    }

    /// The input gradient. In training the batch statistics depend on the input too, which
    /// adds the two mean terms; in evaluation they are constants.
    static func inputGradient(_ dy: Tensor, normalized: Tensor, gamma: Tensor, invStd: [Float],
                              sums: (dy: [Double], dyNormalized: [Double]), training: Bool) -> Tensor {
        let (n, c, plane) = (dy.shape[0], dy.shape[1], dy.shape[2] * dy.shape[3])
        precondition(dy.shape == normalized.shape && gamma.shape == [c] && invStd.count == c,
                     "BatchNormalization: gradient \(dy.shape), γ \(gamma.shape) for output \(normalized.shape)")
        let m = n * plane
        return dy.withBaseAddress { gy in
            normalized.withBaseAddress { xhat in
                gamma.withBaseAddress { g in
                    Tensor(uninitialized: dy.shape, pointer: { dst in
                        let pointers = UncheckedSendable((gy, xhat, g, dst))
                        Parallel.forEachChunk(c, costPerItem: 3 * n * plane) { channels in
                            let (gy, xhat, g, dst) = pointers.value
                            for ch in channels {
                                let scale = g[ch] * invStd[ch]
                                let meanDy = training ? Float(sums.dy[ch] / Double(m)) : 0
                                let meanDyXhat = training ? Float(sums.dyNormalized[ch] / Double(m)) : 0
                                for b in 0..<n {
                                    let offset = (b * c + ch) * plane
                                    for i in 0..<plane {
                                        dst[offset + i] = scale * (gy[offset + i] - meanDy - xhat[offset + i] * meanDyXhat)
                                    }
                                }
                            }
                        }
                    })
                }
            }
        }
    }
}
