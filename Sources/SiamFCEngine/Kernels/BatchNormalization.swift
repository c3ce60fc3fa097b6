/// The computations of batch normalisation over the channels of an NCHW tensor: statistics,
/// normalisation, scale and shift, and the gradients.
enum BatchNormalization {
    /// Per-channel mean and `1/√(σ² + ε)`.
    struct Statistics {
        var mean: [Float]
        var invStd: [Float]
    }

    /// The statistics of the batch `x` (biased variance, accumulated in Double), and the
    /// running averages moved towards them as PyTorch does:
    /// `running = (1 - momentum) * running + momentum * batch`, with the unbiased variance.
    static func batchStatistics(_ x: Tensor, runningMean: inout Tensor, runningVar: inout Tensor,
                                momentum: Float, epsilon: Float) -> Statistics {
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        precondition(runningMean.shape == [c] && runningVar.shape == [c] && n * plane >= 2,
                     "BatchNormalization: running statistics \(runningMean.shape), \(runningVar.shape) for input \(x.shape)")
        let m = n * plane
        var statistics = Statistics(mean: [Float](repeating: 0, count: c), invStd: [Float](repeating: 0, count: c))
        x.withBaseAddress { src in
            runningMean.withMutableBaseAddress { runningMean in
                runningVar.withMutableBaseAddress { runningVar in
                    for ch in 0..<c {
                        var total: Double = 0
                        for b in 0..<n {
                            let row = src + (b * c + ch) * plane
                            for i in 0..<plane { total += Double(row[i]) }
                        }
                        let mu = total / Double(m)
                        var squares: Double = 0
                        for b in 0..<n {
                            let row = src + (b * c + ch) * plane
                            for i in 0..<plane {
                                let d = Double(row[i]) - mu
                                squares += d * d
                            }
                        }
                        let variance = squares / Double(m)
                        statistics.mean[ch] = Float(mu)
                        statistics.invStd[ch] = Float(1 / (variance + Double(epsilon)).squareRoot())
                        runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * Float(mu)
                        runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * Float(squares / Double(m - 1))
                    }
                }
            }
        }
        return statistics
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
                for b in 0..<n {
                    for ch in 0..<c {
                        let offset = (b * c + ch) * plane
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
                        for b in 0..<n {
                            for ch in 0..<c {
                                let offset = (b * c + ch) * plane
                                for i in 0..<plane { dst[offset + i] = xhat[offset + i] * g[ch] + bt[ch] }
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
                for b in 0..<n {
                    for ch in 0..<c {
                        let offset = (b * c + ch) * plane
                        var s: Float = 0, sx: Float = 0
                        for i in 0..<plane {
                            s += gy[offset + i]
                            sx += gy[offset + i] * xhat[offset + i]
                        }
                        sumDy[ch] += Double(s)
                        sumDyXhat[ch] += Double(sx)
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
                        for ch in 0..<c {
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
                    })
                }
            }
        }
    }
}
